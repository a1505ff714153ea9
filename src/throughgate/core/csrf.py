"""The CSRF token for a form, as Django's ``get_token`` gives it, with the random mask drawn in one go.

Django masks the cookie's secret afresh for every page (so that a compressed page does not reveal it) with 32
characters each drawn by ``secrets.choice``: 32 calls for random bytes, about 45 µs, on every page with a form
(docs/performance.md). ``masked_token`` draws the mask from one call to ``os.urandom``, keeping each character
uniform over Django's 62 (bytes at or above 248 are dropped, as 248 = 4 x 62), and is otherwise ``get_token``:
the same secret, the same cipher, the same flag that has the middleware renew the cookie. Django's own check
(``CsrfViewMiddleware``) accepts what it makes; tests hold that.
"""

from __future__ import annotations

import os

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, get_token

_COUNT = len(CSRF_ALLOWED_CHARS)
_LIMIT = 256 - 256 % _COUNT  # bytes below this map evenly onto the characters
_CHAR_OF_BYTE = [CSRF_ALLOWED_CHARS[byte % _COUNT] for byte in range(_LIMIT)]
_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}


def random_mask(length: int = CSRF_SECRET_LENGTH) -> str:
    """``length`` characters drawn uniformly and independently from Django's CSRF alphabet."""
    chars: list[str] = []
    while len(chars) < length:
        chars += [_CHAR_OF_BYTE[byte] for byte in os.urandom(length + 8) if byte < _LIMIT]
    return "".join(chars[:length])


def masked_token(request: HttpRequest) -> str:
    """The request's CSRF token for a form: what ``django.middleware.csrf.get_token`` returns, made faster."""
    secret = request.META.get("CSRF_COOKIE")
    if not isinstance(secret, str) or len(secret) != CSRF_SECRET_LENGTH or any(c not in _INDEX for c in secret):
        return get_token(request)  # no secret yet (Django makes one and its cookie) or an unusual one
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token: the middleware renews the cookie's expiry
    mask = random_mask()
    cipher = (CSRF_ALLOWED_CHARS[(_INDEX[s] + _INDEX[m]) % _COUNT] for s, m in zip(secret, mask, strict=True))
    return mask + "".join(cipher)
