"""The deterministic synthetic demo estate: prisons, cells, people, staff, kiosks and days of activity.

Everything here is synthetic. Names come from Faker with a seed; identifiers are generated to pass the validators
(NHS numbers use the 999 prefix, which the NHS keeps for tests and never issues). The same seed and end date give
the same estate: the same names, numbers, cells, alerts and events. Only the secrets that must stay random (kiosk
enrolment codes and the partner token) differ between runs.

``generate`` (in ``population``) builds the whole estate in memory as plain records (``records``: two runs can be
compared without a database); ``iter_events`` (in ``activity``) derives each person's activity from their own seeded
generator; ``save`` writes it all, in bulk.

Choices a reader of the demo data should know:

- Women (about 4.5%) are held in a women's prison when the selection includes one (``NHI`` HMP New Hall, from four
  prisons up); otherwise on a separate women's unit (wing ``W``, then ``X``) of the first prison, as on HMP
  Peterborough's dual site. Either way every woman is in one establishment, so per-prison figures for men are not
  diluted, and the women's far higher self-harm rate shows in one place.
- Ages 18-80, 18 plus a gamma(2, 10.7) draw: median about 36, about a fifth aged 50 or over.
- Ethnicity White 72%, Black 13%, Asian 9%, Mixed 4%, Other 2%; 12% foreign nationals; 17% on remand; incentive
  levels Basic 10%, Standard 60%, Enhanced 30% (new arrivals start on Standard); 25% with a disability flag.
- Self-harm in the window follows the MoJ Safety in Custody scale (about 16% of people a year, so about 4% in 90
  days), far higher for women and for people with a history; the first incident often falls in early days.
- Planted routine changes, about one person in a hundred: a sustained drop in kiosk use, calls, canteen, meals,
  visits and work, starting 7-21 days before a self-harm incident. Half as many decoys have a similar drop and no
  incident (a new job, a hospital stay): a welfare tool that alerts on every drop pays for it in false alerts.
- A few people (about 5%) are digitally excluded: almost no kiosk sign-ins, though staff still record their paper
  canteen sheets, menus and apps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.test.utils import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice
from tqdm import tqdm

from throughgate.core import activity
from throughgate.core.models import ActivityEvent
from throughgate.demo.activity import (
    iter_events,
    person_events,
)
from throughgate.demo.population import generate
from throughgate.demo.records import (
    DEMO_PASSWORD,
    DEMO_PIN,
    EVENT_BATCH,
    SOURCE,
    DemoError,
    DemoEstate,
    DemoOptions,
    EventSpec,
    PersonSpec,
    local_time,
    totp_key,
)
from throughgate.identity import services as identity_services
from throughgate.identity.models import (
    DeviceKind,
    Establishment,
    Location,
    LocationLevel,
    RegisteredDevice,
    Role,
    StaffAssignment,
    User,
)
from throughgate.identity.roles import sync_default_roles
from throughgate.people.models import (
    Alert,
    Booking,
    CaseloadEntry,
    LegalStatus,
    Movement,
    MovementKind,
    Person,
)

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_PIN",
    "DemoError",
    "DemoEstate",
    "DemoOptions",
    "DemoResult",
    "EventSpec",
    "database_has_estate",
    "generate",
    "iter_events",
    "person_events",
    "reset_estate",
    "save",
    "totp_key",
]


# --- saving --------------------------------------------------------------------------------------------------------


@dataclass
class DemoResult:
    counts: dict[str, int]
    kiosk_codes: dict[str, str]
    partner_token: str
    sample_residents: list[tuple[str, str]]
    logins: list[tuple[str, str, str]]  # role name, username, establishment code or ""
    planted: int
    decoys: int
    events_already_stored: int = 0  # after --reset: events with the same keys were kept, not written again


def database_has_estate() -> bool:
    return Person.objects.exists() or Establishment.objects.exists()


def reset_estate() -> dict[str, int]:
    """Delete what the demo made and can delete: people and their records, every user but superusers, devices,
    locations and establishments. Audit and activity rows are append-only and stay."""
    deleted: dict[str, int] = {}
    try:
        with transaction.atomic():
            for label, queryset in (
                ("caseload entries", CaseloadEntry.objects.all()),
                ("alerts", Alert.objects.all()),
                ("movements", Movement.objects.all()),
                ("bookings", Booking.objects.all()),
                ("people", Person.objects.all()),
                ("users", User.objects.filter(is_superuser=False)),
                ("assignments", StaffAssignment.objects.all()),
                ("devices", RegisteredDevice.objects.all()),
                ("cells", Location.objects.filter(level=LocationLevel.CELL)),
                ("landings", Location.objects.filter(level=LocationLevel.LANDING)),
                ("wings", Location.objects.filter(level=LocationLevel.WING)),
                ("establishments", Establishment.objects.all()),
            ):
                deleted[label] = queryset.delete()[1].get(queryset.model._meta.label, 0)
    except (ProtectedError, IntegrityError) as exc:
        raise DemoError(
            f"Could not reset: other records still refer to the demo data ({exc}). Use a fresh database file, e.g. "
            "DATABASE_URL=sqlite:///$PWD/var/demo.sqlite3 after removing it."
        ) from exc
    return deleted


def _bulk(model: Any, rows: list[Any]) -> None:
    model.objects.bulk_create(rows, batch_size=EVENT_BATCH)


def save(estate: DemoEstate, *, progress: bool = False, base_url: str = "http://127.0.0.1:8000") -> DemoResult:
    """Write the estate. One transaction for the records, then the events in batches."""
    # Under DEBUG, Django formats and keeps every SQL statement; for a bulk load that is a fifth of the time.
    with override_settings(DEBUG=False):
        return _save(estate, progress=progress, base_url=base_url)


def _save(estate: DemoEstate, *, progress: bool, base_url: str) -> DemoResult:
    options = estate.options
    phases = tqdm(total=6, desc="Building the estate", unit="step", disable=not progress, leave=False)
    with transaction.atomic():
        sync_default_roles()
        roles = {role.code: role for role in Role.objects.all()}

        phases.set_postfix_str("establishments and cells")
        _bulk(
            Establishment,
            [Establishment(code=p.code, name=p.name, is_welsh=p.is_welsh) for p in estate.establishments],
        )
        places = {e.code: e for e in Establishment.objects.filter(code__in=[p.code for p in estate.establishments])}
        location_ids: dict[str, int] = {}
        for level in (LocationLevel.WING, LocationLevel.LANDING, LocationLevel.CELL):
            specs = [spec for spec in estate.locations if spec.level == level]
            _bulk(
                Location,
                [
                    Location(
                        establishment=places[spec.establishment],
                        parent_id=location_ids[spec.parent] if spec.parent else None,
                        level=spec.level,
                        code=spec.code,
                        key=spec.key,
                        capacity=max(spec.capacity, 1),
                    )
                    for spec in specs
                ],
            )
            location_ids.update(Location.objects.filter(key__in=[spec.key for spec in specs]).values_list("key", "id"))
        phases.update()

        phases.set_postfix_str("residents")
        pin_hash = make_password(DEMO_PIN)
        everyone = [*estate.people, estate.on_probation]
        _bulk(
            User,
            [
                User(
                    username=p.prison_number,
                    password=pin_hash,
                    first_name=p.first_name,
                    last_name=p.last_name,
                    preferred_language="cy" if p.first_language == "Welsh" else "",
                )
                for p in estate.people
            ],
        )
        user_ids = dict(User.objects.filter(username__in=estate.person_numbers()).values_list("username", "id"))
        resident_role = roles["resident"]
        _bulk(
            User.roles.through, [User.roles.through(user_id=uid, role_id=resident_role.pk) for uid in user_ids.values()]
        )
        _bulk(
            StaffAssignment,
            [
                StaffAssignment(
                    user_id=user_ids[p.prison_number], establishment=places[str(p.establishment)], since=p.arrival_date
                )
                for p in estate.people
            ],
        )
        phases.update()

        phases.set_postfix_str("people and bookings")
        _bulk(
            Person,
            [
                Person(
                    prison_number=p.prison_number,
                    first_name=p.first_name,
                    last_name=p.last_name,
                    date_of_birth=p.date_of_birth,
                    sex=p.sex,
                    ethnicity=p.ethnicity,
                    nationality=p.nationality,
                    first_language=p.first_language,
                    religion=p.religion,
                    disability=p.disability,
                    incentive_level=p.incentive_level,
                    establishment=places[p.establishment] if p.establishment else None,
                    location_id=location_ids[p.cell] if p.cell else None,
                    arrival_date=p.arrival_date,
                    legal_status=p.legal_status,
                    first_time_in_custody=p.first_time_in_custody,
                    self_harm_history=p.self_harm_history,
                    crn=p.crn,
                    pnc_id=p.pnc_id,
                    nhs_number=p.nhs_number,
                    user_id=user_ids.get(p.prison_number),
                )
                for p in everyone
            ],
        )
        person_ids = dict(
            Person.objects.filter(prison_number__in=[p.prison_number for p in everyone]).values_list(
                "prison_number", "id"
            )
        )
        home = places[estate.establishments[0].code]
        _bulk(
            Booking,
            [
                Booking(
                    person_id=person_ids[p.prison_number],
                    booking_number=p.booking_number,
                    establishment=places[p.establishment] if p.establishment else home,
                    start_date=p.arrival_date,
                    end_date=p.released_on,
                )
                for p in everyone
            ],
        )
        movements: list[Movement] = []
        for p in everyone:
            place = places[p.establishment] if p.establishment else home
            movements.append(
                Movement(
                    person_id=person_ids[p.prison_number],
                    kind=MovementKind.ADMISSION,
                    occurred_at=p.arrived_at,
                    to_establishment=place,
                    to_location_id=location_ids[p.admission_cell] if p.admission_cell else None,
                    reason="Remanded by the court" if p.legal_status == LegalStatus.REMAND else "Sentenced",
                )
            )
            movements.extend(
                Movement(
                    person_id=person_ids[p.prison_number],
                    kind=MovementKind.CELL_MOVE,
                    occurred_at=move.at,
                    from_establishment=place,
                    to_establishment=place,
                    from_location_id=location_ids[move.from_cell],
                    to_location_id=location_ids[move.to_cell],
                    reason="Cell move",
                )
                for move in p.moves
            )
            if p.released_on:
                movements.append(
                    Movement(
                        person_id=person_ids[p.prison_number],
                        kind=MovementKind.RELEASE,
                        occurred_at=local_time(p.released_on, 10.0),
                        from_establishment=place,
                        reason="Released on licence",
                    )
                )
        _bulk(Movement, movements)
        _bulk(
            Alert,
            [
                Alert(
                    person_id=person_ids[p.prison_number],
                    code=a.code,
                    comment=a.comment,
                    active_from=a.active_from,
                    active_to=a.active_to,
                    created_at=local_time(a.active_from, 12.0),
                )
                for p in estate.people
                for a in p.alerts
            ],
        )
        phases.update()

        phases.set_postfix_str("staff and authenticators")
        staff_hash = make_password(DEMO_PASSWORD)
        _bulk(
            User,
            [
                User(
                    username=s.username,
                    password=staff_hash if s.role != "partner_system" else make_password(None),
                    first_name=s.first_name,
                    last_name=s.last_name,
                    email=f"{s.username}@demo.invalid" if s.establishment else "",
                )
                for s in estate.staff
            ],
        )
        staff_ids = dict(
            User.objects.filter(username__in=[s.username for s in estate.staff]).values_list("username", "id")
        )
        _bulk(
            User.roles.through,
            [User.roles.through(user_id=staff_ids[s.username], role_id=roles[s.role].pk) for s in estate.staff],
        )
        _bulk(
            StaffAssignment,
            [
                StaffAssignment(
                    user_id=staff_ids[s.username], establishment=places[s.establishment], since=options.start_date
                )
                for s in estate.staff
                if s.establishment
            ],
        )
        _bulk(
            TOTPDevice,
            [
                TOTPDevice(
                    user_id=staff_ids[s.username],
                    name="Demo authenticator",
                    confirmed=True,
                    key=totp_key(options.seed, s.username),
                )
                for s in estate.staff
                if s.role != "partner_system"
            ],
        )
        _bulk(
            CaseloadEntry,
            [
                CaseloadEntry(
                    staff_id=staff_ids[s.username],
                    person_id=person_ids[pn],
                    kind=s.caseload_kind,
                    since=options.start_date,
                )
                for s in estate.staff
                for pn in s.caseload
            ],
        )
        phases.update()

        phases.set_postfix_str("kiosks and partner token")
        kiosk_codes: dict[str, str] = {}
        for place_spec in estate.establishments:
            issued = identity_services.device_register(
                name=f"Wing A kiosk, {place_spec.name}",
                kind=DeviceKind.KIOSK,
                establishment=places[place_spec.code],
                location=Location.objects.filter(key=f"{place_spec.code}-A").first(),
            )
            kiosk_codes[place_spec.code] = f"{base_url}/kiosk/enrol/?code={issued.secret}"
        Person.objects.filter(prison_number=estate.on_probation.prison_number).update(user_id=staff_ids["pop.demo"])
        partner = User.objects.get(username="partner.demo")
        partner_token = identity_services.api_token_issue(
            user=partner, name="Demo partner token", scopes=["people.lookup_person"]
        ).secret
        phases.update()

    phases.set_postfix_str("activity")
    events_before = ActivityEvent.objects.count()
    counter = 0
    bar = tqdm(total=len(estate.people), desc="Activity", unit="person", disable=not progress, leave=False)

    def new_events() -> Iterator[activity.NewEvent]:
        nonlocal counter
        for person_events_list in iter_events(estate):
            for event in person_events_list:
                if options.not_after is not None and event.recorded_at > options.not_after:
                    continue
                counter += 1
                yield activity.NewEvent(
                    person=event.person,
                    kind=event.kind,
                    occurred_at=event.occurred_at,
                    idempotency_key=f"demo:{options.seed}:{counter}",
                    value=event.value,
                    payload=event.payload,
                    recorded_at=event.recorded_at,
                )
            bar.update(1)

    # Through the activity stream's bulk writer, as an import: a batch a transaction with its audit row, events with
    # keys already stored skipped.
    with bar, transaction.atomic():
        activity.emit_many(events=new_events(), source=SOURCE, batch_size=EVENT_BATCH)
    phases.update()
    phases.close()

    counts = {
        "establishments": Establishment.objects.count(),
        "locations": Location.objects.count(),
        "cells": Location.objects.filter(level=LocationLevel.CELL).count(),
        "people": Person.objects.count(),
        "bookings": Booking.objects.count(),
        "movements": Movement.objects.count(),
        "alerts": Alert.objects.count(),
        "active ACCTs (HA)": Alert.objects.filter(code="HA", active_to__isnull=True).count(),
        "users": User.objects.count(),
        "staff": len(estate.staff),
        "caseload entries": CaseloadEntry.objects.count(),
        "TOTP devices": TOTPDevice.objects.count(),
        "kiosks": RegisteredDevice.objects.count(),
        "activity events": counter,
        "self-harm incidents": sum(len(p.incidents) for p in estate.people),
    }
    role_names = {role.code: role.name for role in Role.objects.all()}
    samples = [(p.prison_number, str(p.establishment)) for p in _sample_residents(estate)]
    return DemoResult(
        counts=counts,
        kiosk_codes=kiosk_codes,
        partner_token=partner_token,
        sample_residents=samples,
        logins=[
            (role_names.get(s.role, s.role), s.username, "all" if s.role == "hq_analyst" else s.establishment or "")
            for s in estate.staff
            if s.headline
        ],
        planted=sum(1 for p in estate.people if p.routine_change == "planted"),
        decoys=sum(1 for p in estate.people if p.routine_change == "decoy"),
        events_already_stored=counter - (ActivityEvent.objects.count() - events_before),
    )


def _sample_residents(estate: DemoEstate) -> list[PersonSpec]:
    """Two residents to try on a kiosk: from the first two prisons where there are two."""
    picks: list[PersonSpec] = []
    for place in estate.establishments:
        match = next((p for p in estate.people if p.establishment == place.code), None)
        if match is not None:
            picks.append(match)
        if len(picks) == 2:
            break
    return picks
