"""Permissions owned by the probation app (granted to roles in identity.roles)."""

from throughgate.core.access import register_permission

USE_PASSPORT = register_permission(
    "probation.use_passport", "A resident sees their resettlement passport and answers its questions for themself"
)
WORK_RESETTLEMENT = register_permission(
    "probation.work_resettlement",
    "Prison resettlement work: see and build the resettlement passports of people in your establishment",
)
RELEASE_PEOPLE = register_permission(
    "probation.release_people",
    "Release a person from your establishment to probation supervision, with a CRN and a practitioner",
)
SUPERVISE = register_permission(
    "probation.supervise",
    "A probation practitioner: see and work the people on your own caseload (passport, check-ins, tasks, recall)",
)
USE_MYPROBATION = register_permission(
    "probation.use_myprobation", "A person on probation sees their check-ins, appointments and to-do list"
)
