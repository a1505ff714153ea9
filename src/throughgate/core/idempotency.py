"""Idempotency keys: a device sends one with every write, so a retry on a bad link is stored exactly once. The
keyed form (``core.forms.KeyedForm``) makes one when the form is shown; services check it with
``clean_idempotency_key`` and look a replay up by (person, key)."""

from __future__ import annotations

import re
import uuid

from django.utils.translation import gettext as _

from throughgate.core.errors import InvalidInput

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def new_key() -> str:
    return uuid.uuid4().hex


def clean_idempotency_key(raw: str) -> str:
    key = (raw or "").strip()
    if not KEY_PATTERN.match(key):
        raise InvalidInput(
            _("This form is out of date. Go back and try again."), code="idempotency_key_invalid", field="key"
        )
    return key


def key_of(actor_id: int, raw: str | None) -> str | None:
    """The stored form of an actor's key in a column unique across everyone (``"<actor id>:<key>"``), so one
    person's key never replays another's; None when the write carries no key."""
    return f"{actor_id}:{clean_idempotency_key(raw)}" if raw else None
