"""Reading ease of the pages people in prison see on a wing kiosk or an in-cell device.

Many people in custody read below the level of most public services, so every resident-facing page must score at
least 70 on the Flesch reading ease scale ("fairly easy": short sentences, common words) in English. The score is
taken on the visible text of <main>: each heading, label, hint, button and list item counts as its own sentence,
as a reader meets it. Run with ``-s`` to see the scores.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import textstat
from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from tests.factories import RESIDENT_PIN, make_device, make_resident, sign_in_resident
from throughgate.identity.selectors import ACCOUNT_FREE_TRIES
from throughgate.identity.tiles import TILES
from throughgate.learning.tests.readability_pages import LEARNING_PAGES
from throughgate.probation.tests.readability_pages import PROBATION_PAGES
from throughgate.selfservice.content.tests.readability_pages import CONTENT_PAGES

pytestmark = pytest.mark.django_db

MINIMUM_READING_EASE = 70
ROOT = Path(settings.BASE_DIR)
ICONS = Path(__file__).resolve().parents[1] / "src" / "throughgate" / "core" / "templates" / "core" / "icons"

# Elements whose text runs on inside a sentence; every other tag ends one chunk of text and starts the next.
INLINE = {"strong", "em", "b", "i", "code", "abbr", "small", "kbd", "time"}
SKIPPED = {"script", "style", "template", "svg"}


class MainText(HTMLParser):
    """The visible text of <main>, one chunk per block (heading, paragraph, label, hint, button, list item)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.in_main = 0
        self.skipping = 0
        self.chunks: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.in_main += 1
        if self.skipping or tag in SKIPPED or any(name == "hidden" for name, _value in attrs):
            if tag not in {"br", "img", "input", "meta", "link"}:
                self.skipping += 1
            return
        if tag not in INLINE:
            self._end_chunk()

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        if tag not in INLINE:
            self._end_chunk()
        if tag == "main":
            self.in_main -= 1

    def handle_data(self, data: str) -> None:
        if self.in_main and not self.skipping:
            self.current.append(data)

    def _end_chunk(self) -> None:
        text = " ".join("".join(self.current).split())
        self.current = []
        if text:
            self.chunks.append(text if text[-1] in ".?!:" else f"{text}.")

    def text(self) -> str:
        self._end_chunk()
        return " ".join(self.chunks)


def main_text(html: str) -> str:
    parser = MainText()
    parser.feed(html)
    parser.close()
    return parser.text()


@pytest.fixture(autouse=True)
def _syllables_from_pyphen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Count syllables with the hyphenation dictionary that ships inside pyphen.

    For English, textstat first looks words up in NLTK's CMU pronouncing dictionary, which is not a package: NLTK
    downloads it at run time, which neither CI nor a developer's machine can do. Without it every word goes to
    pyphen, the same on every machine."""
    from textstat.backend.counts import _count_syllables

    monkeypatch.setattr(_count_syllables, "get_cmudict", lambda lang: None)
    _count_syllables.count_syllables.cache_clear()


def reading_ease(text: str) -> float:
    return float(textstat.flesch_reading_ease(text))


def _kiosk(client: Client, establishment: Any) -> Client:
    _device, token = make_device(establishment)
    client.cookies[settings.DEVICE_COOKIE_NAME] = token
    return client


def page_kiosk_sign_in(client: Client, establishment: Any) -> str:
    response = _kiosk(client, establishment).get(reverse("identity:kiosk_login"))
    assert response.status_code == 200
    return response.content.decode()


def page_kiosk_sign_in_with_errors(client: Client, establishment: Any) -> str:
    response = _kiosk(client, establishment).post(reverse("identity:kiosk_login"), {"prison_number": "", "pin": ""})
    assert response.status_code == 400
    return response.content.decode()


def page_kiosk_unregistered(client: Client, establishment: Any) -> str:
    response = client.get(reverse("identity:kiosk_login"))
    assert response.status_code == 403
    return response.content.decode()


def _resident(establishment: Any) -> Any:
    """Always the same person, so that a page's score does not change with a random name."""
    return make_resident(establishment, prison_number="A1234BC", first_name="Sam", last_name="Jones")


def page_resident_home(client: Client, establishment: Any) -> str:
    sign_in_resident(client, _resident(establishment))
    response = client.get(reverse("identity:home"))
    assert response.status_code == 200
    assert "tg-tile" in response.content.decode()
    return response.content.decode()


def page_my_details(client: Client, establishment: Any) -> str:
    sign_in_resident(client, _resident(establishment))
    response = client.get(reverse("people:me"))
    assert response.status_code == 200
    return response.content.decode()


def page_locked_out_on_kiosk(client: Client, establishment: Any) -> str:
    person = _resident(establishment)
    _kiosk(client, establishment)
    wrong = "0000" if RESIDENT_PIN != "0000" else "1111"
    for _attempt in range(ACCOUNT_FREE_TRIES + 2):
        response = client.post(reverse("identity:kiosk_login"), {"prison_number": person.prison_number, "pin": wrong})
        if response.status_code == 429:
            break
    assert response.status_code == 429, "the kiosk never paused sign-in for the prison number"
    body = response.content.decode()
    assert "tg-layout-kiosk" in body
    return body


def page_not_found_on_kiosk(client: Client, establishment: Any) -> str:
    sign_in_resident(client, _resident(establishment))
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "tg-layout-kiosk" in body
    return body


def _resident_page(url_name: str) -> Any:
    def page(client: Client, establishment: Any) -> str:
        sign_in_resident(client, _resident(establishment))
        response = client.get(reverse(url_name))
        assert response.status_code == 200, f"{url_name}: {response.status_code}"
        return response.content.decode()

    return page


RESIDENT_PAGES = {
    "kiosk sign-in": page_kiosk_sign_in,
    "kiosk sign-in with errors": page_kiosk_sign_in_with_errors,
    "kiosk not set up": page_kiosk_unregistered,
    "resident home": page_resident_home,
    "my details": page_my_details,
    "locked out (kiosk)": page_locked_out_on_kiosk,
    "page not found (kiosk)": page_not_found_on_kiosk,
    "my apps": _resident_page("selfservice:my_apps"),
    "send a new app": _resident_page("selfservice:app_new"),
    "my money": _resident_page("selfservice:money"),
    "canteen": _resident_page("selfservice:canteen"),
    "my complaints": _resident_page("selfservice:my_complaints"),
    "make a complaint": _resident_page("selfservice:complaint_new"),
    "internet": _resident_page("access:my_sites"),
    "my timetable": _resident_page("selfservice:my_timetable"),
    "meals": _resident_page("selfservice:meals"),
    "my contacts": _resident_page("contact:my_contacts"),
    "ask to add a contact": _resident_page("contact:contact_new"),
    "my visits": _resident_page("contact:my_visits"),
    "my messages": _resident_page("contact:my_messages"),
    **CONTENT_PAGES,
    **PROBATION_PAGES,
    **LEARNING_PAGES,
}


@pytest.mark.parametrize("name", list(RESIDENT_PAGES))
def test_resident_page_is_easy_to_read(name: str, client: Client, establishment: Any, settings: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = RESIDENT_PAGES[name](client, establishment)
    assert 'lang="en"' in html
    text = main_text(html)
    assert text, f"{name}: no text found in <main>"
    score = reading_ease(text)
    print(f"\nFlesch reading ease {score:5.1f}  {name}: {text}")
    assert score >= MINIMUM_READING_EASE, (
        f"{name} scores {score:.1f} for reading ease (at least {MINIMUM_READING_EASE} needed): use shorter "
        f"sentences and more common words. Text: {text}"
    )


RESIDENT_TILES = [tile for tile in TILES if tile.audience == "resident"]


def test_there_are_resident_tiles() -> None:
    assert RESIDENT_TILES


@pytest.mark.parametrize("tile", RESIDENT_TILES, ids=lambda tile: tile.url_name)
def test_resident_tile_has_an_icon_and_plain_words(tile: Any) -> None:
    """The tiles template includes the tile's icon template: one of the shared icons in core's templates
    (core/icons/<icon>.svg), or an app's own under its own namespace (selfservice/icons/<icon>.svg)."""
    name = tile.icon_template
    try:
        origin = Path(get_template(name).origin.name)
    except TemplateDoesNotExist:
        pytest.fail(f"no icon {name} for the {tile.url_name} tile (expected in {ICONS.relative_to(ROOT)})")
    assert origin.is_file()
    assert "<svg" in origin.read_text(encoding="utf-8"), f"{origin} is not an SVG"
    text = main_text(f"<main><h2>{tile.title}</h2><p>{tile.hint}</p></main>")
    score = reading_ease(text)
    print(f"\nFlesch reading ease {score:5.1f}  tile {tile.url_name}: {text} (icon {origin.relative_to(ROOT)})")
    assert score >= MINIMUM_READING_EASE, f"the {tile.url_name} tile scores {score:.1f}: {text}"
