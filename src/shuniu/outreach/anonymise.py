"""Removing personal data from a story's text before it can be published.

Two sources of what to remove:
- patterns that are personal whatever the case: resident ID numbers, bank card and account
  numbers, mobile and landline numbers, e-mail addresses, house-number style addresses (…幢…单元…室);
- the known personal strings of the source record (the person's name, ID number, phone, address,
  family members, a child's school), passed in by the caller.

`anonymise` returns the new text and a list of removals (kind, masked original, replacement), so
that the editor sees what was removed without the page showing the personal data again.
`find_personal_data` runs the same detection without replacing: publishing refuses while it finds
anything.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from shuniu.core.crypto import mask_id_number, mask_name, mask_phone

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Bank card and account numbers: 16 to 19 digits, often written in groups of four.
BANK_ACCOUNT = re.compile(r"(?<![0-9A-Za-z])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]\d{1,3})?)(?![0-9A-Za-z])")
HOUSE_ADDRESS = re.compile(r"[\u4e00-\u9fa5\dA-Za-z]{0,12}\d+\s*(?:幢|栋|号楼)\s*(?:\d+\s*单元)?\s*\d+\s*(?:室|号)")

KINDS = {
    "name": gettext_lazy("person's name"),
    "id_number": gettext_lazy("ID number"),
    "phone": gettext_lazy("phone number"),
    "email": gettext_lazy("e-mail address"),
    "address": gettext_lazy("home address"),
    "bank_account": gettext_lazy("bank account"),
    "school": gettext_lazy("school of a child"),
    "other": gettext_lazy("other personal detail"),
}


@dataclass(frozen=True)
class Removal:
    kind: str
    masked: str
    replacement: str
    count: int

    def as_dict(self) -> dict:
        return {"kind": self.kind, "masked": self.masked, "replacement": self.replacement, "count": self.count}


def _placeholder(kind: str, value: str) -> str:
    # Stories are published in the content language (Chinese), whatever the editor's UI language.
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "name":
            # The usual form of Chinese case reports: the surname followed by 某 (王芳 → 王某).
            return (
                gettext("%(surname)s (surname only)") % {"surname": value[:1]}
                if _is_chinese_name(value)
                else gettext("[name]")
            )
        return {
            "id_number": gettext("[ID number removed]"),
            "phone": gettext("[phone removed]"),
            "email": gettext("[e-mail removed]"),
            "address": gettext("[address removed]"),
            "bank_account": gettext("[bank account removed]"),
            "school": gettext("[school removed]"),
        }.get(kind, gettext("[removed]"))


def _is_chinese_name(value: str) -> bool:
    return 2 <= len(value) <= 4 and all("\u4e00" <= char <= "\u9fa5" for char in value)


def _mask(kind: str, value: str) -> str:
    if kind == "id_number":
        return mask_id_number(value)
    if kind == "phone":
        return mask_phone(re.sub(r"[\s]", "", value))
    if kind == "name":
        return mask_name(value)
    if kind == "bank_account":
        digits = re.sub(r"\D", "", value)
        return "*" * (len(digits) - 4) + digits[-4:]
    if len(value) <= 4:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "…" + "*" * 3


def _normalise_known(known) -> list[tuple[str, str]]:
    items = []
    for kind, value in known or ():
        value = (value or "").strip()
        if len(value) < 2 or kind not in KINDS:
            continue
        items.append((kind, value))
    # Longest first, so that "王芳芳" is replaced before "王芳".
    return sorted(set(items), key=lambda item: -len(item[1]))


def _variants(kind: str, value: str) -> list[str]:
    """Forms the same value takes in free text: a phone with spaces or dashes, a lower-case x."""
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        if len(digits) == 11:
            return [
                value,
                digits,
                f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
                f"{digits[:3]} {digits[3:7]} {digits[7:]}",
            ]
    if kind == "id_number":
        return [value, value.upper(), value.lower()]
    return [value]


def anonymise(text: str, known=()) -> tuple[str, list[Removal]]:
    """Replace personal data in `text`; return (new text, removals)."""
    removals: dict[tuple[str, str], Removal] = {}

    def record(kind: str, original: str, replacement: str, count: int) -> None:
        key = (kind, _mask(kind, original))
        previous = removals.get(key)
        removals[key] = Removal(kind, key[1], replacement, count + (previous.count if previous else 0))

    for kind, value in _normalise_known(known):
        replacement = _placeholder(kind, value)
        total = 0
        for variant in dict.fromkeys(_variants(kind, value)):
            total += text.count(variant)
            text = text.replace(variant, replacement)
        if total:
            record(kind, value, replacement, total)
    for kind, pattern in (
        ("id_number", ID_NUMBER),
        ("bank_account", BANK_ACCOUNT),
        ("phone", MOBILE),
        ("phone", LANDLINE),
        ("email", EMAIL),
        ("address", HOUSE_ADDRESS),
    ):
        replacement = _placeholder(kind, "")
        for match in dict.fromkeys(pattern.findall(text)):
            count = text.count(match)
            text = text.replace(match, replacement)
            record(kind, match, replacement, count)
    return text, list(removals.values())


def find_personal_data(text: str, known=()) -> list[Removal]:
    """What `anonymise` would remove from `text` (empty when the text is clean)."""
    _text, removals = anonymise(text, known)
    return removals
