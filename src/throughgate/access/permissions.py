"""Permissions owned by the access app. Security staff manage devices and policy; officers impose sanctions in
their own prison; a resident sees only their own allowed sites and requests."""

from throughgate.core.access import register_permission

MANAGE_DEVICES = register_permission("access.manage_devices", "Register, issue, suspend and retire network devices")
MANAGE_POLICY = register_permission(
    "access.manage_policy", "Change the site catalogue, incentive-level categories and time windows"
)
REVIEW_REQUESTS = register_permission("access.review_requests", "Approve or decline residents' site requests")
IMPOSE_SANCTION = register_permission("access.impose_sanction", "Suspend a person's internet access for a time")
CHECK_ACCESS = register_permission("access.check_access", "See whether a person can reach a web address, and why")
VIEW_MONITORING = register_permission("access.view_monitoring", "See internet use, denials and network alerts")
MANAGE_OBSERVATIONS = register_permission(
    "access.manage_observations", "Triage and deal with unapproved devices seen on the network"
)
VIEW_OWN_SITES = register_permission("access.view_own_sites", "A resident sees the sites they may use")
REQUEST_SITE = register_permission("access.request_site", "A resident asks for a new site to be added")
