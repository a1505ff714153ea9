"""Activity kinds and audit actions of the access app (registered here, documented in docs/events.md)."""

from django.utils.translation import gettext_lazy

from throughgate.core import activity, audit

INTERNET_ALLOWED = activity.register_kind(
    "internet.allowed",
    "Web requests allowed by the internet policy, one event per person, hour and site category",
    "number of requests in the hour",
)
INTERNET_DENIED = activity.register_kind(
    "internet.denied",
    "Web requests refused by the internet policy, one event per person, hour and site category",
    "number of requests in the hour",
)

SITE_ADDED = audit.register_action("access.site.added", gettext_lazy("Added a site to the internet catalogue"))
SITE_CHANGED = audit.register_action("access.site.changed", gettext_lazy("Changed a site in the internet catalogue"))
GROUP_CHANGED = audit.register_action(
    "access.group.changed", gettext_lazy("Created a site group or changed who is in it")
)
SITES_IMPORTED = audit.register_action(
    "access.site.imported", gettext_lazy("Imported a list of sites into the catalogue")
)
SITE_REQUESTED = audit.register_action(
    "access.request.submitted", gettext_lazy("A resident asked for a site to be added")
)
SITE_REQUEST_REVIEWED = audit.register_action(
    "access.request.reviewed", gettext_lazy("Approved or declined a site request")
)
LEVEL_RULE_CHANGED = audit.register_action(
    "access.level.changed", gettext_lazy("Changed which site categories a level opens")
)
WINDOW_CHANGED = audit.register_action("access.window.changed", gettext_lazy("Changed internet time windows"))
SANCTION_IMPOSED = audit.register_action(
    "access.sanction.imposed", gettext_lazy("Suspended a person's internet access")
)
SANCTION_LIFTED = audit.register_action("access.sanction.lifted", gettext_lazy("Lifted an internet suspension early"))
NETWORK_CHANGED = audit.register_action(
    "access.network.changed", gettext_lazy("Changed a prison's VLANs, Wi-Fi names or access points")
)
DEVICE_ADDED = audit.register_action("access.device.added", gettext_lazy("Added a network device to the registry"))
DEVICE_CHANGED = audit.register_action(
    "access.device.changed", gettext_lazy("Changed a network device (issue, suspend, ...)")
)
DEVICE_DISCONNECT_SENT = audit.register_action(
    "access.device.disconnect", gettext_lazy("Sent a RADIUS disconnect for a device")
)
ACCESS_CHECKED = audit.register_action(
    "access.checked", gettext_lazy("Checked whether a person can reach a web address")
)
OBSERVATION_TRIAGED = audit.register_action(
    "access.observation.triaged", gettext_lazy("Triaged an unapproved network device")
)
OBSERVATION_MITIGATED = audit.register_action(
    "access.observation.mitigated", gettext_lazy("Acted against an unapproved device")
)
