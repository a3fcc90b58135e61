"""The community pool: members donate minutes to it; coordinators grant from it to
people who cannot earn hours themselves."""
from flask_babel import gettext as _

from ..extensions import db
from ..ledger import EntryKind, Posting, Transfer
from ..models import Bank, Member, ids
from ..models.statuses import MemberStatus
from . import audit, banks, ledger, policy
from .errors import ValidationFailed
from .transaction import unit_of_work


def _check_minutes(bank, minutes):
    if not isinstance(minutes, int) or minutes <= 0:
        raise ValidationFailed.field("minutes", _("Enter a number of minutes, more than 0."))
    if minutes > bank.max_exchange_minutes:
        raise ValidationFailed.field(
            "minutes", _("At most %(minutes)s minutes at a time.", minutes=bank.max_exchange_minutes))


def view(actor):
    policy.authorize(actor, "bank.view")
    account = banks.pool_account(actor.bank_id)
    return {"balance_minutes": account.balance, "floor_minutes": account.floor_minutes,
            "donated_minutes": account.credits_posted, "granted_minutes": account.debits_posted}


def donate(actor, *, minutes, description="", now):
    policy.authorize(actor, "pool.donate")
    bank = db.session.get(Bank, actor.bank_id)
    _check_minutes(bank, minutes)
    pool = banks.pool_account(bank.id)
    with unit_of_work():
        posted = ledger.record_posting(bank.id, Posting(
            kind=EntryKind.DONATION, occurred_on=now.date(),
            description=(description or "").strip() or "Gift to the community pool",
            transfers=(Transfer(actor.account.id, pool.id, minutes),),
        ), created_by_id=actor.id, now=now)
    return {"entry_id": posted.id, "member_id": actor.id, "minutes": minutes,
            "occurred_on": now.date(), "description": (description or "").strip()}


def grant(actor, *, member_id, minutes, description, now):
    policy.authorize(actor, "pool.grant")
    bank = db.session.get(Bank, actor.bank_id)
    member = ids.get(Member, member_id)
    if member is None or member.bank_id != bank.id:
        raise ValidationFailed.field("member_id", _("There is no such member in this time bank."))
    if member.status != MemberStatus.ACTIVE:
        raise ValidationFailed.field("member_id", _("%(name)s's membership is not active.", name=member.name))
    _check_minutes(bank, minutes)
    if not (description or "").strip():
        raise ValidationFailed.field("description", _("Say what the grant is for."))
    pool = banks.pool_account(bank.id)
    with unit_of_work():
        posted = ledger.record_posting(bank.id, Posting(
            kind=EntryKind.GRANT, occurred_on=now.date(), description=description.strip(),
            transfers=(Transfer(pool.id, member.account.id, minutes),),
        ), created_by_id=actor.id, now=now)
        audit.record(bank_id=bank.id, actor_id=actor.id, action="pool.granted",
                     target_type="member", target_id=member.id, reason=description.strip(),
                     details={"minutes": minutes}, now=now)
    return {"entry_id": posted.id, "member_id": member.id, "minutes": minutes,
            "occurred_on": now.date(), "description": description.strip()}
