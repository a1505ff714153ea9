"""The published versions of the assessments' questions, as data. A version, once published (by a migration that
loads it into ``QuestionSet``), never changes: add a new constant and a migration for the next version.

Each question has a code, the pathway it informs, who answers it (``self``: the person, once, on a kiosk; ``staff``),
a kind (``yes_no``, ``choice`` or ``text``) and its words in English and Welsh. Questions for the person use short,
plain words."""

from __future__ import annotations

from typing import Any

YES_NO = [{"value": "yes", "en": "Yes", "cy": "Ydw"}, {"value": "no", "en": "No", "cy": "Nac ydw"}]
YES_NO_HAVE = [{"value": "yes", "en": "Yes", "cy": "Oes"}, {"value": "no", "en": "No", "cy": "Nac oes"}]

IMMEDIATE_NEEDS_V1: list[dict[str, Any]] = [
    {
        "code": "home_to_go_to",
        "pathway": "accommodation",
        "who": "self",
        "kind": "yes_no",
        "en": "Do you have a home to go to when you leave?",
        "cy": "Oes gennych chi gartref i fynd iddo pan fyddwch chi'n gadael?",
        "choices": YES_NO_HAVE,
    },
    {
        "code": "home_kept",
        "pathway": "accommodation",
        "who": "self",
        "kind": "yes_no",
        "en": "Do you need help to keep your home while you are here?",
        "cy": "Oes angen help arnoch chi i gadw eich cartref tra byddwch chi yma?",
        "choices": YES_NO_HAVE,
    },
    {
        "code": "children",
        "pathway": "family",
        "who": "self",
        "kind": "yes_no",
        "en": "Do you look after children?",
        "cy": "Ydych chi'n gofalu am blant?",
        "choices": YES_NO,
    },
    {
        "code": "bank_account",
        "pathway": "finance_id",
        "who": "self",
        "kind": "yes_no",
        "en": "Do you have a bank account?",
        "cy": "Oes gennych chi gyfrif banc?",
        "choices": YES_NO_HAVE,
    },
    {
        "code": "photo_id",
        "pathway": "finance_id",
        "who": "self",
        "kind": "yes_no",
        "en": "Do you have photo ID, like a passport or driving licence?",
        "cy": "Oes gennych chi ddogfen adnabod â llun, fel pasbort neu drwydded yrru?",
        "choices": YES_NO_HAVE,
    },
    {
        "code": "benefits",
        "pathway": "finance_id",
        "who": "self",
        "kind": "yes_no",
        "en": "Did you get benefits before you came in?",
        "cy": "Oeddech chi'n cael budd-daliadau cyn i chi ddod i mewn?",
        "choices": [{"value": "yes", "en": "Yes", "cy": "Oeddwn"}, {"value": "no", "en": "No", "cy": "Nac oeddwn"}],
    },
    {
        "code": "work_before",
        "pathway": "education_work",
        "who": "self",
        "kind": "yes_no",
        "en": "Did you have a job before you came in?",
        "cy": "Oedd gennych chi swydd cyn i chi ddod i mewn?",
        "choices": [{"value": "yes", "en": "Yes", "cy": "Oedd"}, {"value": "no", "en": "No", "cy": "Nac oedd"}],
    },
    {
        "code": "drugs_alcohol_help",
        "pathway": "drugs_alcohol",
        "who": "self",
        "kind": "yes_no",
        "en": "Do you want help with drugs or drink?",
        "cy": "Ydych chi eisiau help gyda chyffuriau neu alcohol?",
        "choices": YES_NO,
    },
    {
        "code": "gp",
        "pathway": "health",
        "who": "self",
        "kind": "yes_no",
        "en": "Do you have a GP outside?",
        "cy": "Oes gennych chi feddyg teulu y tu allan?",
        "choices": YES_NO_HAVE,
    },
    {
        "code": "accommodation_risk",
        "pathway": "accommodation",
        "who": "staff",
        "kind": "choice",
        "en": "Risk of losing accommodation",
        "cy": "Risg o golli llety",
        "choices": [
            {"value": "none", "en": "None known", "cy": "Dim un yn hysbys"},
            {
                "value": "at_risk",
                "en": "At risk: tenancy or rent to arrange",
                "cy": "Mewn perygl: tenantiaeth neu rent i'w drefnu",
            },
            {"value": "no_fixed_abode", "en": "No fixed abode on release", "cy": "Dim cyfeiriad sefydlog wrth ryddhau"},
        ],
    },
    {
        "code": "id_documents",
        "pathway": "finance_id",
        "who": "staff",
        "kind": "text",
        "en": "ID documents held or to apply for",
        "cy": "Dogfennau adnabod sydd ganddynt neu i wneud cais amdanynt",
    },
    {
        "code": "referrals",
        "pathway": "health",
        "who": "staff",
        "kind": "text",
        "en": "Referrals made (healthcare, substance misuse, housing)",
        "cy": "Atgyfeiriadau a wnaed (gofal iechyd, camddefnyddio sylweddau, tai)",
    },
]

PRE_RELEASE_V1: list[dict[str, Any]] = [
    {
        "code": "address_on_release",
        "pathway": "accommodation",
        "who": "self",
        "kind": "yes_no",
        "en": "Do you know where you will live when you leave?",
        "cy": "Ydych chi'n gwybod ble byddwch chi'n byw pan fyddwch chi'n gadael?",
        "choices": YES_NO,
    },
    {
        "code": "money_first_week",
        "pathway": "finance_id",
        "who": "self",
        "kind": "yes_no",
        "en": "Will you have money for your first week out?",
        "cy": "Fydd gennych chi arian ar gyfer eich wythnos gyntaf allan?",
        "choices": [{"value": "yes", "en": "Yes", "cy": "Bydd"}, {"value": "no", "en": "No", "cy": "Na fydd"}],
    },
    {
        "code": "release_plan",
        "pathway": "attitudes",
        "who": "staff",
        "kind": "text",
        "en": "Release plan agreed with the person",
        "cy": "Cynllun rhyddhau a gytunwyd â'r person",
    },
]

PUBLISHED: dict[tuple[str, int], list[dict[str, Any]]] = {
    ("immediate_needs", 1): IMMEDIATE_NEEDS_V1,
    ("pre_release", 1): PRE_RELEASE_V1,
}
