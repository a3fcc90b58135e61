"""Group credits: one activity session, one journal entry, all or nothing.

Either one account (an organisation, or the community pool) credits several
members who gave time to it ("members_gave"), or several members are debited
for time they received from one provider ("members_received").
"""
from flask_babel import gettext as _

from ..extensions import db
from ..ledger import EntryKind, Posting, Transfer
from ..models import Bank, Member, ids
from ..models.statuses import MemberStatus
from ..wording import statuses
from . import audit, banks, catalogue, ledger, policy
from .errors import ValidationFailed
from .exchanges import check_time
from .transaction import unit_of_work

DIRECTIONS = ("members_gave", "members_received")


def _members(bank_id, member_ids, errors):
    found = []
    for member_id in member_ids:
        member = ids.get(Member, member_id)
        if member is None or member.bank_id != bank_id:
            errors.setdefault("member_ids", []).append(
                _("There is no member %(id)s here.", id=member_id))
        elif member.status != MemberStatus.ACTIVE or member.role == "evaluator":
            errors.setdefault("member_ids", []).append(
                _("%(name)s can't take part (membership %(status)s).", name=member.name,
                  status=statuses.member_status(member.status)))
        else:
            found.append(member)
    return found


def record(actor, *, from_account, member_ids, minutes, occurred_on, description="",
           activity_id=None, direction="members_gave", now):
    policy.authorize(actor, "group_credits.create")
    bank = db.session.get(Bank, actor.bank_id)
    errors = {}
    if direction not in DIRECTIONS:
        errors["direction"] = [_("Choose one of: %(choices)s.", choices=", ".join(DIRECTIONS))]
    if not member_ids:
        errors["member_ids"] = [_("Choose at least one member.")]
    elif len(set(member_ids)) != len(member_ids):
        errors["member_ids"] = [_("Each member can be listed only once.")]
    if from_account == "pool":
        source_account = banks.pool_account(bank.id)
        source_member = None
    else:
        source_member = ids.get(Member, from_account)
        if source_member is None or source_member.bank_id != bank.id:
            errors["from_account"] = [_("Choose a member of this bank or the pool.")]
            source_account = None
        elif source_member.status != MemberStatus.ACTIVE:
            errors["from_account"] = [_("%(name)s's membership is not active.",
                                          name=source_member.name)]
            source_account = None
        else:
            source_account = source_member.account
    people = _members(bank.id, member_ids or [], errors)
    if source_member is not None and source_member.id in (member_ids or []):
        errors["member_ids"] = [_("The group can't include the account it is credited from.")]
    check_time(bank, actor, minutes=minutes, occurred_on=occurred_on, now=now, errors=errors)
    try:
        activity = catalogue.find_activity(bank.id, activity_id)
    except ValidationFailed as error:
        errors.update(error.errors)
        activity = None
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    if direction == "members_gave":
        transfers = tuple(Transfer(source_account.id, m.account.id, minutes) for m in people)
    else:
        transfers = tuple(Transfer(m.account.id, source_account.id, minutes) for m in people)
    with unit_of_work():
        posted = ledger.record_posting(bank.id, Posting(
            kind=EntryKind.GROUP_CREDIT, occurred_on=occurred_on,
            description=(description or "").strip(), transfers=transfers,
            activity_id=activity.id if activity else None,
        ), created_by_id=actor.id, now=now)
        audit.record(bank_id=bank.id, actor_id=actor.id, action="group_credit.recorded",
                     target_type="journal_entry", target_id=posted.id,
                     details={"members": len(people), "minutes": minutes,
                              "direction": direction}, now=now)
    return {"entry_id": posted.id, "from_account": from_account, "member_ids": list(member_ids),
            "minutes": minutes, "occurred_on": occurred_on, "activity_id": activity_id,
            "description": (description or "").strip(), "direction": direction}
