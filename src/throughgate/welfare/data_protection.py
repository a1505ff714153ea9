"""What AIM holds about a person (flags with their reasons, staff triage, trigger dates), for a subject access
request, and how long it keeps it (registered with ``people.data_protection`` from the AppConfig)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from throughgate.people.data_protection import (
    RetentionRule,
    Row,
    Section,
    fields_of,
    register_retention,
    register_section,
    staff_label_for_username,
)
from throughgate.people.models import Person
from throughgate.welfare.models import Flag, Triage, TriggerDate


def export_flags(person: Person) -> list[Row]:
    rows: list[Row] = []
    for flag in Flag.objects.filter(person=person).select_related("establishment").order_by("as_of", "pk"):
        rows.append(
            {
                "record": "flag",
                **fields_of(flag, ("as_of", "colour", "score", "reasons", "indicators", "raised", "alert_since")),
                "establishment": flag.establishment.code,
                "triage": [
                    {
                        **fields_of(t, ("at", "action", "note", "review_on", "reviewed_at", "review_note")),
                        "by": staff_label_for_username(t.by_username),
                        "reviewed_by": staff_label_for_username(t.reviewed_by_username),
                    }
                    for t in Triage.objects.filter(flag=flag).order_by("at", "pk")
                ],
            }
        )
    for trigger in TriggerDate.objects.filter(person=person).order_by("on"):
        rows.append(
            {
                "record": "trigger date",
                **fields_of(trigger, ("kind", "on", "note", "recorded_at")),
                "recorded_by": staff_label_for_username(trigger.recorded_by_username),
            }
        )
    return rows


register_section(
    Section(
        "welfare.aim",
        _("AIM welfare flags, their reasons and staff triage"),
        ("welfare.Flag", "welfare.Triage", "welfare.TriggerDate"),
        export_flags,
        _(
            "Staff are named by their role. Triage notes are given as written: review them for a health or "
            "serious-harm exemption (DPA 2018 Sch. 3) before release."
        ),
    )
)


@transaction.atomic
def retire_flags(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    flags = Flag.objects.filter(as_of__lt=cutoff.date()).exclude(person_id__in=held)
    # A flag whose triage still waits for a review stays until the review is done.
    flags = flags.exclude(triages__review_on__isnull=False, triages__reviewed_at__isnull=True)
    triages = Triage.objects.filter(flag__in=flags)
    counts = {"welfare.Flag": flags.count(), "welfare.Triage": triages.count()}
    if not dry_run and counts["welfare.Flag"]:
        triages.delete()
        flags.delete()
    return counts


register_retention(
    RetentionRule(
        key="welfare.flags",
        title=_("AIM flags and their triage"),
        models=("welfare.Flag", "welfare.Triage"),
        keep_days=2 * 365,
        after=_("the day the flag was scored"),
        basis=_(
            "UK GDPR Art. 6(1)(e), Art. 9(2)(g) (health); long enough for the safety review and the yearly fairness "
            "audit of AIM"
        ),
        action="delete",
        apply=retire_flags,
    )
)
