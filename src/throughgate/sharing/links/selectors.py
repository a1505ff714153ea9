"""Reads of the person-link table, scoped to the people the acting user may see (their establishment)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.errors import NotVisible
from throughgate.identity.models import Establishment, User
from throughgate.people import selectors as people_selectors
from throughgate.people.models import Person
from throughgate.sharing import events
from throughgate.sharing.linkage import engine
from throughgate.sharing.links.models import AgencyRecord, LinkRun, LinkStatus, PersonLink


def _descriptions() -> dict[str, str]:
    return {
        "given_name": _("Given name"),
        "family_name": _("Family name"),
        "date_of_birth": _("Date of birth"),
        "sex": _("Sex"),
        "postcode": _("Postcode"),
        "pnc_id": _("PNC ID"),
        "nhs_number": _("NHS number"),
        "x_crn": _("CRN"),
    }


def _described(items: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    names = _descriptions()
    return [{**item, "description": names.get(item[key], item.get("description", ""))} for item in items]


def links_visible_to(*, user: User, establishment: Establishment | None) -> QuerySet[PersonLink]:
    """Links whose prison record is one the user may see."""
    if not user.has_perm("sharing.review_links"):
        return PersonLink.objects.none()
    visible = people_selectors.people_visible_to(user=user, establishment=establishment)
    return PersonLink.objects.filter(prison_number__in=visible.values("prison_number")).select_related("last_run")


def review_queue(*, user: User, establishment: Establishment | None, status: str = "") -> QuerySet[PersonLink]:
    links = links_visible_to(user=user, establishment=establishment)
    if status:
        return links.filter(status=status)
    return links.filter(status=LinkStatus.AWAITING_REVIEW).order_by("-match_probability", "prison_number")


@dataclass
class LinkForReview:
    link: PersonLink
    person: Person
    other: AgencyRecord | None
    rows: list[dict[str, Any]]
    reasons: list[dict[str, Any]]


def link_for_review(*, user: User, establishment: Establishment | None, link_id: int) -> LinkForReview:
    """A link with both records side by side and the reasons (an audited read of two people's records)."""
    link = links_visible_to(user=user, establishment=establishment).filter(pk=link_id).first()
    if link is None:
        raise NotVisible(_("No link was found"))
    person = people_selectors.people_with_prison_numbers(prison_numbers=[link.prison_number])[0]
    other = AgencyRecord.objects.filter(agency=link.agency, record_id=link.record_id).first()
    rows: list[dict[str, Any]] = [
        {"label": _("Given name"), "prison": person.first_name, "other": other.given_name if other else ""},
        {"label": _("Family name"), "prison": person.last_name, "other": other.family_name if other else ""},
        {
            "label": _("Date of birth"),
            "prison": person.date_of_birth.isoformat(),
            "other": other.date_of_birth if other else "",
        },
        {"label": _("Sex"), "prison": person.sex, "other": other.sex if other else ""},
        {"label": _("Postcode"), "prison": "", "other": other.postcode if other else ""},
        {"label": _("PNC ID"), "prison": person.pnc_id, "other": other.pnc_id if other else ""},
        {"label": _("NHS number"), "prison": person.nhs_number, "other": other.nhs_number if other else ""},
        {"label": _("CRN"), "prison": person.crn, "other": link.record_id if link.agency == "probation" else ""},
    ]
    for row in rows:
        row["same"] = bool(row["prison"]) and str(row["prison"]).strip().upper() == str(row["other"]).strip().upper()
    audit.record(
        action=events.LINK_VIEWED,
        actor=user,
        subject=link.prison_number,
        obj=link,
        purpose="record linkage review",
        detail={"agency": link.agency, "record_id": link.record_id},
    )
    return LinkForReview(
        link=link, person=person, other=other, rows=rows, reasons=_described(list(link.reasons), "comparison")
    )


def latest_run() -> LinkRun | None:
    return LinkRun.objects.exclude(finished_at=None).first()


def model_parameters(run: LinkRun) -> dict[str, list[dict[str, Any]]]:
    """The trained model of each agency, as comparison levels with m, u and match weight."""
    return {agency: _described(engine.level_weights(model), "name") for agency, model in run.model.items()}
