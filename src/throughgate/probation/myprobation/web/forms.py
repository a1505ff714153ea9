from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm


class ContactForm(GovukForm):
    contact = forms.CharField(
        label=_("Your mobile number or email"),
        help_text=_("We will send you a code"),
        max_length=254,
        error_messages={"required": _("Enter your mobile number or email")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )


class CodeForm(GovukForm):
    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 6 numbers we sent you"),
        max_length=6,
        min_length=6,
        error_messages={
            "required": _("Enter the code"),
            "min_length": _("The code has 6 numbers"),
            "max_length": _("The code has 6 numbers"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
