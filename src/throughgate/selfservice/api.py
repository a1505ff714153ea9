"""The selfservice app on the JSON API (/api/v1/selfservice/): each feature's router, from its own
``<feature>/api.py``. config/api.py mounts them all under one prefix and tag."""

from throughgate.identity.api import Router
from throughgate.selfservice.applications.api import router as applications
from throughgate.selfservice.complaints.api import router as complaints
from throughgate.selfservice.content.api import router as content
from throughgate.selfservice.meals.api import router as meals
from throughgate.selfservice.money.api import router as money
from throughgate.selfservice.timetable.api import router as timetable

ROUTERS: tuple[Router, ...] = (applications, money, complaints, content, timetable, meals)
