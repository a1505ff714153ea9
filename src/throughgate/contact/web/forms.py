"""Forms of the contact pages (residents, staff and the family site)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from throughgate.contact.contacts.models import Contact, ContactKind, Relationship, RestrictionKind
from throughgate.contact.visits.models import CancelReason, VisitKind, VisitOutcome, Weekday
from throughgate.contact.visits.selectors import SlotChoice
from throughgate.core.forms import GovukForm, KeyedForm
from throughgate.people.models import IncentiveLevel


class ContactRequestForm(KeyedForm):
    first_name = forms.CharField(label=_("First name"), max_length=60)
    last_name = forms.CharField(label=_("Last name"), max_length=60)
    relationship = forms.ChoiceField(label=_("Who are they to you?"), choices=Relationship.choices)
    kind = forms.ChoiceField(
        label=_("Type of contact"), choices=ContactKind.choices, initial=ContactKind.SOCIAL, widget=forms.RadioSelect
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth (if you know it)"),
        required=False,
        help_text=_("Type it like this: 1980-05-21"),
        error_messages={"invalid": _("Type the date like this: 1980-05-21")},
    )
    phone = forms.CharField(label=_("Phone number"), max_length=20, required=False)
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("They use it to book visits on the family site."),
        error_messages={"invalid": _("Type an email like name@example.com")},
    )
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The person in prison reads this."),
        error_messages={"required": _("Enter the reason.")},
    )


class FindPersonForm(GovukForm):
    prison_number = forms.CharField(
        label=_("Prison number"), max_length=7, widget=forms.TextInput(attrs={"class": "govuk-input--width-10"})
    )

    def clean_prison_number(self) -> str:
        return str(self.cleaned_data["prison_number"]).strip().upper()


class RestrictionForm(GovukForm):
    kind = forms.ChoiceField(label=_("Restriction"), choices=RestrictionKind.choices, widget=forms.RadioSelect)
    contact = forms.TypedChoiceField(label=_("Contact (for no contact)"), required=False, coerce=int, empty_value=None)
    named_person = forms.CharField(
        label=_("Or the person's name, if they are not a contact"), max_length=120, required=False
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label=_("From"), help_text=_("Type it like this: 2026-03-27"))
    ends_on = forms.DateField(label=_("Until (leave empty if it has no end)"), required=False)

    def __init__(self, *args: Any, contacts: list[Contact], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["contact"]).choices = [("", _("Not a contact"))] + [
            (c.pk, c.full_name) for c in contacts
        ]


class SessionForm(GovukForm):
    room = forms.CharField(label=_("Room"), max_length=60)
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    starts_at = forms.TimeField(label=_("Starts at"), help_text=_("For example 14:00"))
    ends_at = forms.TimeField(label=_("Ends at"), help_text=_("For example 16:00"))
    open_capacity = forms.IntegerField(label=_("Tables for open visits"), min_value=0, max_value=200)
    closed_capacity = forms.IntegerField(label=_("Booths for closed visits"), min_value=0, max_value=50, initial=0)
    max_adults = forms.IntegerField(label=_("Adults per visit, at most"), min_value=1, max_value=10, initial=3)
    max_children = forms.IntegerField(label=_("Children per visit, at most"), min_value=0, max_value=10, initial=3)
    valid_from = forms.DateField(label=_("First date"), help_text=_("Type it like this: 2026-03-27"))
    valid_to = forms.DateField(label=_("Last date (leave empty if it has no end)"), required=False)
    wings = forms.CharField(
        label=_("Wings (leave empty for every wing)"),
        required=False,
        help_text=_("Wing codes with commas, for example A, B"),
    )
    incentive_levels = forms.MultipleChoiceField(
        label=_("Incentive levels (none ticked: every level)"),
        choices=IncentiveLevel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class AllowanceForm(GovukForm):
    def __init__(self, *args: Any, current: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for level, label in IncentiveLevel.choices:
            self.fields[f"level_{level}"] = forms.IntegerField(
                label=label,
                min_value=0,
                max_value=31,
                initial=current.get(level, 2),
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
            )

    def allowances(self) -> dict[str, int]:
        return {level: int(self.cleaned_data[f"level_{level}"]) for level in IncentiveLevel.values}


def slot_label(choice: SlotChoice) -> str:
    when = formats.date_format(choice.date, "l j F")
    return str(
        _("%(when)s, %(start)s to %(end)s, %(room)s: %(open)s open and %(closed)s closed places left")
        % {
            "when": when,
            "start": formats.time_format(choice.session.starts_at, "H:i"),
            "end": formats.time_format(choice.session.ends_at, "H:i"),
            "room": choice.session.room,
            "open": choice.open_left,
            "closed": choice.closed_left,
        }
    )


class BookingForm(KeyedForm):
    """Choose a time, the visitors, and open or closed. The choices come from the selectors; the service checks
    every rule again, so a stale page cannot book what the rules refuse."""

    slot = forms.ChoiceField(label=_("Choose a time"), widget=forms.RadioSelect)
    visitors = forms.TypedMultipleChoiceField(
        label=_("Who is visiting?"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    kind = forms.ChoiceField(
        label=_("Type of visit"), choices=VisitKind.choices, initial=VisitKind.OPEN, widget=forms.RadioSelect
    )

    def __init__(
        self, *args: Any, slots: list[SlotChoice], visitors: list[Contact], lead: Contact | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.slot_choices = {choice.value: choice for choice in slots}
        cast(forms.ChoiceField, self.fields["slot"]).choices = [(choice.value, slot_label(choice)) for choice in slots]
        self.visitor_choices = {c.pk: c for c in visitors}
        cast(forms.ChoiceField, self.fields["visitors"]).choices = [
            (c.pk, c.full_name) for c in visitors if lead is None or c.pk != lead.pk
        ]
        if lead is not None:
            self.fields["visitors"].label = _("Who else is coming with you?")
            self.fields["visitors"].help_text = _("Only people on the approved list can come.")

    def chosen_slot(self) -> SlotChoice:
        return self.slot_choices[self.cleaned_data["slot"]]

    def chosen_visitors(self) -> list[Contact]:
        return [self.visitor_choices[pk] for pk in self.cleaned_data["visitors"] if pk in self.visitor_choices]


class CancelForm(GovukForm):
    reason = forms.ChoiceField(
        label=_("Why is the visit cancelled?"), choices=CancelReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(label=_("What happened?"), choices=VisitOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DayForm(GovukForm):
    day = forms.DateField(label=_("Day"), required=False, help_text=_("Type it like this: 2026-03-27"))

    def chosen(self, default: dt.date) -> dt.date:
        if self.is_valid() and self.cleaned_data.get("day"):
            value: dt.date = self.cleaned_data["day"]
            return value
        return default


# --- The family site -----------------------------------------------------------------------------------------


class FamilySignUpForm(GovukForm):
    first_name = forms.CharField(label=_("First name"), max_length=60)
    last_name = forms.CharField(label=_("Last name"), max_length=60)
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("Use the email the person in prison gave for you."),
        error_messages={"invalid": _("Enter an email address, like name@example.com.")},
    )
    password = forms.CharField(
        label=_("Make a password"),
        help_text=_("At least 12 letters, numbers or symbols."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class FamilyCodeForm(GovukForm):
    code = forms.CharField(
        label=_("Code from the email"),
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "class": "govuk-input--width-5"}
        ),
    )


class FamilySignInForm(GovukForm):
    email = forms.EmailField(
        label=_("Email address"), error_messages={"invalid": _("Enter an email address, like name@example.com.")}
    )
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class MessageForm(KeyedForm):
    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        error_messages={"required": _("Write your message.")},
    )


class RuleForm(GovukForm):
    pattern = forms.CharField(label=_("Word, phrase or pattern"), max_length=200)
    is_regex = forms.BooleanField(label=_("It is a regular expression"), required=False)
    reason = forms.CharField(label=_("Why it holds a message"), max_length=200)
