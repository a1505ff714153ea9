"""Building the policy snapshot from the database, and the version counters that say when to rebuild it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F

from throughgate.access.models import (
    AccessGroup,
    AccessWindow,
    DeviceAddress,
    DeviceStatus,
    LevelAccess,
    NetworkDevice,
    PolicyVersion,
    Sanction,
    Site,
)
from throughgate.identity import selectors as identity_selectors
from throughgate.people import selectors as people_selectors
from throughgate.people.models import Person
from throughgate_squid_helper import policy

CATALOGUE = "catalogue"
POLICY = "policy"
SECTIONS = (CATALOGUE, POLICY)


def bump(*sections: str) -> None:
    """Move the named counters on (call inside the transaction of the change)."""
    for section in sections:
        updated = PolicyVersion.objects.filter(section=section).update(version=F("version") + 1)
        if not updated:
            PolicyVersion.objects.get_or_create(section=section, defaults={"version": 1})


def versions() -> dict[str, int]:
    found = dict(PolicyVersion.objects.values_list("section", "version"))
    return {section: int(found.get(section, 0)) for section in SECTIONS}


def policy_version() -> int:
    """The policy counter alone, in one plain query (RADIUS asks it on every request: the ORM's query building
    was most of that request's time)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {PolicyVersion._meta.db_table} WHERE section = %s", [POLICY])  # noqa: S608 - the table name is ours
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def catalogue_rules() -> list[policy.SiteRule]:
    groups: dict[int, set[str]] = {}
    for site_id, code in Site.groups.through.objects.values_list("site_id", "accessgroup__code"):
        groups.setdefault(site_id, set()).add(code)
    return [
        policy.SiteRule(pk, name, domain, subdomains, prefix, category, risk, frozenset(groups.get(pk, ())))
        for pk, name, domain, subdomains, prefix, category, risk in Site.objects.filter(active=True)
        .order_by()
        .values_list("pk", "name", "domain", "include_subdomains", "path_prefix", "category", "risk")
        .iterator(chunk_size=5000)
    ]


def establishment_policies(codes: list[str] | None = None) -> dict[str, policy.EstablishmentPolicy]:
    places = identity_selectors.establishments_active()
    if codes is not None:
        places = places.filter(code__in=codes)
    levels: dict[int, dict[str, tuple[frozenset[str], int]]] = {}
    for estab_id, level, categories, max_risk in LevelAccess.objects.filter(establishment__in=places).values_list(
        "establishment_id", "level", "categories", "max_risk"
    ):
        levels.setdefault(estab_id, {})[level] = (frozenset(categories or []), int(max_risk))
    windows: dict[int, list[policy.Window]] = {}
    for window in AccessWindow.objects.filter(establishment__in=places):
        windows.setdefault(window.establishment_id, []).append(
            policy.Window(window.name, window.kind == "open", frozenset(window.days or []), window.starts, window.ends)
        )
    return {
        code: policy.EstablishmentPolicy(code, settings.TIME_ZONE, levels.get(pk, {}), tuple(windows.get(pk, ())))
        for pk, code in places.values_list("pk", "code")
    }


def people_policies(now: datetime, people: list[int] | None = None) -> dict[str, policy.PersonPolicy]:
    """Policies of the people in custody (or of the given person ids)."""
    rows = people_selectors.people_in_custody()
    if people is not None:
        rows = rows.filter(pk__in=people)
    yesterday = (now - timedelta(days=1)).date()
    alerts: dict[int, list[policy.Alert]] = {}
    alert_rows = people_selectors.alerts_with_codes(codes=policy.NO_INTERNET_ALERTS, active_since=yesterday)
    if people is not None:
        alert_rows = alert_rows.filter(person_id__in=people)
    for person_id, code, start, end in alert_rows.values_list("person_id", "code", "active_from", "active_to"):
        alerts.setdefault(person_id, []).append(policy.Alert(code, start, end))
    sanctions: dict[int, list[policy.Suspension]] = {}
    sanction_rows = Sanction.objects.filter(lifted_at__isnull=True, ends_at__gt=now)
    if people is not None:
        sanction_rows = sanction_rows.filter(person_id__in=people)
    for person_id, start, end, reason in sanction_rows.values_list("person_id", "starts_at", "ends_at", "reason"):
        sanctions.setdefault(person_id, []).append(policy.Suspension(start, end, reason))
    groups: dict[int, set[str]] = {}
    for person_id, code in AccessGroup.members.through.objects.values_list("person_id", "accessgroup__code"):
        groups.setdefault(person_id, set()).add(code)
    return {
        number: policy.PersonPolicy(
            prison_number=number,
            establishment=estab,
            level=level,
            alerts=tuple(alerts.get(pk, ())),
            sanctions=tuple(sanctions.get(pk, ())),
            groups=frozenset(groups.get(pk, ())),
            location=location or "",
        )
        for pk, number, estab, level, location in rows.values_list(
            "pk", "prison_number", "establishment__code", "incentive_level", "location__key"
        )
    }


def devices() -> dict[int, policy.Device]:
    return {
        pk: policy.Device(pk, serial, kind, status, estab, person or "", location or "")
        for pk, serial, kind, status, estab, person, location in NetworkDevice.objects.exclude(
            status=DeviceStatus.RETIRED
        ).values_list("pk", "serial", "kind", "status", "establishment__code", "person__prison_number", "location__key")
    }


def fill_policy(snapshot: policy.Snapshot, now: datetime) -> None:
    people = people_policies(now)
    occupants: dict[str, list[str]] = {}
    for person in people.values():
        if person.location:
            occupants.setdefault(person.location, []).append(person.prison_number)
    snapshot.people = people
    snapshot.occupants = {key: tuple(numbers) for key, numbers in occupants.items()}
    snapshot.establishments = establishment_policies()
    snapshot.devices = devices()
    snapshot.addresses = dict(DeviceAddress.objects.values_list("ip", "device_id"))


def build(now: datetime) -> policy.Snapshot:
    """The whole snapshot, as the Squid helper holds it."""
    current = versions()
    snapshot = policy.Snapshot(catalogue_version=current[CATALOGUE], policy_version=current[POLICY])
    snapshot.set_sites(catalogue_rules())
    fill_policy(snapshot, now)
    return snapshot


def for_person(person: Person, now: datetime) -> policy.Snapshot:
    """A snapshot with one person's policy and the catalogue entries that could match (for the staff check page,
    which loads the catalogue lazily per host)."""
    snapshot = policy.Snapshot()
    snapshot.people = people_policies(now, people=[person.pk])
    codes = [person.establishment.code] if person.establishment else []
    snapshot.establishments = establishment_policies(codes)
    return snapshot


def sites_for_host(host: str) -> list[policy.SiteRule]:
    """The catalogue entries that could match a host (its domain and each parent domain)."""
    labels = host.split(".")
    domains = [".".join(labels[i:]) for i in range(len(labels))]
    groups: dict[int, set[str]] = {}
    rows = list(
        Site.objects.filter(active=True, domain__in=domains).values_list(
            "pk", "name", "domain", "include_subdomains", "path_prefix", "category", "risk"
        )
    )
    for site_id, code in Site.groups.through.objects.filter(site_id__in=[r[0] for r in rows]).values_list(
        "site_id", "accessgroup__code"
    ):
        groups.setdefault(site_id, set()).add(code)
    return [policy.SiteRule(*row, frozenset(groups.get(row[0], ()))) for row in rows]
