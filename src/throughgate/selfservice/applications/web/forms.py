"""Forms of the apps pages. Every write form carries an idempotency key, made when the form is shown."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from throughgate.core.forms import GovukForm, KeyedForm
from throughgate.selfservice.applications.models import AppStatus


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
