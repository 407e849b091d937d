"""Every state change of the rights app (DESIGN.md: services own state)."""

from shuniu.rights.services.contracts import register_contract, remind_expiring_contracts, save_enterprise
from shuniu.rights.services.escalation import escalate_case, escalate_overdue
from shuniu.rights.services.intake import find_for_tracking, submit_case
from shuniu.rights.services.lifecycle import (
    TRANSITIONS,
    accept_case,
    allowed_actions,
    assign_case,
    close_case,
    decline_case,
    record_follow_up,
    reopen_case,
    reroute_case,
    resolve_case,
    set_complexity,
    start_work,
    withdraw_case,
)
from shuniu.rights.services.referrals import accept_referral, decline_referral, refer_case
from shuniu.rights.services.routing import deadlines_for, joint_office, route_for
from shuniu.rights.services.work import add_activity, add_attachment, assign_legal_aid

__all__ = [
    "TRANSITIONS",
    "accept_case",
    "accept_referral",
    "add_activity",
    "add_attachment",
    "allowed_actions",
    "assign_case",
    "assign_legal_aid",
    "close_case",
    "deadlines_for",
    "decline_case",
    "decline_referral",
    "escalate_case",
    "escalate_overdue",
    "find_for_tracking",
    "joint_office",
    "record_follow_up",
    "refer_case",
    "register_contract",
    "remind_expiring_contracts",
    "reopen_case",
    "reroute_case",
    "resolve_case",
    "route_for",
    "save_enterprise",
    "set_complexity",
    "start_work",
    "submit_case",
    "withdraw_case",
]
