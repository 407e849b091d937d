"""Validators for Chinese identifiers with clear, translated messages.

- Resident ID number (GB 11643-1999): 17 digits + ISO 7064 MOD 11-2 check character, a valid
  birth date and a known province prefix.
- Unified social credit code (GB 32100-2015): 18 characters from a 31-symbol alphabet with a
  MOD 31 check character.
- Mainland mobile and landline numbers.
The `normalize_*` functions return the canonical form used for storage and blind indexes.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83", "91",
}  # fmt: skip

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
USCC_REGISTRARS = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "N", "Y"}

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_PATTERN = re.compile(r"^0\d{2,3}-\d{7,8}(-\d{1,6})?$")
SEPARATORS = re.compile(r"[\s\u3000()（）]")


def id_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return SEPARATORS.sub("", value or "").upper().replace("Ｘ", "X")


def parse_id_number(value: str) -> tuple[str, date, str]:
    """Validate an ID number; return (normalised number, birth date, gender 'male'/'female')."""
    number = normalize_id_number(value)
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            _("This is an old 15-digit ID number; please enter the 18-digit number."), code="id_number_old"
        )
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; %(count)d were entered.") % {"count": len(number)},
            code="id_number_length",
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), code="id_number_characters")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _("The ID number starts with %(prefix)s, which is not a province code.") % {"prefix": number[:2]},
            code="id_number_region",
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in the ID number (%(digits)s) is not a real date.") % {"digits": number[6:14]},
            code="id_number_birth_date",
        ) from None
    if birth.year < 1900 or birth > timezone.localdate():
        raise ValidationError(
            _("The birth date in the ID number (%(digits)s) is not possible.") % {"digits": number[6:14]},
            code="id_number_birth_date",
        )
    expected = id_check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _(
                "The check character of this ID number is wrong (the last character should be %(expected)s); please"
                " check the number for a typing error."
            )
            % {"expected": expected},
            code="id_number_checksum",
        )
    gender = "male" if int(number[16]) % 2 else "female"
    return number, birth, gender


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def normalize_credit_code(value: str) -> str:
    return SEPARATORS.sub("", value or "").upper()


def credit_code_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; %(count)d were entered.") % {"count": len(code)},
            code="credit_code_length",
        )
    bad = sorted({char for char in code if char not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s (the letters I, O, S, V and Z are never used).")
            % {"chars": "".join(bad)},
            code="credit_code_characters",
        )
    if code[0] not in USCC_REGISTRARS:
        raise ValidationError(
            _("The first character of the credit code is not a registering authority."), code="credit_code_registrar"
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of the credit code must be the region code (digits)."), code="credit_code_region"
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character of this credit code is wrong (the last character should be %(expected)s).")
            % {"expected": expected},
            code="credit_code_checksum",
        )


def normalize_phone(value: str) -> str:
    """Strip spaces and the +86 prefix; keep landline hyphens in the canonical 0xx-xxxxxxxx form."""
    phone = SEPARATORS.sub("", value or "").replace("—", "-").replace("－", "-")
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    phone = phone.lstrip("-")
    if MOBILE_PATTERN.match(phone.replace("-", "")):
        return phone.replace("-", "")
    if phone.startswith("0") and "-" not in phone and phone.isdigit() and 10 <= len(phone) <= 12:
        area = 3 if phone[1] in "12" else 4
        phone = phone[:area] + "-" + phone[area:]
    return phone


def validate_mobile(value: str) -> None:
    if not MOBILE_PATTERN.match(normalize_phone(value)):
        raise ValidationError(
            _("Enter a mainland mobile number of 11 digits starting with 13 to 19, e.g. 13812345678."),
            code="mobile",
        )


def validate_landline(value: str) -> None:
    if not LANDLINE_PATTERN.match(normalize_phone(value)):
        raise ValidationError(
            _("Enter a landline number with its area code, e.g. 010-12345678 or 0571-87654321."), code="landline"
        )


def validate_phone(value: str) -> None:
    """Mobile or landline."""
    phone = normalize_phone(value)
    if not (MOBILE_PATTERN.match(phone) or LANDLINE_PATTERN.match(phone)):
        raise ValidationError(
            _("Enter a mobile number (11 digits, e.g. 13812345678) or a landline with area code (e.g. 010-12345678)."),
            code="phone",
        )
