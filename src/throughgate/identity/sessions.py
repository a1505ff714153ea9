"""The session engine: Django's database sessions, with the read that every signed-in request makes done as one
plain SQL statement. Building that query through the ORM cost ten times more than running it
(docs/performance.md); writing, expiry and clearing stay Django's own.

Decoding a session (checking its signature, unpacking it) costs about as much as reading it; a session's stored
text changes only when the session is written (the idle clock moves it every few seconds), so the decoded values of
recent texts are kept, keyed by the exact text: the same text always decodes to the same values. Only sessions of
plain values (text, numbers) are kept, and each request gets its own copy of the dictionary."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

# Past this many entries the store starts again from empty (one entry per active session, a few per busy one).
MAX_DECODED = 10_000
PLAIN = (str, int, float, bool, type(None))
_decoded: dict[str, dict[str, Any]] = {}


class SessionStore(DatabaseSessionStore):
    def decode(self, session_data: bytes | str) -> dict[str, Any]:
        if isinstance(session_data, bytes):  # pragma: no cover - the database gives text
            return super().decode(session_data)
        known = _decoded.get(session_data)
        if known is not None:
            return dict(known)
        values: dict[str, Any] = super().decode(session_data)
        # Django decodes a text that is not validly signed to an empty session: never kept.
        if values and all(isinstance(value, PLAIN) for value in values.values()):
            if len(_decoded) >= MAX_DECODED:
                _decoded.clear()
            _decoded[session_data] = dict(values)
        return values

    def _get_session_from_db(self) -> Any:
        model = self.model
        key = self.session_key
        if not key:  # pragma: no cover - Django loads only when there is a key; kept for parity with the base class
            self._session_key = None
            return None
        connection = connections[router.db_for_read(model)]
        sql = f"SELECT session_data FROM {connection.ops.quote_name(model._meta.db_table)}"  # noqa: S608
        sql += " WHERE session_key = %s AND expire_date > %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [key, connection.ops.adapt_datetimefield_value(timezone.now())])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=key, session_data=row[0])
