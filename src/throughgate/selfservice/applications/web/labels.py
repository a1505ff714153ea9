"""Words for residents: app statuses in plain language, with a GOV.UK tag colour."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from throughgate.selfservice.applications.models import AppStatus

RESIDENT_STATUS: dict[str, tuple[Promise, str]] = {
    AppStatus.NEW: (_("Waiting"), "govuk-tag--blue"),
    AppStatus.IN_PROGRESS: (_("Being looked at"), "govuk-tag--yellow"),
    AppStatus.APPROVED: (_("Yes"), "govuk-tag--green"),
    AppStatus.DECLINED: (_("No"), "govuk-tag--red"),
    AppStatus.REJECTED: (_("Sent back"), "govuk-tag--grey"),
}

STAFF_STATUS_TAG: dict[str, str] = {
    AppStatus.NEW: "govuk-tag--blue",
    AppStatus.IN_PROGRESS: "govuk-tag--yellow",
    AppStatus.APPROVED: "govuk-tag--green",
    AppStatus.DECLINED: "govuk-tag--red",
    AppStatus.REJECTED: "govuk-tag--grey",
}
