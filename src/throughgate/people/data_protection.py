"""What each app holds about a person, and how long it keeps it: two registries that every app fills from its
AppConfig.ready, so a subject access request and the retention job reach every app without importing it.

- ``register_section``: an exporter. Given a person, it returns their rows in one app's records as plain JSON
  values, with third parties (staff, other people) reduced to what the law lets the person see. ``models`` names
  every model the section covers; a test holds that every model pointing at a person is covered by some section.
- ``register_retention``: a rule for one record type: how long it is kept after which event, its lawful basis, and
  the function that removes (or anonymises) what is past it. The dataprotection app runs them on a schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from throughgate.people.models import Person

Row = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """One app's part of a subject access export."""

    key: str  # "selfservice.apps": the file name in the archive
    title: str | Promise
    models: tuple[str, ...]  # labels of the models it covers ("selfservice.App")
    export: Callable[[Person], list[Row]]
    redactions: str | Promise = ""  # what is withheld from the person, and why


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> Section:
    """Add an app's exporter (once per key; registering again replaces it)."""
    SECTIONS[section.key] = section
    return section


def sections() -> list[Section]:
    """Every section, the person record first and then by key (so by app)."""
    return [SECTIONS[key] for key in sorted(SECTIONS, key=lambda key: (key != "people.record", key))]


@dataclass(frozen=True)
class RetentionRule:
    """How long one record type is kept, why, and how what is past it goes.

    ``apply(cutoff=..., held=..., dry_run=...)`` removes (or anonymises) the records whose clock event (``after``)
    fell before ``cutoff``, except those of the people whose ids are in ``held`` (a legal hold), and returns how many
    it removed (or, in a dry run, would remove), by record type. It must be safe to run again."""

    key: str
    title: str | Promise
    models: tuple[str, ...]
    keep_days: int
    after: str | Promise  # the event the period runs from, in words ("the app was answered")
    basis: str | Promise  # the lawful basis and the reason for the period
    action: str  # "delete" or "anonymise"
    apply: Callable[..., dict[str, int]] = field(compare=False)

    @property
    def period(self) -> timedelta:
        """The period in force: the default, or the one ``settings.RETENTION_DAYS`` sets for this key."""
        return timedelta(days=int(getattr(settings, "RETENTION_DAYS", {}).get(self.key, self.keep_days)))


RETENTION: dict[str, RetentionRule] = {}


def register_retention(rule: RetentionRule) -> RetentionRule:
    RETENTION[rule.key] = rule
    return rule


def retention_rules() -> list[RetentionRule]:
    return [RETENTION[key] for key in sorted(RETENTION)]


# Helpers the exporters share.


def staff_label(user: Any | None) -> str:
    """A member of staff as the person sees them in an export: their role, never their name (names of staff are
    third-party data; the role says who acted)."""
    if user is None:
        return ""
    if getattr(user, "is_resident", False):
        return "The person"
    names = sorted(role.name for role in user.roles.all()) if hasattr(user, "roles") else []
    return "Staff: " + ", ".join(names) if names else "Staff"


def staff_label_for_username(username: str) -> str:
    """``staff_label`` for a row that keeps the username only."""
    if not username:
        return ""
    from throughgate.identity.models import User

    user = User.objects.prefetch_related("roles").filter(username=username).first()
    return staff_label(user) if user is not None else "Staff"


def value(item: Any) -> Any:
    """A field value as JSON: dates and times in ISO 8601, decimals as strings, everything else as it is."""
    if isinstance(item, datetime | date):
        return item.isoformat()
    if isinstance(item, Decimal):
        return str(item)
    if isinstance(item, dict):
        return {str(key): value(inner) for key, inner in item.items()}
    if isinstance(item, list | tuple):
        return [value(inner) for inner in item]
    return item


def fields_of(obj: models.Model, names: Iterable[str]) -> Row:
    """The named fields of a row as JSON values (a choice field also gives its label as ``<name>_label``)."""
    row: Row = {}
    for name in names:
        row[name] = value(getattr(obj, name))
        display = getattr(obj, f"get_{name}_display", None)
        if callable(display):
            row[f"{name}_label"] = str(display())
    return row


IDENTIFIER_FIELDS = frozenset({"person", "subject", "prison_number"})


def person_models() -> list[str]:
    """Labels of every model that holds data about a person: it points at Person (a foreign key, one-to-one or
    many-to-many), keeps a person's identifier (a field named ``person``, ``subject`` or ``prison_number`` that is
    not a relation), or hangs off such a model by a foreign key (an app's events, a flag's triage)."""
    from django.apps import apps

    direct: set[type[models.Model]] = set()
    for model in apps.get_models():
        if model is Person:
            continue
        for f in model._meta.get_fields():
            points_at_person = f.is_relation and f.related_model is Person
            names_person = not f.is_relation and f.name in IDENTIFIER_FIELDS
            if f.concrete and (points_at_person or names_person):
                direct.add(model)
    found = set(direct)
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.many_to_one and f.related_model in direct and model is not Person:
                found.add(model)
    return sorted({m._meta.label for m in found} | {Person._meta.label})


# The people app's own records, and the audit log and activity stream about the person (kept by core, which cannot
# know about people). Bookings, movements, alerts and the person record are kept for the HMPPS records period and
# have no retention rule here (docs/data-retention.md).


def _export_record(person: Person) -> list[Row]:
    from throughgate.people.models import CaseloadEntry

    row = fields_of(
        person,
        (
            "prison_number",
            "first_name",
            "last_name",
            "date_of_birth",
            "sex",
            "ethnicity",
            "nationality",
            "first_language",
            "religion",
            "disability",
            "incentive_level",
            "arrival_date",
            "release_date",
            "legal_status",
            "first_time_in_custody",
            "self_harm_history",
            "crn",
            "pnc_id",
            "nhs_number",
        ),
    )
    row["establishment"] = person.establishment.code if person.establishment else ""
    row["location"] = person.location.key if person.location else ""
    account = person.user
    if account is not None:
        row["account"] = {
            "username": account.username,
            "date_joined": value(account.date_joined),
            "last_login": value(account.last_login),
        }
    rows = [{"record": "person", **row}]
    for booking in person.bookings.select_related("establishment"):
        rows.append(
            {
                "record": "booking",
                **fields_of(booking, ("booking_number", "start_date", "end_date")),
                "establishment": booking.establishment.code,
            }
        )
    for move in person.movements.select_related("from_establishment", "to_establishment", "to_location"):
        rows.append(
            {
                "record": "movement",
                **fields_of(move, ("kind", "occurred_at", "reason")),
                "from": move.from_establishment.code if move.from_establishment else "",
                "to": move.to_establishment.code if move.to_establishment else "",
            }
        )
    for alert in person.alerts.all():
        rows.append({"record": "alert", **fields_of(alert, ("code", "comment", "active_from", "active_to"))})
    for entry in CaseloadEntry.objects.filter(person=person).select_related("staff").prefetch_related("staff__roles"):
        rows.append({"record": "caseload", **fields_of(entry, ("kind", "since")), "staff": staff_label(entry.staff)})
    return rows


def _export_audit(person: Person) -> list[Row]:
    """Who read or changed the person's records: when, what, why, in which prison, and the actor by role. Staff
    usernames, addresses and devices are withheld (third-party data and security)."""
    from throughgate.core import audit
    from throughgate.core.models import AuditEntry
    from throughgate.identity.models import User

    entries = list(AuditEntry.objects.filter(subject=person.prison_number).order_by("seq"))
    actors = {
        user.pk: user
        for user in User.objects.filter(pk__in={e.actor_id for e in entries if e.actor_id}).prefetch_related("roles")
    }
    return [
        {
            "at": value(e.at),
            "action": e.action,
            "what": audit.describe(e.action) or e.action,
            "purpose": e.purpose,
            "establishment": e.establishment,
            "by": staff_label(actors.get(e.actor_id)) if e.actor_id else "System",
        }
        for e in entries
    ]


def _export_activity(person: Person) -> list[Row]:
    from throughgate.core.models import ActivityEvent

    return [
        fields_of(event, ("kind", "occurred_at", "source", "value", "payload"))
        for event in ActivityEvent.objects.filter(person=person.prison_number).order_by("occurred_at", "id")
    ]


register_section(
    Section(
        "people.record",
        _("Person record, bookings, movements, alerts and caseload"),
        ("people.Person", "people.Booking", "people.Movement", "people.Alert", "people.CaseloadEntry"),
        _export_record,
        _("Key workers and offender managers are named by their role, not their name."),
    )
)
register_section(
    Section(
        "core.audit",
        _("Audit log: who read or changed the record"),
        ("core.AuditEntry",),
        _export_audit,
        _("Staff are named by their role. Their usernames, network addresses and devices are withheld."),
    )
)
register_section(
    Section(
        "core.activity",
        _("Activity stream"),
        ("core.ActivityEvent",),
        _export_activity,
    )
)


# A generic section for an app whose records are plain rows about the person: every concrete field of each row, with
# members of staff (and other accounts) shown by role only, secrets left out, and relations to other records as ids.
SECRET_WORDS = ("secret", "token", "password", "code_hash", "private", "key_")


def _person_lookup(model: type[models.Model], depth: int = 0) -> str | None:
    """The lookup from ``model`` to the person it is about (``person``, ``contact__person``...), or None. A lookup
    ending ``@prison_number`` compares a text field with the person's prison number."""
    for f in model._meta.concrete_fields:
        if f.is_relation and f.related_model is Person:
            return f.name
        if not f.is_relation and f.name in ("person", "prison_number"):
            return f"{f.name}@prison_number"
    if depth < 2:
        for f in model._meta.concrete_fields:
            related = f.related_model
            if f.is_relation and f.many_to_one and isinstance(related, type) and related is not model:
                inner = _person_lookup(related, depth + 1)
                if inner:
                    return f"{f.name}__{inner}"
    return None


def rows_about(model: type[models.Model], person: Person, record: str) -> list[Row]:
    """Every row of ``model`` about the person, as JSON values (see above)."""
    from throughgate.identity.models import User

    lookup = _person_lookup(model)
    if lookup is None:
        return []
    if "@" in lookup:
        name, _attr = lookup.split("@")
        rows = model._default_manager.filter(**{name: person.prison_number})
    else:
        rows = model._default_manager.filter(**{lookup: person})
    out: list[Row] = []
    for obj in rows.order_by("pk"):
        row: Row = {"record": record}
        for f in model._meta.concrete_fields:
            if f.primary_key or any(word in f.name for word in SECRET_WORDS):
                continue
            if f.is_relation:
                if f.related_model is Person:
                    continue
                if f.related_model is User:
                    row[f.name] = staff_label(getattr(obj, f.name))
                else:
                    row[f"{f.name}_id"] = getattr(obj, f.attname)
                continue
            row.update(fields_of(obj, (f.name,)))
        out.append(row)
    return out


def register_rows_section(
    key: str, title: str | Promise, models_by_record: dict[str, str], redactions: Any = ""
) -> None:
    """Register a section that exports every row of each model (label -> the record's name in the export)."""
    from django.apps import apps

    def export(person: Person) -> list[Row]:
        rows: list[Row] = []
        for label, record in models_by_record.items():
            rows += rows_about(apps.get_model(label), person, record)
        return rows

    register_section(
        Section(
            key=key,
            title=title,
            models=tuple(models_by_record),
            export=export,
            redactions=redactions
            or _("Staff and other accounts are shown by their role only; secrets and codes are left out."),
        )
    )
