"""The private halves of the signing keys, encrypted at rest with Fernet (AES-128-CBC and HMAC-SHA256). The Fernet
key is derived (HKDF-SHA256) from ``THROUGHGATE_CREDENTIAL_KEY_SECRET``, or from the Django secret key when that is
not set: a copy of the database alone cannot sign a credential. Changing that secret makes the stored keys
unusable for signing (what they signed stays verifiable: verification uses the public halves only); rotate the
signing key after changing it."""

from __future__ import annotations

import base64
import os

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from django.conf import settings


def _fernet() -> Fernet:
    secret = os.environ.get("THROUGHGATE_CREDENTIAL_KEY_SECRET") or settings.SECRET_KEY
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"throughgate.learning.issuer-key").derive(
        secret.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(key: Ed25519PrivateKey) -> str:
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return _fernet().encrypt(raw).decode("ascii")


def unseal(sealed: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_fernet().decrypt(sealed.encode("ascii")))
