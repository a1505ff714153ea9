"""Forms of the course pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm, KeyedForm
from throughgate.learning.courses.models import CourseArea, CourseMode, Level, Subject


class JoinForm(KeyedForm):
    """A resident asks to join a course: only the key (the course is in the address)."""


class CourseForm(GovukForm):
    code = forms.SlugField(
        label=_("Short code"),
        help_text=_("Letters, numbers and dashes, for example fs-english-l1."),
        max_length=30,
        error_messages={
            "required": _("Enter a short code for the course."),
            "invalid": _("Use letters, numbers and dashes only."),
        },
    )
    title = forms.CharField(
        label=_("Title"), max_length=120, error_messages={"required": _("Enter the course's title.")}
    )
    title_cy = forms.CharField(label=_("Title in Welsh"), max_length=120, required=False)
    description = forms.CharField(
        label=_("What the course is about"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    description_cy = forms.CharField(
        label=_("What the course is about, in Welsh"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    area = forms.ChoiceField(
        label=_("Curriculum area"),
        choices=CourseArea.choices,
        error_messages={"required": _("Choose a curriculum area.")},
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=Level.choices, error_messages={"required": _("Choose a level.")}
    )
    mode = forms.ChoiceField(label=_("How it is taught"), choices=CourseMode.choices, initial=CourseMode.CLASSROOM)
    hours = forms.IntegerField(
        label=_("Guided learning hours"),
        min_value=1,
        max_value=2000,
        initial=30,
        error_messages={
            "required": _("Enter guided learning hours from 1 to 2000."),
            "invalid": _("Enter guided learning hours from 1 to 2000."),
            "min_value": _("Enter guided learning hours from 1 to 2000."),
            "max_value": _("Enter guided learning hours from 1 to 2000."),
        },
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=500,
        initial=12,
        error_messages={
            "required": _("Enter a number of places from 1 to 500."),
            "invalid": _("Enter a number of places from 1 to 500."),
            "min_value": _("Enter a number of places from 1 to 500."),
            "max_value": _("Enter a number of places from 1 to 500."),
        },
    )
    qualification = forms.CharField(
        label=_("Qualification it leads to"),
        help_text=_("Leave blank if it gives a certificate only."),
        max_length=160,
        required=False,
    )
    active = forms.BooleanField(label=_("Open to residents"), required=False, initial=True)


class ProgressForm(GovukForm):
    progress = forms.IntegerField(
        label=_("Progress (per cent)"),
        min_value=0,
        max_value=100,
        error_messages={
            "required": _("Enter a number from 0 to 100."),
            "invalid": _("Enter a number from 0 to 100."),
            "min_value": _("Enter a number from 0 to 100."),
            "max_value": _("Enter a number from 0 to 100."),
        },
    )


class CompleteForm(GovukForm):
    qualification_achieved = forms.BooleanField(label=_("The qualification was gained"), required=False)
    grade = forms.CharField(label=_("Result or grade"), max_length=40, required=False)


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label=_("Why is the place ending?"),
        max_length=200,
        error_messages={"required": _("Say why the place is ending.")},
    )


class AssessmentForm(GovukForm):
    subject = forms.ChoiceField(
        label=_("Subject"), choices=Subject.choices, error_messages={"required": _("Choose English or maths.")}
    )
    level = forms.ChoiceField(
        label=_("Level"), choices=Level.choices, error_messages={"required": _("Choose a level.")}
    )
    assessed_on = forms.DateField(
        label=_("Date of the assessment"),
        help_text=_("For example 2026-11-30."),
        error_messages={
            "required": _("Enter the date of the assessment."),
            "invalid": _("Enter a real date, for example 2026-11-30."),
        },
    )


class FindLearnerForm(GovukForm):
    prison_number = forms.CharField(
        label=_("Prison number"), max_length=7, error_messages={"required": _("Enter a prison number.")}
    )
