"""Writes of content and notices: staff add items to the content library (or a recording of a group session for one
wing or a named group), publish and withdraw them, and put up notices; a resident's open of an item is counted once
per hour as a ``content.viewed`` activity event.

Who may do what: ``selfservice.manage_content`` publishes in the establishments the person works in (an item for
every establishment needs a role that sees all of them); ``selfservice.manage_notices`` puts up wing notices and
``selfservice.manage_prison_notices`` notices for the whole establishment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from throughgate.core import activity, audit
from throughgate.core.access import ensure_can
from throughgate.core.errors import InvalidInput, InvalidTransition, LimitExceeded, NotVisible
from throughgate.core.idempotency import key_of
from throughgate.core.validators import is_valid_prison_number, normalise
from throughgate.identity.models import Establishment, Location, LocationLevel, User
from throughgate.identity.selectors import establishments_for
from throughgate.people import selectors as people_selectors
from throughgate.people.models import Person
from throughgate.people.selectors import own_record_for
from throughgate.selfservice import events
from throughgate.selfservice.content import files
from throughgate.selfservice.content.models import (
    ContentAudience,
    ContentCategory,
    ContentItem,
    ContentKind,
    ContentLanguage,
    ContentStatus,
    ContentView,
    Notice,
)
from throughgate.selfservice.content.selectors import content_for_resident
from throughgate.selfservice.permissions import MANAGE_CONTENT, MANAGE_NOTICES, MANAGE_PRISON_NOTICES, USE_CONTENT

SOURCE = "selfservice"
MAX_TITLE = 120
MAX_SUMMARY = 300
MAX_ARTICLE = 20000
MAX_NOTICE = 2000
MAX_MEMBERS = 200
LONGEST_NOTICE_DAYS = 366


def _name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def _text(raw: str, *, field: str, limit: int, required: str | None = None) -> str:
    text = (raw or "").strip()
    if required and not text:
        raise InvalidInput(required, code="required", field=field)
    if len(text) > limit:
        raise InvalidInput(_("Use %(max)s characters or fewer.") % {"max": limit}, code="too_long", field=field)
    return text


def _ensure_place(user: User, establishment: Establishment | None, *, estate_wide_ok: bool) -> None:
    """The user works in the establishment; ``None`` (every establishment) only for roles that see them all."""
    if not user.is_staff_member:
        raise PermissionDenied
    if establishment is None:
        if not (estate_wide_ok and user.sees_all_establishments):
            raise InvalidInput(
                _("Only the national team can publish to every prison."), code="estate_wide", field="audience"
            )
        return
    if not establishments_for(user=user).filter(pk=establishment.pk).exists():
        raise NotVisible(_("No establishment found"))


# --- The content library ---------------------------------------------------------------------------------------


@dataclass
class NewContent:
    """What staff send to add an item. ``file`` is a PDF, audio or video; ``captions`` a WebVTT file (video)."""

    kind: str
    category: str
    title: str
    audience: str = ContentAudience.LIBRARY
    language: str = ContentLanguage.ENGLISH
    language_name: str = ""
    summary: str = ""
    body: str = ""
    transcript: str = ""
    file: File | None = None  # type: ignore[type-arg]
    captions: File | None = None  # type: ignore[type-arg]
    wing: Location | None = None
    group_name: str = ""
    member_numbers: list[str] = field(default_factory=list)
    session_on: date | None = None
    publish: bool = True


def _clean_choices(new: NewContent) -> None:
    if new.kind not in ContentKind.values:
        raise InvalidInput(_("Choose what kind of item it is."), code="kind_invalid", field="kind")
    if new.category not in ContentCategory.values:
        raise InvalidInput(_("Choose a subject."), code="category_invalid", field="category")
    if new.language not in ContentLanguage.values:
        raise InvalidInput(_("Choose a language."), code="language_invalid", field="language")
    if new.audience not in ContentAudience.values:
        raise InvalidInput(_("Choose who can see it."), code="audience_invalid", field="audience")


def _members(establishment: Establishment, numbers: list[str]) -> list[Person]:
    cleaned = sorted({normalise(number) for number in numbers if number.strip()})
    if not cleaned:
        raise InvalidInput(_("Enter the prison numbers of the people in the group."), code="required", field="members")
    if len(cleaned) > MAX_MEMBERS:
        raise InvalidInput(
            _("A group can have up to %(max)s people.") % {"max": MAX_MEMBERS}, code="too_many", field="members"
        )
    wellformed = [number for number in cleaned if is_valid_prison_number(number)]
    people = list(people_selectors.people_held_in(establishment=establishment).filter(prison_number__in=wellformed))
    unknown = sorted(set(cleaned) - {person.prison_number for person in people})
    if unknown:
        raise InvalidInput(
            _("These prison numbers are not of people here: %(numbers)s") % {"numbers": ", ".join(unknown)},
            code="members_unknown",
            field="members",
        )
    return people


def content_add(
    *, by: User, establishment: Establishment | None, new: NewContent, idempotency_key: str | None = None
) -> ContentItem:
    """Add an item to a library (``establishment`` None: every library) or a recording for a wing or a group.
    Checks the files (type read from their content, size, captions for video, transcript for audio), stores them
    with the storage API, and publishes the item at once unless ``new.publish`` is False. Once per key."""
    ensure_can(by, MANAGE_CONTENT)
    key = key_of(by.pk, idempotency_key)
    if key:
        existing = ContentItem.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    _clean_choices(new)
    recording = new.audience in (ContentAudience.WING, ContentAudience.GROUP)
    _ensure_place(by, establishment, estate_wide_ok=not recording)
    title = _text(new.title, field="title", limit=MAX_TITLE, required=_("Give it a title."))
    summary = _text(new.summary, field="summary", limit=MAX_SUMMARY)
    language_name = _text(new.language_name, field="language_name", limit=40)
    if new.language == ContentLanguage.OTHER and not language_name:
        raise InvalidInput(_("Say which language it is in."), code="required", field="language_name")
    body = transcript = ""
    checked: files.CheckedFile | None = None
    captions: files.CheckedFile | None = None
    if new.kind == ContentKind.TEXT:
        if recording:
            raise InvalidInput(_("A recorded session must be audio or video."), code="recording_kind", field="kind")
        body = _text(new.body, field="body", limit=MAX_ARTICLE, required=_("Write the text of the article."))
    else:
        if recording and new.kind == ContentKind.PDF:
            raise InvalidInput(_("A recorded session must be audio or video."), code="recording_kind", field="kind")
        checked = files.check_media(new.file, new.kind)
        transcript = _text(new.transcript, field="transcript", limit=MAX_ARTICLE)
        if new.kind == ContentKind.AUDIO and not transcript:
            raise InvalidInput(
                _("Add a transcript: what is said in the recording, for people who cannot hear it."),
                code="transcript_required",
                field="transcript",
            )
        if new.kind == ContentKind.VIDEO:
            captions = files.check_captions(new.captions)
    wing: Location | None = None
    members: list[Person] = []
    group_name = ""
    if recording and establishment is None:  # _ensure_place already refuses this; the check narrows the type
        raise InvalidInput(_("Choose a wing."), code="wing_required", field="wing")
    if new.audience == ContentAudience.WING:
        wing = new.wing
        if wing is None or wing.establishment_id != establishment.pk or wing.level != LocationLevel.WING:  # type: ignore[union-attr]
            raise InvalidInput(_("Choose a wing."), code="wing_required", field="wing")
        group_name = _text(new.group_name, field="group_name", limit=100)
    elif new.audience == ContentAudience.GROUP:
        group_name = _text(new.group_name, field="group_name", limit=100, required=_("Give the group a name."))
        members = _members(establishment, new.member_numbers)  # type: ignore[arg-type]
    now = timezone.now()
    item = ContentItem(
        establishment=establishment,
        audience=new.audience,
        wing=wing,
        group_name=group_name,
        session_on=(new.session_on or timezone.localdate(now)) if recording else None,
        kind=new.kind,
        category=new.category,
        language=new.language,
        language_name=language_name if new.language == ContentLanguage.OTHER else "",
        title=title,
        summary=summary,
        body=body,
        transcript=transcript,
        file_type=checked.media_type if checked else "",
        file_size=checked.size if checked else 0,
        file_name=checked.name if checked else "",
        created_at=now,
        created_by=by,
        idempotency_key=key,
    )
    if new.publish:
        item.status = ContentStatus.PUBLISHED
        item.published_at = now
        item.published_by = by
        item.published_by_name = _name(by)
    saved: list[str] = []
    try:
        with transaction.atomic():
            if checked is not None and new.file is not None:
                item.file.save(new.file.name or "file", new.file, save=False)
                saved.append(item.file.name)
            if captions is not None and new.captions is not None:
                item.captions.save(new.captions.name or "captions.vtt", new.captions, save=False)
                saved.append(item.captions.name)
            item.save()
            if members:
                item.members.set(members)
            audit.record(
                action=events.CONTENT_UPLOADED,
                actor=by,
                obj=item,
                detail={
                    "kind": item.kind,
                    "audience": item.audience,
                    "establishment": establishment.code if establishment else "all",
                    "file_type": item.file_type,
                    "size": item.file_size,
                    "members": len(members),
                    "published": new.publish,
                },
            )
    except IntegrityError:
        _remove(saved)
        existing = ContentItem.objects.filter(idempotency_key=key).first() if key else None
        if existing is not None:
            return existing
        raise
    except Exception:
        _remove(saved)
        raise
    return item


def _remove(names: list[str]) -> None:
    """Files stored for a row that was never saved."""
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def _ensure_manages(by: User, item: ContentItem) -> ContentItem:
    """The item, re-read with a row lock, if the user may change it."""
    ensure_can(by, MANAGE_CONTENT)
    # of=("self",): lock the item only (its establishment may be empty, and PostgreSQL will not lock an outer join).
    locked = ContentItem.objects.select_for_update(of=("self",)).select_related("establishment").get(pk=item.pk)
    try:
        _ensure_place(by, locked.establishment, estate_wide_ok=True)
    except InvalidInput:
        raise NotVisible(_("No item found")) from None
    return locked


@transaction.atomic
def content_publish(*, by: User, item: ContentItem) -> ContentItem:
    """Show a draft or withdrawn item to residents (again)."""
    item = _ensure_manages(by, item)
    if item.status == ContentStatus.PUBLISHED:
        raise InvalidTransition(_("This item is already published."), code="already_published")
    item.status = ContentStatus.PUBLISHED
    item.published_at = timezone.now()
    item.published_by = by
    item.published_by_name = _name(by)
    item.withdrawn_at = None
    item.withdrawn_by_name = ""
    item.save(
        update_fields=[
            "status",
            "published_at",
            "published_by",
            "published_by_name",
            "withdrawn_at",
            "withdrawn_by_name",
        ]
    )
    audit.record(action=events.CONTENT_PUBLISHED, actor=by, obj=item, detail={"audience": item.audience})
    return item


@transaction.atomic
def content_withdraw(*, by: User, item: ContentItem) -> ContentItem:
    """Stop showing an item (a recorded session, say) to residents. It and its view counts are kept."""
    item = _ensure_manages(by, item)
    if item.status != ContentStatus.PUBLISHED:
        raise InvalidTransition(_("This item is not published, so it cannot be withdrawn."), code="not_published")
    item.status = ContentStatus.WITHDRAWN
    item.withdrawn_at = timezone.now()
    item.withdrawn_by_name = _name(by)
    item.save(update_fields=["status", "withdrawn_at", "withdrawn_by_name"])
    audit.record(action=events.CONTENT_WITHDRAWN, actor=by, obj=item, detail={"audience": item.audience})
    return item


# --- Views: counted once per person, item and hour --------------------------------------------------------------


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Viewed:
    view: ContentView
    first_this_hour: bool  # True: this open made the hour's activity event


def content_view_record(*, user: User, item_id: int, at: datetime | None = None) -> Viewed:
    """A resident opened an item. The first open in an hour stores a view, its audit row and one ``content.viewed``
    event (its idempotency key names the person, the item and the hour); later opens in that hour only count."""
    item = content_for_resident(user=user, item_id=item_id)
    person = own_record_for(user=user, permission=USE_CONTENT)
    moment = at or timezone.now()
    hour = hour_of(moment)
    try:
        with transaction.atomic():
            view = ContentView.objects.create(item=item, person=person, hour=hour, opens=1)
            audit.record(
                action=events.CONTENT_VIEWED,
                actor=user,
                subject=person.prison_number,
                obj=item,
                detail={"kind": item.kind, "audience": item.audience},
            )
            activity.emit(
                person=person.prison_number,
                kind=events.CONTENT_VIEWED_KIND,
                occurred_at=moment,
                source=SOURCE,
                idempotency_key=f"content.viewed:{item.pk}:{person.prison_number}:{hour:%Y%m%d%H}",
                payload={
                    "item": item.pk,
                    "kind": item.kind,
                    "category": item.category,
                    "audience": item.audience,
                },
            )
    except IntegrityError:
        # Opened already this hour (perhaps by a request running at the same time): count the open.
        ContentView.objects.filter(item=item, person=person, hour=hour).update(opens=F("opens") + 1)
        return Viewed(ContentView.objects.get(item=item, person=person, hour=hour), first_this_hour=False)
    return Viewed(view, first_this_hour=True)


# --- Notices -----------------------------------------------------------------------------------------------------


@dataclass
class NoticeText:
    title: str
    body: str
    starts_on: date | None
    ends_on: date | None
    wing: Location | None = None  # None: the whole establishment
    title_cy: str = ""
    body_cy: str = ""


def may_manage_notice_scope(user: User, wing: Location | None) -> bool:
    return user.has_perm(MANAGE_PRISON_NOTICES if wing is None else MANAGE_NOTICES)


def _ensure_scope(user: User, wing: Location | None) -> None:
    if not may_manage_notice_scope(user, wing):
        if wing is None:
            raise InvalidInput(
                _("Only a governor can put up a notice for the whole prison. Choose a wing."),
                code="prison_notice_not_allowed",
                field="wing",
            )
        raise PermissionDenied(MANAGE_NOTICES)


def _clean_notice(establishment: Establishment, text: NoticeText, *, new: bool) -> NoticeText:
    if text.wing is not None and (
        text.wing.establishment_id != establishment.pk or text.wing.level != LocationLevel.WING
    ):
        raise InvalidInput(_("Choose a wing of this prison."), code="wing_invalid", field="wing")
    title = _text(text.title, field="title", limit=MAX_TITLE, required=_("Give the notice a title."))
    body = _text(text.body, field="body", limit=MAX_NOTICE, required=_("Write the notice."))
    title_cy = _text(text.title_cy, field="title_cy", limit=MAX_TITLE)
    body_cy = _text(text.body_cy, field="body_cy", limit=MAX_NOTICE)
    if text.starts_on is None:
        raise InvalidInput(_("Enter the date the notice starts."), code="required", field="starts_on")
    if text.ends_on is None:
        raise InvalidInput(_("Enter the date the notice ends."), code="required", field="ends_on")
    if text.ends_on < text.starts_on:
        raise InvalidInput(
            _("The end date must be on or after the start date."), code="ends_before_start", field="ends_on"
        )
    if new and text.ends_on < timezone.localdate():
        raise InvalidInput(_("The end date must be today or later."), code="ends_in_past", field="ends_on")
    if text.ends_on - text.starts_on > timedelta(days=LONGEST_NOTICE_DAYS):
        raise InvalidInput(_("A notice can show for up to a year."), code="too_long", field="ends_on")
    return NoticeText(title, body, text.starts_on, text.ends_on, text.wing, title_cy, body_cy)


def notice_save(
    *,
    by: User,
    establishment: Establishment,
    text: NoticeText,
    notice: Notice | None = None,
    idempotency_key: str | None = None,
) -> Notice:
    """Put up a notice (``notice`` None) or change one. A wing notice needs ``manage_notices``; a notice for the
    whole establishment needs ``manage_prison_notices`` (changing one's scope needs both). Once per key."""
    if not (by.has_perm(MANAGE_NOTICES) or by.has_perm(MANAGE_PRISON_NOTICES)):
        raise PermissionDenied(MANAGE_NOTICES)
    key = key_of(by.pk, idempotency_key) if notice is None else None
    if key:
        existing = Notice.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    _ensure_place(by, establishment, estate_wide_ok=False)
    _ensure_scope(by, text.wing)
    clean = _clean_notice(establishment, text, new=notice is None)
    now = timezone.now()
    try:
        with transaction.atomic():
            if notice is None:
                notice = Notice(
                    establishment=establishment,
                    created_at=now,
                    created_by=by,
                    created_by_name=_name(by),
                    idempotency_key=key,
                )
            else:
                notice = Notice.objects.select_for_update().get(pk=notice.pk)
                if notice.establishment_id != establishment.pk:
                    raise NotVisible(_("No notice found"))
                _ensure_scope(by, notice.wing)
                if notice.withdrawn_at is not None:
                    raise InvalidTransition(_("This notice has been taken down."), code="notice_withdrawn")
            notice.wing = clean.wing
            notice.title = clean.title
            notice.body = clean.body
            notice.title_cy = clean.title_cy
            notice.body_cy = clean.body_cy
            notice.starts_on = clean.starts_on  # type: ignore[assignment]
            notice.ends_on = clean.ends_on  # type: ignore[assignment]
            notice.updated_at = now
            notice.updated_by_name = _name(by)
            creating = notice.pk is None
            notice.save()
            audit.record(
                action=events.NOTICE_SAVED,
                actor=by,
                obj=notice,
                detail={
                    "new": creating,
                    "wing": clean.wing.key if clean.wing else None,
                    "starts_on": notice.starts_on.isoformat(),
                    "ends_on": notice.ends_on.isoformat(),
                },
            )
    except IntegrityError:
        existing = Notice.objects.filter(idempotency_key=key).first() if key else None
        if existing is not None:
            return existing
        raise
    return notice


@transaction.atomic
def notice_withdraw(*, by: User, notice: Notice) -> Notice:
    """Take a notice down before its end date."""
    notice = Notice.objects.select_for_update(of=("self",)).select_related("establishment", "wing").get(pk=notice.pk)
    if not (by.has_perm(MANAGE_NOTICES) or by.has_perm(MANAGE_PRISON_NOTICES)):
        raise PermissionDenied(MANAGE_NOTICES)
    _ensure_place(by, notice.establishment, estate_wide_ok=False)
    if not may_manage_notice_scope(by, notice.wing):
        raise LimitExceeded(
            _("Only a governor can take down a notice for the whole prison."), code="prison_notice_not_allowed"
        )
    if notice.withdrawn_at is not None:
        raise InvalidTransition(_("This notice has already been taken down."), code="notice_withdrawn")
    notice.withdrawn_at = timezone.now()
    notice.withdrawn_by_name = _name(by)
    notice.save(update_fields=["withdrawn_at", "withdrawn_by_name"])
    audit.record(action=events.NOTICE_WITHDRAWN, actor=by, obj=notice, detail={"title": notice.title})
    return notice
