"""The data protection app's own records about a person (their requests and holds), and how long they are kept."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from throughgate.dataprotection.models import LegalHold, SubjectAccessRequest
from throughgate.people.data_protection import (
    RetentionRule,
    Row,
    Section,
    fields_of,
    register_retention,
    register_section,
)
from throughgate.people.models import Person


def export_requests(person: Person) -> list[Row]:
    rows: list[Row] = [
        {"record": "subject access request", **fields_of(r, ("reference", "received_on", "made_at", "downloads"))}
        for r in SubjectAccessRequest.objects.filter(person=person).order_by("made_at")
    ]
    rows += [
        {"record": "legal hold", **fields_of(h, ("reason", "placed_at", "lifted_at", "lift_reason"))}
        for h in LegalHold.objects.filter(person=person).order_by("placed_at")
    ]
    return rows


register_section(
    Section(
        "dataprotection.requests",
        _("Subject access requests and legal holds"),
        ("dataprotection.SubjectAccessRequest", "dataprotection.LegalHold"),
        export_requests,
    )
)


@transaction.atomic
def clear_expired_archives(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    """An export's archive goes when its link expires (the period, in days, counts from then; by the end of the run's
    day, but never before the link has expired); the request's record stays."""
    deadline = min(cutoff + timedelta(days=1), timezone.now())
    expired = SubjectAccessRequest.objects.filter(expires_at__lt=deadline, archive__isnull=False)
    count = expired.count()
    if count and not dry_run:
        expired.update(archive=None)
    return {"dataprotection.SubjectAccessRequest.archive": count}


@transaction.atomic
def retire_requests(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    old = SubjectAccessRequest.objects.filter(made_at__lt=cutoff).exclude(person_id__in=held)
    count = old.count()
    if count and not dry_run:
        old.delete()
    return {"dataprotection.SubjectAccessRequest": count}


register_retention(
    RetentionRule(
        key="dataprotection.sar_archives",
        title=_("Subject access export archives"),
        models=("dataprotection.SubjectAccessRequest",),
        keep_days=0,
        after=_("the download link expired (7 days after it was made)"),
        basis=_("UK GDPR Art. 5(1)(c) and (e): the copy is only for sending"),
        action="anonymise",
        apply=clear_expired_archives,
    )
)
register_retention(
    RetentionRule(
        key="dataprotection.sar_requests",
        title=_("Records of subject access requests"),
        models=("dataprotection.SubjectAccessRequest",),
        keep_days=2 * 365,
        after=_("the export was made"),
        basis=_("UK GDPR Art. 6(1)(c) legal obligation: evidence that a request was answered, for the ICO"),
        action="delete",
        apply=retire_requests,
    )
)
