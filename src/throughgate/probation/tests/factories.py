"""Test helpers for the probation app: a practitioner, a person already on probation, a passport with answers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_resident, make_staff
from throughgate.identity.models import Establishment, User
from throughgate.people.models import Person
from throughgate.probation import notify
from throughgate.probation.passport import services as passport_services
from throughgate.probation.passport.models import Passport
from throughgate.probation.release import services as release_services

SELF_ANSWERS = {
    "home_to_go_to": "no",
    "home_kept": "yes",
    "children": "no",
    "bank_account": "no",
    "photo_id": "no",
    "benefits": "yes",
    "work_before": "no",
    "drugs_alcohol_help": "yes",
    "gp": "yes",
}
_crns = iter(f"X{n:06d}" for n in range(100001, 999999))


def next_crn() -> str:
    return next(_crns)


def passport_with_answers(person: Person) -> Passport:
    """A passport the resident has answered their questions in (as on a kiosk), with a to-do item from staff."""
    assert person.user is not None
    passport = passport_services.passport_ensure(person=person, by=person.user)
    assessment = passport.assessments.get(kind="immediate_needs")
    passport_services.assessment_answer_self(assessment=assessment, by=person.user, answers=SELF_ANSWERS)
    return passport


def on_probation(
    establishment: Establishment,
    practitioner: User,
    *,
    phone: str = "07700900001",
    email: str = "",
    **person_fields: Any,
) -> Person:
    """A resident released to the practitioner, signing in with the phone number given."""
    person = make_resident(establishment, **person_fields)
    staff = make_staff("resettlement", [establishment], username=f"release.{person.prison_number.lower()}")
    return release_services.release_complete(
        by=staff,
        establishment=establishment,
        prison_number=person.prison_number,
        crn=next_crn(),
        practitioner=practitioner,
        on=timezone.localdate(),
        phone=phone,
        email=email,
    )


def sign_in_on_phone(client: Client, phone: str) -> Any:
    """Sign in to MyProbation with the code texted to ``phone`` (the memory SMS backend); the code page's answer."""
    client.post(reverse("probation:sign_in"), {"contact": phone})
    texts = [text for text in notify.outbox if text.to == phone]
    assert texts, f"no text was sent to {phone}"
    code = re.search(r"\b(\d{6})\b", texts[-1].body)
    assert code is not None
    return client.post(reverse("probation:sign_in_code"), {"code": code.group(1)})


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)
