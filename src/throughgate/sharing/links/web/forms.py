"""The reviewer's forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label=_("Are these the same person?"),
        choices=[("confirm", _("Yes, the same person: link them")), ("reject", _("No, different people"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether they are the same person")},
    )
    reason = forms.CharField(
        label=_("Why?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: same PNC ID on the police record; or twins, given names differ"),
        error_messages={"required": _("Say why you decided this")},
    )


class UndoForm(GovukForm):
    undo_reason = forms.CharField(
        label=_("Why undo this decision?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why you are undoing the decision")},
    )
