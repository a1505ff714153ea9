"""The demo estate's daily figures: every finished day of its activity rolled up, as the nightly job would."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from throughgate.insights.rollups import services
from throughgate.insights.rollups.models import DailyFigure, RolledDay


def populate(*, say: Callable[[str], None]) -> dict[str, int]:
    result = services.rebuild(today=timezone.localdate())
    say(f"Insights: {result.days} days rolled up into {result.rows} daily figures")
    return {"insights days rolled up": result.days, "insights daily figures": result.rows}


def reset() -> dict[str, int]:
    figures, _ = DailyFigure.objects.all().delete()
    days, _ = RolledDay.objects.all().delete()
    return {"insights daily figures": figures, "insights days": days}
