"""Demo data protection: a data protection officer (``dpo.demo``), one subject access export of a person with a busy
record, and one legal hold. Run by ``demo_estate`` as a registered step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from throughgate.core.models import ActivityEvent
from throughgate.dataprotection import services
from throughgate.dataprotection.models import LegalHold, SubjectAccessRequest
from throughgate.identity.models import Establishment, Role, StaffAssignment, User
from throughgate.people.models import Person

USERNAME = "dpo.demo"


def step(*, seed: int, say: Callable[[str], None]) -> dict[str, int]:
    from throughgate.demo.records import DEMO_PASSWORD, totp_key

    place = Establishment.objects.order_by("pk").first()
    if place is None:
        return {}
    dpo, made = User.objects.get_or_create(
        username=USERNAME, defaults={"first_name": "Dana", "last_name": "Officer", "email": f"{USERNAME}@demo.invalid"}
    )
    if made:
        dpo.set_password(DEMO_PASSWORD)
        dpo.save(update_fields=["password"])
        dpo.roles.add(Role.objects.get(code="data_protection_officer"))
        StaffAssignment.objects.get_or_create(user=dpo, establishment=place)
        TOTPDevice.objects.create(user=dpo, name="demo", confirmed=True, key=totp_key(seed, USERNAME))
    busiest = (
        ActivityEvent.objects.filter(person__in=Person.objects.filter(establishment=place).values("prison_number"))
        .values("person")
        .annotate(n=Count("id"))
        .order_by("-n", "person")
        .first()
    )
    say(f"data protection officer: {USERNAME} (the demo password and a code, like the staff below)")
    requests = 0
    if busiest is not None:
        services.subject_access_make(
            by=dpo,
            prison_number=busiest["person"],
            reference=f"SAR-DEMO-{seed}",
            received_on=timezone.localdate() - timedelta(days=3),
            key=f"demo-sar-{seed:08d}",
        )
        requests = 1
        say(f"subject access export made for {busiest['person']} by {USERNAME}")
    # A released person if the demo has one (a claim often comes after release), else anyone.
    held = (
        Person.objects.filter(release_date__isnull=False).order_by("prison_number").first()
        or Person.objects.order_by("-prison_number").first()
    )
    holds = 0
    if held is not None and not LegalHold.objects.filter(person=held, lifted_at__isnull=True).exists():
        services.legal_hold_place(
            by=dpo, prison_number=held.prison_number, reason="Civil claim notified by the Government Legal Department"
        )
        holds = 1
    return {"data protection officers": 1, "subject access exports": requests, "legal holds": holds}


def reset() -> dict[str, int]:
    return {
        "subject access requests": SubjectAccessRequest.objects.all().delete()[0],
        "legal holds": LegalHold.objects.all().delete()[0],
    }
