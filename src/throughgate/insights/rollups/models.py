"""Daily figures: for each day (UK time), establishment, wing and kind of activity event, how many events there were and
the sum of their values. The dashboards read these rows, never the activity stream itself."""

from __future__ import annotations

from django.db import models

from throughgate.identity.models import Establishment


class DailyFigure(models.Model):
    day = models.DateField()
    establishment = models.ForeignKey(Establishment, on_delete=models.CASCADE, related_name="+")
    wing = models.CharField(max_length=10, blank=True, help_text="Wing code; blank for people without a cell.")
    kind = models.CharField(max_length=64)
    events = models.PositiveIntegerField()
    total = models.FloatField(help_text="Sum of the events' values (pounds, minutes, requests: see docs/events.md).")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "establishment", "wing", "kind"], name="insights_figure_unique")
        ]
        indexes = [models.Index(fields=["establishment", "day"], name="insights_figure_place_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.establishment_id} {self.wing} {self.kind} {self.events}"


class RolledDay(models.Model):
    """A day whose figures are made: the scheduled job rolls up the days after the last of these."""

    day = models.DateField(unique=True)
    events = models.PositiveIntegerField(help_text="Events read for the day.")
    rolled_at = models.DateTimeField()

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} ({self.events})"
