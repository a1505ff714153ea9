"""Each app registers its own activity kinds in its events.py; core.activity keeps only plain-code aliases of the
contact kinds, which AIM's indicators read (welfare may not import contact)."""

from __future__ import annotations

from throughgate.access import events as access_events
from throughgate.contact import events as contact_events
from throughgate.core import activity
from throughgate.identity import events as identity_events
from throughgate.learning import events as learning_events
from throughgate.people import events as people_events
from throughgate.probation import events as probation_events
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
        "contact": {
            contact_events.VISIT_ATTENDED_KIND,
            contact_events.VISIT_CANCELLED_KIND,
            contact_events.PHONE_CALL_KIND,
        },
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
        "probation": {
            probation_events.RELEASE_COMPLETED_KIND,
            probation_events.CHECKIN_SUBMITTED_KIND,
            probation_events.CHECKIN_MISSED_KIND,
            probation_events.APPOINTMENT_ATTENDED_KIND,
            probation_events.APPOINTMENT_MISSED_KIND,
        },
        "learning": {
            learning_events.COURSE_REQUESTED_KIND,
            learning_events.COURSE_ENROLLED_KIND,
            learning_events.COURSE_COMPLETED_KIND,
            learning_events.CREDENTIAL_ISSUED_KIND,
        },
    }
    everything = [code for codes in owned.values() for code in codes]
    assert len(everything) == len(set(everything))
    assert set(everything) == set(activity.KINDS)


def test_the_contact_kinds_keep_the_codes_aim_reads() -> None:
    assert (activity.VISIT_ATTENDED, activity.VISIT_CANCELLED, activity.PHONE_CALL) == (
        contact_events.VISIT_ATTENDED_KIND,
        contact_events.VISIT_CANCELLED_KIND,
        contact_events.PHONE_CALL_KIND,
    )
