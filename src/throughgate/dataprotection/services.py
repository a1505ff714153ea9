"""Writes of the data protection app: making and downloading a subject access export, legal holds, and the
retention run. Every one is audited; the retention run leaves counts in the audit log, never content."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import DomainError, InvalidInput, InvalidTransition, NotVisible
from throughgate.core.idempotency import key_of
from throughgate.dataprotection import archive, selectors
from throughgate.dataprotection.events import (
    HOLD_LIFTED,
    HOLD_PLACED,
    RETENTION_APPLIED,
    SAR_DOWNLOADED,
    SAR_MADE,
)
from throughgate.dataprotection.models import LegalHold, SubjectAccessRequest
from throughgate.dataprotection.permissions import LEGAL_HOLDS, SUBJECT_ACCESS
from throughgate.identity.models import User
from throughgate.people.data_protection import retention_rules, staff_label
from throughgate.people.models import Person

LINK_DAYS = 7


class LinkExpired(DomainError):
    code = "link_expired"
    status = 410


@transaction.atomic
def subject_access_make(
    *, by: User, prison_number: str, reference: str, received_on: date, key: str = ""
) -> SubjectAccessRequest:
    """Export everything held on one person from every app's exporter, keep the archive for LINK_DAYS days, and audit
    it (the counts per section, not the content). A retried form makes nothing twice."""
    ensure_can(by, SUBJECT_ACCESS)
    stored_key = key_of(by.pk, key)
    if stored_key is not None:
        earlier = SubjectAccessRequest.objects.filter(idempotency_key=stored_key).first()
        if earlier is not None:
            return earlier
    reference = reference.strip()
    if not reference:
        raise InvalidInput(_("Enter the request's reference"), code="reference_required", field="reference")
    today = timezone.localdate()
    if received_on > today:
        raise InvalidInput(
            _("The date received cannot be in the future"), code="received_in_future", field="received_on"
        )
    person = Person.objects.filter(prison_number=prison_number).first()
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    now = timezone.now()
    built = archive.build(person=person, reference=reference, made_at=now, made_by_role=staff_label(by))
    request = SubjectAccessRequest(
        reference=reference,
        person=person,
        received_on=received_on,
        made_by=by,
        made_by_username=by.get_username(),
        made_at=now,
        expires_at=now + timedelta(days=LINK_DAYS),
        sections=built.counts,
        archive=built.content,
        archive_sha256=built.sha256,
        archive_size=len(built.content),
        idempotency_key=stored_key,
    )
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        return SubjectAccessRequest.objects.get(idempotency_key=stored_key)
    audit.record(
        action=SAR_MADE,
        actor=by,
        subject=person.prison_number,
        obj=request,
        purpose=selectors.PURPOSE,
        detail={"reference": reference, "sections": built.counts, "sha256": built.sha256},
    )
    return request


@transaction.atomic
def subject_access_download(*, by: User, request_id: int) -> tuple[bytes, str]:
    """The archive of a request while its link lasts (each download audited); after that LinkExpired (410)."""
    ensure_can(by, SUBJECT_ACCESS)
    request = SubjectAccessRequest.objects.select_for_update().filter(pk=request_id).select_related("person").first()
    if request is None:
        raise NotVisible(_("No such request"))
    if request.expired:
        raise LinkExpired(_("This download has expired. Make the export again."))
    SubjectAccessRequest.objects.filter(pk=request.pk).update(downloads=request.downloads + 1)
    audit.record(
        action=SAR_DOWNLOADED,
        actor=by,
        subject=request.person.prison_number,
        obj=request,
        purpose=selectors.PURPOSE,
        detail={"reference": request.reference, "sha256": request.archive_sha256},
    )
    name = f"subject-access-{request.person.prison_number}-{request.made_at:%Y%m%d}.zip"
    return bytes(request.archive or b""), name


@transaction.atomic
def legal_hold_place(*, by: User, prison_number: str, reason: str) -> LegalHold:
    ensure_can(by, LEGAL_HOLDS)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the records must be kept"), code="reason_required", field="reason")
    person = Person.objects.filter(prison_number=prison_number).first()
    if person is None:
        raise NotVisible(_("No person with that prison number was found"))
    if LegalHold.objects.filter(person=person, lifted_at__isnull=True).exists():
        raise InvalidTransition(_("This person's records are already on hold"), code="already_held", field="reason")
    hold = LegalHold.objects.create(person=person, reason=reason, placed_by_username=by.get_username())
    audit.record(action=HOLD_PLACED, actor=by, subject=person.prison_number, obj=hold, detail={"reason": reason})
    return hold


@transaction.atomic
def legal_hold_lift(*, by: User, hold_id: int, reason: str) -> LegalHold:
    ensure_can(by, LEGAL_HOLDS)
    hold = LegalHold.objects.select_for_update().select_related("person").filter(pk=hold_id).first()
    if hold is None:
        raise NotVisible(_("No such hold"))
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the hold can end"), code="reason_required", field="reason")
    if hold.lifted_at is not None:
        raise InvalidTransition(_("This hold was already lifted"), code="already_lifted")
    hold.lifted_at = timezone.now()
    hold.lifted_by_username = by.get_username()
    hold.lift_reason = reason
    hold.save(update_fields=["lifted_at", "lifted_by_username", "lift_reason"])
    audit.record(action=HOLD_LIFTED, actor=by, subject=hold.person.prison_number, obj=hold, detail={"reason": reason})
    return hold


@dataclass
class RuleOutcome:
    key: str
    title: str
    cutoff: datetime
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class RetentionReport:
    today: date
    dry_run: bool
    held: int
    outcomes: list[RuleOutcome] = field(default_factory=list)

    def as_result(self) -> dict[str, Any]:
        return {outcome.key: outcome.total for outcome in self.outcomes} | {"held": self.held}


def cutoff_for(*, today: date, period: timedelta) -> datetime:
    """Records whose clock event is before the start of (today - period), UK time, are past it."""
    return timezone.make_aware(datetime.combine(today - period, time.min))


def retention_apply(*, today: date | None = None, dry_run: bool = False) -> RetentionReport:
    """Run every registered retention rule for ``today``: each removes (or anonymises) what is past its period,
    except the records of people under a legal hold. Each rule that removed something leaves one audit row with the
    counts (never the content). A dry run changes nothing and writes nothing. Safe to run again."""
    today = today or timezone.localdate()
    held = selectors.held_person_ids()
    report = RetentionReport(today=today, dry_run=dry_run, held=len(held))
    for rule in retention_rules():
        cutoff = cutoff_for(today=today, period=rule.period)
        with transaction.atomic():
            counts = rule.apply(cutoff=cutoff, held=held, dry_run=dry_run)
            outcome = RuleOutcome(rule.key, str(rule.title), cutoff, counts)
            if not dry_run and outcome.total:
                audit.record(
                    action=RETENTION_APPLIED,
                    purpose="retention",
                    detail={
                        "rule": rule.key,
                        "action": rule.action,
                        "cutoff": cutoff.isoformat(),
                        "counts": counts,
                        "held_people": len(held),
                    },
                )
        report.outcomes.append(outcome)
    return report
