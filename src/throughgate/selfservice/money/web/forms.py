"""Forms of the money and canteen pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import KeyedForm, pounds_field
from throughgate.selfservice.money.models import AccountKind


class TransferForm(KeyedForm):
    move = forms.ChoiceField(
        label=_("Move money"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose where to move the money."),
            "invalid_choice": _("Choose where to move the money."),
        },
    )
    amount = forms.DecimalField(
        label=_("How much? In pounds"),
        help_text=_("For example, 5 or 2.50"),
        min_value=Decimal("0.01"),
        max_value=Decimal("10000"),
        decimal_places=2,
        error_messages={
            "required": _("Enter how much to move."),
            "invalid": _("Enter an amount like 5 or 2.50."),
            "min_value": _("Enter an amount more than £0."),
            "max_value": _("That amount is too big."),
            "max_decimal_places": _("Enter an amount like 5 or 2.50."),
        },
    )

    def __init__(self, *args: Any, moves: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["move"]).choices = moves or []

    def clean_amount(self) -> int:
        return int(self.cleaned_data["amount"] * 100)


class CanteenForm(KeyedForm):
    """One number box per item on the list."""

    def __init__(self, *args: Any, items: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_ids: list[int] = []
        for item in items or []:
            self.item_ids.append(item.pk)
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=item.display_name,
                required=False,
                min_value=0,
                max_value=20,
                widget=forms.NumberInput(
                    attrs={"class": "govuk-input govuk-input--width-3 tg-kiosk-input", "inputmode": "numeric"}
                ),
                error_messages={
                    "invalid": _("Enter a number, like 2."),
                    "min_value": _("Enter a number, like 2."),
                    "max_value": _("You can buy up to 20 of each thing."),
                },
            )

    def quantities(self) -> dict[int, int]:
        return {pk: self.cleaned_data.get(f"item_{pk}") or 0 for pk in self.item_ids}


MONEY_DIRECTIONS = [("in", _("Money in")), ("out", _("Money out"))]
MONEY_REASONS = [
    ("family", _("Money from family or friends")),
    ("wages", _("Wages")),
    ("earnings", _("Other earnings or benefits")),
    ("transfer", _("From another prison")),
    ("damage", _("Damage charge")),
    ("sent_out", _("Money sent out")),
    ("correction", _("Correction of a mistake")),
    ("other", _("Other")),
]
REASONS_IN = frozenset({"family", "wages", "earnings", "transfer", "correction", "other"})
REASONS_OUT = frozenset({"damage", "sent_out", "correction", "other"})


class MoneyForm(KeyedForm):
    direction = forms.ChoiceField(
        label=_("Money in or out?"),
        choices=MONEY_DIRECTIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose money in or money out."),
            "invalid_choice": _("Choose money in or money out."),
        },
    )
    account = forms.ChoiceField(
        label=_("Account"),
        choices=[("", _("Choose an account")), *AccountKind.choices],
        error_messages={"required": _("Choose an account."), "invalid_choice": _("Choose an account.")},
    )
    amount = pounds_field(
        _("Amount in pounds"),
        max_value=Decimal("10000"),
        help_text=_("For example, 20 or 12.50"),
        error_messages={
            "required": _("Enter an amount."),
            "invalid": _("Enter an amount like 20 or 12.50."),
            "min_value": _("Enter an amount more than £0."),
            "max_value": _("That amount is too big."),
            "max_decimal_places": _("Enter an amount like 20 or 12.50."),
        },
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason")), *MONEY_REASONS],
        error_messages={"required": _("Choose a reason."), "invalid_choice": _("Choose a reason.")},
    )
    note = forms.CharField(
        label=_("What the person sees on their statement"),
        help_text=_("For example: Postal order from Mum. Keep it short."),
        max_length=150,
        error_messages={
            "required": _("Enter what the person sees on their statement."),
            "max_length": _("Use 150 characters or fewer."),
        },
    )

    def clean_amount(self) -> int:
        return int(self.cleaned_data["amount"] * 100)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        direction, reason = data.get("direction"), data.get("reason")
        if direction and reason:
            allowed = REASONS_IN if direction == "in" else REASONS_OUT
            if reason not in allowed:
                self.add_error(
                    "reason",
                    _("That reason is for money in.") if direction == "out" else _("That reason is for money out."),
                )
        return data
