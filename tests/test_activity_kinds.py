"""Each app registers its own activity kinds in its events.py; core.activity keeps only the kinds of apps that do not
exist yet (contact)."""

from __future__ import annotations

from throughgate.access import events as access_events
from throughgate.core import activity
from throughgate.identity import events as identity_events
from throughgate.people import events as people_events
from throughgate.selfservice import events as selfservice_events

MOVED_TO_SELFSERVICE = (
    "APP_SUBMITTED",
    "APP_RESPONDED",
    "COMPLAINT_SUBMITTED",
    "MEAL_CHOSEN",
    "CANTEEN_ORDERED",
    "MONEY_RECEIVED",
    "ACTIVITY_ATTENDED",
    "ACTIVITY_REFUSED",
    "CONTENT_VIEWED",
)


def test_every_registered_kind_has_one_owner() -> None:
    owned = {
        "core (contact, until it exists)": {activity.VISIT_ATTENDED, activity.VISIT_CANCELLED, activity.PHONE_CALL},
        "identity": {identity_events.KIOSK_LOGIN},
        "people": {
            people_events.ARRIVED,
            people_events.INCENTIVE_CHANGED,
            people_events.ADJUDICATION_PROVEN,
            people_events.CELL_MOVED,
            people_events.SEGREGATION_STARTED,
            people_events.SELF_HARM_INCIDENT,
        },
        "selfservice": {getattr(selfservice_events, f"{name}_KIND") for name in MOVED_TO_SELFSERVICE},
        "access": {access_events.INTERNET_ALLOWED, access_events.INTERNET_DENIED},
    }
    everything = [code for codes in owned.values() for code in codes]
    assert len(everything) == len(set(everything))
    assert set(everything) == set(activity.KINDS)
