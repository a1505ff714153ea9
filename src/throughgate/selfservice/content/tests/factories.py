"""Helpers for content tests: uploaded files made in code, and items and notices made through the services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from throughgate.identity.models import Establishment, Location, User
from throughgate.selfservice.content import samples, services
from throughgate.selfservice.content.models import ContentItem, Notice


def key() -> str:
    return uuid.uuid4().hex


def pdf_upload(name: str = "guide.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.tiny_pdf("Induction guide", ["Welcome."]), "application/pdf")


def wav_upload(name: str = "talk.wav", seconds: float = 1.0) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.tone_wav(seconds=seconds), "audio/wav")


def webm_upload(name: str = "session.webm") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, samples.webm_header() + bytes(range(256)) * 8, "video/webm")


def vtt_upload(name: str = "session.vtt") -> SimpleUploadedFile:
    text = samples.webvtt([(0, 2, "Hello, everyone."), (2, 4, "Let us start.")])
    return SimpleUploadedFile(name, text.encode(), "text/vtt")


def article(by: User, establishment: Establishment | None, **fields: Any) -> ContentItem:
    new = services.NewContent(
        kind="text",
        category=fields.pop("category", "induction"),
        title=fields.pop("title", "Your first week"),
        body=fields.pop("body", "You will meet your key worker on day one."),
        **fields,
    )
    return services.content_add(by=by, establishment=establishment, new=new)


def recording(
    by: User,
    establishment: Establishment,
    *,
    wing: Location | None = None,
    members: list[str] | None = None,
    **fields: Any,
) -> ContentItem:
    new = services.NewContent(
        kind=fields.pop("kind", "audio"),
        category=fields.pop("category", "faith"),
        title=fields.pop("title", "Chapel group, week 3"),
        audience="wing" if wing is not None else "group",
        wing=wing,
        group_name=fields.pop("group_name", "Chapel group"),
        member_numbers=members or [],
        file=fields.pop("file", None) or wav_upload(),
        transcript=fields.pop("transcript", "The chaplain welcomes the group."),
        **fields,
    )
    return services.content_add(by=by, establishment=establishment, new=new)


def notice(by: User, establishment: Establishment, *, wing: Location | None = None, **fields: Any) -> Notice:
    today = timezone.localdate()
    text = services.NoticeText(
        title=fields.pop("title", "Gym closed on Friday"),
        body=fields.pop("body", "The gym is shut on Friday for repairs."),
        starts_on=fields.pop("starts_on", today),
        ends_on=fields.pop("ends_on", today + dt.timedelta(days=3)),
        wing=wing,
        **fields,
    )
    return services.notice_save(by=by, establishment=establishment, text=text)
