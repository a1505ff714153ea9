"""Demo content: a small synthetic library per establishment (articles, PDFs and audio with transcripts, made in
code), a few items for every establishment, recorded group sessions for a wing and for a named group, notices, and
some opens by residents. Video items are left out: a playable video cannot be made here without an encoder, and the
repository keeps no media files. ``demo.selfservice`` calls ``populate``."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from throughgate.core import audit
from throughgate.identity.models import Establishment, Location, LocationLevel, User
from throughgate.people.models import Person
from throughgate.selfservice import events
from throughgate.selfservice.content import samples, services
from throughgate.selfservice.content.models import ContentItem, ContentStatus, ContentView, Notice

ARTICLES = (
    (
        "induction",
        "Your first week",
        "What happens in your first days here.",
        "In your first week you will meet your key worker.\n\nYou will see the nurse and get your PIN phone number. "
        "Staff will show you the kiosk. Ask an officer if you are not sure what to do.",
    ),
    (
        "health",
        "Seeing the nurse or GP",
        "How to book a time with healthcare.",
        "Send a healthcare app from the kiosk.\n\nSay what is wrong and how long you have felt like this. "
        "If it is an emergency, press your cell bell.",
    ),
    (
        "resettlement",
        "Getting a bank account",
        "Open an account before you leave.",
        "A bank account helps you get paid and rent a home.\n\nAsk the resettlement team for a form. "
        "You need proof of who you are. They can help you get it.",
    ),
    (
        "wellbeing",
        "When you feel low",
        "Who you can talk to, day or night.",
        "You can talk to a Listener at any time. Ask an officer.\n\nYou can also call the Samaritans free from "
        "the PIN phone.",
    ),
)
PDFS = (
    ("education", "Education timetable", ["Maths: Monday and Wednesday mornings.", "English: Tuesday and Thursday."]),
    ("faith", "Chapel times", ["Christian service: Sunday 9:30.", "Friday prayers: 13:00.", "Quiet room: any day."]),
)
AUDIO = (
    ("wellbeing", "A calm breathing exercise", "Breathe in for four. Hold for four. Breathe out for four."),
    ("education", "Reading together: chapter one", "Welcome to our reading group. Today we start chapter one."),
)
ESTATE_WIDE = (
    (
        "resettlement",
        "Your rights when you leave",
        "Where to get help with housing, money and work.",
        "Your probation officer will meet you on the day you leave.\n\nYou can ask for help with a place to live, "
        "money and work.",
    ),
)
NOTICES = (
    (
        "Gym closed on Friday",
        "The gym is shut on Friday for repairs.",
        "Campfa ar gau ddydd Gwener",
        "Mae’r gampfa ar gau.",
    ),
    (
        "New library books",
        "The library has new books this week.",
        "Llyfrau newydd",
        "Mae llyfrau newydd yn y llyfrgell.",
    ),
    ("Visits hall", "Visits start 15 minutes later on Saturday.", "", ""),
)
WING_NOTICES = (
    ("Showers", "The showers on your wing work again."),
    ("Cleaning day", "Wing cleaning is on Wednesday morning."),
)


def _publisher(establishment: Establishment, role: str) -> User | None:
    return (
        User.objects.filter(roles__code=role, assignments__establishment=establishment, is_active=True)
        .order_by("username")
        .first()
    )


def _upload(name: str, data: bytes) -> ContentFile:  # type: ignore[type-arg]
    return ContentFile(data, name=name)


def _add(by: User, place: Establishment | None, new: services.NewContent, key: str) -> ContentItem:
    return services.content_add(by=by, establishment=place, new=new, idempotency_key=key)


def _library(by: User, place: Establishment, seed: int) -> list[ContentItem]:
    code = place.code.lower()
    items = []
    for n, (category, title, summary, body) in enumerate(ARTICLES):
        new = services.NewContent(kind="text", category=category, title=title, summary=summary, body=body)
        items.append(_add(by, place, new, f"demo-{seed}-{code}-article-{n}"))
    for n, (category, title, lines) in enumerate(PDFS):
        pdf = _upload(f"{category}.pdf", samples.tiny_pdf(title, lines))
        new = services.NewContent(kind="pdf", category=category, title=title, file=pdf)
        items.append(_add(by, place, new, f"demo-{seed}-{code}-pdf-{n}"))
    for n, (category, title, transcript) in enumerate(AUDIO):
        tone = _upload(f"audio-{n}.wav", samples.tone_wav(seconds=3.0, frequency=330.0 + 110 * n))
        new = services.NewContent(kind="audio", category=category, title=title, file=tone, transcript=transcript)
        items.append(_add(by, place, new, f"demo-{seed}-{code}-audio-{n}"))
    if place.is_welsh:
        new = services.NewContent(
            kind="text",
            category="induction",
            language="cy",
            title="Eich wythnos gyntaf",
            body="Yn eich wythnos gyntaf byddwch yn cwrdd â’ch gweithiwr allweddol.",
        )
        items.append(_add(by, place, new, f"demo-{seed}-{code}-welsh"))
    return items


def _sessions(by: User, place: Establishment, people: list[Person], rng: random.Random, seed: int) -> list[ContentItem]:
    code = place.code.lower()
    wings = list(Location.objects.filter(establishment=place, level=LocationLevel.WING).exclude(code="SEG"))
    items = []
    today = timezone.localdate()
    if wings:
        tone = _upload("chapel.wav", samples.tone_wav(seconds=4.0, frequency=262.0))
        new = services.NewContent(
            kind="audio",
            category="faith",
            title="Chapel service",
            audience="wing",
            wing=wings[0],
            group_name="Sunday service",
            session_on=today - dt.timedelta(days=3),
            file=tone,
            transcript="The chaplain welcomes everyone and reads from the book of Psalms.",
        )
        items.append(_add(by, place, new, f"demo-{seed}-{code}-wing-session"))
    if people:
        group = rng.sample(people, min(8, len(people)))
        tone = _upload("thinking-skills.wav", samples.tone_wav(seconds=4.0, frequency=392.0))
        new = services.NewContent(
            kind="audio",
            category="education",
            title="Thinking Skills, session 4",
            audience="group",
            group_name="Thinking Skills group 2",
            member_numbers=[person.prison_number for person in group],
            session_on=today - dt.timedelta(days=1),
            file=tone,
            transcript="Today we talk about stopping to think before we act.",
        )
        items.append(_add(by, place, new, f"demo-{seed}-{code}-group-session"))
    return items


def _notices(governor: User, officer: User | None, place: Establishment, seed: int) -> int:
    today = timezone.localdate()
    made = 0
    for n, (title, body, title_cy, body_cy) in enumerate(NOTICES):
        start, end = today - dt.timedelta(days=n), today + dt.timedelta(days=7 - n)
        text = services.NoticeText(title, body, start, end, None, title_cy, body_cy)
        key = f"demo-{seed}-{place.code.lower()}-notice-{n}"
        services.notice_save(by=governor, establishment=place, text=text, idempotency_key=key)
        made += 1
    wings = Location.objects.filter(establishment=place, level=LocationLevel.WING).exclude(code="SEG").order_by("key")
    for n, wing in enumerate(wings[: len(WING_NOTICES)]):
        title, body = WING_NOTICES[n]
        text = services.NoticeText(title, body, today, today + dt.timedelta(days=5), wing)
        key = f"demo-{seed}-{place.code.lower()}-wing-notice-{n}"
        services.notice_save(by=officer or governor, establishment=place, text=text, idempotency_key=key)
        made += 1
    return made


def _views(items: list[ContentItem], people: list[Person], rng: random.Random) -> int:
    """Some residents opened some items in the last two weeks (through the real service, so the events exist)."""
    made = 0
    now = timezone.now()
    readers = [person for person in people if person.user_id is not None]
    for person in rng.sample(readers, min(30, len(readers))):
        for item in rng.sample(items, min(3, len(items))):
            at = now - dt.timedelta(days=rng.randint(0, 13), hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
            try:
                services.content_view_record(user=person.user, item_id=item.pk, at=at)  # type: ignore[arg-type]
            except Exception:  # noqa: BLE001, S112  (an item this person may not see: a group they are not in)
                continue
            made += 1
    return made


def populate(*, seed: int) -> int:
    """Make the demo library, sessions, notices and views for every establishment with staff to publish them.
    Returns how many rows were made. Running it again with the same seed adds nothing (idempotency keys)."""
    rng = random.Random(seed)  # noqa: S311  (demo data, not secrets)
    made = 0
    national: list[ContentItem] = []
    for place in Establishment.objects.filter(active=True).order_by("code"):
        publisher = _publisher(place, "education") or _publisher(place, "governor")
        governor = _publisher(place, "governor")
        if publisher is None or governor is None:
            continue
        before = ContentItem.objects.count() + Notice.objects.count() + ContentView.objects.count()
        with transaction.atomic():
            people = list(Person.objects.filter(establishment=place).select_related("user").order_by("prison_number"))
            items = _library(publisher, place, seed) + _sessions(publisher, place, people, rng, seed)
            if not national:
                national = _estate_wide(governor, seed)
            _notices(governor, _publisher(place, "wing_officer"), place, seed)
            _views(items + national, people, rng)
        made += ContentItem.objects.count() + Notice.objects.count() + ContentView.objects.count() - before
    return made


def _estate_wide(by: User, seed: int) -> list[ContentItem]:
    """Items in every establishment's library, as the national team would publish them (stored directly: no demo
    role sees every establishment and publishes)."""
    items = []
    for n, (category, title, summary, body) in enumerate(ESTATE_WIDE):
        key = f"demo-{seed}-national-{n}"
        item = ContentItem.objects.filter(idempotency_key=key).first()
        if item is None:
            now = timezone.now()
            item = ContentItem.objects.create(
                establishment=None,
                kind="text",
                category=category,
                title=title,
                summary=summary,
                body=body,
                status=ContentStatus.PUBLISHED,
                created_at=now,
                published_at=now,
                published_by_name="National content team",
                idempotency_key=key,
            )
            audit.record(
                action=events.CONTENT_UPLOADED,
                actor=by,
                obj=item,
                detail={"kind": "text", "audience": "library", "establishment": "all", "published": True},
            )
        items.append(item)
    return items


def reset() -> int:
    """Delete every content item (and its stored files), view and notice, so that a demo estate can be reset: they
    point at people, wings and establishments. Returns how many rows went. Audit and activity rows stay."""
    from django.core.files.storage import default_storage

    names = [
        name
        for pair in ContentItem.objects.values_list("file", "captions")
        for name in pair
        if name  # an article has no file, an item without captions has none
    ]
    with transaction.atomic():
        removed = ContentView.objects.all().delete()[0]
        removed += ContentItem.objects.all().delete()[0]
        removed += Notice.objects.all().delete()[0]
    for name in names:
        default_storage.delete(name)
    return removed
