"""What waits for a signed-in member, seen on the site without any mail server.

Everything is derived from what is already stored: exchanges to confirm, the
member's own listings and exchanges waiting for a coordinator, unread messages,
and for coordinators the queue and reported messages. Nothing is stored for it
except the read marks of conversations (see services/conversations.py).
"""

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from ..extensions import db
from ..models import Exchange, Listing
from ..models.statuses import ListingStatus
from . import conversations, coordination, lapsing, policy, waiting


@dataclass
class Waiting:
    to_confirm: list = field(default_factory=list)
    listings_pending: list = field(default_factory=list)
    exchanges_pending: list = field(default_factory=list)
    unread_conversations: list = field(default_factory=list)
    queue: int = 0
    reported_messages: int = 0

    @property
    def total(self) -> int:
        return (len(self.to_confirm) + len(self.listings_pending) + len(self.exchanges_pending)
                + sum(c.unread for c in self.unread_conversations) + self.queue
                + self.reported_messages)


def for_member(actor, *, now) -> Waiting:
    """What waits for the actor; an evaluator or an inactive member has nothing waiting."""
    found = Waiting()
    if actor is None or not policy.can(actor, "messages.send"):
        return found
    found.to_confirm = waiting.waiting_for(actor, now=now)["to_confirm"]
    found.listings_pending = list(db.session.scalars(select(Listing).where(
        Listing.bank_id == actor.bank_id, Listing.member_id == actor.id,
        Listing.status == ListingStatus.PENDING).order_by(Listing.created_at)))
    found.exchanges_pending = list(db.session.scalars(select(Exchange).where(
        Exchange.bank_id == actor.bank_id,
        lapsing.status_is(Exchange, "awaiting_approval", now),
        or_(Exchange.provider_id == actor.id, Exchange.receiver_id == actor.id,
            Exchange.logged_by_id == actor.id)).order_by(Exchange.created_at)))
    found.unread_conversations = [
        c for c in conversations.inbox(actor, per_page=100).items if c.unread]
    if policy.is_coordinator(actor):
        found.queue = coordination.queue_size(actor)
        found.reported_messages = conversations.open_reports(actor)
    return found


def count(actor, *, now) -> int:
    return for_member(actor, now=now).total
