"""A WSGI entry point for the hosts FreeRADIUS calls: the RADIUS endpoints (and the Squid helper's) answered
straight from their views, without the page middleware (sessions, CSRF, sign-in, security headers) that machine
JSON endpoints do not use; every other path goes to the whole Django application.

    granian --interface wsgi --http 1 --no-ws --workers 2 --blocking-threads 2 throughgate.access.wsgi:application

(radius.serve_command, which `throughgate access radius-conf` prints; any WSGI server can serve it.)

The views check the shared secret themselves and are declared public in the permission map, so nothing they rely
on is skipped. FreeRADIUS waits on /radius/authorize for every device that joins: this keeps it fast.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from django.core.handlers.wsgi import WSGIRequest  # noqa: E402  (after Django is set up)
from django.db import close_old_connections, connection  # noqa: E402

from throughgate.access.web import network  # noqa: E402


def close_stale_connections() -> None:
    """What Django's request signals do around a request; skipped inside a transaction (as in tests), where it
    would close the connection the transaction runs on."""
    if not connection.in_atomic_block:
        close_old_connections()


ROUTES: dict[str, Callable[..., Any]] = {
    "/radius/authorize": network.radius_authorize,
    "/radius/post-auth": network.radius_post_auth,
    "/radius/accounting": network.radius_accounting,
    "/squid/snapshot": network.squid_snapshot,
    "/squid/usage": network.squid_usage,
}


STATUS_LINES = {200: "200 OK", 401: "401 Unauthorized", 503: "503 Service Unavailable"}
MAX_BODY = 65536


def radius_authorize(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """/radius/authorize without a Django request object: the same answer (network.authorize_answer) as the view,
    from the raw WSGI environment. FreeRADIUS calls it for every device that joins."""
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    query = parse_qs(environ.get("QUERY_STRING", ""))
    close_stale_connections()
    try:
        status, reply = network.authorize_answer(
            environ.get("HTTP_X_THROUGHGATE_SECRET", ""), body, (query.get("establishment") or [""])[0]
        )
    finally:
        close_stale_connections()
    payload = json.dumps(reply).encode()
    start_response(STATUS_LINES[status], [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    if path == "/radius/authorize" and environ.get("REQUEST_METHOD") == "POST":
        return radius_authorize(environ, start_response)
    view = ROUTES.get(path)
    if view is None:
        result: Iterable[bytes] = django_application(environ, start_response)
        return result
    close_stale_connections()
    try:
        response = view(WSGIRequest(environ))
        headers = [*response.items(), ("Content-Length", str(len(response.content)))]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [response.content]
    finally:
        close_stale_connections()
