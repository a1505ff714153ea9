"""Identifier validators: property tests over generated valid and corrupted identifiers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from throughgate.core import validators as v

letters = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
digits = st.sampled_from("0123456789")


@st.composite
def prison_numbers(draw: st.DrawFn) -> str:
    return draw(letters) + "".join(draw(digits) for _ in range(4)) + draw(letters) + draw(letters)


@st.composite
def nhs_numbers(draw: st.DrawFn) -> str:
    first_nine = "".join(draw(digits) for _ in range(9))
    check = v.nhs_check_digit(first_nine)
    assume(check is not None)
    return first_nine + str(check)


@st.composite
def pnc_ids(draw: st.DrawFn) -> str:
    year = draw(st.integers(min_value=1960, max_value=2026))
    serial = draw(st.integers(min_value=1, max_value=9_999_999))
    four_digit = draw(st.booleans())
    year_text = f"{year}" if four_digit else f"{year % 100:02d}"
    serial_text = f"{serial:07d}" if draw(st.booleans()) else str(serial)
    return f"{year_text}/{serial_text}{v.pnc_check_letter(year_text, serial_text)}"


@given(prison_numbers())
def test_generated_prison_numbers_are_valid(value: str) -> None:
    assert v.is_valid_prison_number(value)
    v.validate_prison_number(value)


@given(st.text(max_size=12))
def test_anything_not_in_the_prison_number_shape_is_refused(value: str) -> None:
    shaped = len(value) == 7 and value[0].isupper() and value[0].isascii()
    shaped = shaped and value[1:5].isdigit() and value[1:5].isascii() and value[5:].isalpha() and value[5:].isupper()
    shaped = shaped and value[5:].isascii()
    assert v.is_valid_prison_number(value) == shaped


@given(nhs_numbers())
def test_generated_nhs_numbers_are_valid(value: str) -> None:
    assert v.is_valid_nhs_number(value)


@given(nhs_numbers(), st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_of_an_nhs_number_is_caught(value: str, position: int, delta: int) -> None:
    digit = (int(value[position]) + delta) % 10
    corrupted = value[:position] + str(digit) + value[position + 1 :]
    assert not v.is_valid_nhs_number(corrupted)


@given(nhs_numbers(), st.integers(min_value=0, max_value=8))
def test_swapping_adjacent_nhs_digits_is_caught(value: str, position: int) -> None:
    swapped = value[:position] + value[position + 1] + value[position] + value[position + 2 :]
    assume(swapped != value)
    assert not v.is_valid_nhs_number(swapped)


@given(pnc_ids())
def test_generated_pnc_ids_are_valid(value: str) -> None:
    assert v.is_valid_pnc_id(value)
    v.validate_pnc_id(value)


@given(pnc_ids(), letters)
def test_a_wrong_pnc_check_letter_is_caught(value: str, letter: str) -> None:
    assume(letter != value[-1])
    assert not v.is_valid_pnc_id(value[:-1] + letter)


@given(letters, st.integers(min_value=0, max_value=999_999))
def test_crn_shape(letter: str, number: int) -> None:
    assert v.is_valid_crn(f"{letter}{number:06d}")
    assert not v.is_valid_crn(f"{letter}{number:06d}0")
    assert not v.is_valid_crn(f"{number:07d}")


def test_known_examples() -> None:
    assert v.is_valid_nhs_number("9434765919")
    assert not v.is_valid_nhs_number("9434765918")
    assert v.is_valid_pnc_id("2012/0052494Q")
    assert v.is_valid_pnc_id("12/52494Q")
    assert not v.is_valid_pnc_id("2012/0052494H")
    assert v.normalise(" a1234 bc ") == "A1234BC"


@pytest.mark.parametrize(
    ("validator", "value", "code"),
    [
        (v.validate_prison_number, "1234ABC", "invalid_prison_number"),
        (v.validate_crn, "X12345", "invalid_crn"),
        (v.validate_pnc_id, "2012-0052494Q", "invalid_pnc_id"),
        (v.validate_pnc_id, "2012/0052494H", "invalid_pnc_id"),
        (v.validate_nhs_number, "94347659", "invalid_nhs_number"),
        (v.validate_nhs_number, "9434765918", "invalid_nhs_number"),
    ],
)
def test_validation_errors_have_stable_codes_and_plain_messages(validator, value, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        validator(value)
    assert caught.value.code == code
    assert caught.value.messages[0].startswith("Enter")
