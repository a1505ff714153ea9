"""The session engine reads a session with one SQL statement (identity/sessions.py); otherwise it is Django's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

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
