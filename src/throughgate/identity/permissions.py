"""Permissions owned by the identity app."""

from throughgate.core.access import register_permission

VIEW_HOME = register_permission("identity.view_home", "See your home page")
SWITCH_ESTABLISHMENT = register_permission("identity.switch_establishment", "Switch between assigned establishments")
MANAGE_TOTP = register_permission("identity.manage_totp", "Set up a second sign-in factor")
VIEW_NOTIFICATIONS = register_permission("identity.view_notifications", "See and clear your notifications")
