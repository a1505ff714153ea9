"""Validators for the identifiers of the prison and probation world (see shared/DOMAIN.md).

Each ``is_valid_*`` is a pure predicate; each ``validate_*`` raises Django's ValidationError with a plain message
and a stable code, so forms show it next to the field and the API returns it in its error envelope.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PRISON_NUMBER_RE = re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$")
CRN_RE = re.compile(r"^[A-Z][0-9]{6}$")
PNC_RE = re.compile(r"^([0-9]{2}|[0-9]{4})/([0-9]{1,7})([A-Z])$")
NHS_RE = re.compile(r"^[0-9]{10}$")

# The PNC check letter is chosen from these 23 letters (no I, O or S) by (YY followed by the 7-digit serial) mod 23.
PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def normalise(value: str) -> str:
    """Upper-case and strip spaces, as people type identifiers in many ways."""
    return re.sub(r"\s+", "", value).upper()


def is_valid_prison_number(value: str) -> bool:
    return bool(PRISON_NUMBER_RE.match(value))


def is_valid_crn(value: str) -> bool:
    return bool(CRN_RE.match(value))


def pnc_check_letter(year: str, serial: str) -> str:
    """The check letter for a PNC ID from its year (2 or 4 digits) and serial number."""
    number = int(year[-2:] + serial.zfill(7))
    return PNC_CHECK_LETTERS[number % 23]


def is_valid_pnc_id(value: str) -> bool:
    match = PNC_RE.match(value)
    if match is None:
        return False
    year, serial, letter = match.groups()
    return pnc_check_letter(year, serial) == letter


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for the first nine digits, or None when no valid check digit exists."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(value: str) -> bool:
    if not NHS_RE.match(value):
        return False
    return nhs_check_digit(value[:9]) == int(value[9])


def validate_prison_number(value: str) -> None:
    if not is_valid_prison_number(value):
        raise ValidationError(
            _("Enter a prison number in the correct format, like A1234BC"), code="invalid_prison_number"
        )


def validate_crn(value: str) -> None:
    if not is_valid_crn(value):
        raise ValidationError(_("Enter a CRN in the correct format, like X123456"), code="invalid_crn")


def validate_pnc_id(value: str) -> None:
    if not PNC_RE.match(value):
        raise ValidationError(_("Enter a PNC ID in the correct format, like 2012/0052494Q"), code="invalid_pnc_id")
    if not is_valid_pnc_id(value):
        raise ValidationError(_("Enter a PNC ID with the correct check letter"), code="invalid_pnc_id")


def validate_nhs_number(value: str) -> None:
    if not NHS_RE.match(value):
        raise ValidationError(_("Enter an NHS number with 10 digits, like 943 476 5919"), code="invalid_nhs_number")
    if not is_valid_nhs_number(value):
        raise ValidationError(_("Enter a real NHS number: the check digit is wrong"), code="invalid_nhs_number")


NUL_MESSAGE = "Text must not contain NUL characters."


def nul_path(value: object, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """Where in ``value`` (text, or JSON-like lists and dicts of it, keys too) a NUL character is, or None. PostgreSQL
    cannot store NUL in text, and no person types one: input that has one is refused, never half stored."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and "\x00" in key:
                return (*path, key.replace("\x00", ""))
            found = nul_path(item, (*path, str(key)))
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = nul_path(item, (*path, str(index)))
            if found is not None:
                return found
    return None


def has_nul(value: object) -> bool:
    return nul_path(value) is not None


# The largest key a 64-bit database column holds: an id from input beyond it names nothing (and SQLite fails on it).
MAX_ID = 2**63 - 1


def is_database_id(value: int) -> bool:
    return 0 < value <= MAX_ID
