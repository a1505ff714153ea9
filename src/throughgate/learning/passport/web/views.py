"""Skills passport pages: the resident's badges on the kiosk (with a link and a QR code to share), the public
verification page anyone may use, what the service publishes for verifiers (issuer, keys, status lists), and revoking
a badge for education staff."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from throughgate.core.access import public, requires
from throughgate.core.errors import DomainError
from throughgate.core.forms import add_domain_error
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.learning.passport import addresses, publication, selectors, services, verification
from throughgate.learning.passport.web.forms import RevokeForm, VerifyForm
from throughgate.learning.permissions import ISSUE_CREDENTIALS, USE_PASSPORT

JWT_TYPE = "application/jwt"
VC_JWT_TYPE = "application/vc+jwt"


def _qr_svg(text: str) -> str:
    buffer = BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue().decode()


# --- Residents --------------------------------------------------------------------------------------------------


@requires(USE_PASSPORT)
def my_passport(request: HttpRequest) -> HttpResponse:
    badges = list(selectors.passport_of_resident(user=acting_user(request)))
    return render(request, "learning/my_passport.html", {"badges": badges})


@requires(USE_PASSPORT)
def my_badge(request: HttpRequest, public_id: str) -> HttpResponse:
    badge = selectors.credential_of_resident(user=acting_user(request), public_id=public_id)
    link = addresses.credential_url(badge.public_id)
    verdict = verification.verify(badge.token)
    context = {"badge": badge, "link": link, "qr_svg": _qr_svg(link), "verdict": verdict}
    return render(request, "learning/my_badge.html", context)


# --- Anyone: verification ---------------------------------------------------------------------------------------


@public
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            verdict = verification.verify(form.cleaned_data["text"], name=form.cleaned_data.get("name") or "")
        else:
            status = 400
    return render(request, "learning/verify.html", {"form": form, "verdict": verdict}, status=status)


@public
def credential_public(request: HttpRequest, public_id: str) -> HttpResponse:
    """The page a shared link opens: the credential checked, as the verification page would."""
    credential = selectors.credential_shared(public_id=public_id)
    if credential is None:
        raise Http404
    verdict = verification.verify(credential.token, name=request.GET.get("name", ""))
    context = {"verdict": verdict, "public_id": credential.public_id, "form": None}
    return render(request, "learning/credential_public.html", context)


@public
def credential_download(request: HttpRequest, public_id: str) -> HttpResponse:
    credential = selectors.credential_shared(public_id=public_id)
    if credential is None:
        raise Http404
    response = HttpResponse(credential.token, content_type=VC_JWT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="skills-badge-{credential.public_id}.jwt"'
    return response


# --- Anyone: what verifiers fetch -------------------------------------------------------------------------------


def _json(data: dict[str, Any]) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@public
def issuer(request: HttpRequest) -> HttpResponse:
    return _json(publication.issuer_profile())


@public
def jwks(request: HttpRequest) -> HttpResponse:
    return _json(publication.jwks())


@public
def key(request: HttpRequest, kid: str) -> HttpResponse:
    document = publication.key_document(kid)
    if document is None:
        raise Http404
    return _json(document)


@public
def status_list(request: HttpRequest, list_number: int) -> HttpResponse:
    token = publication.status_list_token(list_number)
    if token is None:
        raise Http404
    response = HttpResponse(token, content_type=VC_JWT_TYPE)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "max-age=300"
    return response


# --- Staff ------------------------------------------------------------------------------------------------------


@requires(ISSUE_CREDENTIALS)
@require_http_methods(["GET", "POST"])
def credential_revoke(request: HttpRequest, credential_id: int) -> HttpResponse:
    user = acting_user(request)
    credential = selectors.credential_for_staff(
        user=user, establishment=acting_establishment(request), credential_id=credential_id
    )
    form = RevokeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.credential_revoke(by=user, credential=credential, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The badge is revoked. Anyone who checks it is told so."))
                return HttpResponseRedirect(reverse("learning:learner", args=[credential.person.prison_number]))
    return render(request, "learning/revoke.html", {"form": form, "badge": credential}, status=status)
