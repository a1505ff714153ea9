"""People endpoints of the API: a partner's lookup by identifier, a resident's own record, staff reads."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Schema

from throughgate.core.access import requires
from throughgate.core.errors import InvalidInput
from throughgate.core.validators import (
    normalise,
    validate_crn,
    validate_nhs_number,
    validate_pnc_id,
    validate_prison_number,
)
from throughgate.identity.api import ERRORS, ErrorOut, Router, acting_user
from throughgate.identity.selectors import establishments_for
from throughgate.people import selectors
from throughgate.people.models import Person
from throughgate.people.permissions import LOOKUP_PERSON, VIEW_OWN_RECORD, VIEW_PERSON

router = Router()


class PersonSummary(Schema):
    prison_number: str
    first_name: str
    last_name: str
    date_of_birth: date
    establishment: str | None
    location: str | None
    incentive_level: str

    @staticmethod
    def of(person: Person) -> PersonSummary:
        return PersonSummary(
            prison_number=person.prison_number,
            first_name=person.first_name,
            last_name=person.last_name,
            date_of_birth=person.date_of_birth,
            establishment=person.establishment.code if person.establishment else None,
            location=person.location.key if person.location else None,
            incentive_level=person.incentive_level,
        )


IDENTIFIER_VALIDATORS = {
    "prison_number": validate_prison_number,
    "crn": validate_crn,
    "pnc_id": validate_pnc_id,
    "nhs_number": validate_nhs_number,
}


def clean_identifier(field: str, raw: str) -> str:
    value = normalise(raw)
    try:
        IDENTIFIER_VALIDATORS[field](value)
    except ValidationError as exc:
        raise InvalidInput(str(exc.messages[0]), code=exc.code or "invalid_input", field=field) from exc
    return value


@router.get(
    "/lookup", response={200: PersonSummary, **ERRORS, 429: ErrorOut}, summary="Find one person by one identifier"
)
@requires(LOOKUP_PERSON)
def lookup(
    request: HttpRequest, prison_number: str = "", crn: str = "", pnc_id: str = "", nhs_number: str = ""
) -> PersonSummary:
    """Partner systems look up one person by prison number, CRN, PNC ID or NHS number (exactly one): people in custody
    in the establishments the partner is assigned to, up to 60 look-ups a minute (then 429)."""
    given = {"prison_number": prison_number, "crn": crn, "pnc_id": pnc_id, "nhs_number": nhs_number}
    cleaned = {field: clean_identifier(field, raw) for field, raw in given.items() if raw}
    person = selectors.person_lookup_for_partner(user=acting_user(request), **cleaned)
    return PersonSummary.of(person)


@router.get("/me", response={200: PersonSummary, **ERRORS}, summary="The signed-in resident's own details")
@requires(VIEW_OWN_RECORD)
def me(request: HttpRequest) -> PersonSummary:
    return PersonSummary.of(selectors.own_record(user=acting_user(request)))


@router.get(
    "/{prison_number}", response={200: PersonSummary, **ERRORS}, summary="A person's record, for staff (audited)"
)
@requires(VIEW_PERSON)
def person_detail(
    request: HttpRequest, prison_number: str, purpose: str = "", establishment: str = ""
) -> PersonSummary:
    user = acting_user(request)
    places = establishments_for(user=user)
    place = places.filter(code=establishment).first() if establishment else places.first()
    person = selectors.person_record(
        user=user, establishment=place, prison_number=clean_identifier("prison_number", prison_number), purpose=purpose
    )
    return PersonSummary.of(person)
