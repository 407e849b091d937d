"""Eligibility rules as data: each rule names a fact about the application, a condition and a value.
`evaluate` returns, for every active rule, whether it passed and the fact it was judged on, so
reviewers and applicants read why in plain words."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuniu.relief.models import EligibilityRule, RuleField, RuleOperator

ACTIVE_STATUSES = ["approved", "in_notice", "paused", "paid"]


class RuleValueError(ValueError):
    """A rule's value cannot be read for its field and condition."""


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def parse_value(field: str, operator: str, value: str):
    """The typed value a rule compares with; raises RuleValueError with a translated message."""
    value = (value or "").strip()
    if operator == RuleOperator.IS_TRUE:
        return None
    if field == RuleField.HAS_TAG or field == RuleField.NOT_FUNDED_BY:
        if not value:
            raise RuleValueError(_("Enter a value for this rule."))
        return value
    try:
        if operator == RuleOperator.BETWEEN:
            low, high = value.replace("～", "-").replace("~", "-").split("-", 1)
            low, high = Decimal(low.strip()), Decimal(high.strip())
            if low > high:
                raise RuleValueError(_("The first number of a range must not be larger than the second."))
            return low, high
        return Decimal(value)
    except (InvalidOperation, ValueError) as error:
        if isinstance(error, RuleValueError):
            raise
        if operator == RuleOperator.BETWEEN:
            raise RuleValueError(_("Enter a range as two numbers, e.g. 6-18.")) from None
        raise RuleValueError(_("Enter a number, e.g. 1200.")) from None


def _compare(actual, operator: str, expected) -> bool:
    if operator == RuleOperator.IS_TRUE:
        return bool(actual)
    if actual is None:
        return False
    actual = Decimal(actual)
    if operator == RuleOperator.LESS_THAN:
        return actual < expected
    if operator == RuleOperator.AT_MOST:
        return actual <= expected
    if operator == RuleOperator.MORE_THAN:
        return actual > expected
    if operator == RuleOperator.AT_LEAST:
        return actual >= expected
    if operator == RuleOperator.EQUALS:
        return actual == expected
    if operator == RuleOperator.BETWEEN:
        return expected[0] <= actual <= expected[1]
    return False


def _funded_by(person, programme_code: str, year: int) -> bool:
    from shuniu.relief.models import Application, LedgerEntry

    paid = (
        LedgerEntry.objects.filter(person=person, year=year, programme__code=programme_code).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    if paid > 0:
        return True
    return Application.objects.filter(
        person=person, year=year, programme__code=programme_code, status__in=ACTIVE_STATUSES
    ).exists()


FACTS = {
    "income": gettext_lazy("declared income per member: %(value)s yuan a month"),
    "no_birth_date": gettext_lazy("birth date not known"),
    "age": gettext_lazy("age %(value)s"),
    "enrolled": gettext_lazy("enrolled at %(school)s"),
    "not_enrolled": gettext_lazy("not enrolled as a student"),
    "no_disability_level": gettext_lazy("no disability certificate level given"),
    "disability_level": gettext_lazy("disability certificate level %(value)s"),
    "household_size": gettext_lazy("%(value)s household members"),
    "has_tag": gettext_lazy("registered as: %(tag)s"),
    "no_tag": gettext_lazy("not registered as: %(tag)s"),
    "funded": gettext_lazy("already receives %(programme)s this year"),
    "not_funded": gettext_lazy("does not receive %(programme)s this year"),
}


def _fact(rule: EligibilityRule, application, today: date):
    """(actual value for comparison, fact key, parameters): the words are rendered when shown, in
    the reader's language."""
    person = application.person
    field = rule.field
    if field == RuleField.INCOME_PER_MEMBER:
        size = max(application.household_size or 1, 1)
        per_member = (Decimal(application.monthly_income) / size).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return per_member, "income", {"value": str(per_member)}
    if field == RuleField.AGE:
        age = _age(person.birth_date, today)
        if age is None:
            return None, "no_birth_date", {}
        return age, "age", {"value": age}
    if field == RuleField.STUDENT_ENROLLED:
        if application.student_enrolled:
            return True, "enrolled", {"school": application.school}
        return False, "not_enrolled", {}
    if field == RuleField.DISABILITY_LEVEL:
        level = application.disability_level
        if level is None:
            return None, "no_disability_level", {}
        return level, "disability_level", {"value": level}
    if field == RuleField.HOUSEHOLD_SIZE:
        return application.household_size, "household_size", {"value": application.household_size}
    if field == RuleField.HAS_TAG:
        has = person.pk is not None and person.tags.filter(tag=rule.value).exists()
        return has, "has_tag" if has else "no_tag", {"tag": rule.value}
    if field == RuleField.NOT_FUNDED_BY:
        funded = person.pk is not None and _funded_by(person, rule.value, application.year)
        return not funded, "funded" if funded else "not_funded", {"programme": rule.value}
    return None, "", {}


def describe(result: dict) -> str:
    """The fact of one stored result in the current language."""
    key = result.get("fact", "")
    if key not in FACTS:
        return result.get("detail", "")
    params = dict(result.get("params", {}))
    if "tag" in params:
        from shuniu.people.models import Tag

        params["tag"] = dict(Tag.choices).get(params["tag"], params["tag"])
    if "programme" in params:
        from shuniu.relief.models import Programme

        params["programme"] = (
            Programme.objects.filter(code=params["programme"]).values_list("name", flat=True).first()
            or params["programme"]
        )
    if key == "enrolled" and not params.get("school"):
        params["school"] = _("a school")
    return str(FACTS[key]) % params


def with_details(results: list[dict]) -> list[dict]:
    return [{**result, "detail": describe(result)} for result in results]


def evaluate(application, today: date | None = None) -> list[dict]:
    """Judge `application` (saved or not) against its programme's active rules."""
    today = today or timezone.localdate()
    results = []
    for rule in application.programme.rules.filter(is_active=True):
        actual, fact, params = _fact(rule, application, today)
        try:
            expected = parse_value(rule.field, rule.operator, rule.value)
        except RuleValueError:
            passed = False
        else:
            if rule.field in (RuleField.HAS_TAG, RuleField.NOT_FUNDED_BY):
                passed = bool(actual)
            else:
                passed = _compare(actual, rule.operator, expected)
        result = {"rule": rule.pk, "explanation": rule.explanation, "passed": passed, "fact": fact, "params": params}
        results.append({**result, "detail": describe(result)})
    return results
