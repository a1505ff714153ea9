"""What internet access holds about a person (site requests, sanctions, devices and their addresses, hourly use,
access groups), for a subject access request, and how long it keeps it (registered with ``people.data_protection``
from the AppConfig)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from throughgate.access.models import (
    AccessGroup,
    DeviceAddress,
    DeviceInTwoPlaces,
    InternetUsage,
    NetworkDevice,
    Sanction,
    SiteRequest,
)
from throughgate.people.data_protection import (
    RetentionRule,
    Row,
    Section,
    fields_of,
    register_retention,
    register_section,
    staff_label,
)
from throughgate.people.models import Person


def export_internet(person: Person) -> list[Row]:
    rows: list[Row] = []
    for group in AccessGroup.objects.filter(members=person).order_by("code"):
        rows.append({"record": "access group", "group": group.name})
    for req in SiteRequest.objects.filter(person=person).select_related("reviewed_by").order_by("submitted_at"):
        rows.append(
            {
                "record": "site request",
                **fields_of(req, ("address", "reason", "status", "submitted_at", "reviewed_at", "review_reason")),
                "reviewed_by": staff_label(req.reviewed_by),
            }
        )
    for s in Sanction.objects.filter(person=person).select_related("imposed_by", "lifted_by").order_by("starts_at"):
        rows.append(
            {
                "record": "sanction",
                **fields_of(s, ("starts_at", "ends_at", "reason", "imposed_at", "lifted_at", "lift_reason")),
                "imposed_by": staff_label(s.imposed_by),
                "lifted_by": staff_label(s.lifted_by),
            }
        )
    for device in NetworkDevice.objects.filter(person=person).order_by("created_at"):
        rows.append(
            {
                "record": "device",
                **fields_of(device, ("serial", "mac", "kind", "status", "last_seen_at", "last_ip", "created_at")),
                "addresses": [
                    fields_of(a, ("ip", "started_at", "updated_at"))
                    for a in DeviceAddress.objects.filter(device=device).order_by("started_at")
                ],
                "seen_in_two_places": [
                    fields_of(s, ("first_wing", "second_wing", "seen_at"))
                    for s in DeviceInTwoPlaces.objects.filter(device=device).order_by("seen_at")
                ],
            }
        )
    for usage in InternetUsage.objects.filter(person=person.prison_number).order_by("hour", "outcome"):
        rows.append(
            {
                "record": "internet use",
                **fields_of(usage, ("hour", "outcome", "category", "count", "sites", "outside_hours")),
            }
        )
    return rows


register_section(
    Section(
        "access.internet",
        _("Internet access: requests, sanctions, devices and use"),
        (
            "access.AccessGroup",
            "access.SiteRequest",
            "access.Sanction",
            "access.NetworkDevice",
            "access.DeviceAddress",
            "access.DeviceInTwoPlaces",
            "access.InternetUsage",
        ),
        export_internet,
        _("Staff are named by their role, not their name."),
    )
)


@transaction.atomic
def retire_site_requests(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    requests = SiteRequest.objects.filter(reviewed_at__lt=cutoff).exclude(person_id__in=held)
    count = requests.count()
    if count and not dry_run:
        requests.delete()
    return {"access.SiteRequest": count}


@transaction.atomic
def retire_usage(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    from throughgate.people.models import Person

    held_numbers = set(Person.objects.filter(pk__in=held).values_list("prison_number", flat=True))
    # Only hours already turned into activity (emitted): the rest still waits for the flush job.
    usage = InternetUsage.objects.filter(hour__lt=cutoff, emitted=True).exclude(person__in=held_numbers)
    count = usage.count()
    if count and not dry_run:
        usage.delete()
    return {"access.InternetUsage": count}


@transaction.atomic
def retire_device_addresses(*, cutoff: datetime, held: set[int], dry_run: bool) -> dict[str, int]:
    addresses = DeviceAddress.objects.filter(updated_at__lt=cutoff).exclude(device__person_id__in=held)
    count = addresses.count()
    if count and not dry_run:
        addresses.delete()
    return {"access.DeviceAddress": count}


MONITORING = _("UK GDPR Art. 6(1)(e); DPA 2018 Part 3 (security of the prison): evidence for monitoring reviews")
register_retention(
    RetentionRule(
        key="access.site_requests",
        title=_("Requests for a website"),
        models=("access.SiteRequest",),
        keep_days=2 * 365,
        after=_("the request was decided"),
        basis=_("UK GDPR Art. 6(1)(e) public task"),
        action="delete",
        apply=retire_site_requests,
    )
)
register_retention(
    RetentionRule(
        key="access.internet_usage",
        title=_("Hourly internet use"),
        models=("access.InternetUsage",),
        keep_days=365,
        after=_("the hour of use"),
        basis=MONITORING,
        action="delete",
        apply=retire_usage,
    )
)
register_retention(
    RetentionRule(
        key="access.device_addresses",
        title=_("Network addresses of devices"),
        models=("access.DeviceAddress",),
        keep_days=90,
        after=_("the address was last seen"),
        basis=MONITORING,
        action="delete",
        apply=retire_device_addresses,
    )
)
