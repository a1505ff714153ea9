"""Meals: weekly menus, choices per meal, dietary markers, a resident's recorded diet and their picks.

A ``Menu`` is one establishment's week (Monday to Sunday) of ``MenuOption`` rows, one or more per day and meal, each
with its dietary markers. A resident sends a ``MealSheet`` (like the paper menu sheet) for a published week before
the establishment's cut-off (``MealSettings``); each send is a new sheet, and the newest is the current one. What a
person may pick is decided by their ``RecordedDiet`` in one place: ``meals.rules``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from throughgate.identity.models import Establishment
from throughgate.people.models import Person

__all__ = [
    "DietReason",
    "Marker",
    "Meal",
    "MealChoice",
    "MealSettings",
    "MealSheet",
    "Menu",
    "MenuOption",
    "MenuStatus",
    "RecordedDiet",
]


class Marker(models.TextChoices):
    """What the kitchen says a dish is. A vegan dish is also vegetarian (``rules.effective_markers``)."""

    HALAL = "halal", _("Halal")
    KOSHER = "kosher", _("Kosher")
    VEGETARIAN = "vegetarian", _("Vegetarian")
    VEGAN = "vegan", _("Vegan")
    GLUTEN_FREE = "gluten_free", _("Gluten free")
    DIABETIC = "diabetic", _("Diabetic")
    ALLERGY_SAFE = "allergy_safe", _("Allergy safe")


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")


MEAL_ORDER = {Meal.BREAKFAST: 0, Meal.LUNCH: 1, Meal.DINNER: 2}


class DietReason(models.TextChoices):
    RELIGIOUS = "religious", _("Religious")
    MEDICAL = "medical", _("Medical")
    ETHICAL = "ethical", _("Belief or choice")


class MealSettings(models.Model):
    """When an establishment's meal choices for the following week close (local time, Europe/London)."""

    establishment = models.OneToOneField(Establishment, on_delete=models.PROTECT, related_name="meal_settings")
    cutoff_weekday = models.PositiveSmallIntegerField(
        default=3, help_text="0 Monday ... 6 Sunday, in the week before the menu's week."
    )
    cutoff_time = models.TimeField(default=dt.time(17, 0))

    class Meta:
        verbose_name_plural = "meal settings"
        constraints = [models.CheckConstraint(condition=Q(cutoff_weekday__lte=6), name="meal_cutoff_weekday_valid")]

    def __str__(self) -> str:
        return f"{self.establishment_id} meals close day {self.cutoff_weekday} {self.cutoff_time:%H:%M}"


class MenuStatus(models.TextChoices):
    DRAFT = "DRAFT", _("Draft")
    PUBLISHED = "PUBLISHED", _("Published")


class Menu(models.Model):
    """One establishment's menu for one week, Monday to Sunday. Residents see it once it is published."""

    establishment = models.ForeignKey(Establishment, on_delete=models.PROTECT, related_name="menus")
    week_start = models.DateField(help_text="The Monday the week starts.")
    status = models.CharField(max_length=10, choices=MenuStatus.choices, default=MenuStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["establishment", "-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["establishment", "week_start"], name="menu_one_per_week"),
            models.CheckConstraint(
                condition=Q(status="PUBLISHED", published_at__isnull=False) | Q(status="DRAFT"),
                name="menu_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Menu {self.establishment_id} {self.week_start}"

    @property
    def days(self) -> list[dt.date]:
        return [self.week_start + dt.timedelta(days=n) for n in range(7)]

    @property
    def week_end(self) -> dt.date:
        return self.week_start + dt.timedelta(days=6)

    @property
    def is_published(self) -> bool:
        return self.status == MenuStatus.PUBLISHED


class MenuOption(models.Model):
    """One dish offered at one meal on one day. The first option that suits a person is their default."""

    menu = models.ForeignKey(Menu, on_delete=models.CASCADE, related_name="options")
    day = models.DateField()
    meal = models.CharField(max_length=10, choices=Meal.choices)
    name = models.CharField(max_length=100)
    name_cy = models.CharField("name in Welsh", max_length=100, blank=True)
    markers = models.JSONField(default=list, blank=True, help_text="Marker codes, e.g. ['halal', 'gluten_free'].")
    order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["day", "meal", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["menu", "day", "meal", "name"], name="menu_option_once")]
        indexes = [models.Index(fields=["menu", "day", "meal"], name="menu_option_slot")]

    def __str__(self) -> str:
        return f"{self.day} {self.meal}: {self.name}"

    @property
    def display_name(self) -> str:
        return self.name_cy if self.name_cy and (get_language() or "").startswith("cy") else self.name

    @property
    def marker_labels(self) -> list[str]:
        return [str(Marker(code).label) for code in Marker.values if code in self.markers]


class RecordedDiet(models.Model):
    """A person's diet as recorded by staff (chaplaincy, healthcare, wing): what every dish they pick must be."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="recorded_diet")
    needs = models.JSONField(default=list, blank=True, help_text="Marker codes every dish must have.")
    reason = models.CharField(max_length=10, choices=DietReason.choices)
    note = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.person_id} diet {','.join(self.needs)}"

    @property
    def need_labels(self) -> list[str]:
        return [str(Marker(code).label) for code in Marker.values if code in self.needs]


class MealSheet(models.Model):
    """One person's meal choices for one week, as sent once (from a kiosk, the in-cell app, or staff from a paper
    sheet). A change is a new sheet; the newest is ``current`` (the database keeps one current sheet per week)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="meal_sheets")
    menu = models.ForeignKey(Menu, on_delete=models.PROTECT, related_name="sheets")
    submitted_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    current = models.BooleanField(default=True)
    idempotency_key = models.CharField(max_length=80)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "idempotency_key"], name="meal_sheet_idempotency_key_unique"),
            models.UniqueConstraint(
                fields=["person", "menu"], condition=Q(current=True), name="meal_sheet_one_current"
            ),
        ]
        indexes = [models.Index(fields=["menu", "current"], name="meal_sheet_menu_current")]

    def __str__(self) -> str:
        return f"Meal sheet {self.pk} ({self.person_id}, {self.menu_id})"


class MealChoice(models.Model):
    """The dish a person picked for one meal on one day. A meal with no choice gets the person's default."""

    sheet = models.ForeignKey(MealSheet, on_delete=models.CASCADE, related_name="choices")
    day = models.DateField()
    meal = models.CharField(max_length=10, choices=Meal.choices)
    option = models.ForeignKey(MenuOption, on_delete=models.PROTECT, related_name="choices")

    class Meta:
        ordering = ["day", "meal"]
        constraints = [models.UniqueConstraint(fields=["sheet", "day", "meal"], name="meal_choice_once_per_meal")]

    def __str__(self) -> str:
        return f"{self.sheet_id} {self.day} {self.meal} -> {self.option_id}"
