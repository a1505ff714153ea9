"""The session engine: Django's database sessions, with the read that every signed-in request makes done as one
plain SQL statement. Building that query through the ORM cost ten times more than running it
(docs/performance.md); writing, expiry and clearing stay Django's own."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
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
