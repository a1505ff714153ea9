"""Audit actions of the data protection app."""

from django.utils.translation import gettext_lazy as _

from throughgate.core import audit

SAR_SEARCHED = audit.register_action("dataprotection.people.searched", _("Searched everyone on record for a request"))
SAR_PREVIEWED = audit.register_action("dataprotection.person.previewed", _("Saw what is held about a person"))
SAR_MADE = audit.register_action("dataprotection.sar.made", _("Made a subject access export"))
SAR_DOWNLOADED = audit.register_action("dataprotection.sar.downloaded", _("Downloaded a subject access export"))
HOLD_PLACED = audit.register_action("dataprotection.hold.placed", _("Placed a legal hold on a person's records"))
HOLD_LIFTED = audit.register_action("dataprotection.hold.lifted", _("Lifted a legal hold"))
RETENTION_APPLIED = audit.register_action(
    "dataprotection.retention.applied", _("Removed records past their retention period")
)
