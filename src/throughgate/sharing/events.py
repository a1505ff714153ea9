"""The sharing app's audit actions."""

from django.utils.translation import gettext_lazy as _

from throughgate.core import audit

RECORDS_RECEIVED = audit.register_action("sharing.records.received", _("Received records from another agency"))
LINK_RUN = audit.register_action("sharing.link.run", _("Ran record linkage across agencies"))
LINK_VIEWED = audit.register_action("sharing.link.viewed", _("Looked at a suggested record link"))
LINK_CONFIRMED = audit.register_action("sharing.link.confirmed", _("Confirmed a record link"))
LINK_REJECTED = audit.register_action("sharing.link.rejected", _("Rejected a record link"))
LINK_UNDONE = audit.register_action("sharing.link.undone", _("Undid a decision about a record link"))
