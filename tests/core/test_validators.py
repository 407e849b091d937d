from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from shuniu.core.validators import (
    credit_code_check_character,
    id_check_character,
    normalize_phone,
    parse_id_number,
    validate_credit_code,
    validate_id_number,
    validate_landline,
    validate_mobile,
    validate_phone,
)

VALID_ID = "11010519491231002X"  # GB 11643 example number


def test_valid_id_number_gives_birth_date_and_gender():
    number, birth, gender = parse_id_number(" 11010519491231002x ")
    assert number == VALID_ID
    assert birth == date(1949, 12, 31)
    assert gender == "female"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_number_checksum"),
        ("11010519491331002X", "id_number_birth_date"),
        ("99010519491231002X", "id_number_region"),
        ("1101051949123100", "id_number_length"),
        ("110105491231002", "id_number_old"),
        ("11010519491231002Y", "id_number_characters"),
    ],
)
def test_invalid_id_numbers_are_refused_with_their_reason(value, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == code


def test_checksum_message_names_the_expected_character():
    with pytest.raises(ValidationError) as error:
        validate_id_number("110105194912310021")
    assert "X" in error.value.messages[0]


def test_credit_code_checksum():
    assert credit_code_check_character("91350100M000100Y4") == "3"
    validate_credit_code("91350100M000100Y43")
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100Y44")
    assert error.value.code == "credit_code_checksum"
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100O43")
    assert error.value.code == "credit_code_characters"


def test_phone_numbers_are_normalised_and_checked():
    assert normalize_phone("+86 138 1234 5678") == "13812345678"
    assert normalize_phone("057187654321") == "0571-87654321"
    validate_mobile("13812345678")
    validate_landline("010-12345678")
    validate_phone("0571-87654321")
    with pytest.raises(ValidationError):
        validate_mobile("12812345678")
    with pytest.raises(ValidationError):
        validate_landline("12345678")


@given(st.text(max_size=40))
def test_parsers_never_crash_on_arbitrary_text(text):
    for validator in (validate_id_number, validate_credit_code, validate_phone):
        try:
            validator(text)
        except ValidationError:
            pass


@given(st.from_regex(r"[1-6][1-5]\d{4}(19[5-9]\d|200\d)(0[1-9]|1[0-2])(0[1-9]|1\d|2[0-8])\d{3}", fullmatch=True))
def test_generated_numbers_with_computed_check_character_validate(first17):
    number = first17 + id_check_character(first17)
    if number[:2] in {
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
    }:
        validate_id_number(number)
