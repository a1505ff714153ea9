"""Machine endpoints for the network: FreeRADIUS rlm_rest (/radius/...) and the Squid helper's snapshot and usage
(/squid/...). Authenticated by the shared secret header, not by a user session, so they are declared public and
check the secret themselves (401 without it). Kept lean: FreeRADIUS waits on them."""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from throughgate.access import radius, services, snapshot
from throughgate.core.access import public
from throughgate_squid_helper import policy

logger = logging.getLogger(__name__)


def _authorised(request: HttpRequest) -> bool:
    secret = radius.shared_secret()
    given = request.headers.get(radius.SECRET_HEADER, "")
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


def _unauthorised() -> JsonResponse:
    # 401 with a Reply-Message: FreeRADIUS treats it as a reject (never an accept).
    return JsonResponse({"reply:Reply-Message": "Not authorised"}, status=401)


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _mac(body: dict[str, Any]) -> str:
    return radius.attribute(body, "Calling-Station-Id") or radius.attribute(body, "User-Name")


@public
@csrf_exempt
@require_POST
def radius_authorize(request: HttpRequest) -> HttpResponse:
    """rlm_rest authorize: 200 with the VLAN for an issued device (quarantine VLAN for a suspended or lost one),
    401 (reject) for anything else. An unknown MAC is recorded as an unapproved device."""
    status, reply = authorize_answer(
        request.headers.get(radius.SECRET_HEADER, ""), request.body, request.GET.get("establishment", "")
    )
    return JsonResponse(reply, status=status)


def authorize_answer(given_secret: str, raw_body: bytes, establishment: str) -> tuple[int, dict[str, str]]:
    """The authorize answer as (HTTP status, rlm_rest reply attributes); shared by the view and the lean WSGI
    entry (throughgate.access.wsgi), which calls it without building a Django request."""
    secret = radius.shared_secret()
    if not (secret and hmac.compare_digest(given_secret.encode(), secret.encode())):
        return 401, {"reply:Reply-Message": "Not authorised"}
    try:
        data = json.loads(raw_body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = {}
    body = data if isinstance(data, dict) else {}
    try:
        admission = services.device_admit(
            mac=_mac(body),
            nas=radius.attribute(body, "NAS-Identifier") or radius.attribute(body, "NAS-IP-Address"),
            nas_establishment=establishment[:3],
            ssid=radius.attribute(body, "Called-Station-Id").partition(":")[2],
        )
    except DatabaseError:
        logger.exception("RADIUS authorize could not reach the database")
        return 503, {"reply:Reply-Message": "Try again later"}
    if not admission.accept:
        return 401, {"reply:Reply-Message": admission.message}
    reply = radius.vlan_reply(admission.vlan)
    if admission.quarantined:
        reply["reply:Reply-Message"] = admission.message
    return 200, reply


@public
@csrf_exempt
@require_POST
def radius_post_auth(request: HttpRequest) -> HttpResponse:
    """rlm_rest post-auth: note when an admitted device was last seen (204: nothing to add to the reply)."""
    if not _authorised(request):
        return _unauthorised()
    body = _body(request)
    try:
        services.radius_post_auth(
            mac=_mac(body), nas=radius.attribute(body, "NAS-Identifier") or radius.attribute(body, "NAS-IP-Address")
        )
    except DatabaseError:
        logger.exception("RADIUS post-auth could not reach the database")
    return HttpResponse(status=204)


@public
@csrf_exempt
@require_POST
def radius_accounting(request: HttpRequest) -> HttpResponse:
    """rlm_rest accounting: Start / Interim-Update bind Framed-IP-Address to the device, Stop releases it."""
    if not _authorised(request):
        return _unauthorised()
    body = _body(request)
    try:
        services.accounting_record(
            status=radius.attribute(body, "Acct-Status-Type"),
            mac=_mac(body),
            ip=radius.attribute(body, "Framed-IP-Address"),
            session_id=radius.attribute(body, "Acct-Session-Id"),
            nas=radius.attribute(body, "NAS-Identifier") or radius.attribute(body, "NAS-IP-Address"),
        )
    except DatabaseError:
        logger.exception("RADIUS accounting could not reach the database")
        return HttpResponse(status=503)
    return HttpResponse(status=204)


@public
@require_GET
def squid_snapshot(request: HttpRequest) -> HttpResponse:
    """The Squid helper's policy snapshot: only the sections whose version differs from what it holds
    (``?catalogue=N&policy=M``). 503 when the database cannot be read: the helper then refuses everything."""
    if not _authorised(request):
        return _unauthorised()
    try:
        current = snapshot.versions()
        now = timezone.now()
        data: dict[str, Any] = {"versions": current, "generated_at": now.isoformat()}
        if request.GET.get("catalogue") != str(current[snapshot.CATALOGUE]):
            data["catalogue"] = policy.catalogue_to_json(snapshot.catalogue_rules())
        if request.GET.get("policy") != str(current[snapshot.POLICY]):
            built = policy.Snapshot()
            snapshot.fill_policy(built, now)
            data["policy"] = policy.policy_to_json(built)
    except DatabaseError:
        logger.exception("Squid snapshot: database unreachable")
        return JsonResponse({"error": "database unreachable"}, status=503)
    return HttpResponse(policy.dumps(data), content_type="application/json")


@public
@csrf_exempt
@require_POST
def squid_usage(request: HttpRequest) -> HttpResponse:
    """The helper's decision counts since its last report, added to the hourly usage rows."""
    if not _authorised(request):
        return _unauthorised()
    rows = _body(request).get("counts", [])
    if not isinstance(rows, list):
        return JsonResponse({"error": "counts must be a list"}, status=400)
    try:
        stored = services.usage_record(counts=[row for row in rows if isinstance(row, dict)])
    except DatabaseError:
        return JsonResponse({"error": "database unreachable"}, status=503)
    return JsonResponse({"stored": stored})
