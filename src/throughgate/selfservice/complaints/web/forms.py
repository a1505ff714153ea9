"""Forms of the complaints pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm, KeyedForm


class ComplaintForm(KeyedForm):
    stage = forms.ChoiceField(
        label=_("Who should read it?"),
        choices=[
            ("COMP1", _("Staff who deal with complaints")),
            ("COMP2", _("Only the governor. Use this if it is private.")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who should read it."), "invalid_choice": _("Choose who should read it.")},
    )
    body = forms.CharField(
        label=_("What is wrong?"),
        help_text=_("Say what happened, when, and what you want to happen now."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        error_messages={
            "required": _("Write what your complaint is about."),
            "max_length": _("Use 2000 characters or fewer."),
        },
    )


class AppealForm(KeyedForm):
    body = forms.CharField(
        label=_("Why are you not happy with the answer?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={
            "required": _("Write why you are appealing."),
            "max_length": _("Use 2000 characters or fewer."),
        },
    )


class ComplaintAnswerForm(GovukForm):
    reply = forms.CharField(
        label=_("Reply to the person"),
        help_text=_("Use plain words. The person reads this on a kiosk."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": _("Write a reply for the person.")},
    )
