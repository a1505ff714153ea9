"""The default roles and what they may do. Roles are data: this map seeds and tops up the Role table after each
migration (it adds missing roles and grants, and never removes a grant an administrator added)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from throughgate.identity.models import RoleKind


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    kind: str
    permissions: tuple[str, ...]
    sees_all_establishments: bool = False


STAFF_BASE = (
    "identity.view_home",
    "identity.switch_establishment",
    "identity.manage_totp",
    "identity.view_notifications",
)
PERSON_READ = ("people.search_people", "people.view_person")
# Internet access: security staff manage devices and policy; officers and governors suspend access in their prison.
ACCESS_RESIDENT = ("access.view_own_sites", "access.request_site")
ACCESS_OFFICER = ("access.impose_sanction",)
ACCESS_GOVERNOR = ("access.impose_sanction", "access.check_access", "access.view_monitoring")
ACCESS_SECURITY = (
    "access.manage_devices",
    "access.manage_policy",
    "access.review_requests",
    "access.impose_sanction",
    "access.check_access",
    "access.view_monitoring",
    "access.manage_observations",
)
# AIM welfare flags (welfare app): officers and key workers see and triage flags in their prison; the safer custody
# team also sets thresholds; governors oversee; HQ sees oversight figures only. Residents never get these.
WELFARE_OFFICER = ("welfare.view_flags", "welfare.triage_flags")
WELFARE_SAFER_CUSTODY = (*WELFARE_OFFICER, "welfare.manage_settings", "welfare.view_oversight")
WELFARE_GOVERNOR = ("welfare.view_flags", "welfare.view_oversight")
# Working the self-service app queues of one's departments (membership is data in selfservice.Department).
APPS_STAFF = ("selfservice.answer_apps", "selfservice.view_history", "selfservice.answer_complaints")
# Finance and canteen work (paying money in, moving it, delivering canteen orders).
MONEY_STAFF = ("selfservice.manage_money", "selfservice.manage_canteen")
# Meals: wing officers and healthcare record diets (religious, medical) and officers see the kitchen totals for the
# servery; the governor also builds and publishes the weekly menus and sets when choices close.
MEALS_OFFICER = ("selfservice.view_kitchen_totals", "selfservice.record_diets")
MEALS_GOVERNOR = ("selfservice.manage_menus", "selfservice.view_kitchen_totals", "selfservice.record_diets")
# Timetable: wing officers take registers and see purposeful activity hours; education and activity staff (and the
# governor) also set up activities and allocate people; key workers see the hours of their people.
TIMETABLE_OFFICER = ("selfservice.record_attendance", "selfservice.view_activity_hours")
TIMETABLE_ACTIVITIES = (*TIMETABLE_OFFICER, "selfservice.manage_activities")
# Content and notices: education and healthcare publish what they teach and health information, and upload recorded
# group sessions; the governor too (faith and chaplaincy material, while there is no chaplaincy role). Wing officers
# put up notices for a wing; the governor also for the whole prison.
CONTENT_STAFF = ("selfservice.manage_content",)
NOTICES_OFFICER = ("selfservice.manage_notices",)
NOTICES_GOVERNOR = ("selfservice.manage_notices", "selfservice.manage_prison_notices")
# Figures (insights app): a governor sees their prison's figures and downloads them; HQ analysts also compare every
# prison. Figures only: the rows behind a figure stay behind their own app's permissions.
INSIGHTS_GOVERNOR = ("insights.view_dashboard", "insights.export_figures")
INSIGHTS_HQ = (*INSIGHTS_GOVERNOR, "insights.view_estate")

# Resettlement (probation app): prison resettlement staff build the passports of people in their prison and release
# them to probation; the governor may release too. Practitioners work their own caseload (probation.supervise).
RESETTLEMENT_STAFF = ("probation.work_resettlement", "probation.release_people")
# Contact with family: security checks contacts and records restrictions; visits booking staff set up sessions and
# book visits; wing officers work the visits hall; the governor does all but the security checks.
CONTACT_SECURITY = ("contact.approve_contacts", "contact.moderate_messages")
CONTACT_VISITS = ("contact.manage_visits", "contact.run_visits_hall")
CONTACT_HALL = ("contact.run_visits_hall",)
# Learning: residents join courses and hold a skills passport; education staff run courses and issue badges; the
# governor too (oversight of the education contract, and cover when the education manager is away).
LEARNING_RESIDENT = ("learning.use_courses", "learning.use_passport")
LEARNING_STAFF = ("learning.manage_courses", "learning.issue_credentials")

DEFAULT_ROLES: tuple[RoleSpec, ...] = (
    RoleSpec(
        "resident",
        "Person in prison",
        RoleKind.RESIDENT,
        # view_person is scoped by people.selectors: a resident only ever sees their own record.
        (
            "identity.view_home",
            "people.view_own_record",
            "people.view_person",
            "selfservice.use_apps",
            "selfservice.use_money",
            "selfservice.use_complaints",
            "selfservice.use_meals",
            "selfservice.use_content",
            "selfservice.use_timetable",
            "contact.use_contacts",
            *ACCESS_RESIDENT,
            "probation.use_passport",
            *LEARNING_RESIDENT,
        ),
    ),
    RoleSpec(
        "wing_officer",
        "Wing officer",
        RoleKind.STAFF,
        (
            *STAFF_BASE,
            *PERSON_READ,
            *APPS_STAFF,
            *ACCESS_OFFICER,
            *WELFARE_OFFICER,
            *MEALS_OFFICER,
            *TIMETABLE_OFFICER,
            *NOTICES_OFFICER,
            *CONTACT_HALL,
        ),
    ),
    RoleSpec(
        "key_worker",
        "Key worker",
        RoleKind.STAFF,
        (*STAFF_BASE, *PERSON_READ, *APPS_STAFF, *WELFARE_OFFICER, "selfservice.view_activity_hours"),
    ),
    RoleSpec("safer_custody", "Safer custody", RoleKind.STAFF, (*STAFF_BASE, *PERSON_READ, *WELFARE_SAFER_CUSTODY)),
    RoleSpec(
        "security_it",
        "Security and IT",
        RoleKind.STAFF,
        (*STAFF_BASE, *PERSON_READ, "core.view_audit", "core.view_jobs", *ACCESS_SECURITY, *CONTACT_SECURITY),
    ),
    RoleSpec(
        "healthcare",
        "Healthcare",
        RoleKind.STAFF,
        (*STAFF_BASE, *PERSON_READ, *APPS_STAFF, "selfservice.record_diets", *CONTENT_STAFF),
    ),
    RoleSpec(
        "education",
        "Education",
        RoleKind.STAFF,
        (
            *STAFF_BASE,
            "people.search_people",
            *APPS_STAFF,
            *TIMETABLE_ACTIVITIES,
            *CONTENT_STAFF,
            *LEARNING_STAFF,
        ),
    ),
    RoleSpec(
        "governor",
        "Governor",
        RoleKind.STAFF,
        (
            *STAFF_BASE,
            *PERSON_READ,
            "core.view_audit",
            "core.view_jobs",
            *APPS_STAFF,
            "selfservice.oversee_apps",
            "selfservice.configure",
            *MONEY_STAFF,
            *MEALS_GOVERNOR,
            *CONTENT_STAFF,
            *NOTICES_GOVERNOR,
            *TIMETABLE_ACTIVITIES,
            "selfservice.read_confidential_complaints",
            *ACCESS_GOVERNOR,
            *WELFARE_GOVERNOR,
            *INSIGHTS_GOVERNOR,
            *RESETTLEMENT_STAFF,
            *CONTACT_VISITS,
            *LEARNING_STAFF,
        ),
    ),
    RoleSpec(
        "visits_booking", "Visits booking", RoleKind.STAFF, (*STAFF_BASE, "people.search_people", *CONTACT_VISITS)
    ),
    RoleSpec(
        "hq_analyst",
        "HQ analyst",
        RoleKind.STAFF,
        (*STAFF_BASE, "welfare.view_oversight", *INSIGHTS_HQ, "sharing.review_links"),
        sees_all_establishments=True,
    ),
    # The data protection officer answers subject access requests about anyone on record (in any prison, or
    # released), keeps legal holds and watches the retention schedule. Every read and export is audited.
    RoleSpec(
        "data_protection_officer",
        "Data protection officer",
        RoleKind.STAFF,
        (
            *STAFF_BASE,
            "dataprotection.subject_access",
            "dataprotection.manage_legal_holds",
            "dataprotection.view_retention",
        ),
        sees_all_establishments=True,
    ),
    RoleSpec(
        "resettlement",
        "Resettlement worker",
        RoleKind.STAFF,
        (*STAFF_BASE, *PERSON_READ, *RESETTLEMENT_STAFF),
    ),
    RoleSpec(
        "probation_practitioner",
        "Probation practitioner",
        RoleKind.STAFF,
        (*STAFF_BASE, *PERSON_READ, "probation.supervise"),
    ),
    RoleSpec(
        "person_on_probation",
        "Person on probation",
        RoleKind.PROBATION,
        ("identity.view_home", "probation.use_myprobation"),
    ),
    RoleSpec("partner_system", "Partner system", RoleKind.PARTNER, ("people.lookup_person",)),
    # Someone outside the prison with a family-site account: the family site only, for their approved contacts.
    RoleSpec("family_member", "Family member", RoleKind.FAMILY, ("contact.use_family_site",)),
)


def sync_default_roles() -> None:
    from throughgate.identity.models import Role

    for spec in DEFAULT_ROLES:
        role, created = Role.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "kind": spec.kind,
                "permissions": list(spec.permissions),
                "sees_all_establishments": spec.sees_all_establishments,
            },
        )
        if not created:
            missing = [perm for perm in spec.permissions if perm not in role.permissions]
            if missing:
                role.permissions = [*role.permissions, *missing]
                role.save(update_fields=["permissions"])


def sync_roles_after_migrate(**kwargs: Any) -> None:
    sync_default_roles()
