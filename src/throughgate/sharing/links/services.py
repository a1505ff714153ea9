"""Writes of the person-link table: receive other agencies' records, run linkage, decide, undo.

A run links every prison record to the probation and health records: pairs at or above AUTO_LINK_THRESHOLD are
linked automatically, pairs in the review band (REVIEW_THRESHOLD up to it) wait for a person. A link a person
decided (confirmed or rejected) is never changed by a later run. Nothing is merged or deleted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import DomainError
from throughgate.identity.models import User
from throughgate.people import selectors as people_selectors
from throughgate.sharing import events
from throughgate.sharing.linkage import engine, records
from throughgate.sharing.links.models import (
    DECIDED,
    Agency,
    AgencyRecord,
    DecisionAction,
    LinkDecision,
    LinkRun,
    LinkStatus,
    PersonLink,
)
from throughgate.sharing.permissions import REVIEW_LINKS

RECORD_FIELDS = ("given_name", "family_name", "date_of_birth", "sex", "postcode", "pnc_id", "nhs_number")
COLUMNS = ["id", *RECORD_FIELDS, "crn"]


@transaction.atomic
def agency_records_receive(*, agency: str, rows: Iterable[dict[str, str]]) -> int:
    """Store (or refresh) records sent by another agency's system; returns how many were stored."""
    if agency not in Agency.values:
        raise DomainError(_("Unknown agency"), field="agency")
    stored = 0
    for row in rows:
        record_id = (row.get("id") or "").strip()
        if not record_id:
            continue
        AgencyRecord.objects.update_or_create(
            agency=agency,
            record_id=record_id,
            defaults={field: (row.get(field) or "").strip()[:60] for field in RECORD_FIELDS},
        )
        stored += 1
    audit.record(action=events.RECORDS_RECEIVED, detail={"agency": agency, "records": stored})
    return stored


def _prison_rows() -> list[dict[str, str]]:
    people = people_selectors.people_with_prison_numbers(prison_numbers=people_selectors.prison_numbers_on_record())
    return [
        {
            "id": person.prison_number,
            "given_name": person.first_name,
            "family_name": person.last_name,
            "date_of_birth": person.date_of_birth.isoformat(),
            "sex": person.sex,
            "postcode": "",
            "pnc_id": person.pnc_id,
            "nhs_number": person.nhs_number,
            "crn": person.crn,
        }
        for person in people
    ]


def _agency_rows(agency: str) -> list[dict[str, str]]:
    rows = []
    for record in AgencyRecord.objects.filter(agency=agency).order_by("record_id"):
        row = {"id": record.record_id, **{field: getattr(record, field) for field in RECORD_FIELDS}}
        row["crn"] = record.record_id if agency == Agency.PROBATION else ""
        if agency == Agency.HEALTH and not row["nhs_number"]:
            row["nhs_number"] = record.record_id
        rows.append(row)
    return rows


def linkage_run(*, by: User | None = None, seed: int = 42) -> LinkRun:
    """Link prison records to each agency's records and update the link table (the model runs outside the
    transaction; the table changes in one)."""
    if by is not None:
        ensure_can(by, REVIEW_LINKS)
    started = timezone.now()
    prison = records.people_table(_prison_rows(), label="prison", columns=COLUMNS)
    scored: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {}
    for agency in Agency.values:
        rows = _agency_rows(agency)
        if len(prison.frame) < 2 or len(rows) < 2:
            continue
        other = records.people_table(rows, label=agency, columns=COLUMNS)
        outcome = engine.link(prison, other, floor=engine.REVIEW_THRESHOLD, seed=seed)
        pairs = outcome.pairs.to_dict("records")
        scored[agency] = ([{**pair, "reasons": engine.reasons(pair, outcome.model)} for pair in pairs], outcome.model)
    return _store_run(scored, by=by, started=started)


@transaction.atomic
def _store_run(
    scored: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]], *, by: User | None, started: Any
) -> LinkRun:
    run = LinkRun.objects.create(
        started_at=started,
        by_username=by.username if by else "",
        model={agency: model for agency, (_pairs, model) in scored.items()},
        auto_link_threshold=engine.AUTO_LINK_THRESHOLD,
        review_threshold=engine.REVIEW_THRESHOLD,
    )
    counts = {"auto_linked": 0, "awaiting_review": 0, "kept_decisions": 0, "withdrawn": 0}
    seen: set[int] = set()
    for agency, (pairs, _model) in scored.items():
        existing = {(link.prison_number, link.record_id): link for link in PersonLink.objects.filter(agency=agency)}
        for pair in pairs:
            probability = float(pair["match_probability"])
            status = LinkStatus.AUTO_LINKED if probability >= engine.AUTO_LINK_THRESHOLD else LinkStatus.AWAITING_REVIEW
            link = existing.get((pair["left_id"], pair["right_id"]))
            if link is not None and link.status in DECIDED:
                seen.add(link.pk)
                counts["kept_decisions"] += 1
                continue
            values = {
                "status": status,
                "match_probability": probability,
                "match_weight": float(pair["match_weight"]),
                "reasons": pair["reasons"],
                "last_run": run,
            }
            if link is None:
                link = PersonLink.objects.create(
                    prison_number=pair["left_id"], agency=agency, record_id=pair["right_id"], first_run=run, **values
                )
            else:
                for field, value in values.items():
                    setattr(link, field, value)
                link.save()
            seen.add(link.pk)
            counts[status] += 1
    stale = PersonLink.objects.filter(agency__in=list(scored)).exclude(pk__in=seen).exclude(status__in=DECIDED)
    counts["withdrawn"] = stale.exclude(status=LinkStatus.WITHDRAWN).update(status=LinkStatus.WITHDRAWN)
    run.counts = counts
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    audit.record(action=events.LINK_RUN, actor=by, obj=run, detail=counts)
    return run


@transaction.atomic
def person_link_decide(*, link: PersonLink, by: User, confirm: bool, reason: str) -> PersonLink:
    """A named person confirms or rejects a suggested link, with a reason."""
    ensure_can(by, REVIEW_LINKS)
    link = PersonLink.objects.select_for_update().get(pk=link.pk)
    if link.status in DECIDED:
        raise DomainError(_("Someone has already decided this link. Undo their decision first."))
    if link.status == LinkStatus.WITHDRAWN:
        raise DomainError(_("The model no longer suggests this link."))
    if not reason.strip():
        raise DomainError(_("Say why you decided this"), field="reason")
    to_status = LinkStatus.CONFIRMED if confirm else LinkStatus.REJECTED
    return _decide(
        link,
        by=by,
        action=DecisionAction.CONFIRMED if confirm else DecisionAction.REJECTED,
        to_status=to_status,
        reason=reason.strip(),
    )


@transaction.atomic
def person_link_undo(*, link: PersonLink, by: User, reason: str) -> PersonLink:
    """Undo the last decision about a link: it goes back to what the model said (review or automatic link)."""
    ensure_can(by, REVIEW_LINKS)
    link = PersonLink.objects.select_for_update().get(pk=link.pk)
    if link.status not in DECIDED:
        raise DomainError(_("There is no decision to undo."))
    if not reason.strip():
        raise DomainError(_("Say why you are undoing the decision"), field="reason")
    back = (
        LinkStatus.AUTO_LINKED
        if link.match_probability >= link.last_run.auto_link_threshold
        else LinkStatus.AWAITING_REVIEW
    )
    return _decide(link, by=by, action=DecisionAction.UNDONE, to_status=back, reason=reason.strip())


def _decide(link: PersonLink, *, by: User, action: str, to_status: str, reason: str) -> PersonLink:
    now = timezone.now()
    LinkDecision.objects.create(
        link=link,
        action=action,
        from_status=link.status,
        to_status=to_status,
        by_username=by.username,
        at=now,
        reason=reason,
    )
    link.status = to_status
    undone = action == DecisionAction.UNDONE
    link.decided_by_username = "" if undone else by.username
    link.decided_at = None if undone else now
    link.decision_reason = "" if undone else reason
    link.save(update_fields=["status", "decided_by_username", "decided_at", "decision_reason"])
    audit_action = {
        DecisionAction.CONFIRMED: events.LINK_CONFIRMED,
        DecisionAction.REJECTED: events.LINK_REJECTED,
        DecisionAction.UNDONE: events.LINK_UNDONE,
    }[DecisionAction(action)]
    audit.record(
        action=audit_action,
        actor=by,
        subject=link.prison_number,
        obj=link,
        purpose="record linkage review",
        detail={"agency": link.agency, "record_id": link.record_id, "reason": reason, "to": to_status},
    )
    return link
