"""Subject access: the registry covers every model that holds data about a person, the export holds each app's
rows about that person and nobody else's, names staff by role only, is audited, and its link expires."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EstablishmentFactory, make_resident, make_staff, sign_in_staff
from throughgate.core.models import AuditEntry
from throughgate.dataprotection import services
from throughgate.dataprotection.events import SAR_DOWNLOADED, SAR_MADE, SAR_PREVIEWED
from throughgate.dataprotection.models import SubjectAccessRequest
from throughgate.people import data_protection as registry
from throughgate.people.selectors import person_record


def uncovered() -> set[str]:
    covered = {label for section in registry.sections() for label in section.models}
    return set(registry.person_models()) - covered


def test_every_model_about_a_person_has_an_exporter():
    assert uncovered() == set()


def test_the_coverage_check_finds_what_points_at_a_person(monkeypatch: Any):
    found = set(registry.person_models())
    # A foreign key, an identifier column, a row hanging off a person's row, a many-to-many membership.
    assert {
        "selfservice.App",
        "core.AuditEntry",
        "access.InternetUsage",
        "welfare.Triage",
        "access.AccessGroup",
    } <= found
    # A model whose app registered no exporter fails the check.
    monkeypatch.delitem(registry.SECTIONS, "welfare.aim")
    assert uncovered() == {"welfare.Flag", "welfare.Triage", "welfare.TriggerDate"}


@pytest.fixture
def held(db: Any) -> dict[str, Any]:
    """A person with records in several apps, another person in the same prison, and an officer who read them."""
    from throughgate.access import services as access_services
    from throughgate.selfservice.complaints.services import complaint_submit
    from throughgate.selfservice.meals.tests.factories import set_diet
    from throughgate.selfservice.tests.factories import key, raise_app
    from throughgate.welfare.models import Triage
    from throughgate.welfare.tests.factories import make_flag

    mdi = EstablishmentFactory(code="MDI", name="HMP Moorland Demo")
    person = make_resident(mdi, first_name="Ada", last_name="Testperson")
    other = make_resident(mdi, first_name="Bob", last_name="Otherperson")
    officer = make_staff("wing_officer", [mdi], username="officer.named", last_name="Olivetti")
    raise_app(person, body="Please can I see the dentist about my tooth")
    raise_app(other, body="The other resident's private request")
    complaint_submit(user=person.user, stage="COMP1", body="My canteen order was short", idempotency_key=key())
    set_diet(person, "halal")
    flag = make_flag(person)
    Triage.objects.create(flag=flag, by=officer, by_username=officer.username, action="spoke", note="Talked on wing")
    access_services.site_request_submit(by=person.user, address="https://www.gov.uk/", reason="Job search")
    person_record(user=officer, establishment=mdi, prison_number=person.prison_number, purpose="daily_care")
    dpo = make_staff("data_protection_officer", [EstablishmentFactory(code="LEI")], username="dpo.test")
    return {"person": person, "other": other, "officer": officer, "dpo": dpo, "mdi": mdi}


def read_zip(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


def test_the_export_holds_every_app_and_only_this_person(held: dict[str, Any]):
    person = held["person"]
    made = services.subject_access_make(
        by=held["dpo"],
        prison_number=person.prison_number,
        reference="SAR-1",
        received_on=date(2026, 3, 2),
        key="k" * 16,
    )
    files = read_zip(bytes(made.archive))
    keys = {s.key for s in registry.sections()}
    assert {f"sections/{k}.json" for k in keys} | {"manifest.json", "summary.html"} == set(files)
    sections = {k: json.loads(files[f"sections/{k}.json"]) for k in keys}
    for k in (
        "people.record",
        "selfservice.apps",
        "selfservice.complaints",
        "selfservice.meals",
        "welfare.aim",
        "access.internet",
        "core.audit",
        "core.activity",
    ):
        assert sections[k], f"{k} has no rows"
    assert made.sections["selfservice.apps"] == 1
    everything = "".join(files.values())
    assert "see the dentist" in everything
    assert "My canteen order was short" in everything
    assert "Talked on wing" in everything
    assert "halal" in everything
    assert "gov.uk" in sections["access.internet"][0]["address"] + json.dumps(sections["access.internet"])
    # Not the other resident's records; staff by role, never by name or username.
    assert "The other resident's private request" not in everything
    assert "Otherperson" not in everything
    assert "officer.named" not in everything
    assert "Olivetti" not in everything
    assert sections["welfare.aim"][0]["triage"][0]["by"] == "Staff: Wing officer"
    read = [row for row in sections["core.audit"] if row["action"] == "people.record.viewed"]
    assert read
    assert read[0]["by"] == "Staff: Wing officer"
    assert read[0]["purpose"] == "daily_care"
    assert "ip" not in read[0]
    assert "correlation_id" not in read[0]
    manifest = json.loads(files["manifest.json"])
    assert manifest["prison_number"] == person.prison_number
    assert manifest["reference"] == "SAR-1"
    assert "The information we hold about you" in files["summary.html"]
    # Audited: who made it, about whom, with the counts (not the content).
    row = AuditEntry.objects.get(action=SAR_MADE)
    assert row.subject == person.prison_number
    assert row.actor_username == "dpo.test"
    assert row.detail["sections"]["selfservice.apps"] == 1
    assert "dentist" not in json.dumps(row.detail)


def test_the_same_form_sent_twice_makes_one_export(held: dict[str, Any]):
    kwargs = {"prison_number": held["person"].prison_number, "reference": "SAR-2", "received_on": date(2026, 3, 2)}
    first = services.subject_access_make(by=held["dpo"], key="same-key-123", **kwargs)
    second = services.subject_access_make(by=held["dpo"], key="same-key-123", **kwargs)
    assert first.pk == second.pk
    assert SubjectAccessRequest.objects.count() == 1


def test_pages_find_anyone_export_download_and_the_link_expires(held: dict[str, Any]):
    person = held["person"]
    client = sign_in_staff(Client(), held["dpo"])
    # The officer works in LEI only, and still finds a person of MDI (a request can be about anyone on record).
    found = client.get(reverse("dataprotection:home"), {"query": "Testperson"})
    assert found.status_code == 200
    assert person.prison_number in found.content.decode()
    page = client.get(reverse("dataprotection:person", args=[person.prison_number]))
    assert page.status_code == 200
    assert "AIM welfare flags" in page.content.decode()
    assert AuditEntry.objects.filter(action=SAR_PREVIEWED, subject=person.prison_number).exists()
    bad = client.post(reverse("dataprotection:person", args=[person.prison_number]), {"reference": "", "key": "x" * 20})
    assert bad.status_code == 400
    assert "Enter the request" in bad.content.decode()
    made = client.post(
        reverse("dataprotection:person", args=[person.prison_number]),
        {"reference": "SAR-3", "received_on": "2026-03-02", "key": "y" * 20},
    )
    sar = SubjectAccessRequest.objects.get(reference="SAR-3")
    assert made.status_code == 302
    assert made["Location"] == reverse("dataprotection:request", args=[sar.pk])
    download = client.get(reverse("dataprotection:download", args=[sar.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert "sections/selfservice.apps.json" in read_zip(download.content)
    assert AuditEntry.objects.filter(action=SAR_DOWNLOADED, subject=person.prison_number).count() == 1
    SubjectAccessRequest.objects.filter(pk=sar.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    gone = client.get(reverse("dataprotection:download", args=[sar.pk]))
    assert gone.status_code == 410
    assert "expired" in gone.content.decode()
    assert AuditEntry.objects.filter(action=SAR_DOWNLOADED).count() == 1


def test_other_roles_cannot_reach_subject_access(held: dict[str, Any]):
    governor = make_staff("governor", [held["mdi"]])
    client = sign_in_staff(Client(), governor)
    assert client.get(reverse("dataprotection:home")).status_code == 403
    assert client.get(reverse("dataprotection:person", args=[held["person"].prison_number])).status_code == 403
    with pytest.raises(PermissionDenied):
        services.subject_access_make(
            by=governor, prison_number=held["person"].prison_number, reference="X", received_on=date(2026, 3, 2)
        )


def test_the_new_apps_rows_are_exported_with_staff_by_role_and_no_secrets(establishment: Any) -> None:
    """Contact, learning, probation and sharing use the generic section: every row about the person, staff and other
    accounts by role only, nothing named like a secret."""
    from tests.factories import make_resident
    from throughgate.contact.tests.factories import approved_contact

    person = make_resident(establishment)
    other = make_resident(establishment)
    approved_contact(person, "Robin", "Testcase", email="robin.testcase@example.org")
    approved_contact(other, "Sasha", "Testcase", email="sasha.testcase@example.org")
    rows = registry.SECTIONS["contact.family"].export(person)
    contacts = [row for row in rows if row["record"] == "contact"]
    assert [row["first_name"] for row in contacts] == ["Robin"]
    for row in contacts:
        assert not any(word in name for name in row for word in registry.SECRET_WORDS)
        for value in row.values():
            assert "security" not in str(value).lower() or str(value).startswith("Staff")
