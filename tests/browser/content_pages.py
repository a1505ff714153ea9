"""Content and notices pages for the accessibility sweep (test_accessibility.PAGES), with the records the detail
pages need, made once per sweep through the services."""

from __future__ import annotations

from typing import Any

from tests.factories import make_staff
from throughgate.selfservice.content import services


def _place(world: Any) -> Any:
    return world.resident.establishment


def sample_item(world: Any) -> list[str]:
    """A sound recording with a transcript in the resident's library."""
    if not hasattr(world, "content_item"):
        from throughgate.selfservice.content.tests.factories import wav_upload

        educator = make_staff("education", [_place(world)], username="content.sweep")
        world.content_item = services.content_add(
            by=educator,
            establishment=_place(world),
            new=services.NewContent(
                kind="audio", category="wellbeing", title="Calm breathing", file=wav_upload(), transcript="Breathe in."
            ),
        )
    return [str(world.content_item.pk)]


def sample_notice(world: Any) -> list[str]:
    """A notice for the resident's wing (wing officers and governors may change it)."""
    if not hasattr(world, "content_notice"):
        from throughgate.selfservice.content.selectors import wing_of
        from throughgate.selfservice.content.tests.factories import notice

        governor = make_staff("governor", [_place(world)], username="notices.sweep")
        world.content_notice = notice(governor, _place(world), wing=wing_of(world.resident))
    return [str(world.content_notice.pk)]
