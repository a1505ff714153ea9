"""Content library, recorded group sessions and notices: resident pages on the kiosk layout (read, watch, listen),
staff pages to publish and withdraw, and the view that serves files after checking who asks (with HTTP Range, so
audio and video players can seek). Files are never at a public URL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from throughgate.core.access import requires
from throughgate.core.errors import DomainError, NotVisible
from throughgate.core.forms import add_domain_error
from throughgate.identity.models import User
from throughgate.identity.selectors import acting_establishment, acting_user
from throughgate.selfservice.content import selectors, services
from throughgate.selfservice.content.models import ContentCategory, ContentItem, ContentStatus, Notice
from throughgate.selfservice.content.web.forms import EVERY_PRISON, ContentForm, NoticeForm
from throughgate.selfservice.permissions import (
    MANAGE_CONTENT,
    MANAGE_NOTICES,
    MANAGE_PRISON_NOTICES,
    USE_CONTENT,
)

CHUNK = 64 * 1024
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
PARTS = ("file", "captions")
CATEGORY_ICONS = {
    ContentCategory.EDUCATION: "selfservice/icons/book.svg",
    ContentCategory.FAITH: "selfservice/icons/faith.svg",
    ContentCategory.HEALTH: "selfservice/icons/health.svg",
    ContentCategory.INDUCTION: "core/icons/home.svg",
    ContentCategory.RESETTLEMENT: "core/icons/key.svg",
    ContentCategory.WELLBEING: "core/icons/person.svg",
}
KIND_ICONS = {
    "text": "selfservice/icons/book.svg",
    "pdf": "selfservice/icons/document.svg",
    "audio": "selfservice/icons/audio.svg",
    "video": "selfservice/icons/play.svg",
}


# --- Serving files ---------------------------------------------------------------------------------------------


def _chunks(handle: IO[bytes], length: int) -> Iterator[bytes]:
    try:
        left = length
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        handle.close()


def ranged_file(request: HttpRequest, stored: FieldFile, *, content_type: str, name: str) -> HttpResponseBase:
    """The stored file, whole (200) or the one byte range asked for (206, or 416 if it is outside the file). A
    malformed or multi-part Range header is ignored and the whole file sent, as HTTP allows."""
    if not stored:
        raise NotVisible(_("No file found"))
    storage, stored_name = stored.storage, stored.name or ""
    try:
        size = storage.size(stored_name)
    except OSError:
        raise NotVisible(_("No file found")) from None
    start, end, status = 0, size - 1, 200
    match = RANGE.match(request.headers.get("Range", "").strip())
    if match and (match[1] or match[2]):
        if match[1]:
            start = int(match[1])
            end = min(int(match[2]), size - 1) if match[2] else size - 1
        else:
            start, end = max(0, size - int(match[2])), size - 1
            if int(match[2]) == 0:
                start = size
        if start >= size or start > end:
            refused = HttpResponse(status=416)
            refused["Content-Range"] = f"bytes */{size}"
            refused["Accept-Ranges"] = "bytes"
            return refused
        status = 206
    handle = storage.open(stored_name, "rb")
    handle.seek(start)
    length = end - start + 1 if size else 0
    response = StreamingHttpResponse(_chunks(handle, length), status=status, content_type=content_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "-", name)[:100] or "file"
    disposition = "attachment" if request.GET.get("download") == "1" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{safe_name}"'
    response["Cache-Control"] = "private, no-cache"
    return response


def _serve_part(request: HttpRequest, item: ContentItem, part: str) -> HttpResponseBase:
    if part == "captions":
        return ranged_file(request, item.captions, content_type="text/vtt; charset=utf-8", name=f"{item.pk}.vtt")
    if part == "file" and item.file:
        return ranged_file(request, item.file, content_type=item.file_type, name=item.file_name or f"{item.pk}")
    raise Http404


# --- Residents -----------------------------------------------------------------------------------------------


@requires(USE_CONTENT)
def library(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    category = request.GET.get("category", "")
    if category and category not in ContentCategory.values:
        category = ""
    items = list(selectors.library_for_resident(user=user, category=category)[:60])
    subjects = [
        {
            "code": code,
            "label": ContentCategory(code).label,
            "icon": CATEGORY_ICONS.get(ContentCategory(code), KIND_ICONS["text"]),
        }
        for code in selectors.categories_for_resident(user=user)
    ]
    context = {
        "items": [{"item": item, "icon": KIND_ICONS[item.kind]} for item in items],
        "subjects": subjects,
        "category": ContentCategory(category).label if category else "",
        "has_sessions": selectors.recordings_for_resident(user=user).exists(),
    }
    return render(request, "selfservice/content/library.html", context)


@requires(USE_CONTENT)
def sessions(request: HttpRequest) -> HttpResponse:
    items = list(selectors.recordings_for_resident(user=acting_user(request))[:60])
    rows = [{"item": item, "icon": KIND_ICONS[item.kind]} for item in items]
    return render(request, "selfservice/content/sessions.html", {"items": rows})


@requires(USE_CONTENT)
def item(request: HttpRequest, item_id: int) -> HttpResponse:
    """Open one item. Opening it counts as a view (once an hour in the activity stream)."""
    user = acting_user(request)
    viewed = services.content_view_record(user=user, item_id=item_id)
    content = viewed.view.item
    return render(request, "selfservice/content/item.html", {"item": content, "icon": KIND_ICONS[content.kind]})


@requires(USE_CONTENT)
@require_safe
def item_file(request: HttpRequest, item_id: int, part: str) -> HttpResponseBase:
    if part not in PARTS:
        raise Http404
    content = selectors.content_for_resident(user=acting_user(request), item_id=item_id)
    return _serve_part(request, content, part)


@requires(USE_CONTENT)
def notices(request: HttpRequest) -> HttpResponse:
    found = list(selectors.notices_for_resident(user=acting_user(request))[:50])
    return render(request, "selfservice/content/notices.html", {"notices": found})


# --- Staff: the content library ----------------------------------------------------------------------------------


@requires(MANAGE_CONTENT)
def manage(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    shown = request.GET.get("show", "")
    items = selectors.content_for_staff(user=user, establishment=acting_establishment(request))
    if shown == "sessions":
        items = items.exclude(audience="library")
    elif shown == "library":
        items = items.filter(audience="library")
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(request, "selfservice/content/manage.html", {"page": page, "show": shown})


def _wing_choices(request: HttpRequest) -> list[tuple[int, str]]:
    return [(wing.pk, wing.code) for wing in selectors.wings_of(establishment=acting_establishment(request))]


def _content_upload(request: HttpRequest, mode: str) -> HttpResponse:
    user = acting_user(request)
    establishment = acting_establishment(request)
    form = ContentForm(
        request.POST or None,
        request.FILES or None,
        mode=mode,
        everywhere=user.sees_all_establishments,
        wings=_wing_choices(request) if mode == "session" else None,
        request=request,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                wing = None
                if mode == "session" and data.get("audience") == "wing":
                    wing = selectors.wing_for_staff(user=user, establishment=establishment, wing_id=data.get("wing"))
                everywhere = data["audience"] == EVERY_PRISON
                new = services.NewContent(
                    kind=data["kind"],
                    category=data["category"],
                    title=data["title"],
                    audience="library" if everywhere else data["audience"],
                    language=data["language"],
                    language_name=data.get("language_name", ""),
                    summary=data.get("summary", ""),
                    body=data.get("body", ""),
                    transcript=data.get("transcript", ""),
                    file=data.get("file"),
                    captions=data.get("captions"),
                    wing=wing,
                    group_name=data.get("group_name", ""),
                    member_numbers=form.member_numbers() if mode == "session" else [],
                    session_on=data.get("session_on"),
                    publish=bool(data.get("publish")),
                )
                created = services.content_add(
                    by=user,
                    establishment=None if everywhere else establishment,
                    new=new,
                    idempotency_key=data["key"],
                )
            except NotVisible as exc:
                form.add_error("wing" if "wing" in form.fields else None, exc.message)
                status = 400
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("Published.") if created.status == ContentStatus.PUBLISHED else _("Saved as a draft.")
                )
                return HttpResponseRedirect(reverse("selfservice:content_manage_item", args=[created.pk]))
        else:
            status = 400
    template = "selfservice/content/session_new.html" if mode == "session" else "selfservice/content/content_new.html"
    return render(request, template, {"form": form}, status=status)


@requires(MANAGE_CONTENT)
@require_http_methods(["GET", "POST"])
def content_new(request: HttpRequest) -> HttpResponse:
    return _content_upload(request, "library")


@requires(MANAGE_CONTENT)
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    return _content_upload(request, "session")


def _staff_item(request: HttpRequest, item_id: int) -> tuple[User, ContentItem]:
    user = acting_user(request)
    return user, selectors.content_item_for_staff(
        user=user, establishment=acting_establishment(request), item_id=item_id
    )


@requires(MANAGE_CONTENT)
def manage_item(request: HttpRequest, item_id: int) -> HttpResponse:
    _user, content = _staff_item(request, item_id)
    context = {
        "item": content,
        "counts": selectors.view_counts(item=content),
        "members": list(content.members.order_by("prison_number").values_list("prison_number", flat=True)),
    }
    return render(request, "selfservice/content/manage_item.html", context)


@requires(MANAGE_CONTENT)
@require_POST
def manage_item_action(request: HttpRequest, item_id: int, action: str) -> HttpResponse:
    user, content = _staff_item(request, item_id)
    try:
        if action == "publish":
            services.content_publish(by=user, item=content)
            messages.success(request, _("Published. Residents can see it now."))
        elif action == "withdraw":
            services.content_withdraw(by=user, item=content)
            messages.success(request, _("Withdrawn. Residents can no longer see it."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return HttpResponseRedirect(reverse("selfservice:content_manage_item", args=[content.pk]))


@requires(MANAGE_CONTENT)
@require_safe
def manage_item_file(request: HttpRequest, item_id: int, part: str) -> HttpResponseBase:
    if part not in PARTS:
        raise Http404
    _user, content = _staff_item(request, item_id)
    return _serve_part(request, content, part)


# --- Staff: notices ----------------------------------------------------------------------------------------------


@requires(MANAGE_NOTICES)
def notices_manage(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    found = selectors.notices_for_staff(user=user, establishment=acting_establishment(request))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows = [
        {"notice": notice, "showing": notice.is_showing(), "mine": services.may_manage_notice_scope(user, notice.wing)}
        for notice in page
    ]
    return render(request, "selfservice/content/notices_manage.html", {"page": page, "rows": rows})


def _notice_form(request: HttpRequest, user: User, notice: Notice | None) -> HttpResponse:
    establishment = acting_establishment(request)
    whole_prison = user.has_perm(MANAGE_PRISON_NOTICES)
    initial: dict[str, Any] = {}
    if notice is not None:
        initial = {
            "wing": notice.wing_id or "",
            "title": notice.title,
            "body": notice.body,
            "title_cy": notice.title_cy,
            "body_cy": notice.body_cy,
            "starts_on": notice.starts_on.strftime("%d/%m/%Y"),
            "ends_on": notice.ends_on.strftime("%d/%m/%Y"),
        }
    form = NoticeForm(
        request.POST or None,
        initial=initial,
        wings=_wing_choices(request),
        whole_prison=whole_prison,
        request=request,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                wing = selectors.wing_for_staff(user=user, establishment=establishment, wing_id=data.get("wing"))
                if establishment is None:
                    raise NotVisible(_("Choose the prison you are working in first."))
                services.notice_save(
                    by=user,
                    establishment=establishment,
                    notice=notice,
                    text=services.NoticeText(
                        title=data["title"],
                        body=data["body"],
                        starts_on=data["starts_on"],
                        ends_on=data["ends_on"],
                        wing=wing,
                        title_cy=data.get("title_cy", ""),
                        body_cy=data.get("body_cy", ""),
                    ),
                    idempotency_key=data["key"],
                )
            except NotVisible as exc:
                form.add_error("wing", exc.message)
                status = 400
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Notice saved."))
                return HttpResponseRedirect(reverse("selfservice:notices_manage"))
        else:
            status = 400
    context = {"form": form, "notice": notice}
    return render(request, "selfservice/content/notice_form.html", context, status=status)


@requires(MANAGE_NOTICES)
@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest) -> HttpResponse:
    return _notice_form(request, acting_user(request), None)


@requires(MANAGE_NOTICES)
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = acting_user(request)
    notice = selectors.notice_for_staff(user=user, establishment=acting_establishment(request), notice_id=notice_id)
    if not services.may_manage_notice_scope(user, notice.wing) or notice.withdrawn_at is not None:
        messages.error(request, _("You cannot change this notice."))
        return HttpResponseRedirect(reverse("selfservice:notices_manage"))
    return _notice_form(request, user, notice)


@requires(MANAGE_NOTICES)
@require_POST
def notice_withdraw(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = acting_user(request)
    notice = selectors.notice_for_staff(user=user, establishment=acting_establishment(request), notice_id=notice_id)
    try:
        services.notice_withdraw(by=user, notice=notice)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Notice taken down."))
    return HttpResponseRedirect(reverse("selfservice:notices_manage"))
