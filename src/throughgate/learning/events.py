"""Activity kinds and audit actions of the learning app (registered here, documented in docs/events.md). The kinds
are named ``*_KIND``."""

from django.utils.translation import gettext_lazy

from throughgate.core import activity, audit

COURSE_REQUESTED_KIND = activity.register_kind("course.requested", "Asked to join a course")
COURSE_ENROLLED_KIND = activity.register_kind("course.enrolled", "Was given a place on a course")
COURSE_COMPLETED_KIND = activity.register_kind("course.completed", "Completed a course")
CREDENTIAL_ISSUED_KIND = activity.register_kind(
    "credential.issued", "A skills passport badge (signed Open Badge) was issued"
)

COURSE_SAVED = audit.register_action("learning.course.saved", gettext_lazy("Added or changed a course"))
COURSE_REQUESTED = audit.register_action("learning.course.requested", gettext_lazy("Asked to join a course"))
ENROLMENT_ALLOCATED = audit.register_action(
    "learning.enrolment.allocated", gettext_lazy("Gave a person a place on a course")
)
ENROLMENT_PROGRESS = audit.register_action(
    "learning.enrolment.progress", gettext_lazy("Recorded a person's progress on a course")
)
ENROLMENT_COMPLETED = audit.register_action(
    "learning.enrolment.completed", gettext_lazy("Recorded that a person completed a course")
)
ENROLMENT_WITHDRAWN = audit.register_action(
    "learning.enrolment.withdrawn", gettext_lazy("Took a person off a course or its waiting list")
)
ASSESSMENT_RECORDED = audit.register_action(
    "learning.assessment.recorded", gettext_lazy("Recorded an English or maths assessment")
)
LEARNERS_VIEWED = audit.register_action(
    "learning.learners.viewed", gettext_lazy("Read a course's waiting list and learners")
)
LEARNER_VIEWED = audit.register_action("learning.learner.viewed", gettext_lazy("Read a person's learning record"))
CREDENTIAL_ISSUED = audit.register_action(
    "learning.credential.issued", gettext_lazy("Issued a skills passport badge (a signed credential)")
)
CREDENTIAL_REVOKED = audit.register_action(
    "learning.credential.revoked", gettext_lazy("Revoked a skills passport badge")
)
ISSUER_KEY_MADE = audit.register_action(
    "learning.issuer_key.made", gettext_lazy("Made a new signing key for skills passport badges")
)
