"""VC-JWT with EdDSA (Ed25519), as Open Badges 3.0 section 8.2 describes it: the OpenBadgeCredential is the JWT
payload with the claims ``iss``, ``jti``, ``nbf`` and ``sub`` copied from it, signed as a compact JWS whose header
is ``{"alg": "EdDSA", "kid": <URL of the public JWK>, "typ": "JWT"}``. Signing and checking use ``cryptography``
only; the tests check our tokens with ``jwcrypto``, another implementation (ADR 0012)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALG = "EdDSA"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    if not text or any(ch in text for ch in "=+/ \n"):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def numeric_date(value: str) -> int:
    """An ISO 8601 date-time (``validFrom``) as a JWT NumericDate."""
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def iso(value: int) -> str:
    return datetime.fromtimestamp(value, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def claims_for(credential: dict[str, Any]) -> dict[str, Any]:
    """The JWT payload of an OpenBadgeCredential: the credential and the registered claims copied from it."""
    issuer = credential["issuer"]
    payload = dict(credential)
    payload["iss"] = issuer["id"] if isinstance(issuer, dict) else issuer
    payload["jti"] = credential["id"]
    payload["nbf"] = numeric_date(credential["validFrom"])
    payload["sub"] = credential["credentialSubject"]["id"]
    if "validUntil" in credential:
        payload["exp"] = numeric_date(credential["validUntil"])
    return payload


def sign(payload: dict[str, Any], *, key: Ed25519PrivateKey, kid: str) -> str:
    """A compact JWS of ``payload``."""
    header = b64url(_json({"alg": ALG, "kid": kid, "typ": "JWT"}))
    body = b64url(_json(payload))
    signing_input = f"{header}.{body}".encode("ascii")
    return f"{header}.{body}.{b64url(key.sign(signing_input))}"


def public_jwk(key: Ed25519PublicKey, kid: str) -> dict[str, str]:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw), "kid": kid, "alg": ALG, "use": "sig"}


def public_key_of(jwk: dict[str, Any]) -> Ed25519PublicKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise ValueError("not an Ed25519 key")
    return Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))


class Unreadable(ValueError):
    """The text is not a compact JWS whose header and payload are JSON objects."""


@dataclass(frozen=True)
class Parsed:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes


def parse(token: str) -> Parsed:
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise Unreadable("unreadable")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise Unreadable("damaged" if len(parts[0]) > 10 and parts[0].startswith("eyJ") else "unreadable") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise Unreadable("unreadable")
    return Parsed(header, payload, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def signature_holds(parsed: Parsed, key: Ed25519PublicKey) -> bool:
    try:
        key.verify(parsed.signature, parsed.signing_input)
    except InvalidSignature:
        return False
    return True
