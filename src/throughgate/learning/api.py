"""The learning app on the JSON API (/api/v1/learning/): each feature's router."""

from throughgate.identity.api import Router
from throughgate.learning.courses.api import router as courses
from throughgate.learning.passport.api import router as passport

ROUTERS: tuple[Router, ...] = (courses, passport)
