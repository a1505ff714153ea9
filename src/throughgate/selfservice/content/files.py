"""Checks on files staff upload to the content library: the type is read from the first bytes of the file (its
name can say anything), each kind has a size limit, and a caption file must be real WebVTT with at least one cue."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.utils.translation import gettext as _

from throughgate.core.errors import InvalidInput
from throughgate.selfservice.content.models import ContentKind

MB = 1024 * 1024
HEAD_BYTES = 64
# The most each kind may be, before the site-wide cap (CONTENT_MAX_UPLOAD_MB) is applied.
KIND_LIMITS_MB = {ContentKind.PDF: 25, ContentKind.AUDIO: 200, ContentKind.VIDEO: 500}
CAPTIONS_LIMIT_BYTES = 1 * MB
ALLOWED = {
    ContentKind.PDF: ("application/pdf",),
    ContentKind.AUDIO: ("audio/mpeg", "audio/wav", "audio/ogg", "audio/mp4", "audio/flac", "audio/webm"),
    ContentKind.VIDEO: ("video/mp4", "video/webm", "video/ogg"),
}
TIMESTAMP = r"(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}"
CUE_TIMING = re.compile(rf"^{TIMESTAMP}[ \t]+-->[ \t]+{TIMESTAMP}(?:[ \t].*)?$", re.MULTILINE)
VTT_HEADER = re.compile(r"^WEBVTT(?:[ \t][^\r\n]*)?(?:\r\n|\r|\n|$)")
AUDIO_BRANDS = (b"M4A ", b"M4B ", b"M4P ", b"F4A ")


def sniff(head: bytes, kind: str) -> str | None:
    """The media type the first bytes of a file show, or None if they show none we accept. WebM, Ogg and MP4
    containers hold sound or pictures; which one the person meant is taken from the kind they chose."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head[:4] == b"fLaC":
        return "audio/flac"
    if head[:4] == b"OggS":
        if b"theora" in head:
            return "video/ogg"
        return "video/ogg" if kind == ContentKind.VIDEO else "audio/ogg"
    if head[4:8] == b"ftyp":
        if head[8:12] in AUDIO_BRANDS or kind == ContentKind.AUDIO:
            return "audio/mp4"
        return "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3" and b"webm" in head:
        return "audio/webm" if kind == ContentKind.AUDIO else "video/webm"
    return None


def limit_bytes(kind: str) -> int:
    return min(KIND_LIMITS_MB.get(ContentKind(kind), 25), settings.CONTENT_MAX_UPLOAD_MB) * MB


def _head(upload: File) -> bytes:  # type: ignore[type-arg]
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def _type_message(kind: str) -> str:
    if kind == ContentKind.PDF:
        return _("The file must be a PDF document.")
    if kind == ContentKind.AUDIO:
        return _("The file must be a sound recording: MP3, WAV, M4A, OGG, FLAC or WebM.")
    return _("The file must be a video: MP4, WebM or OGG.")


@dataclass(frozen=True)
class CheckedFile:
    media_type: str
    size: int
    name: str


def check_media(upload: File | None, kind: str) -> CheckedFile:  # type: ignore[type-arg]
    """Refuse a missing, empty, too big or wrongly typed file for this kind (PDF, audio or video)."""
    if upload is None:
        raise InvalidInput(_("Choose a file to upload."), code="file_required", field="file")
    size = int(upload.size or 0)
    if size == 0:
        raise InvalidInput(_("The file is empty. Choose another file."), code="file_empty", field="file")
    limit = limit_bytes(kind)
    if size > limit:
        raise InvalidInput(
            _("The file must be smaller than %(size)s MB.") % {"size": limit // MB},
            code="file_too_big",
            field="file",
        )
    media_type = sniff(_head(upload), kind)
    if media_type is None or media_type not in ALLOWED[ContentKind(kind)]:
        raise InvalidInput(_type_message(kind), code="file_type", field="file")
    return CheckedFile(media_type=media_type, size=size, name=(upload.name or "file").rsplit("/", 1)[-1][:120])


def check_captions(upload: File | None) -> CheckedFile:  # type: ignore[type-arg]
    """A video needs captions: a UTF-8 WebVTT file with at least one timed cue."""
    if upload is None:
        raise InvalidInput(
            _("Add a captions file (WebVTT, .vtt) so that people who cannot hear can follow the video."),
            code="captions_required",
            field="captions",
        )
    size = int(upload.size or 0)
    if size > CAPTIONS_LIMIT_BYTES:
        raise InvalidInput(_("The captions file must be smaller than 1 MB."), code="captions_too_big", field="captions")
    upload.seek(0)
    raw = upload.read(CAPTIONS_LIMIT_BYTES + 1)
    upload.seek(0)
    try:
        text = (raw if isinstance(raw, bytes) else raw.encode()).decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    text = text.removeprefix("\ufeff")
    if not VTT_HEADER.match(text) or not CUE_TIMING.search(text):
        raise InvalidInput(
            _("The captions must be a WebVTT file with timed lines, like 00:01.000 --> 00:04.000."),
            code="captions_type",
            field="captions",
        )
    return CheckedFile(media_type="text/vtt", size=size, name=(upload.name or "captions.vtt").rsplit("/", 1)[-1][:120])
