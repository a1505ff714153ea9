"""The resettlement passport: started with seven pathways and the versioned immediate-needs questions; the resident
answers their part once on a kiosk; staff in the prison see the answers and build on them; nobody else sees it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.core.errors import InvalidInput, InvalidTransition, NotVisible
from throughgate.core.models import AuditEntry
from throughgate.probation.passport import selectors, services
from throughgate.probation.passport.models import (
    Assessment,
    AssessmentKind,
    Pathway,
    PathwayState,
    PathwayStatus,
    QuestionSet,
    TodoItem,
)
from throughgate.probation.passport.question_sets import IMMEDIATE_NEEDS_V1
from throughgate.probation.tests.factories import SELF_ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def mdi():
    return EstablishmentFactory(code="MDI")


def test_a_passport_starts_with_seven_pathways_and_the_latest_question_set(mdi) -> None:
    person = make_resident(mdi)
    staff = make_staff("resettlement", [mdi])
    QuestionSet.objects.create(kind=AssessmentKind.IMMEDIATE_NEEDS, version=2, questions=IMMEDIATE_NEEDS_V1[:2])
    passport = services.passport_ensure(person=person, by=staff)
    assert services.passport_ensure(person=person, by=staff) == passport
    assert sorted(PathwayState.objects.filter(passport=passport).values_list("pathway", flat=True)) == sorted(
        Pathway.values
    )
    assert set(PathwayState.objects.values_list("status", flat=True)) == {PathwayStatus.NOT_STARTED}
    assessment = Assessment.objects.get(passport=passport)
    assert (assessment.kind, assessment.question_set.version) == (AssessmentKind.IMMEDIATE_NEEDS, 2)
    assert AuditEntry.objects.filter(action="probation.passport.started", subject=person.prison_number).count() == 1
    # Version 1 stays as it was published: answers given to it keep their questions.
    assert QuestionSet.objects.get(kind=AssessmentKind.IMMEDIATE_NEEDS, version=1).questions == IMMEDIATE_NEEDS_V1


def test_the_resident_answers_once_on_the_kiosk_and_staff_build_on_it(mdi) -> None:
    person = make_resident(mdi)
    kiosk = sign_in_resident(Client(), person)
    page = kiosk.get(reverse("probation:my_passport"))
    assert page.status_code == 200
    assert "Answer the questions" in page.content.decode()
    url = reverse("probation:my_questions", args=["immediate_needs"])
    form = kiosk.get(url)
    assert form.status_code == 200
    assert "Do you have a bank account?" in form.content.decode()
    assert "Risk of losing accommodation" not in form.content.decode()  # a staff question
    missing = kiosk.post(url, {"home_to_go_to": "no"})
    assert missing.status_code == 400
    assert "bank_account" in missing.context["form"].errors
    assert kiosk.post(url, SELF_ANSWERS).status_code == 302
    done = kiosk.get(url)
    assert "You have told us" in done.content.decode()
    assessment = Assessment.objects.get(passport__person=person)
    assert assessment.self_answers == SELF_ANSWERS
    assert person.user is not None
    with pytest.raises(InvalidTransition):
        services.assessment_answer_self(assessment=assessment, by=person.user, answers={**SELF_ANSWERS, "gp": "no"})
    services.assessment_answer_self(assessment=assessment, by=person.user, answers=SELF_ANSWERS)  # a retry: fine

    staff = make_staff("resettlement", [mdi])
    client = sign_in_staff(Client(), staff)
    passport_url = reverse("probation:passport", args=[person.prison_number])
    html = client.get(passport_url).content.decode()
    assert "Do you have a bank account?" in html
    assert "Answered on the kiosk" in html
    action = reverse("probation:passport_action", args=[person.prison_number, "assessment"])
    bad = client.post(action, {"kind": "immediate_needs", "accommodation_risk": "on_the_moon"})
    assert bad.status_code == 400
    ok = client.post(
        action,
        {
            "kind": "immediate_needs",
            "accommodation_risk": "no_fixed_abode",
            "id_documents": "Birth certificate to apply for",
            "referrals": "",
            "notes": "Housing referral made",
            "complete": "on",
        },
    )
    assert ok.status_code == 302
    assessment.refresh_from_db()
    assert assessment.completed_at is not None
    assert assessment.staff_answers["accommodation_risk"] == "no_fixed_abode"
    assert assessment.self_answers == SELF_ANSWERS  # staff build on the person's answers, never over them
    with pytest.raises(InvalidTransition):
        services.assessment_answer_staff(assessment=assessment, by=staff, answers={}, notes="", complete=False)


def test_pathways_and_the_to_do_list(mdi) -> None:
    person = make_resident(mdi)
    staff = make_staff("resettlement", [mdi])
    passport = services.passport_ensure(person=person, by=staff)
    client = sign_in_staff(Client(), staff)
    statuses = dict.fromkeys(Pathway.values, PathwayStatus.NOT_STARTED)
    statuses[Pathway.ACCOMMODATION] = PathwayStatus.SUPPORT_REQUIRED
    statuses[Pathway.HEALTH] = PathwayStatus.DONE
    url = reverse("probation:passport_action", args=[person.prison_number, "pathways"])
    assert client.post(url, statuses).status_code == 302
    assert PathwayState.objects.get(passport=passport, pathway=Pathway.ACCOMMODATION).status == "support_required"
    assert AuditEntry.objects.filter(action="probation.passport.pathway_updated").count() == 2
    assert client.post(url, {**statuses, "health": "flying"}).status_code == 400
    with pytest.raises(InvalidInput):
        services.pathway_set(passport=passport, by=staff, pathway="space", status="done")

    todo = reverse("probation:passport_action", args=[person.prison_number, "todo"])
    assert client.post(todo, {"key": "k" * 32, "text": "", "pathway": ""}).status_code == 400
    for _retry in range(2):
        assert (
            client.post(todo, {"key": "a" * 32, "text": "Open a bank account", "pathway": "finance_id"}).status_code
            == 302
        )
    item = TodoItem.objects.get()
    assert item.text == "Open a bank account"
    # The resident sees it on the kiosk in plain words.
    kiosk = sign_in_resident(Client(), person)
    html = kiosk.get(reverse("probation:my_passport")).content.decode()
    assert "Open a bank account" in html
    assert "Somewhere to live" in html
    assert "Help needed" in html


def test_nobody_else_sees_the_passport(mdi) -> None:
    person = make_resident(mdi)
    other = make_resident(mdi)
    services.passport_ensure(person=person, by=make_staff("resettlement", [mdi]))
    lei = EstablishmentFactory(code="LEI")
    elsewhere = make_staff("resettlement", [lei])
    with pytest.raises(NotVisible):
        selectors.passport_for_staff(user=elsewhere, establishment=lei, prison_number=person.prison_number)
    client = sign_in_staff(Client(), elsewhere)
    assert client.get(reverse("probation:passport", args=[person.prison_number])).status_code == 404
    # A practitioner sees no one in custody; an officer has no resettlement pages.
    practitioner = make_staff("probation_practitioner", [mdi])
    with pytest.raises(NotVisible):
        selectors.passport_for_staff(user=practitioner, establishment=mdi, prison_number=person.prison_number)
    officer = sign_in_staff(Client(), make_staff("wing_officer", [mdi]))
    assert officer.get(reverse("probation:passport", args=[person.prison_number])).status_code == 403
    # A resident sees their own only.
    assert other.user is not None
    assert selectors.own_passport(user=other.user).person == other
    assert selectors.passports_in(user=elsewhere, establishment=mdi) == []
    rows = selectors.passports_in(user=make_staff("resettlement", [mdi]), establishment=mdi)
    assert {row.person for row in rows} == {person, other}
