"""The Welsh catalogue: complete, not fuzzy, placeholders intact, compiled, in step with the source, and shown.

Prisons in Wales must offer every page in Welsh. These tests fail when:

- a msgid in src/throughgate/locale/cy/LC_MESSAGES/django.po has no Welsh (or a plural form is missing), is
  fuzzy, or its Welsh drops, adds or renames a placeholder;
- the committed django.mo is not what ``scripts/compile_messages.py`` builds from the .po now (a stale .mo);
- the source marks a string for translation that the .po does not have, or the .po keeps one the source no longer
  marks: run ``manage.py makemessages -l cy --ignore=node_modules --ignore=.venv --ignore=var``, translate, and
  run ``scripts/compile_messages.py``. The source is read here without GNU gettext, the way makemessages reads it;
- a page rendered in Welsh still shows English.
"""

from __future__ import annotations

import ast
import fnmatch
import gettext
import io
import os
import re
import tokenize
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import django
import polib
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.translation.template import templatize

from tests.factories import (
    make_device,
    make_resident,
    make_staff,
    sign_in_resident,
    sign_in_staff,
)

ROOT = Path(settings.BASE_DIR)
LOCALE = Path(settings.LOCALE_PATHS[0])
WELSH_PO = LOCALE / "cy" / "LC_MESSAGES" / "django.po"
ALL_PO = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))

# What `makemessages --ignore=node_modules --ignore=.venv --ignore=var` skips, with its own defaults.
IGNORED = ["CVS", ".*", "*~", "*.pyc", "node_modules", ".venv", "var"]
TEMPLATE_SUFFIXES = {".html", ".txt"}

# The keywords makemessages gives xgettext (xgettext's own Python ones and Django's), as
# name -> (index of the context argument or None, indexes of the msgid and msgid_plural arguments).
KEYWORDS: dict[str, tuple[int | None, tuple[int, ...]]] = {
    "_": (None, (0,)),
    "gettext": (None, (0,)),
    "ugettext": (None, (0,)),
    "gettext_lazy": (None, (0,)),
    "gettext_noop": (None, (0,)),
    "dgettext": (None, (1,)),
    "ngettext": (None, (0, 1)),
    "ungettext": (None, (0, 1)),
    "ngettext_lazy": (None, (0, 1)),
    "dngettext": (None, (1, 2)),
    "pgettext": (0, (1,)),
    "pgettext_lazy": (0, (1,)),
    "npgettext": (0, (1, 2)),
    "npgettext_lazy": (0, (1, 2)),
}

Key = tuple[str | None, str, str | None]  # (msgctxt, msgid, msgid_plural)

PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]+)\))?[#0 +-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?P<kind>[diouxXeEfFgGcrsa%])")


def placeholders(text: str) -> Counter[str]:
    """The %-placeholders of a python-format string (``%%`` is a literal percent sign, not a placeholder)."""
    found: Counter[str] = Counter()
    for match in PLACEHOLDER.finditer(text):
        if match["kind"] != "%":
            found[f"%({match['name']}){match['kind']}" if match["name"] else f"%{match['kind']}"] += 1
    return found


def active_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def nplurals(po: polib.POFile) -> int:
    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    assert match, f"{po.fpath} has no Plural-Forms header"
    return int(match.group(1))


# --- The catalogue itself ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def welsh() -> polib.POFile:
    assert WELSH_PO.is_file(), f"no Welsh catalogue at {WELSH_PO.relative_to(ROOT)}: run makemessages -l cy"
    return polib.pofile(str(WELSH_PO))


def test_welsh_header_matches_djangos_own_welsh(welsh: polib.POFile) -> None:
    """Same plural rule as Django's cy catalogue, so Django's and our plurals agree; and no fuzzy header (msgfmt
    would then ignore the header, plural rule included)."""
    django_cy = polib.pofile(str(Path(django.__file__).parent / "conf" / "locale" / "cy" / "LC_MESSAGES" / "django.po"))
    assert welsh.metadata["Language"] == "cy"
    assert welsh.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert welsh.metadata["Plural-Forms"] == django_cy.metadata["Plural-Forms"]
    assert not welsh.metadata_is_fuzzy


def test_every_msgid_has_welsh(welsh: polib.POFile) -> None:
    forms = nplurals(welsh)
    missing = []
    for entry in active_entries(welsh):
        if entry.msgid_plural:
            texts = [entry.msgstr_plural.get(index, "") for index in range(forms)]
            if len(entry.msgstr_plural) != forms or not all(text.strip() for text in texts):
                missing.append(f"{entry.msgid!r} (needs {forms} plural forms, has {texts})")
        elif not entry.msgstr.strip():
            missing.append(repr(entry.msgid))
    assert not missing, "untranslated in cy:\n" + "\n".join(missing)


def test_no_entry_is_fuzzy(welsh: polib.POFile) -> None:
    fuzzy = [entry.msgid for entry in active_entries(welsh) if "fuzzy" in entry.flags]
    assert not fuzzy, f"fuzzy entries (check the Welsh, then remove the flag): {fuzzy}"


def single_number_forms(po: polib.POFile) -> set[int]:
    """The plural forms used for one number only (in Welsh: 1 and 2). Such a form may leave the number out and say
    it in words ("unwaith", "ddwywaith"), as gettext allows; every other placeholder stays."""
    rule = gettext.c2py(po.metadata["Plural-Forms"].split("plural=", 1)[1].rstrip(";").strip())
    used = Counter(rule(n) for n in range(1000))
    return {form for form, times in used.items() if times == 1}


def test_placeholders_match(welsh: polib.POFile) -> None:
    single = single_number_forms(welsh)
    wrong = []
    for entry in active_entries(welsh):
        if entry.msgid_plural:
            expected = set(placeholders(entry.msgid_plural) | placeholders(entry.msgid))
            for index, text in sorted(entry.msgstr_plural.items()):
                found = set(placeholders(text))
                if found != expected and not (index in single and found < expected and len(expected - found) == 1):
                    wrong.append(f"{entry.msgid!r} form {index}: {text!r}")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            wrong.append(f"{entry.msgid!r}: {entry.msgstr!r}")
    assert not wrong, "placeholders differ between English and Welsh:\n" + "\n".join(wrong)


def test_welsh_formats_without_error(welsh: polib.POFile) -> None:
    """Every python-format translation takes the same values as its English."""
    for entry in active_entries(welsh):
        if "python-format" not in entry.flags:
            continue
        names = {key[2:-2] for key in placeholders(entry.msgid_plural or entry.msgid) if key.startswith("%(")}
        values = dict.fromkeys(names, 3)
        texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            assert isinstance(text % values, str)  # a broken placeholder raises here


@pytest.mark.parametrize("po_path", ALL_PO, ids=lambda path: path.parent.parent.name)
def test_committed_mo_is_compiled_from_the_po(po_path: Path) -> None:
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"{mo_path.relative_to(ROOT)} is missing: run scripts/compile_messages.py"
    fresh = polib.pofile(str(po_path)).to_binary()
    assert mo_path.read_bytes() == fresh, f"{mo_path.relative_to(ROOT)} is stale: run scripts/compile_messages.py"


# --- The catalogue against the source, without xgettext ------------------------------------------------------


def _ignored(path: Path) -> bool:
    return any(fnmatch.fnmatchcase(path.name, pattern) for pattern in IGNORED)


def source_files(root: Path = ROOT) -> list[Path]:
    """The files makemessages would read from the project root: .py, .html and .txt outside ignored folders."""
    static_root = Path(settings.STATIC_ROOT).resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            name for name in dirnames if not _ignored(here / name) and (here / name).resolve() != static_root
        )
        for name in sorted(filenames):
            path = here / name
            if not _ignored(path) and path.suffix in {".py", *TEMPLATE_SUFFIXES}:
                found.append(path)
    return found


def _key(context: str | None, strings: list[str]) -> Key:
    return (context, strings[0], strings[1] if len(strings) > 1 else None)


def python_msgids(source: str) -> set[Key]:
    """Calls of a translation function with string literals, as xgettext finds them in Python."""
    found: set[Key] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        context_at, msgid_at = KEYWORDS[name]
        wanted = ([context_at] if context_at is not None else []) + list(msgid_at)
        if len(node.args) <= max(wanted):
            continue
        literals = [node.args[i] for i in wanted]
        if not all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in literals):
            continue
        values = [arg.value for arg in literals]
        if context_at is not None:
            found.add(_key(values[0], values[1:]))
        else:
            found.add(_key(None, values))
    return found


def template_msgids(source: str, origin: str) -> set[Key]:
    """Django's templatize() turns a template into the gettext calls makemessages hands to xgettext; this reads
    those calls. It writes each call on one line, so each line is read on its own."""
    found: set[Key] = set()
    for line in templatize(source, origin).splitlines():
        tokens = []
        try:
            for token in tokenize.generate_tokens(io.StringIO(line.strip()).readline):
                tokens.append(token)
        except (tokenize.TokenError, IndentationError, SyntaxError):
            pass  # an unclosed bracket at the end of a line of template text; the tokens before it count
        for start, token in enumerate(tokens):
            if token.type != tokenize.NAME or token.string not in KEYWORDS:
                continue
            if start + 1 >= len(tokens) or tokens[start + 1].string != "(":
                continue
            args: list[Any] = []
            for following in tokens[start + 2 :]:
                if following.string == ")":
                    break
                if following.type == tokenize.STRING:
                    args.append(ast.literal_eval(following.string))
                elif following.string != ",":
                    args.append(None)  # a variable (such as the count of a plural)
            context_at, msgid_at = KEYWORDS[token.string]
            wanted = ([context_at] if context_at is not None else []) + list(msgid_at)
            if len(args) <= max(wanted) or not all(isinstance(args[i], str) for i in wanted):
                continue
            values = [args[i] for i in wanted]
            found.add(_key(values[0], values[1:]) if context_at is not None else _key(None, values))
    return found


def source_msgids() -> dict[Key, str]:
    """Every string the source marks for translation, with the first file that marks it."""
    found: dict[Key, str] = {}
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        keys = template_msgids(text, str(path)) if path.suffix in TEMPLATE_SUFFIXES else python_msgids(text)
        for key in keys:
            found.setdefault(key, str(path.relative_to(ROOT)))
    return found


def test_source_reader_finds_the_marked_strings() -> None:
    template = (
        '{% load i18n %}<p>{% translate "One" %}</p>{% translate "Two" context "ctx" %}'
        "{% blocktranslate count counter=n %}{{ counter }} cat{% plural %}{{ counter }} cats{% endblocktranslate %}"
        '{% blocktranslate with name=x %}Hi {{ name }} 100%{% endblocktranslate %}{{ v|default:_("Three") }}'
    )
    assert template_msgids(template, "t.html") == {
        (None, "One", None),
        ("ctx", "Two", None),
        (None, "%(counter)s cat", "%(counter)s cats"),
        (None, "Hi %(name)s 100%%", None),
        (None, "Three", None),
    }
    python = 'x = _("A")\ny = ngettext("%(n)s b", "%(n)s bs", n)\nz = pgettext_lazy("c", "D")\nw = _(name)\n'
    assert python_msgids(python) == {(None, "A", None), (None, "%(n)s b", "%(n)s bs"), ("c", "D", None)}


@pytest.fixture(scope="module")
def marked() -> dict[Key, str]:
    return source_msgids()


def test_makemessages_would_add_nothing(welsh: polib.POFile, marked: dict[Key, str]) -> None:
    in_po = {(entry.msgctxt, entry.msgid, entry.msgid_plural or None) for entry in active_entries(welsh)}
    in_source = marked
    new = sorted(
        f"{msgid!r} ({where})"
        for (_ctx, msgid, _plural), where in in_source.items()
        if (_ctx, msgid, _plural) not in in_po
    )
    assert not new, (
        "strings marked for translation but not in the Welsh catalogue (run makemessages -l cy, translate, "
        "run scripts/compile_messages.py):\n" + "\n".join(new)
    )


def test_catalogue_keeps_no_strings_the_source_dropped(welsh: polib.POFile, marked: dict[Key, str]) -> None:
    in_source = set(marked)
    gone = sorted(
        entry.msgid
        for entry in active_entries(welsh)
        if (entry.msgctxt, entry.msgid, entry.msgid_plural or None) not in in_source
    )
    assert not gone, f"no longer in the source (run makemessages -l cy to mark them obsolete): {gone}"


# --- Pages in Welsh ------------------------------------------------------------------------------------------

# English that must not survive on a Welsh page. Matched as whole words, case-sensitive, in the page's text and in
# the attributes people hear or see (aria-label, title, alt, placeholder, value of buttons).
ENGLISH = [
    "Sign in",
    "Sign out",
    "Skip to main content",
    "There is a problem",
    "Error",
    "Home",
    "Hello",
    "Find a person",
    "Search",
    "Prison number",
    "Your PIN",
    "Enter your",
    "Page not found",
    "Go to the home page",
    "My details",
    "What do you want to do",
    "Back to home",
    "Forgot your PIN",
    "Username",
    "Password",
    "Continue",
    "Menu",
    "Language",
    "Establishment",
    "Date of birth",
    "found",
    "seconds",
    "Touch the screen",
    "Prison and probation services",
]
SPOKEN_ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}
# Common English words that are not Welsh words: any of them in a Welsh page's text means a sentence was missed,
# even one that is not marked for translation at all.
ENGLISH_WORDS = {"the", "you", "your", "and", "not", "this", "with", "what", "have", "has", "there", "been"}


class PageText(HTMLParser):
    """Each piece of text on a page (the <title> too) and each spoken attribute. Scripts and styles are left out,
    and so is text marked as another language (the language toggle's "English" link, lang="en")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []  # the open tags whose content is left out
        self.pieces: list[str] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif (
            (self.skipping and tag == self.skipping[-1])
            or tag in {"script", "style"}
            or attributes.get("lang") not in {None, self.html_lang}
        ):
            self.skipping.append(tag)
        if self.skipping:
            return
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value:
                self.pieces.append(" ".join(value.split()))

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self.skipping:
            self.pieces.append(text)


def page_text(html: str) -> PageText:
    parser = PageText()
    parser.feed(html)
    parser.close()
    return parser


def assert_welsh(html: str, where: str, welsh: polib.POFile) -> None:
    page = page_text(html)
    assert page.html_lang == "cy", f"{where}: <html lang={page.html_lang!r}>"
    text = "\n".join(page.pieces)
    left = [phrase for phrase in ENGLISH if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)]
    assert not left, f"{where}: English left on the Welsh page: {left}\n{text}"
    # Any whole piece of text that is an English msgid with a different Welsh translation was not translated.
    english = {entry.msgid for entry in active_entries(welsh) if entry.msgstr and entry.msgstr != entry.msgid}
    untranslated = sorted({piece for piece in page.pieces if piece in english})
    assert not untranslated, f"{where}: untranslated text: {untranslated}"
    sentences = sorted({piece for piece in page.pieces if ENGLISH_WORDS & set(re.findall(r"[a-z]+", piece.lower()))})
    assert not sentences, f"{where}: English words on the Welsh page: {sentences}"


@pytest.fixture
def in_welsh(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    return client


def _kiosk(client: Client, establishment: Any) -> Client:
    _device, token = make_device(establishment)
    client.cookies[settings.DEVICE_COOKIE_NAME] = token
    return client


@pytest.mark.django_db
def test_language_link_turns_the_page_welsh(client: Client, welsh: polib.POFile) -> None:
    response = client.get(reverse("set_language"), {"language": "cy", "next": "/sign-in/"}, follow=True)
    assert response.status_code == 200
    assert_welsh(response.content.decode(), "staff sign-in after the language link", welsh)
    assert "Mewngofnodi" in response.content.decode()


@pytest.mark.django_db
def test_staff_sign_in_in_welsh(in_welsh: Client, welsh: polib.POFile) -> None:
    body = in_welsh.get(reverse("identity:login")).content.decode()
    assert_welsh(body, "staff sign-in", welsh)
    failed = in_welsh.post(reverse("identity:login"), {"username": "", "password": ""})
    assert failed.status_code == 400
    assert "Mae problem wedi codi" in failed.content.decode()
    assert_welsh(failed.content.decode(), "staff sign-in with errors", welsh)


@pytest.mark.django_db
def test_kiosk_pages_in_welsh(in_welsh: Client, establishment: Any, welsh: polib.POFile) -> None:
    unregistered = in_welsh.get(reverse("identity:kiosk_login"))
    assert unregistered.status_code == 403
    assert_welsh(unregistered.content.decode(), "kiosk not set up", welsh)

    _kiosk(in_welsh, establishment)
    sign_in = in_welsh.get(reverse("identity:kiosk_login"))
    assert sign_in.status_code == 200
    assert_welsh(sign_in.content.decode(), "kiosk sign-in", welsh)
    assert "Eich rhif carchar" in sign_in.content.decode()

    failed = in_welsh.post(reverse("identity:kiosk_login"), {"prison_number": "nonsense", "pin": ""})
    assert failed.status_code == 400
    assert "Mae problem wedi codi" in failed.content.decode()
    assert "Rhowch rif carchar yn y fformat cywir" in failed.content.decode()
    assert_welsh(failed.content.decode(), "kiosk sign-in with errors", welsh)


@pytest.mark.django_db
def test_resident_pages_in_welsh(in_welsh: Client, establishment: Any, welsh: polib.POFile) -> None:
    sign_in_resident(in_welsh, make_resident(establishment, first_name="Sam", last_name="Jones"))
    home = in_welsh.get(reverse("identity:home"))
    assert home.status_code == 200
    body = home.content.decode()
    assert_welsh(body, "resident home", welsh)
    assert "Helo, Sam" in body
    assert "Fy manylion" in body  # the tile
    assert "eiliad" in body  # the idle countdown

    details = in_welsh.get(reverse("people:me"))
    assert details.status_code == 200
    assert_welsh(details.content.decode(), "my details", welsh)

    missing = in_welsh.get("/no/such/page/")
    assert missing.status_code == 404
    assert "tg-layout-kiosk" in missing.content.decode()
    assert_welsh(missing.content.decode(), "page not found on a kiosk", welsh)

    for url_name in ("selfservice:my_apps", "selfservice:app_new"):
        page = in_welsh.get(reverse(url_name))
        assert page.status_code == 200, url_name
        assert_welsh(page.content.decode(), url_name, welsh)


@pytest.mark.django_db
def test_resident_internet_page_in_welsh(in_welsh: Client, establishment: Any, welsh: polib.POFile) -> None:
    sign_in_resident(in_welsh, make_resident(establishment, first_name="Sam", last_name="Jones"))
    page = in_welsh.get(reverse("access:my_sites"))
    assert page.status_code == 200
    assert_welsh(page.content.decode(), "internet", welsh)


@pytest.mark.django_db
def test_staff_pages_in_welsh(in_welsh: Client, establishment: Any, welsh: polib.POFile) -> None:
    sign_in_staff(in_welsh, make_staff("wing_officer", [establishment]))
    home = in_welsh.get(reverse("identity:home"))
    assert home.status_code == 200
    assert_welsh(home.content.decode(), "staff home", welsh)
    assert "Rydych chi’n gweithio yn HMP Moorland Demo." in home.content.decode()

    search = in_welsh.get(reverse("people:search"))
    assert_welsh(search.content.decode(), "people search", welsh)

    person = make_resident(establishment, last_name="Pritchard", first_language="Cymraeg")  # data, not UI
    make_resident(establishment, last_name="Pritchard")
    found = in_welsh.get(reverse("people:search"), {"query": "Pritchard"})
    assert found.status_code == 200
    assert "Canfuwyd 2 berson" in found.content.decode()  # the plural form for two
    assert_welsh(found.content.decode(), "people search results", welsh)

    purpose = in_welsh.get(reverse("people:detail", args=[person.prison_number]))
    assert purpose.status_code == 200
    assert_welsh(purpose.content.decode(), "why are you opening this record", welsh)
    record = in_welsh.get(reverse("people:detail", args=[person.prison_number]), {"purpose": "welfare_check"})
    assert record.status_code == 200
    assert "Gwiriad lles neu ddiogelwch" in record.content.decode()
    assert_welsh(record.content.decode(), "a person's record", welsh)

    empty = in_welsh.get(reverse("people:search"), {"query": ""})
    assert empty.status_code == 400
    assert_welsh(empty.content.decode(), "people search with errors", welsh)

    missing = in_welsh.get("/no/such/page/")
    assert missing.status_code == 404
    assert "Heb ddod o hyd i’r dudalen" in missing.content.decode()
    assert_welsh(missing.content.decode(), "page not found", welsh)


@pytest.mark.django_db
def test_anonymous_404_in_welsh(in_welsh: Client, welsh: polib.POFile) -> None:
    missing = in_welsh.get("/no/such/page/")
    assert missing.status_code == 404
    assert_welsh(missing.content.decode(), "page not found, signed out", welsh)
