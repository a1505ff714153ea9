"""Writes of the skills passport: issuing a signed OpenBadgeCredential for a completion or a qualification,
revoking one (its bit in the status list is set), and making or rotating the signing key. The key is made at first
use and stored encrypted (passport/keys.py); a rotated key is retired but stays published."""

from __future__ import annotations

import secrets
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition, NotVisible
from throughgate.identity.models import User
from throughgate.identity.selectors import staff_may_act_in
from throughgate.learning import events
from throughgate.learning.courses.models import Enrolment, EnrolmentStatus
from throughgate.learning.passport import addresses, badge, keys, vcjwt
from throughgate.learning.passport.models import Credential, CredentialKind, IssuerKey
from throughgate.learning.permissions import ISSUE_CREDENTIALS

SOURCE = "learning"


def _new_key() -> IssuerKey:
    private = Ed25519PrivateKey.generate()
    kid = f"{timezone.now():%Y%m%d}-{secrets.token_hex(4)}"
    key = IssuerKey.objects.create(
        kid=kid, public_jwk=vcjwt.public_jwk(private.public_key(), kid), private_key=keys.seal(private)
    )
    audit.record(action=events.ISSUER_KEY_MADE, obj=key, detail={"kid": kid})
    return key


def issuer_key_current() -> IssuerKey:
    """The key new credentials are signed with; made at first use."""
    current = IssuerKey.objects.filter(retired_at__isnull=True).first()
    if current is not None:
        return current
    with transaction.atomic():
        current = IssuerKey.objects.select_for_update().filter(retired_at__isnull=True).first()
        return current or _new_key()


@transaction.atomic
def issuer_key_rotate() -> IssuerKey:
    """Retire the current key (it stays published, so what it signed still verifies) and make a new one."""
    IssuerKey.objects.select_for_update().filter(retired_at__isnull=True).update(retired_at=timezone.now())
    return _new_key()


_SIGNERS: dict[str, Ed25519PrivateKey] = {}


def _signer(key: IssuerKey) -> Ed25519PrivateKey:
    """The private key, decrypted once per process (a key's private half never changes; a rotation makes a new kid)."""
    signer = _SIGNERS.get(key.kid)
    if signer is None:
        signer = _SIGNERS[key.kid] = keys.unseal(key.private_key)
    return signer


def _subject_id(enrolment: Enrolment) -> str:
    earlier = Credential.objects.filter(person_id=enrolment.person_id).values_list("subject_id", flat=True).first()
    return earlier or f"urn:uuid:{uuid.uuid4()}"


def _achieved(enrolment: Enrolment, kind: str) -> badge.Achieved:
    course = enrolment.course
    assert enrolment.completed_at is not None  # noqa: S101  (checked by the caller)
    return badge.Achieved(
        course_ref=f"{course.establishment.code}/{course.code}",
        title=course.title,
        description=course.description,
        area=course.area,
        level=course.level,
        hours=course.hours,
        qualification=course.qualification if kind == CredentialKind.QUALIFICATION else "",
        grade=enrolment.grade,
        started=enrolment.allocated_at,
        finished=enrolment.completed_at,
    )


def credential_issue(*, by: User, enrolment: Enrolment, kind: str = CredentialKind.COMPLETION) -> Credential:
    """Sign and store the OpenBadgeCredential of a completed course (or of the qualification it led to). Issuing the
    same one again returns the one already issued."""
    ensure_can(by, ISSUE_CREDENTIALS)
    enrolment = Enrolment.objects.select_related("course__establishment", "person").get(pk=enrolment.pk)
    if not staff_may_act_in(by, enrolment.course.establishment):
        raise NotVisible(_("No place on a course found"))
    if kind not in CredentialKind.values:
        raise InvalidInput(_("Choose what the badge is for."), code="invalid", field="kind")
    if enrolment.status != EnrolmentStatus.COMPLETED or enrolment.completed_at is None:
        raise InvalidTransition(_("A badge is issued when the course is completed."), code="not_completed")
    if kind == CredentialKind.QUALIFICATION and not enrolment.qualification_achieved:
        raise InvalidTransition(_("The qualification has not been recorded as gained."), code="no_qualification")
    existing = Credential.objects.filter(enrolment=enrolment, kind=kind).first()
    if existing is not None:
        return existing
    key = issuer_key_current()
    signer = _signer(key)
    last: IntegrityError | None = None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return _store(by=by, enrolment=enrolment, kind=kind, key=key, signer=signer)
        except IntegrityError as exc:
            last = exc
            existing = Credential.objects.filter(enrolment=enrolment, kind=kind).first()
            if existing is not None:
                return existing
            # another credential took the status index: take the next one
    raise InvalidTransition(_("Too many badges are being issued at once. Try again."), code="busy") from last


def _store(*, by: User, enrolment: Enrolment, kind: str, key: IssuerKey, signer: Ed25519PrivateKey) -> Credential:
    now = timezone.now().replace(microsecond=0)
    top = Credential.objects.aggregate(top=Max("status_index"))["top"]
    index = 0 if top is None else top + 1
    public_id = uuid.uuid4()
    person = enrolment.person
    unsigned = badge.build(
        public_id=public_id,
        issued_at=now,
        subject_id=_subject_id(enrolment),
        person_name=f"{person.first_name} {person.last_name}",
        achieved=_achieved(enrolment, kind),
        status_index=index,
    )
    token = vcjwt.sign(vcjwt.claims_for(unsigned), key=signer, kid=addresses.key_url(key.kid))
    credential = Credential.objects.create(
        public_id=public_id,
        person=person,
        establishment=enrolment.course.establishment,
        enrolment=enrolment,
        kind=kind,
        name=unsigned["name"],
        subject_id=unsigned["credentialSubject"]["id"],
        token=token,
        kid=key.kid,
        status_index=index,
        issued_at=now,
        issued_by=by,
    )
    audit.record(
        action=events.CREDENTIAL_ISSUED,
        actor=by,
        subject=person.prison_number,
        obj=credential,
        purpose="education",
        detail={"kind": kind, "kid": key.kid, "enrolment": enrolment.pk},
    )
    activity.emit(
        person=person.prison_number,
        kind=events.CREDENTIAL_ISSUED_KIND,
        occurred_at=now,
        source=SOURCE,
        idempotency_key=f"credential.issued:{credential.pk}",
        payload={"kind": kind, "course": enrolment.course.code, "level": enrolment.course.level},
    )
    return credential


@transaction.atomic
def credential_revoke(*, by: User, credential: Credential, reason: str) -> Credential:
    """Revoke a credential: its bit in the status list is set, so every verifier sees it as revoked."""
    ensure_can(by, ISSUE_CREDENTIALS)
    credential = Credential.objects.select_for_update().select_related("person", "establishment").get(pk=credential.pk)
    if not staff_may_act_in(by, credential.establishment):
        raise NotVisible(_("No badge found"))
    if credential.revoked_at is not None:
        raise InvalidTransition(_("This badge has already been revoked."), code="already_revoked")
    reason = reason.strip()
    if not reason:
        raise InvalidInput(_("Say why the badge is revoked."), code="required", field="reason")
    credential.revoked_at = timezone.now()
    credential.revoked_by = by
    credential.revoked_reason = reason[:200]
    credential.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    audit.record(
        action=events.CREDENTIAL_REVOKED,
        actor=by,
        subject=credential.person.prison_number,
        obj=credential,
        purpose="education",
        detail={"status_index": credential.status_index},
    )
    return credential
