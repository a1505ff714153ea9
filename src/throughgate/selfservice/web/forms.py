"""Forms of the self-service pages. Every write form carries an idempotency key, made when the form is shown."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm
from throughgate.selfservice.models import AppStatus


def new_key() -> str:
    return uuid.uuid4().hex


class KeyedForm(GovukForm):
    """A form whose submission is stored once however often it is sent: the key is made when the form is shown."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", new_key())


class AppForm(KeyedForm):
    body = forms.CharField(
        label=_("What do you need?"),
        help_text=_("Say what you want and why. Keep it short."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        error_messages={"required": _("Write what you need."), "max_length": _("Use 2000 characters or fewer.")},
    )


class StartForm(KeyedForm):
    pass


class CommentForm(KeyedForm):
    text = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Write a comment.")},
    )
    shared = forms.TypedChoiceField(
        label=_("Who can see it?"),
        choices=[("0", _("Staff only")), ("1", _("Staff and the person who sent the app"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
        error_messages={"required": _("Choose who can see the comment.")},
    )


class ForwardForm(KeyedForm):
    department = forms.ChoiceField(
        label=_("Department"),
        error_messages={"required": _("Choose a department."), "invalid_choice": _("Choose a department.")},
    )
    comment = forms.CharField(
        label=_("Why are you passing it on? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args: Any, departments: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            ("", _("Choose a department")),
            *(departments or []),
        ]


class RespondForm(KeyedForm):
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (AppStatus.APPROVED.value, _("Approve")),
            (AppStatus.DECLINED.value, _("Decline")),
            (AppStatus.REJECTED.value, _("Reject: the app cannot be dealt with as sent")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer."), "invalid_choice": _("Choose an answer.")},
    )
    reply = forms.CharField(
        label=_("Reply to the person"),
        help_text=_("Use plain words. The person reads this on a kiosk."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": _("Write a reply for the person.")},
    )


STATUS_FILTERS = [
    ("open", _("Open (new or in progress)")),
    ("all", _("All")),
    *[(status.value, status.label) for status in AppStatus],
]


class QueueFilterForm(GovukForm):
    query = forms.CharField(label=_("Name or prison number"), required=False, max_length=100)
    department = forms.ChoiceField(label=_("Department"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_FILTERS)
    assigned = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("unassigned", _("Nobody yet"))],
    )
    overdue = forms.BooleanField(label=_("Only overdue apps"), required=False)
    escalated = forms.BooleanField(label=_("Only apps escalated to me"), required=False)

    def __init__(self, *args: Any, departments: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            ("", _("All my departments")),
            *(departments or []),
        ]


class AssignForm(GovukForm):
    apps = forms.TypedMultipleChoiceField(
        label=_("Apps"), coerce=int, error_messages={"required": _("Choose at least one app.")}
    )
    assignee = forms.TypedChoiceField(
        label=_("Assign to"), coerce=int, error_messages={"required": _("Choose who to give the apps to.")}
    )

    def __init__(
        self,
        *args: Any,
        app_ids: list[int] | None = None,
        staff: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["apps"]).choices = [(pk, str(pk)) for pk in app_ids or []]
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("Choose a person")), *(staff or [])]


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
