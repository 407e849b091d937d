from shuniu.core.models.audit import AuditEntry, AuditHead
from shuniu.core.models.calendar import WorkingDayOverride
from shuniu.core.models.notifications import Notification
from shuniu.core.models.organizations import Membership, Organization, OrganizationKind, Region, RegionLevel
from shuniu.core.models.users import User

__all__ = [
    "AuditEntry",
    "AuditHead",
    "Membership",
    "Notification",
    "Organization",
    "OrganizationKind",
    "Region",
    "RegionLevel",
    "User",
    "WorkingDayOverride",
]
