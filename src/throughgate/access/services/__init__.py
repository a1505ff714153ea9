"""Writes of the access app: one function per use case, in one module per part of the app. Each checks permission
and scope, changes state in one transaction, writes the audit row, and moves the policy version on so the Squid
helper rebuilds its snapshot.

Callers write ``services.site_add(...)``: the use cases are named here. The modules import each other directly,
never through this package.
"""

from throughgate.access.services.catalogue import (
    site_add,
    site_set_active,
    site_update,
    sites_import,
    sites_import_text,
)
from throughgate.access.services.devices import device_add, device_issue, device_set_status
from throughgate.access.services.groups import group_add_member, group_create, group_remove_member
from throughgate.access.services.network import network_for, network_update
from throughgate.access.services.observations import (
    observation_mitigate,
    observation_record,
    observation_triage,
    observations_ingest,
)
from throughgate.access.services.policy import level_access_set, window_add, window_remove
from throughgate.access.services.radius import accounting_record, device_admit, forget_seen, radius_post_auth
from throughgate.access.services.requests import site_request_review, site_request_submit
from throughgate.access.services.sanctions import sanction_impose, sanction_lift
from throughgate.access.services.usage import usage_emit_finished, usage_record

__all__ = [
    "accounting_record",
    "device_add",
    "device_admit",
    "device_issue",
    "device_set_status",
    "forget_seen",
    "group_add_member",
    "group_create",
    "group_remove_member",
    "level_access_set",
    "network_for",
    "network_update",
    "observation_mitigate",
    "observation_record",
    "observation_triage",
    "observations_ingest",
    "radius_post_auth",
    "sanction_impose",
    "sanction_lift",
    "site_add",
    "site_request_review",
    "site_request_submit",
    "site_set_active",
    "site_update",
    "sites_import",
    "sites_import_text",
    "usage_emit_finished",
    "usage_record",
    "window_add",
    "window_remove",
]
