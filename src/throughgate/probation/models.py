"""The probation app's models, one module per feature (``<feature>/models.py``). Importing them here is how Django
finds them. Import a model from its feature."""

from throughgate.probation.appointments.models import Appointment
from throughgate.probation.caseload.models import PractitionerTask
from throughgate.probation.checkins.models import CheckIn, CheckinSchedule
from throughgate.probation.myprobation.models import SignInContact
from throughgate.probation.passport.models import Assessment, Passport, PathwayState, QuestionSet, TodoItem

__all__ = [
    "Appointment",
    "Assessment",
    "CheckIn",
    "CheckinSchedule",
    "Passport",
    "PathwayState",
    "PractitionerTask",
    "QuestionSet",
    "SignInContact",
    "TodoItem",
]
