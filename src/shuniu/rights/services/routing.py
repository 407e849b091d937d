"""Where a case goes and how long it may take: routing rules and deadline policies."""

from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext as _

from shuniu.core.models import Organization, OrganizationKind, Region, RegionLevel
from shuniu.core.services import DomainError
from shuniu.rights.models import CaseCategory, Complexity, DeadlinePolicy, RoutingRule

# Used when the coordinator has not entered a policy (not even the default row): the usual practice
# of the district's hotlines — 15 / 30 / 60 working days.
FALLBACK_RESOLUTION_DAYS = {Complexity.ORDINARY: 15, Complexity.DIFFICULT: 30, Complexity.VERY_COMPLEX: 60}
FALLBACK_FIRST_RESPONSE_DAYS = 1
FALLBACK_REFERRAL_DAYS = 2


@dataclass(frozen=True)
class Deadlines:
    first_response_days: int
    resolution_days: int
    referral_response_days: int


@dataclass(frozen=True)
class Route:
    organization: Organization
    notify_department: Organization | None
    rule: RoutingRule | None


def joint_office() -> Organization:
    office = Organization.objects.filter(kind=OrganizationKind.JOINT_OFFICE, is_active=True).order_by("id").first()
    if office is None:
        raise DomainError(_("No joint office is set up, so a case that no rule matches cannot be placed."))
    return office


def street_of(community: Region | None) -> Region | None:
    if community is None:
        return None
    if community.level == RegionLevel.COMMUNITY:
        return community.parent
    return community if community.level == RegionLevel.STREET else None


def route_for(category: CaseCategory, community: Region | None) -> Route:
    """The active rule of the category whose region contains the community, most specific region
    first (a street's rule beats the district's), then by priority. No rule → the joint office."""
    rules = RoutingRule.objects.filter(category=category, is_active=True, organization__is_active=True).select_related(
        "organization", "notify_department", "region"
    )
    path = community.path if community is not None else ""
    candidates = []
    for rule in rules.annotate(region_depth=Length("region__path")):
        if rule.region_id is None:
            candidates.append((0, rule.priority, rule.id, rule))
        elif path and path.startswith(rule.region.path):
            candidates.append((rule.region_depth, rule.priority, rule.id, rule))
    if not candidates:
        return Route(joint_office(), None, None)
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    rule = candidates[0][3]
    return Route(rule.organization, rule.notify_department, rule)


def deadlines_for(category: CaseCategory, complexity: str) -> Deadlines:
    """The category's own policy for that complexity, else the default row, else the fallback."""
    policies = {
        policy.category_id: policy
        for policy in DeadlinePolicy.objects.filter(
            Q(category=category) | Q(category__isnull=True), complexity=complexity
        )
    }
    policy = policies.get(category.pk) or policies.get(None)
    if policy is None:
        return Deadlines(FALLBACK_FIRST_RESPONSE_DAYS, FALLBACK_RESOLUTION_DAYS[complexity], FALLBACK_REFERRAL_DAYS)
    return Deadlines(policy.first_response_days, policy.resolution_days, policy.referral_response_days)
