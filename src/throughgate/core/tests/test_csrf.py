"""``core.csrf.masked_token``: Django's CSRF token made faster, and accepted by Django's own check."""

from __future__ import annotations

from collections import Counter

import pytest
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    CsrfViewMiddleware,
    _get_new_csrf_string,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from throughgate.core.csrf import masked_token, random_mask

SECRET = _get_new_csrf_string()


def view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("done")


def middleware() -> CsrfViewMiddleware:
    return CsrfViewMiddleware(view)


def page_request(cookie: str | None = SECRET) -> HttpRequest:
    factory = RequestFactory()
    if cookie is not None:
        factory.cookies["csrftoken"] = cookie
    request = factory.get("/")
    middleware().process_request(request)
    return request


def test_the_token_hides_the_cookies_secret_as_djangos_does() -> None:
    request = page_request()
    token = masked_token(request)
    assert len(token) == 2 * CSRF_SECRET_LENGTH
    assert set(token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == SECRET
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # the cookie's expiry is renewed, as get_token does
    assert masked_token(request) != token  # a fresh mask each time


@pytest.mark.parametrize("sent", ["token", "other token", "no token"])
def test_djangos_check_accepts_a_post_with_the_token_and_only_with_it(sent: str) -> None:
    token = masked_token(page_request())
    form = {"token": {"csrfmiddlewaretoken": token}, "other token": {"csrfmiddlewaretoken": "x" * 64}}
    factory = RequestFactory()
    factory.cookies["csrftoken"] = SECRET
    post = factory.post("/", form.get(sent, {}))
    check = middleware()
    check.process_request(post)
    refused = check.process_view(post, view, (), {})
    assert (refused is None) is (sent == "token")


def test_without_a_cookie_django_makes_the_secret_and_its_cookie() -> None:
    request = page_request(cookie=None)
    token = masked_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert _unmask_cipher_token(token) == secret
    response = middleware().process_response(request, HttpResponse())
    assert response.cookies["csrftoken"].value == secret


def test_a_malformed_cookie_is_replaced_not_used() -> None:
    request = page_request(cookie="not a secret!")
    token = masked_token(request)
    assert _unmask_cipher_token(token) == request.META["CSRF_COOKIE"] != "not a secret!"


def test_the_mask_draws_every_character_about_equally() -> None:
    drawn = Counter("".join(random_mask() for _ in range(2_000)))  # 64,000 characters, about 1,032 of each
    assert set(drawn) == set(CSRF_ALLOWED_CHARS)
    expected = 2_000 * CSRF_SECRET_LENGTH / len(CSRF_ALLOWED_CHARS)
    chi_square = sum((count - expected) ** 2 / expected for count in drawn.values())
    assert chi_square < 130  # 61 degrees of freedom: above 130 has odds of about 1 in 10 million when uniform
    assert all(len(random_mask(n)) == n for n in (1, 32, 100))
