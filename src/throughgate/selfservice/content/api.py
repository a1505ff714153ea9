"""Content and notices on the JSON API for the in-cell app (/api/v1/selfservice/content/...): the library, the
person's recorded group sessions, one item, recording that it was opened, and today's notices. Files are fetched
from the URLs given (the same access-checked views as the kiosk pages, with HTTP Range)."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Schema, Status

from throughgate.core.access import requires
from throughgate.core.errors import InvalidInput
from throughgate.identity.api import ERRORS, Router, acting_user
from throughgate.selfservice.content import selectors, services
from throughgate.selfservice.content.models import ContentCategory, ContentItem, Notice
from throughgate.selfservice.permissions import USE_CONTENT

router = Router()


class ContentOut(Schema):
    id: int
    kind: str = Field(description="text, pdf, audio or video")
    category: str
    language: str = Field(description="en, cy or other (then see language_name)")
    language_name: str
    title: str
    summary: str
    audience: str = Field(description="library, wing (a wing's recording) or group (a named group's recording)")
    group_name: str
    session_on: date | None
    published_at: datetime | None
    body: str = Field(description="The text of an article (empty for files)")
    transcript: str
    file_url: str | None = Field(description="PDF, audio or video; send Range to fetch part of it")
    file_type: str
    file_size: int
    captions_url: str | None = Field(description="WebVTT captions of a video")

    @staticmethod
    def of(item: ContentItem, *, full: bool = True) -> ContentOut:
        return ContentOut(
            id=item.pk,
            kind=item.kind,
            category=item.category,
            language=item.language,
            language_name=item.language_name,
            title=item.title,
            summary=item.summary,
            audience=item.audience,
            group_name=item.group_name,
            session_on=item.session_on,
            published_at=item.published_at,
            body=item.body if full else "",
            transcript=item.transcript if full else "",
            file_url=reverse("selfservice:content_file", args=[item.pk, "file"]) if item.file else None,
            file_type=item.file_type,
            file_size=item.file_size,
            captions_url=reverse("selfservice:content_file", args=[item.pk, "captions"]) if item.captions else None,
        )


class ViewOut(Schema):
    item: ContentOut
    counted: bool = Field(description="True for the first open this hour (the one the activity stream records)")
    opens_this_hour: int


class NoticeOut(Schema):
    id: int
    title: str
    body: str
    for_wing: bool = Field(description="True for a notice for the person's wing, False for everyone")
    starts_on: date
    ends_on: date

    @staticmethod
    def of(notice: Notice) -> NoticeOut:
        return NoticeOut(
            id=notice.pk,
            title=notice.display_title,
            body=notice.display_body,
            for_wing=notice.wing_id is not None,
            starts_on=notice.starts_on,
            ends_on=notice.ends_on,
        )


@router.get("/content", response={200: list[ContentOut], **ERRORS}, summary="The library, newest first")
@requires(USE_CONTENT)
def content_list(request: HttpRequest, category: str = "") -> list[ContentOut]:
    if category and category not in ContentCategory.values:
        raise InvalidInput(
            "Unknown category: use " + ", ".join(ContentCategory.values), code="category_invalid", field="category"
        )
    items = selectors.library_for_resident(user=acting_user(request), category=category)[:200]
    return [ContentOut.of(item, full=False) for item in items]


@router.get(
    "/content/sessions", response={200: list[ContentOut], **ERRORS}, summary="The person's recorded group sessions"
)
@requires(USE_CONTENT)
def content_sessions(request: HttpRequest) -> list[ContentOut]:
    items = selectors.recordings_for_resident(user=acting_user(request))[:200]
    return [ContentOut.of(item, full=False) for item in items]


@router.get("/content/{int:item_id}", response={200: ContentOut, **ERRORS}, summary="One item (not counted as a view)")
@requires(USE_CONTENT)
def content_detail(request: HttpRequest, item_id: int) -> ContentOut:
    return ContentOut.of(selectors.content_for_resident(user=acting_user(request), item_id=item_id))


@router.post(
    "/content/{int:item_id}/views",
    response={200: ViewOut, 201: ViewOut, **ERRORS},
    summary="Record that the person opened an item (201 the first time this hour, then 200)",
)
@requires(USE_CONTENT)
def content_view_record(request: HttpRequest, item_id: int) -> Status[ViewOut]:
    viewed = services.content_view_record(user=acting_user(request), item_id=item_id)
    out = ViewOut(
        item=ContentOut.of(viewed.view.item), counted=viewed.first_this_hour, opens_this_hour=viewed.view.opens
    )
    return Status(201 if viewed.first_this_hour else 200, out)


@router.get("/notices", response={200: list[NoticeOut], **ERRORS}, summary="Notices showing today, newest first")
@requires(USE_CONTENT)
def notices_list(request: HttpRequest) -> list[NoticeOut]:
    return [NoticeOut.of(notice) for notice in selectors.notices_for_resident(user=acting_user(request))[:100]]
