"""Forms of the access pages: a resident's site request, and the staff forms for checks, devices, requests,
sanctions, unapproved devices, the catalogue, the establishment policy, groups and network settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from throughgate.access import selectors
from throughgate.access.models import Category, DeviceKind, DeviceStatus, Risk, WindowKind
from throughgate.core.forms import GovukForm, KeyedForm
from throughgate.people.models import IncentiveLevel

DAYS = [
    ("0", gettext_lazy("Monday")),
    ("1", gettext_lazy("Tuesday")),
    ("2", gettext_lazy("Wednesday")),
    ("3", gettext_lazy("Thursday")),
    ("4", gettext_lazy("Friday")),
    ("5", gettext_lazy("Saturday")),
    ("6", gettext_lazy("Sunday")),
]


class SiteRequestForm(KeyedForm):
    address = forms.CharField(
        label=gettext_lazy("Web address"), max_length=300, help_text=gettext_lazy("For example, www.gov.uk")
    )
    reason = forms.CharField(
        label=gettext_lazy("Why do you need it?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    # Made when the form is shown, so a double tap or a retry on a bad link is stored once (services keep one
    # request per person and key); the same request sent again after Back is the first one (KeyedForm). Not
    # required: a page shown before keys were made still sends its request.
    key = None  # type: ignore[assignment]
    key_field = "idempotency_key"
    idempotency_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)


class CheckForm(GovukForm):
    prison_number = forms.CharField(label=gettext_lazy("Prison number"), max_length=7)
    url = forms.CharField(
        label=gettext_lazy("Web address"),
        max_length=500,
        help_text=gettext_lazy("For example, https://www.gov.uk/jobsearch"),
    )


class DeviceForm(GovukForm):
    serial = forms.CharField(label=gettext_lazy("Serial number"), max_length=60)
    mac = forms.CharField(
        label=gettext_lazy("MAC address"), max_length=17, help_text=gettext_lazy("For example, aa:bb:cc:dd:ee:ff")
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of device"), choices=DeviceKind.choices)


class DeviceActionForm(GovukForm):
    action = forms.ChoiceField(
        label=gettext_lazy("Change"),
        choices=[
            ("issue", gettext_lazy("Issue to a person")),
            ("issue_cell", gettext_lazy("Issue to a cell (shared by everyone in it)")),
            (DeviceStatus.SUSPENDED, gettext_lazy("Suspend")),
            (DeviceStatus.LOST, gettext_lazy("Report lost")),
            (DeviceStatus.IN_STOCK, gettext_lazy("Return to stock")),
            (DeviceStatus.RETIRED, gettext_lazy("Retire")),
        ],
    )
    prison_number = forms.CharField(label=gettext_lazy("Prison number (to issue)"), max_length=7, required=False)
    cell = forms.CharField(
        label=gettext_lazy("Cell (to issue to a cell)"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("The cell's location code, for example MDI-A-1-001"),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class ReviewForm(GovukForm):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("decline", gettext_lazy("Decline"))],
    )
    category = forms.ChoiceField(label=gettext_lazy("Category (if approved)"), choices=Category.choices, required=False)
    risk = forms.TypedChoiceField(label=gettext_lazy("Risk rating"), choices=Risk.choices, coerce=int, initial=Risk.LOW)
    reason = forms.CharField(label=gettext_lazy("Reason the person will see"), max_length=500)


class LiftForm(GovukForm):
    sanction = forms.TypedChoiceField(label=gettext_lazy("Suspension to lift"), coerce=int)
    reason = forms.CharField(
        label=gettext_lazy("Why lift it early?"),
        max_length=500,
        help_text=gettext_lazy("For example, the adjudication was dismissed on appeal"),
    )


class SanctionForm(GovukForm):
    days = forms.IntegerField(label=gettext_lazy("Number of days"), min_value=1, max_value=84)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=500, help_text=gettext_lazy("For example, the adjudication it follows")
    )


class TriageForm(GovukForm):
    status = forms.ChoiceField(
        label=gettext_lazy("What are you doing about it?"),
        choices=[
            ("investigating", gettext_lazy("Investigate")),
            ("searching", gettext_lazy("Search for the device")),
            ("allow_listed", gettext_lazy("Known neighbour: allow it")),
            ("false_positive", gettext_lazy("False positive")),
        ],
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500)


class MitigateForm(GovukForm):
    action = forms.ChoiceField(
        label=gettext_lazy("Action"),
        choices=[
            ("block_radius", gettext_lazy("Block at RADIUS")),
            ("disconnect_coa", gettext_lazy("Disconnect (RADIUS CoA)")),
            ("mist_disconnect", gettext_lazy("Disconnect through Mist")),
        ],
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class SiteForm(GovukForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    address = forms.CharField(
        label=gettext_lazy("Web address"), max_length=300, help_text=gettext_lazy("For example, www.gov.uk/jobsearch")
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Category.choices)
    risk = forms.TypedChoiceField(label=gettext_lazy("Risk rating"), choices=Risk.choices, coerce=int, initial=Risk.LOW)


class ImportForm(GovukForm):
    lines = forms.CharField(
        label=gettext_lazy("Sites to add"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("One a line: address,category[,risk[,name]]"),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category for lines without one"), choices=[("", "–"), *Category.choices], required=False
    )


class LevelForm(GovukForm):
    level = forms.ChoiceField(label=gettext_lazy("Level"), choices=IncentiveLevel.choices)
    categories = forms.MultipleChoiceField(
        label=gettext_lazy("Categories this level opens"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    max_risk = forms.TypedChoiceField(label=gettext_lazy("Highest risk"), choices=Risk.choices, coerce=int)


class WindowForm(GovukForm):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("For example, Roll check")
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=WindowKind.choices)
    days = forms.MultipleChoiceField(
        label=gettext_lazy("Days"),
        choices=DAYS,
        widget=forms.CheckboxSelectMultiple,
        initial=[str(d) for d in range(7)],
    )
    starts = forms.TimeField(
        label=gettext_lazy("From (24-hour clock)"),
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
    )
    ends = forms.TimeField(
        label=gettext_lazy("Until"),
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
    )


class SiteEditForm(GovukForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=Category.choices)
    risk = forms.TypedChoiceField(label=gettext_lazy("Risk rating"), choices=Risk.choices, coerce=int)
    include_subdomains = forms.TypedChoiceField(
        label=gettext_lazy("Also its subdomains?"),
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No, only this address"))],
        coerce=lambda value: value == "yes",
    )
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)
    groups = forms.MultipleChoiceField(
        label=gettext_lazy("Only for these groups"),
        help_text=gettext_lazy("Leave all unticked: open to everyone whose level opens the category"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [  # type: ignore[attr-defined]
            (g.code, g.name) for g in selectors.groups_listed()
        ]


class ActiveForm(GovukForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)


class GroupForm(GovukForm):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("For example, Open University students")
    )
    code = forms.CharField(
        label=gettext_lazy("Short code"),
        max_length=40,
        help_text=gettext_lazy("Lower-case letters, digits and hyphens, for example open-university"),
    )


class MemberForm(GovukForm):
    prison_number = forms.CharField(label=gettext_lazy("Prison number"), max_length=7)


class NetworkForm(GovukForm):
    kiosk_vlan = forms.CharField(label=gettext_lazy("Kiosk VLAN"), max_length=4)
    laptop_vlan = forms.CharField(label=gettext_lazy("Laptop VLAN"), max_length=4)
    tablet_vlan = forms.CharField(label=gettext_lazy("Tablet VLAN"), max_length=4)
    quarantine_vlan = forms.CharField(
        label=gettext_lazy("Quarantine VLAN"),
        max_length=4,
        required=False,
        help_text=gettext_lazy("For suspended and lost devices. Leave empty to refuse them instead"),
    )
    ssids = forms.CharField(
        label=gettext_lazy("Our Wi-Fi network names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One a line. An access point that is not ours using one of these names is a spoof"),
    )
    nas_wings = forms.CharField(
        label=gettext_lazy("Access points and their wings"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line: access point name = wing, for example ap-a1 = A wing"),
    )

    def clean_nas_wings(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for number, line in enumerate(self.cleaned_data["nas_wings"].splitlines(), start=1):
            if not line.strip():
                continue
            nas, equals, wing = line.partition("=")
            if not equals or not nas.strip() or not wing.strip():
                raise forms.ValidationError(_("Line %(number)s: write it as access point = wing") % {"number": number})
            mapping[nas.strip()] = wing.strip()
        return mapping
