"""Skills passport benchmark: issuing and verifying Open Badges 3.0 credentials through the product against the proof
suite alone, on the same credentials, in the same run.

    uv run python bench/learning.py                 # 10,000 credentials, SQLite in a temporary directory
    uv run python bench/learning.py --n 2000
    DATABASE_URL=postgres://... uv run python bench/learning.py   # a throwaway PostgreSQL database (it is emptied)

Targets (issue 24): issuing >= 0.5x the proof suite alone; verifying likewise. Exit 1 if a target is missed.

What is compared.
- **Issue, product**: ``passport.services.credential_issue`` for each of N completed places: the permission and scope
  checks, loading the place, the status index, building the OpenBadgeCredential, unsealing the key, signing (VC-JWT,
  EdDSA), the row, the audit row and the ``credential.issued`` event, each in its own transaction.
- **Issue, proof suite alone**: for the very same N unsigned credentials (taken back out of the issued tokens), the
  JWT serialisation (JSON, base64url) and the Ed25519 signature with ``cryptography``, called directly.
- **Verify, product**: ``passport.verification.verify`` on each issued token: parsing, the key lookup by ``kid``, the
  signature, the claims and dates, the revocation status (database reads).
- **Verify, proof suite alone**: parse the compact JWS and check the Ed25519 signature with the public key in hand.
The proof suite's own cost per credential is printed too.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = 0.5


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "src"))
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="bench-learning-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("THROUGHGATE_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _population(n: int) -> tuple[object, list[int]]:
    from django.utils import timezone

    from throughgate.identity.models import Establishment, Role, StaffAssignment, User
    from throughgate.learning.courses.models import Course, Enrolment
    from throughgate.learning.passport.models import Credential, IssuerKey
    from throughgate.people.models import Person

    Credential.objects.all().delete()
    IssuerKey.objects.all().delete()
    Enrolment.objects.all().delete()
    Course.objects.filter(establishment__code="BCH").delete()
    Person.objects.filter(establishment__code="BCH").delete()
    place, _ = Establishment.objects.get_or_create(code="BCH", defaults={"name": "HMP Bench"})
    staff, _ = User.objects.get_or_create(username="bench.education", defaults={"first_name": "Bench"})
    staff.roles.add(Role.objects.get(code="education"))
    StaffAssignment.objects.get_or_create(user=staff, establishment=place)
    course = Course.objects.create(
        establishment=place,
        code="fs-english-l1",
        title="Functional Skills English",
        area="ENGLISH",
        level="L1",
        hours=45,
        capacity=n,
        qualification="Functional Skills Qualification in English at Level 1",
    )
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    people = Person.objects.bulk_create(
        [
            Person(
                prison_number=f"B{i % 10000:04d}{letters[i // 10000 % 24]}{letters[i // 240000 % 24]}",
                first_name="Sam",
                last_name=f"Bench{i}",
                date_of_birth=date(1990, 1, 1) + timedelta(days=i % 3000),
                sex="M",
                ethnicity="W1",
                establishment=place,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(
                course=course,
                person=p,
                status="COMPLETED",
                requested_at=now - timedelta(days=60),
                allocated_at=now - timedelta(days=50),
                completed_at=now - timedelta(days=1),
                progress=100,
            )
            for p in people
        ],
        batch_size=2000,
    )
    return staff, [e.pk for e in enrolments]


def _payload(token: str) -> dict[str, object]:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000, help="Credentials to issue and verify (default 10,000).")
    args = parser.parse_args()
    _setup_django()

    from cryptography.exceptions import InvalidSignature

    from throughgate.learning.courses.models import Enrolment
    from throughgate.learning.passport import addresses, keys, services, vcjwt, verification
    from throughgate.learning.passport.models import IssuerKey

    staff, enrolment_ids = _population(args.n)
    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(f"{args.n:,} completed places on {engine}; load {os.getloadavg()[0]:.1f}")

    # Issue through the product (after one warm-up issue outside the timing: URL conf, key creation, caches).
    from django.urls import reverse

    reverse("learning:jwks")
    services.credential_issue(by=staff, enrolment=Enrolment.objects.get(pk=enrolment_ids.pop()))  # type: ignore[arg-type]
    enrolments = list(Enrolment.objects.filter(pk__in=enrolment_ids).order_by("pk"))
    started = time.perf_counter()
    tokens = [services.credential_issue(by=staff, enrolment=e).token for e in enrolments]  # type: ignore[arg-type]
    product_issue = time.perf_counter() - started

    # The proof suite alone, on the same credentials: serialisation and signature.
    key = IssuerKey.objects.get()
    signer = keys.unseal(key.private_key)
    kid = addresses.key_url(key.kid)
    payloads = [_payload(t) for t in tokens]
    started = time.perf_counter()
    floor_tokens = [vcjwt.sign(p, key=signer, kid=kid) for p in payloads]
    floor_issue = time.perf_counter() - started
    assert floor_tokens == tokens, "the proof suite alone must give the very tokens the product issued"

    # Verify through the product.
    started = time.perf_counter()
    outcomes = [verification.verify(t).outcome for t in tokens]
    product_verify = time.perf_counter() - started
    assert set(outcomes) == {"valid"}, set(outcomes)

    # The proof suite alone: parse and check the signature with the key in hand.
    public = vcjwt.public_key_of(key.public_jwk)
    started = time.perf_counter()
    for token in tokens:
        header, body, signature = token.split(".")
        try:
            public.verify(vcjwt.b64url_decode(signature), f"{header}.{body}".encode("ascii"))
        except InvalidSignature:
            return 1
        json.loads(vcjwt.b64url_decode(body))
    floor_verify = time.perf_counter() - started

    n = len(tokens)
    rows = [
        ("issue", product_issue, floor_issue),
        ("verify", product_verify, floor_verify),
    ]
    missed = False
    print(f"{'':8} {'product':>14} {'proof suite':>14} {'ratio':>7}  target")
    for name, product, floor in rows:
        ratio = floor / product
        missed |= ratio < TARGET
        print(
            f"{name:8} {n / product:10,.0f} /s {n / floor:10,.0f} /s {ratio:6.2f}x  >= {TARGET}x"
            f"  ({product / n * 1e6:,.0f} us vs {floor / n * 1e6:,.0f} us per credential)"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
