"""Permissions owned by the data protection app."""

from throughgate.core.access import register_permission

SUBJECT_ACCESS = register_permission(
    "dataprotection.subject_access", "Find anyone on record and export everything held about them (audited)"
)
LEGAL_HOLDS = register_permission(
    "dataprotection.manage_legal_holds", "Place and lift legal holds, which stop retention deleting a person's records"
)
VIEW_RETENTION = register_permission(
    "dataprotection.view_retention", "See the retention schedule and what is due to go"
)
