"""What waits for someone: exchanges to confirm; for coordinators, every decision."""

from sqlalchemy import select

from ..extensions import db
from ..models import Exchange, Listing, Member
from ..models.statuses import ExchangeStatus, ListingStatus, MemberStatus
from . import lapsing, policy


def waiting_for(actor, *, now):
    policy.require_active(actor)
    mine = select(Exchange).where(
        Exchange.bank_id == actor.bank_id,
        lapsing.status_is(Exchange, ExchangeStatus.AWAITING_CONFIRMATION, now),
        Exchange.logged_by_id != actor.id,
        (Exchange.provider_id == actor.id) | (Exchange.receiver_id == actor.id))
    result = {
        "to_confirm": list(db.session.scalars(mine.order_by(Exchange.created_at))),
        "awaiting_others": list(db.session.scalars(select(Exchange).where(
            Exchange.bank_id == actor.bank_id, Exchange.logged_by_id == actor.id,
            lapsing.status_is(Exchange, ExchangeStatus.AWAITING_CONFIRMATION, now))
            .order_by(Exchange.created_at))),
        "to_approve": [], "disputes": [], "listings": [], "members": [],
    }
    if policy.is_coordinator(actor) and not policy.is_evaluator(actor):
        bank_exchanges = select(Exchange).where(Exchange.bank_id == actor.bank_id)
        result["to_approve"] = list(db.session.scalars(
            bank_exchanges.where(Exchange.status == ExchangeStatus.AWAITING_APPROVAL)
            .order_by(Exchange.updated_at)))
        result["disputes"] = list(db.session.scalars(
            bank_exchanges.where(Exchange.status == ExchangeStatus.DISPUTED).order_by(Exchange.updated_at)))
        result["listings"] = list(db.session.scalars(select(Listing).where(
            Listing.bank_id == actor.bank_id, Listing.status == ListingStatus.PENDING)
            .order_by(Listing.created_at)))
        result["members"] = list(db.session.scalars(select(Member).where(
            Member.bank_id == actor.bank_id, Member.status == MemberStatus.PENDING)
            .order_by(Member.created_at)))
    return result
