"""The demo content: a library per establishment made through the services, with valid generated media, sessions,
notices and views; running it twice adds nothing."""

from __future__ import annotations

import io
import wave
from typing import Any

import pytest
from django.core.files.storage import default_storage

from tests.factories import cell_in, make_resident, make_staff
from throughgate.core.models import ActivityEvent
from throughgate.demo import content as demo
from throughgate.selfservice.content import selectors
from throughgate.selfservice.content.models import ContentItem, ContentView, Notice

pytestmark = pytest.mark.django_db


def test_populate_makes_a_small_real_library_once(establishment: Any, other_establishment: Any) -> None:
    for place in (establishment, other_establishment):
        make_staff("education", [place])
        make_staff("governor", [place])
        make_staff("wing_officer", [place])
    residents = [make_resident(establishment, location=cell_in(establishment, wing=w)) for w in "AAB"]
    made = demo.populate(seed=7)
    assert made > 0
    assert demo.populate(seed=7) == 0
    mdi = ContentItem.objects.filter(establishment=establishment)
    assert set(mdi.values_list("kind", flat=True)) == {"text", "pdf", "audio"}
    assert mdi.filter(audience="wing").count() == 1
    assert mdi.filter(audience="group").count() == 1
    for item in mdi.filter(kind="pdf"):
        data = default_storage.open(item.file.name).read()
        assert data.startswith(b"%PDF-1.4")
        assert data.rstrip().endswith(b"%%EOF")
        assert f"{data.index(b'xref')}".encode() in data[-40:]  # startxref points at the table
    for item in mdi.filter(kind="audio"):
        with wave.open(io.BytesIO(default_storage.open(item.file.name).read())) as sound:
            assert sound.getnframes() > 0
        assert item.transcript
    national = ContentItem.objects.get(establishment__isnull=True)
    assert national in selectors.library_for_resident(user=residents[0].user)
    assert Notice.objects.filter(establishment=establishment, wing__isnull=True).count() == 3
    assert Notice.objects.filter(establishment=establishment, wing__isnull=False).count() == 2
    assert [n.title for n in selectors.notices_for_resident(user=residents[2].user)][:1] == ["Cleaning day"]
    assert ContentView.objects.exists()
    assert ActivityEvent.objects.filter(kind="content.viewed").count() == ContentView.objects.count()
    files = [item.file.name for item in ContentItem.objects.exclude(file="")]
    assert demo.reset() > 0
    assert not ContentItem.objects.exists()
    assert not Notice.objects.exists()
    assert not ContentView.objects.exists()
    assert not any(default_storage.exists(name) for name in files)
