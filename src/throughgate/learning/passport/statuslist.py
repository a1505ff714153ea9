"""Bitstring Status List v1.0 (W3C): a GZIP-compressed bitstring, base64url-encoded with the multibase prefix ``u``.
Index 0 is the left-most bit of the first byte. A set bit means revoked. Lists are 131,072 entries (16 KB), the
smallest the specification allows, so that one person's revocation hides among many entries."""

from __future__ import annotations

import gzip
from collections.abc import Iterable

from throughgate.learning.passport.vcjwt import b64url, b64url_decode

LIST_SIZE = 131_072


def list_of(index: int) -> tuple[int, int]:
    """(list number from 1, index within that list) of a credential's status index."""
    return index // LIST_SIZE + 1, index % LIST_SIZE


def encode(set_bits: Iterable[int], size: int = LIST_SIZE) -> str:
    bits = bytearray(size // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + b64url(gzip.compress(bytes(bits), mtime=0))


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("not multibase base64url")
    return gzip.decompress(b64url_decode(encoded[1:]))


def bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
