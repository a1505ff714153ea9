"""Content and notices services and selectors: upload checks, who sees what, publishing and withdrawing, view counts
that do not flood the activity stream, and notices by wing and date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import cell_in, make_resident, make_staff
from throughgate.core.errors import InvalidInput, InvalidTransition, LimitExceeded, NotVisible
from throughgate.core.models import ActivityEvent, AuditEntry
from throughgate.identity.models import Location, Role
from throughgate.selfservice.content import samples, selectors, services
from throughgate.selfservice.content.files import sniff
from throughgate.selfservice.content.models import ContentItem, ContentStatus, ContentView
from throughgate.selfservice.content.tests.factories import (
    article,
    notice,
    pdf_upload,
    recording,
    vtt_upload,
    wav_upload,
    webm_upload,
)

pytestmark = pytest.mark.django_db


def wing(establishment: Any, code: str) -> Location:
    return cell_in(establishment, wing=code).parent.parent  # type: ignore[no-any-return]


@pytest.fixture
def educator(establishment: Any) -> Any:
    return make_staff("education", [establishment])


# --- Uploads -----------------------------------------------------------------------------------------------------


def _add(by: Any, establishment: Any, **fields: Any) -> ContentItem:
    new = services.NewContent(kind=fields.pop("kind"), category="education", title="A title", **fields)
    return services.content_add(by=by, establishment=establishment, new=new)


def test_a_pdf_is_stored_with_the_type_read_from_its_content(educator: Any, establishment: Any) -> None:
    item = _add(educator, establishment, kind="pdf", file=pdf_upload("Guide (final).PDF"))
    assert item.status == ContentStatus.PUBLISHED
    assert item.published_by == educator
    assert item.published_by_name
    assert item.file_type == "application/pdf"
    assert item.file_name == "Guide (final).PDF"
    assert item.file.name.startswith("content/MDI/")
    assert item.file.name.endswith(".pdf")
    assert default_storage.open(item.file.name).read(5) == b"%PDF-"
    assert AuditEntry.objects.filter(action="selfservice.content.uploaded", object_id=str(item.pk)).exists()


@pytest.mark.parametrize(
    ("kind", "upload", "code"),
    [
        ("pdf", SimpleUploadedFile("guide.pdf", b"just some text, not a PDF"), "file_type"),
        ("pdf", SimpleUploadedFile("tone.pdf", samples.tone_wav(seconds=0.1)), "file_type"),
        ("audio", SimpleUploadedFile("talk.mp3", samples.tiny_pdf("x", [])), "file_type"),
        ("video", SimpleUploadedFile("film.mp4", samples.tone_wav(seconds=0.1)), "file_type"),
        ("pdf", SimpleUploadedFile("empty.pdf", b""), "file_empty"),
        ("pdf", None, "file_required"),
    ],
)
def test_a_wrong_empty_or_missing_file_is_refused_on_the_file_field(
    educator: Any, establishment: Any, kind: str, upload: Any, code: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _add(educator, establishment, kind=kind, file=upload, transcript="words", captions=vtt_upload())
    assert (refused.value.code, refused.value.field) == (code, "file")
    assert ContentItem.objects.count() == 0


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(
    educator: Any, establishment: Any, settings: Any
) -> None:
    settings.CONTENT_MAX_UPLOAD_MB = 1
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(InvalidInput) as refused:
        _add(educator, establishment, kind="pdf", file=big)
    assert refused.value.code == "file_too_big"
    assert "smaller than 1 MB" in refused.value.message
    assert ContentItem.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "content").exists()


def test_a_video_needs_a_real_webvtt_captions_file(educator: Any, establishment: Any) -> None:
    with pytest.raises(InvalidInput) as missing:
        _add(educator, establishment, kind="video", file=webm_upload())
    assert (missing.value.code, missing.value.field) == ("captions_required", "captions")
    for bad in (b"1\n00:00.000 --> 00:02.000\nNo header\n", b"WEBVTT\n\nno cue timings here\n", b"\xff\xfe\x00W"):
        with pytest.raises(InvalidInput) as wrong:
            _add(educator, establishment, kind="video", file=webm_upload(), captions=SimpleUploadedFile("c.vtt", bad))
        assert (wrong.value.code, wrong.value.field) == ("captions_type", "captions")
    item = _add(educator, establishment, kind="video", file=webm_upload(), captions=vtt_upload())
    assert item.file_type == "video/webm"
    assert default_storage.open(item.captions.name).read().startswith(b"WEBVTT")


def test_audio_needs_a_transcript(educator: Any, establishment: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        _add(educator, establishment, kind="audio", file=wav_upload())
    assert (refused.value.code, refused.value.field) == ("transcript_required", "transcript")
    item = _add(educator, establishment, kind="audio", file=wav_upload(), transcript="Hello.")
    assert item.file_type == "audio/wav"


def test_an_article_needs_its_text_and_other_language_needs_a_name(educator: Any, establishment: Any) -> None:
    with pytest.raises(InvalidInput) as empty:
        _add(educator, establishment, kind="text", body="  ")
    assert empty.value.field == "body"
    with pytest.raises(InvalidInput) as unnamed:
        _add(educator, establishment, kind="text", body="Witaj", language="other")
    assert unnamed.value.field == "language_name"
    item = _add(educator, establishment, kind="text", body="Witaj", language="other", language_name="Polish")
    assert item.language_label == "Polish"


def test_sniffing_knows_the_common_containers() -> None:
    assert sniff(b"ID3\x04", "audio") == "audio/mpeg"
    assert sniff(b"OggS\x00\x02" + b"\x00" * 22 + b"\x01vorbis", "audio") == "audio/ogg"
    assert sniff(b"\x00\x00\x00\x20ftypisom", "video") == "video/mp4"
    assert sniff(b"\x00\x00\x00\x20ftypM4A ", "audio") == "audio/mp4"
    assert sniff(b"\xff\xd8\xff\xe0JFIF", "video") is None  # a JPEG is not a video


def test_the_same_upload_sent_twice_is_stored_once(educator: Any, establishment: Any) -> None:
    new = services.NewContent(kind="pdf", category="health", title="Flu jabs", file=pdf_upload())
    first = services.content_add(by=educator, establishment=establishment, new=new, idempotency_key="k" * 16)
    again = services.NewContent(kind="pdf", category="health", title="Flu jabs", file=pdf_upload())
    second = services.content_add(by=educator, establishment=establishment, new=again, idempotency_key="k" * 16)
    assert first.pk == second.pk
    assert ContentItem.objects.count() == 1


# --- Who may publish ---------------------------------------------------------------------------------------------


def test_only_content_staff_of_the_establishment_may_publish(establishment: Any, other_establishment: Any) -> None:
    with pytest.raises(PermissionDenied):
        article(make_staff("wing_officer", [establishment]), establishment)
    with pytest.raises(PermissionDenied):
        article(make_resident(establishment).user, establishment)
    with pytest.raises(NotVisible):
        article(make_staff("education", [other_establishment]), establishment)
    with pytest.raises(InvalidInput) as everywhere:
        article(make_staff("governor", [establishment]), None)
    assert everywhere.value.field == "audience"
    assert ContentItem.objects.count() == 0


def test_a_national_role_publishes_to_every_library(establishment: Any, other_establishment: Any) -> None:
    Role.objects.filter(code="hq_analyst").update(permissions=["identity.view_home", "selfservice.manage_content"])
    national = make_staff("hq_analyst")
    item = article(national, None, title="Your rights")
    for place in (establishment, other_establishment):
        resident = make_resident(place)
        assert list(selectors.library_for_resident(user=resident.user)) == [item]


def test_staff_of_another_prison_cannot_withdraw(establishment: Any, other_establishment: Any, educator: Any) -> None:
    item = article(educator, establishment)
    with pytest.raises(NotVisible):
        services.content_withdraw(by=make_staff("governor", [other_establishment]), item=item)


# --- Who sees what -----------------------------------------------------------------------------------------------


def test_a_resident_sees_their_library_and_not_another_prisons(
    educator: Any, establishment: Any, other_establishment: Any
) -> None:
    mine = article(educator, establishment)
    theirs = article(make_staff("education", [other_establishment]), other_establishment)
    draft = article(educator, establishment, publish=False)
    resident = make_resident(establishment)
    assert list(selectors.library_for_resident(user=resident.user)) == [mine]
    for hidden in (theirs, draft):
        with pytest.raises(NotVisible):
            selectors.content_for_resident(user=resident.user, item_id=hidden.pk)
    assert list(selectors.library_for_resident(user=resident.user, category="faith")) == []
    assert selectors.categories_for_resident(user=resident.user) == ["induction"]


def test_a_wing_recording_is_only_for_that_wing(educator: Any, establishment: Any) -> None:
    on_a = make_resident(establishment, location=cell_in(establishment, wing="A"))
    on_b = make_resident(establishment, location=cell_in(establishment, wing="B"))
    item = recording(educator, establishment, wing=wing(establishment, "A"))
    assert list(selectors.recordings_for_resident(user=on_a.user)) == [item]
    assert list(selectors.library_for_resident(user=on_a.user)) == []  # recordings are not on the library shelf
    assert list(selectors.recordings_for_resident(user=on_b.user)) == []
    with pytest.raises(NotVisible):
        selectors.content_for_resident(user=on_b.user, item_id=item.pk)


def test_a_group_recording_is_only_for_its_members_until_withdrawn(
    educator: Any, establishment: Any, other_establishment: Any
) -> None:
    member, other = make_resident(establishment), make_resident(establishment)
    item = recording(
        educator,
        establishment,
        members=[member.prison_number.lower()],
        kind="video",
        file=webm_upload(),
        captions=vtt_upload(),
    )
    assert list(item.members.all()) == [member]
    assert selectors.content_for_resident(user=member.user, item_id=item.pk) == item
    with pytest.raises(NotVisible):
        selectors.content_for_resident(user=other.user, item_id=item.pk)
    services.content_withdraw(by=educator, item=item)
    with pytest.raises(NotVisible):
        selectors.content_for_resident(user=member.user, item_id=item.pk)
    with pytest.raises(InvalidTransition):
        services.content_withdraw(by=educator, item=item)
    services.content_publish(by=educator, item=item)
    assert selectors.content_for_resident(user=member.user, item_id=item.pk) == item


def test_a_group_names_people_of_this_prison_only(educator: Any, establishment: Any, other_establishment: Any) -> None:
    elsewhere = make_resident(other_establishment)
    with pytest.raises(InvalidInput) as refused:
        recording(educator, establishment, members=[elsewhere.prison_number, "NOTANUMBER"])
    assert refused.value.field == "members"
    assert elsewhere.prison_number in refused.value.message
    with pytest.raises(InvalidInput) as pdf:
        recording(
            educator, establishment, members=[make_resident(establishment).prison_number], kind="pdf", file=pdf_upload()
        )
    assert pdf.value.code == "recording_kind"


# --- Views -------------------------------------------------------------------------------------------------------


def test_reopening_an_item_in_the_same_hour_adds_one_event_only(educator: Any, establishment: Any) -> None:
    item = article(educator, establishment)
    person = make_resident(establishment)
    start = timezone.now().replace(minute=5, second=0, microsecond=0)
    for minutes in (0, 10, 20, 50):
        viewed = services.content_view_record(
            user=person.user, item_id=item.pk, at=start + dt.timedelta(minutes=minutes)
        )
        assert viewed.first_this_hour == (minutes == 0)
    assert ContentView.objects.get().opens == 4
    events = ActivityEvent.objects.filter(kind="content.viewed")
    assert events.count() == 1
    event = events.get()
    assert event.person == person.prison_number
    assert event.payload["item"] == item.pk
    services.content_view_record(user=person.user, item_id=item.pk, at=start + dt.timedelta(minutes=60))
    assert events.count() == 2
    assert AuditEntry.objects.filter(action="selfservice.content.viewed").count() == 2
    other = make_resident(establishment)
    services.content_view_record(user=other.user, item_id=item.pk, at=start)
    counts = selectors.view_counts(item=item)
    assert (counts.people, counts.views, counts.opens) == (2, 3, 6)
    staff_row = selectors.content_for_staff(user=educator, establishment=establishment).get(pk=item.pk)
    assert (staff_row.people, staff_row.opens) == (2, 6)  # type: ignore[attr-defined]


def test_a_resident_cannot_count_a_view_of_an_item_they_cannot_see(
    educator: Any, establishment: Any, other_establishment: Any
) -> None:
    item = article(educator, establishment)
    with pytest.raises(NotVisible):
        services.content_view_record(user=make_resident(other_establishment).user, item_id=item.pk)
    assert ContentView.objects.count() == 0


# --- Notices -----------------------------------------------------------------------------------------------------


def test_residents_see_notices_for_their_wing_and_prison_newest_first(
    establishment: Any, other_establishment: Any
) -> None:
    officer = make_staff("wing_officer", [establishment])
    governor = make_staff("governor", [establishment])
    today = timezone.localdate()
    on_a = make_resident(establishment, location=cell_in(establishment, wing="A"))
    on_b = make_resident(establishment, location=cell_in(establishment, wing="B"))
    for_a = notice(officer, establishment, wing=wing(establishment, "A"), title="A wing: new kettles")
    everyone = notice(governor, establishment, title="Visits hall shut", starts_on=today - dt.timedelta(days=1))
    notice(officer, establishment, wing=wing(establishment, "B"), title="B wing only")
    notice(
        governor,
        establishment,
        title="Next week",
        starts_on=today + dt.timedelta(days=7),
        ends_on=today + dt.timedelta(days=9),
    )
    notice(make_staff("governor", [other_establishment]), other_establishment, title="Elsewhere")
    gone = notice(governor, establishment, title="Taken down")
    services.notice_withdraw(by=governor, notice=gone)
    assert list(selectors.notices_for_resident(user=on_a.user)) == [for_a, everyone]
    assert [n.title for n in selectors.notices_for_resident(user=on_b.user)] == ["B wing only", "Visits hall shut"]
    with pytest.raises(NotVisible):
        selectors.notice_for_resident(user=on_b.user, notice_id=for_a.pk)
    later = today + dt.timedelta(days=8)
    assert [n.title for n in selectors.notices_for_resident(user=on_a.user, today=later)] == ["Next week"]


def test_a_wing_officer_puts_up_wing_notices_only(establishment: Any) -> None:
    officer = make_staff("wing_officer", [establishment])
    with pytest.raises(InvalidInput) as refused:
        notice(officer, establishment)
    assert (refused.value.code, refused.value.field) == ("prison_notice_not_allowed", "wing")
    governor = make_staff("governor", [establishment])
    everyone = notice(governor, establishment)
    with pytest.raises(LimitExceeded):
        services.notice_withdraw(by=officer, notice=everyone)
    text = services.NoticeText("Changed", "New words.", everyone.starts_on, everyone.ends_on, wing(establishment, "A"))
    with pytest.raises(InvalidInput):
        services.notice_save(by=officer, establishment=establishment, text=text, notice=everyone)
    with pytest.raises(PermissionDenied):
        notice(make_staff("education", [establishment]), establishment, wing=wing(establishment, "A"))


def test_notice_dates_and_text_are_checked(establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    today = timezone.localdate()
    cases = [
        ({"ends_on": today - dt.timedelta(days=2), "starts_on": today - dt.timedelta(days=5)}, "ends_on"),
        ({"ends_on": today, "starts_on": today + dt.timedelta(days=1)}, "ends_on"),
        ({"ends_on": today + dt.timedelta(days=400)}, "ends_on"),
        ({"title": " "}, "title"),
        ({"body": "x" * 2001}, "body"),
    ]
    for fields, field in cases:
        with pytest.raises(InvalidInput) as refused:
            notice(governor, establishment, **fields)
        assert refused.value.field == field, fields


def test_a_notice_is_changed_and_audited(establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    first = notice(governor, establishment)
    text = services.NoticeText(
        "Gym open again", "It is open.", first.starts_on, first.ends_on, None, "Campfa", "Ar agor"
    )
    changed = services.notice_save(by=governor, establishment=establishment, text=text, notice=first)
    assert changed.pk == first.pk
    assert changed.title == "Gym open again"
    assert changed.title_cy == "Campfa"
    assert AuditEntry.objects.filter(action="selfservice.notice.saved").count() == 2
