from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core import audit
from throughgate.core.forms import DateField, GovukForm
from throughgate.core.validators import normalise


class AuditSearchForm(GovukForm):
    actor = forms.CharField(label=_("Username of the person who acted"), required=False, max_length=150)
    subject = forms.CharField(label=_("Prison number or CRN of the person concerned"), required=False, max_length=16)
    action = forms.ChoiceField(label=_("Action"), required=False)
    correlation_id = forms.CharField(label=_("Request ID"), required=False, max_length=64)
    date_from = DateField(label=_("From date"), required=False, help_text=_("For example, 27/3/2026"))
    date_to = DateField(label=_("To date"), required=False, help_text=_("For example, 31/3/2026"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The descriptions in the active language (English or Welsh), sorted as they read in it.
        described = [(code, str(description)) for code, description in audit.ACTIONS.items()]
        choices = [("", _("Any action")), *sorted(described, key=lambda item: (item[1].casefold(), item[0]))]
        self.fields["action"].choices = choices  # type: ignore[attr-defined]

    def clean_subject(self) -> str:
        return normalise(self.cleaned_data["subject"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The to date must be the same as or after the from date"))
        return data
