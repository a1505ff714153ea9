"""The staff search for a person."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm


class FindPersonForm(GovukForm):
    query = forms.CharField(
        label=_("Prison number or name"),
        max_length=100,
        error_messages={"required": _("Enter a prison number or a name.")},
    )
