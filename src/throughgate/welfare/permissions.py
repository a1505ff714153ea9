"""Permissions owned by the welfare app (AIM). Residents never hold any of them."""

from throughgate.core.access import register_permission

VIEW_FLAGS = register_permission("welfare.view_flags", "See AIM welfare flags for people in your establishment")
TRIAGE_FLAGS = register_permission("welfare.triage_flags", "Record what was done about an AIM flag")
MANAGE_SETTINGS = register_permission("welfare.manage_settings", "Change AIM thresholds and weights (safer custody)")
VIEW_OVERSIGHT = register_permission(
    "welfare.view_oversight", "See AIM oversight figures: flags by wing and week, triage times, fairness"
)
