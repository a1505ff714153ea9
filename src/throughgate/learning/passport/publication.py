"""What the service publishes for verifiers: the issuer's profile, its keys as a JWKS (retired keys included), each
key at its own URL (the ``kid`` of a credential), and the revocation status lists as signed BitstringStatusList
credentials (VC-JWT, like the badges)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from throughgate.learning.passport import addresses, badge, keys, selectors, statuslist, vcjwt
from throughgate.learning.passport.services import issuer_key_current


def jwks() -> dict[str, Any]:
    return {"keys": [_public(key.public_jwk, key.kid) for key in selectors.published_keys()]}


def key_document(kid: str) -> dict[str, Any] | None:
    key = selectors.published_key(kid)
    return None if key is None else _public(key.public_jwk, key.kid)


def _public(jwk: dict[str, Any], kid: str) -> dict[str, Any]:
    public = {name: jwk[name] for name in ("kty", "crv", "x", "alg", "use") if name in jwk}
    public["kid"] = addresses.key_url(kid)
    return public


def issuer_profile() -> dict[str, Any]:
    profile = badge.issuer_profile()
    profile["@context"] = [addresses.VC_CONTEXT, addresses.OB_CONTEXT]
    return profile


def status_list_credential(list_number: int) -> dict[str, Any] | None:
    """The unsigned status list credential of one list, or None if no credential uses that list."""
    if list_number < 1 or list_number > selectors.status_lists_in_use():
        return None
    url = addresses.status_list_url(list_number)
    return {
        "@context": [addresses.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": addresses.issuer_id(),
        "validFrom": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": statuslist.encode(selectors.revoked_indexes(list_number=list_number)),
        },
    }


def status_list_token(list_number: int) -> str | None:
    """The status list credential as a VC-JWT, signed with the current key."""
    credential = status_list_credential(list_number)
    if credential is None:
        return None
    key = issuer_key_current()
    payload = dict(credential)
    payload.update(
        iss=credential["issuer"],
        jti=credential["id"],
        nbf=vcjwt.numeric_date(credential["validFrom"]),
        sub=credential["credentialSubject"]["id"],
    )
    return vcjwt.sign(payload, key=keys.unseal(key.private_key), kid=addresses.key_url(key.kid))
