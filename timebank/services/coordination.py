"""Coordinator use cases built on the others: decisions that need a reason, the queue's
size, the people a coordinator can pick, and a new bank with its first coordinator."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import SETTINGS, Account, Bank, Exchange, Listing, Member
from ..models.statuses import ExchangeStatus, ListingStatus, MemberStatus
from . import banks, exchanges, members, policy
from .errors import InvalidTransition, ValidationFailed
from .reasons import reason_text
from .transaction import unit_of_work

REASONED_MEMBER_FIELDS = ("role", "status", "floor_minutes", "ceiling_minutes")


def queue_size(actor) -> int:
    """How many decisions wait: new members, listings, exchanges to approve, disputes."""
    if not policy.can(actor, "exchange.decide"):
        return 0
    bank_id = actor.bank_id
    count = db.session.scalar(select(func.count(Member.id)).where(
        Member.bank_id == bank_id, Member.status == MemberStatus.PENDING))
    count += db.session.scalar(select(func.count(Listing.id)).where(
        Listing.bank_id == bank_id, Listing.status == ListingStatus.PENDING))
    count += db.session.scalar(select(func.count(Exchange.id)).where(
        Exchange.bank_id == bank_id, Exchange.status.in_(
            (ExchangeStatus.AWAITING_APPROVAL, ExchangeStatus.DISPUTED))))
    return count


def decline_member(actor, member_id, *, reason, now) -> Member:
    """A request to join is declined: the person is marked as having left, with the reason."""
    member = members.get(actor, member_id)
    policy.authorize(actor, "member.manage", member)
    if member.status != MemberStatus.PENDING:
        raise InvalidTransition(_("Only a pending member can be declined."))
    reason = reason_text(reason, _("Say why, so that other coordinators know."))
    return members.update(actor, member_id, {"status": MemberStatus.LEFT}, reason=reason, now=now)


def cancel_exchange(actor, exchange_id, *, reason, now):
    """A coordinator cancels an exchange before it posts, saying why."""
    exchange = exchanges.get(actor, exchange_id, now=now)
    policy.authorize(actor, "exchange.decide", exchange)
    reason = reason_text(reason, _("Say why you are cancelling it; both people are told."))
    return exchanges.cancel(actor, exchange_id, reason=reason, now=now)


def manage_member(actor, member_id, changes: dict, *, reason, now):
    """Apply what really changes; role, status and limit changes need a reason.

    Returns the member and the fields that changed.
    """
    member = members.get(actor, member_id)
    policy.authorize(actor, "member.manage", member)
    account = member.account
    current = {"name": member.name, "skills": member.skills, "birth_year": member.birth_year,
               "group": member.group,
               "role": member.role, "status": member.status,
               "floor_minutes": account.floor_minutes, "ceiling_minutes": account.ceiling_minutes}
    changed = {key: value for key, value in changes.items() if current.get(key) != value}
    if not changed:
        return member, {}
    if set(REASONED_MEMBER_FIELDS) & set(changed):
        reason = reason_text(reason, _("Say why you are making this change; it is kept in the "
                                       "audit log."))
    return members.update(actor, member_id, changed, reason=reason, now=now), changed


def change_settings(actor, changes: dict, *, reason, now):
    """Apply what really changes to the bank's settings, with a reason for the audit log."""
    bank = banks.view(actor)
    policy.authorize(actor, "bank.update")
    changed = {key: value for key, value in changes.items()
               if key not in SETTINGS or getattr(bank, key) != value}
    if not changed:
        return bank, {}
    reason = reason_text(reason, _("Say why you are changing the settings; it is kept in the "
                                   "audit log."))
    return banks.update_settings(actor, changed, reason=reason, now=now), changed


def people(actor, *, q=None, limit=None):
    """Active members who can exchange time (evaluators don't), by name."""
    policy.authorize(actor, "members.create")
    query = select(Member).where(Member.bank_id == actor.bank_id, Member.status == MemberStatus.ACTIVE,
                                 Member.role != "evaluator")
    if q and q.strip():
        pattern = f"%{q.strip().lower()}%"
        query = query.where(func.lower(Member.name).like(pattern)
                            | func.lower(Member.skills).like(pattern))
    query = query.order_by(func.lower(Member.name), Member.id)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def names(actor, member_ids) -> dict[int, str]:
    """Names of members of the actor's bank, for showing who is who."""
    ids = {i for i in member_ids if i}
    if not ids:
        return {}
    rows = db.session.execute(select(Member.id, Member.name).where(
        Member.bank_id == actor.bank_id, Member.id.in_(ids)))
    return dict(rows.all())


def account_owners(actor, account_ids) -> dict[int, tuple[int, str]]:
    """{account id: (member id, name)} for member accounts of the actor's bank."""
    ids = {i for i in account_ids if i}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Account.id, Member.id, Member.name).join(Member, Member.id == Account.member_id)
        .where(Account.bank_id == actor.bank_id, Account.id.in_(ids)))
    return {account_id: (member_id, name) for account_id, member_id, name in rows}


def all_banks(actor):
    policy.authorize(actor, "banks.create")
    return list(db.session.scalars(select(Bank).order_by(func.lower(Bank.name))))


def create_bank_with_coordinator(actor, *, slug, name, coordinator_name, email, password,
                                 group="professional", now):
    """A new time bank and its first coordinator, together or not at all."""
    policy.authorize(actor, "banks.create")
    errors = {}
    if not (password or "").strip():
        errors["password"] = [_("The first coordinator needs a password to sign in.")]
    if not (email or "").strip():
        errors["email"] = [_("The first coordinator needs an email address to sign in.")]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    actor_id = actor.id if actor is not None else None
    with unit_of_work():
        bank = banks.create_bank(slug=slug, name=name, actor_id=actor_id, now=now)
        try:
            coordinator = members.add_member(
                bank, name=coordinator_name, email=email, group=group, role="coordinator",
                status=MemberStatus.ACTIVE, password=password, actor_id=actor_id, now=now)
        except ValidationFailed as error:
            renamed = {("coordinator_name" if key == "name" else key): value
                       for key, value in error.errors.items()}
            raise ValidationFailed(error.message, renamed) from error
    return bank, coordinator
