"""Checking a credential, for the public verification page and endpoint: anyone pastes or uploads a VC-JWT (or the
link its holder shares) and is told valid, invalid (and why) or revoked. It checks what Open Badges 3.0 section 8.2
asks: the signature with the published key named by ``kid``, the claims against the credential, the dates, and the
revocation bit in the status list. It reads only: nothing here signs or writes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils.translation import gettext as _

from throughgate.learning.passport import addresses, badge, selectors, statuslist, vcjwt

VALID = "valid"
INVALID = "invalid"
REVOKED = "revoked"
LINK = re.compile(r"/learning/credentials/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/?")
MAX_TEXT = 200_000


@dataclass
class Verdict:
    outcome: str  # valid, invalid or revoked
    reason: str
    credential: dict[str, Any] | None = None
    checks: list[str] = field(default_factory=list)  # what was checked and held, in order
    name_matches: bool | None = None  # None: no name was given to check (or none is in the credential)
    token: str = ""

    @property
    def achievement(self) -> dict[str, Any]:
        if not self.credential:
            return {}
        subject = self.credential.get("credentialSubject") or {}
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        return achievement if isinstance(achievement, dict) else {}

    @property
    def issued_on(self) -> str:
        return str((self.credential or {}).get("validFrom", ""))[:10]

    @property
    def evidence(self) -> list[dict[str, Any]]:
        found = (self.credential or {}).get("evidence") or []
        return [item for item in found if isinstance(item, dict)]

    @property
    def result(self) -> str:
        subject = (self.credential or {}).get("credentialSubject") or {}
        results = subject.get("result") or [] if isinstance(subject, dict) else []
        return ", ".join(str(r.get("value", "")) for r in results if isinstance(r, dict))


_PUBLIC_KEYS: dict[str, Ed25519PublicKey] = {}


def _public_key(kid: str) -> Ed25519PublicKey | None:
    """A published key by its id, kept once found (a key's public half never changes, and stays published)."""
    found = _PUBLIC_KEYS.get(kid)
    if found is None:
        key = selectors.published_key(kid)
        if key is None:
            return None
        found = _PUBLIC_KEYS[kid] = vcjwt.public_key_of(key.public_jwk)
    return found


def _invalid(reason: str, verdict: Verdict | None = None) -> Verdict:
    verdict = verdict or Verdict(INVALID, reason)
    verdict.outcome = INVALID
    verdict.reason = reason
    return verdict


def token_from_text(text: str) -> str | None:
    """The compact JWS in what someone pasted: the token itself, or the link to one of our credentials."""
    text = (text or "").strip()
    found = LINK.search(text)
    if found and "." not in text.split("/")[-1].split("#")[0].replace(".jwt", ""):
        credential = selectors.credential_shared(public_id=found.group(1))
        return credential.token if credential is not None else None
    return text


def verify(text: str, *, name: str = "", now: datetime | None = None) -> Verdict:
    """Check a pasted credential (or link). Never raises on bad input: the verdict says what is wrong."""
    if not text or not text.strip():
        return _invalid(_("Paste a credential, or the link to one."))
    if len(text) > MAX_TEXT:
        return _invalid(_("This is too long to be a credential."))
    token = token_from_text(text)
    if token is None:
        return _invalid(_("There is no credential at that link."))
    try:
        parsed = vcjwt.parse(token)
    except vcjwt.Unreadable as exc:
        if str(exc) == "damaged":
            return _invalid(
                _("The credential was changed or damaged: its contents cannot be read, so it cannot be trusted.")
            )
        return _invalid(
            _("This is not a signed credential this page can read. Paste the whole file (it starts with eyJ).")
        )
    verdict = Verdict(INVALID, "", token=token.strip())
    header = parsed.header
    if header.get("alg") != vcjwt.ALG:
        return _invalid(_("The credential is not signed with the method this service uses (EdDSA)."), verdict)
    kid = addresses.kid_from_url(str(header.get("kid", "")))
    public_key = _public_key(kid) if kid else None
    if public_key is None:
        return _invalid(_("It was not signed with a key of this service, so it cannot be checked here."), verdict)
    verdict.checks.append(_("Signed with a published key of this service"))
    if not vcjwt.signature_holds(parsed, public_key):
        return _invalid(
            _(
                "The signature does not match the contents. The credential was changed after it was signed, "
                "or it was not signed by this service."
            ),
            verdict,
        )
    verdict.checks.append(_("The signature matches: nothing has been changed since it was signed"))
    payload = parsed.payload
    verdict.credential = {k: v for k, v in payload.items() if k not in ("iss", "jti", "nbf", "sub", "exp")}
    problem = _claims_problem(payload, now or datetime.now(tz=UTC))
    if problem:
        return _invalid(problem, verdict)
    verdict.checks.append(_("It is an Open Badge from this service, and its dates are right"))
    status = payload.get("credentialStatus") or {}
    revoked = _revoked(status)
    if revoked is None:
        return _invalid(_("Its revocation status cannot be found."), verdict)
    if name.strip():
        verdict.name_matches = _name_matches(payload, name)
    if revoked:
        verdict.outcome = REVOKED
        verdict.reason = _("The issuer has revoked this credential. It is no longer valid.")
        return verdict
    verdict.checks.append(_("It has not been revoked"))
    verdict.outcome = VALID
    verdict.reason = _("This credential is genuine and has not been revoked.")
    return verdict


def _claims_problem(payload: dict[str, Any], now: datetime) -> str | None:
    types = payload.get("type") or []
    if not isinstance(types, list) or "OpenBadgeCredential" not in types:
        return _("It is not an Open Badge credential.")
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if payload.get("iss") != issuer_id or issuer_id != addresses.issuer_id():
        return _("The issuer inside the credential does not match the signed issuer.")
    subject = payload.get("credentialSubject")
    if not isinstance(subject, dict) or payload.get("sub") != subject.get("id"):
        return _("The person inside the credential does not match the signed subject.")
    if payload.get("jti") != payload.get("id"):
        return _("The credential's id does not match the signed id.")
    try:
        valid_from = vcjwt.numeric_date(str(payload.get("validFrom", "")))
    except ValueError:
        return _("The credential has no valid start date.")
    if payload.get("nbf") != valid_from:
        return _("The start date inside the credential does not match the signed one.")
    if valid_from > now.timestamp() + 300:
        return _("The credential is not valid yet.")
    expires = payload.get("exp")
    if isinstance(expires, int) and expires < now.timestamp():
        return _("The credential has expired.")
    return None


def _revoked(status: Any) -> bool | None:
    """Whether the status list says revoked; None if the status is missing or not one of our lists."""
    if not isinstance(status, dict) or status.get("statusPurpose") != "revocation":
        return None
    url = str(status.get("statusListCredential", ""))
    try:
        index = int(str(status.get("statusListIndex", "")))
    except ValueError:
        return None
    prefix = addresses.status_list_prefix()
    number_text = url.removeprefix(prefix)
    if not url.startswith(prefix) or not number_text.isdigit() or not 0 <= index < statuslist.LIST_SIZE:
        return None
    state = selectors.status_at(status_index=(int(number_text) - 1) * statuslist.LIST_SIZE + index)
    return None if state is None else state


def _name_matches(payload: dict[str, Any], name: str) -> bool | None:
    subject = payload.get("credentialSubject") or {}
    for identity in subject.get("identifier") or []:
        if isinstance(identity, dict) and identity.get("identityType") == "name" and identity.get("hashed"):
            return badge.name_hash(name, str(identity.get("salt", ""))) == identity.get("identityHash")
    return None
