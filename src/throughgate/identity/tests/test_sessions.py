"""The session engine reads a session with one SQL statement (identity/sessions.py); otherwise it is Django's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from throughgate.identity import sessions
from throughgate.identity.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_round_trip():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    again = SessionStore(store.session_key)
    assert again["answer"] == 42


def test_expired_session_is_empty_and_forgets_its_key():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    again = SessionStore(store.session_key)
    assert dict(again.items()) == {}
    assert again.session_key is None


def test_unknown_key_is_empty():
    again = SessionStore("x" * 32)
    assert "answer" not in again
    assert again.session_key is None


def test_tampered_data_is_empty():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    Session.objects.filter(session_key=store.session_key).update(session_data="not-signed")
    assert dict(SessionStore(store.session_key).items()) == {}


def test_a_decoded_session_is_reused_for_the_same_text_and_each_request_gets_its_own_copy(monkeypatch):
    from django.contrib.sessions.backends.base import SessionBase

    decoded: list[str] = []
    real = SessionBase.decode

    def counting(self, session_data):  # type: ignore[no-untyped-def]
        decoded.append(session_data)
        return real(self, session_data)

    monkeypatch.setattr(SessionBase, "decode", counting)
    monkeypatch.setattr(sessions, "_decoded", {})  # the same values signed in the same second make the same text
    store = SessionStore()
    store["answer"] = 42
    store.create()
    first = SessionStore(store.session_key)
    assert first["answer"] == 42
    first["answer"] = 7  # changed in one request, not yet saved
    second = SessionStore(store.session_key)
    assert second["answer"] == 42
    assert len(decoded) == 1  # the second read reused the first decoding
    first.save()
    assert SessionStore(store.session_key)["answer"] == 7  # a new text is decoded afresh
    assert len(decoded) == 2


def test_a_session_holding_a_list_is_decoded_every_time():
    store = SessionStore()
    store["items"] = [1, 2]
    store.create()
    first = SessionStore(store.session_key)
    first["items"].append(3)  # changed in place, as code may do
    assert SessionStore(store.session_key)["items"] == [1, 2]
