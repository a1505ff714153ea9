"""The learning app's models, one module per feature (``<feature>/models.py``). Importing them here is how Django finds
them. Import a model from its feature."""

from throughgate.learning.courses.models import Assessment, Course, Enrolment
from throughgate.learning.passport.models import Credential, IssuerKey

__all__ = ["Assessment", "Course", "Credential", "Enrolment", "IssuerKey"]
