"""The public addresses credentials name: the issuer's profile, its keys, the status lists and each credential. They
are built from ``settings.PUBLIC_URL`` so that they mean the same wherever a credential is read."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.urls import reverse

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


def absolute(path: str) -> str:
    return f"{settings.PUBLIC_URL}{path}"


@lru_cache(maxsize=8)
def _prefixes(public_url: str) -> tuple[str, str, str]:
    """The issuer's id and the address prefixes of keys and status lists (worked out once per public URL)."""
    return (
        public_url + reverse("learning:issuer"),
        public_url + reverse("learning:key", args=["KID"]).removesuffix("KID"),
        public_url + reverse("learning:status_list", args=[1]).removesuffix("1"),
    )


def issuer_id() -> str:
    return _prefixes(settings.PUBLIC_URL)[0]


def key_url(kid: str) -> str:
    return _prefixes(settings.PUBLIC_URL)[1] + kid


def status_list_prefix() -> str:
    return _prefixes(settings.PUBLIC_URL)[2]


def kid_from_url(url: str) -> str | None:
    """The key id in a ``kid`` header if it is the URL of one of our keys, else None."""
    prefix = key_url("")
    if not url.startswith(prefix):
        return None
    kid = url[len(prefix) :]
    return kid if kid and "/" not in kid else None


def status_list_url(number: int) -> str:
    return status_list_prefix() + str(number)


def credential_url(public_id: object) -> str:
    return absolute(reverse("learning:credential_public", args=[str(public_id)]))
