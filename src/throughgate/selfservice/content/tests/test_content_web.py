"""Content and notices pages and API: wiring, access (another wing or prison gets 404), files with HTTP Range,
upload errors next to their field with a 4xx, notices on the resident's home page, and Welsh."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import cell_in, make_resident, make_staff, sign_in_resident, sign_in_staff
from throughgate.core.models import ActivityEvent
from throughgate.selfservice.content import samples
from throughgate.selfservice.content.models import ContentItem, ContentStatus, ContentView, Notice
from throughgate.selfservice.content.tests.factories import (
    article,
    key,
    notice,
    pdf_upload,
    recording,
    vtt_upload,
    wav_upload,
    webm_upload,
)

pytestmark = pytest.mark.django_db


def wing(establishment: Any, code: str) -> Any:
    return cell_in(establishment, wing=code).parent.parent


@pytest.fixture
def educator(establishment: Any) -> Any:
    return make_staff("education", [establishment])


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Files and HTTP Range ----------------------------------------------------------------------------------------


def test_a_file_is_served_whole_and_by_range(client: Client, educator: Any, establishment: Any) -> None:
    item = recording(educator, establishment, wing=wing(establishment, "A"), file=wav_upload(seconds=0.5))
    sign_in_resident(client, make_resident(establishment))
    url = reverse("selfservice:content_file", args=[item.pk, "file"])
    whole = client.get(url)
    data = samples.tone_wav(seconds=0.5)
    assert whole.status_code == 200
    assert whole["Content-Type"] == "audio/wav"
    assert whole["Accept-Ranges"] == "bytes"
    assert int(whole["Content-Length"]) == len(data)
    assert body(whole) == data
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert part["Content-Length"] == "100"
    assert body(part) == data[100:200]
    open_ended = client.get(url, headers={"Range": "bytes=4000-"})
    assert open_ended.status_code == 206
    assert body(open_ended) == data[4000:]
    suffix = client.get(url, headers={"Range": "bytes=-10"})
    assert body(suffix) == data[-10:]
    assert suffix["Content-Range"] == f"bytes {len(data) - 10}-{len(data) - 1}/{len(data)}"
    beyond = client.get(url, headers={"Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(data)}"
    assert client.get(url, headers={"Range": "bytes=0-1,5-6"}).status_code == 200  # several ranges: the whole file
    assert client.get(reverse("selfservice:content_file", args=[item.pk, "secret"])).status_code == 404


def test_captions_and_a_pdf_are_served_by_the_checking_view(client: Client, educator: Any, establishment: Any) -> None:
    from throughgate.selfservice.content import services

    video = services.content_add(
        by=educator,
        establishment=establishment,
        new=services.NewContent(
            kind="video", category="health", title="Handwashing", file=webm_upload(), captions=vtt_upload()
        ),
    )
    pdf = services.content_add(
        by=educator,
        establishment=establishment,
        new=services.NewContent(kind="pdf", category="induction", title="Guide", file=pdf_upload("guide.pdf")),
    )
    sign_in_resident(client, make_resident(establishment))
    captions = client.get(reverse("selfservice:content_file", args=[video.pk, "captions"]))
    assert captions["Content-Type"].startswith("text/vtt")
    assert body(captions).startswith(b"WEBVTT")
    page = client.get(reverse("selfservice:content_item", args=[video.pk])).content.decode()
    assert '<track kind="captions"' in page
    assert reverse("selfservice:content_file", args=[video.pk, "captions"]) in page
    document = client.get(reverse("selfservice:content_file", args=[pdf.pk, "file"]), {"download": "1"})
    assert document["Content-Type"] == "application/pdf"
    assert document["Content-Disposition"] == 'attachment; filename="guide.pdf"'
    assert (
        reverse("selfservice:content_file", args=[pdf.pk, "file"])
        in client.get(reverse("selfservice:content_item", args=[pdf.pk])).content.decode()
    )


def test_another_wing_or_prison_gets_404_for_a_recording_and_its_file(
    educator: Any, establishment: Any, other_establishment: Any
) -> None:
    item = recording(educator, establishment, wing=wing(establishment, "A"))
    on_b = make_resident(establishment, location=cell_in(establishment, wing="B"))
    elsewhere = make_resident(other_establishment)
    for person in (on_b, elsewhere):
        client = sign_in_resident(Client(), person)
        assert client.get(reverse("selfservice:content_item", args=[item.pk])).status_code == 404
        assert client.get(reverse("selfservice:content_file", args=[item.pk, "file"])).status_code == 404
        assert client.get(reverse("api:content_detail", args=[item.pk])).status_code == 404
        assert client.post(reverse("api:content_view_record", args=[item.pk])).status_code == 404
    assert ContentView.objects.count() == 0
    # Staff of the other prison cannot fetch it either.
    staff = sign_in_staff(Client(), make_staff("education", [other_establishment]))
    assert staff.get(reverse("selfservice:content_manage_file", args=[item.pk, "file"])).status_code == 404
    assert staff.get(reverse("selfservice:content_manage_item", args=[item.pk])).status_code == 404
    mine = sign_in_staff(Client(), educator)
    assert mine.get(reverse("selfservice:content_manage_file", args=[item.pk, "file"])).status_code == 200


def test_a_withdrawn_recording_is_gone_for_its_group(client: Client, educator: Any, establishment: Any) -> None:
    member = make_resident(establishment)
    item = recording(educator, establishment, members=[member.prison_number])
    resident = sign_in_resident(Client(), member)
    assert resident.get(reverse("selfservice:content_sessions")).content.decode().count(item.title) == 1
    sign_in_staff(client, educator)
    response = client.post(reverse("selfservice:content_manage_action", args=[item.pk, "withdraw"]))
    assert response.status_code == 302
    assert ContentItem.objects.get(pk=item.pk).status == ContentStatus.WITHDRAWN
    assert resident.get(reverse("selfservice:content_item", args=[item.pk])).status_code == 404
    assert resident.get(reverse("selfservice:content_file", args=[item.pk, "file"])).status_code == 404
    assert item.title not in resident.get(reverse("selfservice:content_sessions")).content.decode()


# --- Opening items -----------------------------------------------------------------------------------------------


def test_opening_an_item_counts_once_an_hour_and_staff_see_the_counts(
    client: Client, educator: Any, establishment: Any
) -> None:
    item = article(educator, establishment, title="Your first week")
    sign_in_resident(client, make_resident(establishment))
    for _ in range(3):
        page = client.get(reverse("selfservice:content_item", args=[item.pk]))
        assert page.status_code == 200
        assert "You will meet your key worker on day one." in page.content.decode()
    api = client.post(reverse("api:content_view_record", args=[item.pk]))
    assert api.status_code == 200
    assert api.json()["counted"] is False
    assert api.json()["opens_this_hour"] == 4
    assert ActivityEvent.objects.filter(kind="content.viewed").count() == 1
    staff = sign_in_staff(Client(), educator)
    listing = staff.get(reverse("selfservice:content_manage")).content.decode()
    assert "Your first week" in listing
    detail = staff.get(reverse("selfservice:content_manage_item", args=[item.pk])).content.decode()
    assert 'data-tg-count="people">1<' in detail
    assert 'data-tg-count="views">1<' in detail
    assert 'data-tg-count="opens">4<' in detail


def test_the_api_lists_the_library_sessions_and_notices(client: Client, educator: Any, establishment: Any) -> None:
    person = make_resident(establishment)
    item = article(educator, establishment)
    session = recording(educator, establishment, members=[person.prison_number])
    governor = make_staff("governor", [establishment])
    notice(governor, establishment, title="Library open late")
    sign_in_resident(client, person)
    listed = client.get(reverse("api:content_list")).json()
    assert [row["id"] for row in listed] == [item.pk]
    assert listed[0]["body"] == ""  # the list is light; the item has the text
    assert client.get(reverse("api:content_list"), {"category": "nope"}).json()["code"] == "category_invalid"
    sessions = client.get(reverse("api:content_sessions")).json()
    assert sessions[0]["file_url"] == reverse("selfservice:content_file", args=[session.pk, "file"])
    assert sessions[0]["audience"] == "group"
    detail = client.get(reverse("api:content_detail", args=[item.pk])).json()
    assert detail["body"].startswith("You will meet")
    first = client.post(reverse("api:content_view_record", args=[session.pk]))
    assert first.status_code == 201
    assert first.json()["counted"] is True
    assert [n["title"] for n in client.get(reverse("api:notices_list")).json()] == ["Library open late"]


# --- Staff pages: uploads ----------------------------------------------------------------------------------------


def _post_upload(client: Client, url_name: str, **fields: Any) -> Any:
    data = {"key": key(), "category": "education", "language": "en", "title": "A session", "publish": "on", **fields}
    return client.post(reverse(f"selfservice:{url_name}"), data)


def test_an_upload_with_a_bad_file_shows_the_error_next_to_the_field(
    client: Client, educator: Any, establishment: Any
) -> None:
    sign_in_staff(client, educator)
    assert client.get(reverse("selfservice:content_new")).status_code == 200
    response = _post_upload(client, "content_new", kind="pdf", audience="library", file=wav_upload("sneaky.pdf"))
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_file-error"' in page
    assert "The file must be a PDF document." in page
    assert "govuk-error-summary" in page
    video = _post_upload(client, "content_new", kind="video", audience="library", file=webm_upload())
    assert video.status_code == 422
    assert 'id="id_captions-error"' in video.content.decode()
    nothing = client.post(reverse("selfservice:content_new"), {"key": key()})
    assert nothing.status_code == 400
    assert 'id="id_title-error"' in nothing.content.decode()
    assert ContentItem.objects.count() == 0


def test_a_too_big_upload_is_a_4xx_not_a_500(client: Client, educator: Any, establishment: Any, settings: Any) -> None:
    settings.CONTENT_MAX_UPLOAD_MB = 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("big.wav", samples.tone_wav(seconds=140))  # about 1.1 MB
    sign_in_staff(client, educator)
    response = _post_upload(client, "content_new", kind="audio", audience="library", file=big, transcript="Hi.")
    assert response.status_code == 422
    assert "smaller than 1 MB" in response.content.decode()


def test_staff_upload_a_group_session_and_the_group_plays_it(client: Client, educator: Any, establishment: Any) -> None:
    member, outsider = make_resident(establishment), make_resident(establishment)
    sign_in_staff(client, educator)
    assert client.get(reverse("selfservice:content_session_new")).status_code == 200
    response = _post_upload(
        client,
        "content_session_new",
        kind="video",
        audience="group",
        group_name="Thinking Skills group 2",
        members=f"{member.prison_number}\n",
        session_on="20/3/2026",
        file=webm_upload(),
        captions=vtt_upload(),
        transcript="",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = ContentItem.objects.get()
    assert (item.audience, item.group_name, item.session_on) == (
        "group",
        "Thinking Skills group 2",
        dt.date(2026, 3, 20),
    )
    assert (
        sign_in_resident(Client(), member).get(reverse("selfservice:content_item", args=[item.pk])).status_code == 200
    )
    assert (
        sign_in_resident(Client(), outsider).get(reverse("selfservice:content_item", args=[item.pk])).status_code == 404
    )
    wing_upload = _post_upload(
        client, "content_session_new", kind="audio", audience="wing", wing="", file=wav_upload(), transcript="Hi."
    )
    assert wing_upload.status_code == 422
    assert 'id="id_wing-error"' in wing_upload.content.decode()


def test_a_wing_officer_cannot_reach_the_content_pages(client: Client, establishment: Any) -> None:
    sign_in_staff(client, make_staff("wing_officer", [establishment]))
    assert client.get(reverse("selfservice:content_manage")).status_code == 403
    assert client.get(reverse("selfservice:content_new")).status_code == 403


# --- Notices -----------------------------------------------------------------------------------------------------


def test_a_notice_put_up_by_an_officer_shows_on_the_wings_home_page(client: Client, establishment: Any) -> None:
    officer = make_staff("wing_officer", [establishment])
    on_a = make_resident(establishment, location=cell_in(establishment, wing="A"))
    on_b = make_resident(establishment, location=cell_in(establishment, wing="B"))
    sign_in_staff(client, officer)
    form = client.get(reverse("selfservice:notice_new")).content.decode()
    assert "Everyone in this prison" not in form  # an officer cannot choose the whole prison
    today = timezone.localdate()
    response = client.post(
        reverse("selfservice:notice_new"),
        {
            "key": key(),
            "wing": str(wing(establishment, "A").pk),
            "title": "Showers fixed",
            "body": "The showers on A wing work again.",
            "starts_on": today.strftime("%d/%m/%Y"),
            "ends_on": (today + dt.timedelta(days=2)).strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    home_a = sign_in_resident(Client(), on_a).get(reverse("identity:home")).content.decode()
    assert "Showers fixed" in home_a
    home_b = sign_in_resident(Client(), on_b)
    assert "Showers fixed" not in home_b.get(reverse("identity:home")).content.decode()
    assert "Showers fixed" not in home_b.get(reverse("selfservice:notices")).content.decode()
    assert "Showers fixed" in client.get(reverse("selfservice:notices_manage")).content.decode()


def test_notice_form_errors_sit_next_to_their_fields(client: Client, establishment: Any) -> None:
    sign_in_staff(client, make_staff("governor", [establishment]))
    response = client.post(
        reverse("selfservice:notice_new"),
        {
            "key": key(),
            "wing": "",
            "title": "Fire drill",
            "body": "At ten.",
            "starts_on": "5/3/2026",
            "ends_on": "2/3/2026",
        },
    )
    assert response.status_code == 422
    assert 'id="id_ends_on-error"' in response.content.decode()
    bad_date = client.post(
        reverse("selfservice:notice_new"),
        {"key": key(), "title": "Fire drill", "body": "At ten.", "starts_on": "31/2/2026", "ends_on": "2/3/2026"},
    )
    assert bad_date.status_code == 400
    assert "Enter a real date" in bad_date.content.decode()
    assert Notice.objects.count() == 0


def test_a_notice_is_changed_and_taken_down(client: Client, establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    posted = notice(governor, establishment, title="Canteen late")
    sign_in_staff(client, governor)
    page = client.get(reverse("selfservice:notice_edit", args=[posted.pk]))
    assert "Canteen late" in page.content.decode()
    data = {
        "key": key(),
        "wing": "",
        "title": "Canteen late this week",
        "body": "It comes on Saturday.",
        "starts_on": posted.starts_on.strftime("%d/%m/%Y"),
        "ends_on": posted.ends_on.strftime("%d/%m/%Y"),
    }
    assert client.post(reverse("selfservice:notice_edit", args=[posted.pk]), data).status_code == 302
    assert Notice.objects.get(pk=posted.pk).title == "Canteen late this week"
    assert client.post(reverse("selfservice:notice_withdraw", args=[posted.pk])).status_code == 302
    assert Notice.objects.get(pk=posted.pk).withdrawn_at is not None
    resident = sign_in_resident(Client(), make_resident(establishment))
    assert "Canteen late" not in resident.get(reverse("selfservice:notices")).content.decode()


def test_staff_of_another_prison_get_404_for_a_notice(
    client: Client, establishment: Any, other_establishment: Any
) -> None:
    posted = notice(make_staff("governor", [establishment]), establishment)
    sign_in_staff(client, make_staff("governor", [other_establishment]))
    assert client.get(reverse("selfservice:notice_edit", args=[posted.pk])).status_code == 404
    assert client.post(reverse("selfservice:notice_withdraw", args=[posted.pk])).status_code == 404


# --- Welsh -------------------------------------------------------------------------------------------------------


def test_resident_pages_in_welsh(client: Client, educator: Any, establishment: Any) -> None:
    governor = make_staff("governor", [establishment])
    notice(governor, establishment, title="Gym closed", title_cy="Campfa ar gau", body="Shut.", body_cy="Ar gau.")
    item = article(educator, establishment, language="cy", title="Croeso", body="Croeso i'r carchar.")
    sign_in_resident(client, make_resident(establishment))
    client.cookies["django_language"] = "cy"
    library = client.get(reverse("selfservice:content_library")).content.decode()
    assert "Llyfrgell" in library
    assert "Back to home" not in library
    notices = client.get(reverse("selfservice:notices")).content.decode()
    assert "Campfa ar gau" in notices
    assert "Gym closed" not in notices
    page = client.get(reverse("selfservice:content_item", args=[item.pk])).content.decode()
    assert 'lang="cy"' in page
