from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm, KeyedForm


class FindForm(GovukForm):
    query = forms.CharField(
        label=_("Name or prison number"),
        max_length=100,
        help_text=_("Anyone on record: in any prison, or released"),
        error_messages={"required": _("Enter a name or prison number")},
    )


class RequestForm(KeyedForm):
    reference = forms.CharField(
        label=_("Request reference"),
        max_length=40,
        help_text=_("The reference on the letter or email, for example SAR-2026-0042"),
        error_messages={"required": _("Enter the request's reference")},
    )
    received_on = forms.DateField(
        label=_("Date the request was received"),
        help_text=_("The one-month time limit starts on this day, for example 2026-03-08"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": _("Enter the date received"), "invalid": _("Enter a real date, like 2026-03-08")},
    )


class HoldForm(GovukForm):
    reason = forms.CharField(
        label=_("Why must the records be kept?"),
        max_length=200,
        help_text=_("For example, a civil claim, an inquest or an Ombudsman investigation"),
        error_messages={"required": _("Say why the records must be kept")},
    )


class LiftForm(GovukForm):
    reason = forms.CharField(
        label=_("Why can the hold end?"),
        max_length=200,
        error_messages={"required": _("Say why the hold can end")},
    )
