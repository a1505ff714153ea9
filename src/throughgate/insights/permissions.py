"""Permissions owned by the insights app. Residents never hold any of them."""

from throughgate.core.access import register_permission

VIEW_DASHBOARD = register_permission(
    "insights.view_dashboard", "See the figures of an establishment you work in (the governor's dashboard)"
)
VIEW_ESTATE = register_permission("insights.view_estate", "See the figures of every establishment side by side (HQ)")
EXPORT_FIGURES = register_permission(
    "insights.export_figures", "Download a chart's figures as a CSV file, with small numbers held back"
)
