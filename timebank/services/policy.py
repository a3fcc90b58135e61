"""Who may do what: the one place that answers "may this actor do this to that object?".

Every page and API endpoint goes through a service, and every service asks here.
Objects of another bank are reported as not found, so that their existence does
not leak; objects of the actor's own bank that the actor may not touch are
forbidden.

The actor is a `Member` (with its `user`), or None for the command line, which
runs with the operator's full authority.
"""
from flask_babel import gettext as _

from ..models.statuses import MemberStatus
from .errors import Forbidden, NotFound

COORDINATING = "coordinator"


def is_admin(actor) -> bool:
    return actor is not None and actor.user is not None and actor.user.is_admin


def is_coordinator(actor) -> bool:
    """Coordinators, and admins acting in their own bank, run the bank."""
    return actor is None or actor.role == COORDINATING or is_admin(actor)


def is_evaluator(actor) -> bool:
    return actor is not None and actor.role == "evaluator" and not is_admin(actor)


def require_active(actor):
    if actor is None:
        return
    if actor.status != MemberStatus.ACTIVE and not is_admin(actor):
        raise Forbidden(_("Your membership is not active, so you can't do this."))


def _not_found(what):
    messages = {
        "member": lambda: _("That member was not found."),
        "exchange": lambda: _("That exchange was not found."),
        "listing": lambda: _("That listing was not found."),
        "membership": lambda: _("Your membership was not found."),
        "conversation": lambda: _("That conversation was not found."),
    }
    return NotFound(messages.get(what, lambda: _("That was not found."))())


def same_bank(actor, target, what=None):
    """Raise NotFound unless `target` belongs to the actor's bank.

    `what` names the kind of object for the message: member, exchange, listing, membership.
    """
    if target is None:
        raise _not_found(what)
    if actor is not None and getattr(target, "bank_id", None) != actor.bank_id:
        raise _not_found(what)


def _rule_coordinator(actor, target):
    return is_coordinator(actor)


def _rule_not_evaluator(actor, target):
    return not is_evaluator(actor)


def _rule_anyone(actor, target):
    return True


def _rule_self_or_coordinator(actor, target):
    return is_coordinator(actor) or (target is not None and target.id == actor.id)


def _rule_view_member(actor, target):
    if is_coordinator(actor) or target.id == actor.id:
        return True
    return not is_evaluator(actor) and target.status == MemberStatus.ACTIVE


def _rule_owner_or_coordinator(actor, target):
    return is_coordinator(actor) or target.member_id == actor.id


def _rule_view_conversation(actor, target):
    """The two members; coordinators once a message in it has been reported; evaluators never."""
    if is_evaluator(actor):
        return False
    if actor.id in (target.starter_id, target.owner_id):
        return True
    return is_coordinator(actor) and any(m.report_state for m in target.messages)


def _rule_reports(actor, target):
    return is_coordinator(actor) or is_evaluator(actor)


RULES = {
    "bank.view": _rule_anyone,
    "bank.update": _rule_coordinator,
    "members.list": _rule_not_evaluator,
    "members.create": _rule_coordinator,
    "members.approve": _rule_coordinator,
    "member.view": _rule_view_member,
    "member.view_private": _rule_self_or_coordinator,
    "member.update_profile": _rule_self_or_coordinator,
    "member.manage": _rule_coordinator,
    "member.statement": _rule_self_or_coordinator,
    "member.export": _rule_self_or_coordinator,
    "member.erase": _rule_coordinator,
    "privacy.publish": _rule_coordinator,
    "catalogue.view": _rule_anyone,
    "catalogue.manage": _rule_coordinator,
    "ledger.verify": _rule_coordinator,
    "ledger.verify_all": lambda actor, target: actor is None or is_admin(actor),
    "audit.view": _rule_coordinator,
    "mail.failed": _rule_coordinator,
    "reports.view": _rule_reports,
    "reports.members_export": _rule_reports,
    "reports.alerts": _rule_coordinator,
    "research_grants.manage": _rule_coordinator,
    "research_grants.view": _rule_reports,
    "listings.view": _rule_not_evaluator,
    "listings.create": _rule_not_evaluator,
    "listing.manage": _rule_owner_or_coordinator,
    "listing.moderate": _rule_coordinator,
    "exchanges.view": _rule_not_evaluator,
    "exchanges.create": _rule_not_evaluator,
    "exchange.view": lambda actor, target: is_coordinator(actor)
    or actor.id in (target.provider_id, target.receiver_id, target.logged_by_id),
    "exchange.decide": _rule_coordinator,
    "group_credits.create": _rule_coordinator,
    "pool.grant": _rule_coordinator,
    "pool.donate": _rule_not_evaluator,
    "messages.send": _rule_not_evaluator,
    "messages.moderate": _rule_coordinator,
    "conversation.view": _rule_view_conversation,
    "banks.create": lambda actor, target: actor is None or is_admin(actor),
}


def can(actor, action: str, target=None) -> bool:
    """True if the actor may do `action` (to `target`, already known to be in their bank)."""
    if actor is None:
        return True
    if actor.status != MemberStatus.ACTIVE and not is_admin(actor):
        return False
    return RULES[action](actor, target)


def authorize(actor, action: str, target=None, *, what=None):
    """Raise NotFound for another bank's object, Forbidden if the rule says no."""
    if target is not None or what is not None:
        same_bank(actor, target, what)
    require_active(actor)
    if not can(actor, action, target):
        raise Forbidden(_("You don't have permission to do this."))
