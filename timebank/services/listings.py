"""Offers and requests: posted by members, moderated by coordinators, searchable, expiring.

An expired listing is one whose lifetime has passed: `expire_due` marks them,
run by `flask listings expire`; until then reads treat them as expired (see lapsing.py).
"""

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Bank, Listing, Member, ids
from ..models._types import utcnow
from ..models.statuses import ListingStatus, MemberStatus
from ..wording import statuses
from . import audit, catalogue, lapsing, notifications, policy
from .errors import InvalidTransition, NotFound, ValidationFailed
from .paging import paginate
from .reasons import reason_text
from .transaction import unit_of_work


def _lifetime(bank, now):
    return now + dt.timedelta(days=bank.listing_days)


def create(actor, *, kind, title, description="", category, now) -> Listing:
    policy.authorize(actor, "listings.create")
    errors = {}
    if kind not in ("offer", "request"):
        errors["kind"] = [_("Choose offer or request.")]
    if not (title or "").strip():
        errors["title"] = [_("Say in a few words what you offer or need.")]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    bank = db.session.get(Bank, actor.bank_id)
    found = catalogue.find_category(actor.bank_id, category)
    if found is None:
        raise ValidationFailed.field("category", _("Choose a category."))
    with unit_of_work() as session:
        listing = Listing(bank_id=bank.id, member_id=actor.id, kind=kind, title=title.strip(),
                          description=(description or "").strip(), category_id=found.id,
                          status=ListingStatus.PENDING, created_at=now)
        if not bank.moderate_listings:
            listing.status, listing.published_at = ListingStatus.APPROVED, now
            listing.expires_at = _lifetime(bank, now)
        session.add(listing)
        if listing.status == ListingStatus.PENDING:
            notifications.to_coordinators(actor.bank_id, "listing_pending", listing=listing,
                                          now=now)
    return listing


def get(actor, listing_id, *, now=None) -> Listing:
    listing = ids.get(Listing, listing_id)
    lapsing.as_of([listing] if listing else [], now)
    policy.authorize(actor, "listings.view", listing, what="listing")
    if listing.status != ListingStatus.APPROVED and not policy.can(actor, "listing.manage", listing):
        raise NotFound(_("That listing was not found."))
    return listing


def _decide(actor, listing_id, *, allowed_from, action, now):
    listing = get(actor, listing_id, now=now)
    policy.authorize(actor, action, listing)
    if listing.status not in allowed_from:
        raise InvalidTransition(_("This listing is %(status)s, so that is not possible now.",
                                  status=statuses.listing_status(listing.status)))
    return listing


def approve(actor, listing_id, *, now) -> Listing:
    listing = _decide(actor, listing_id, allowed_from=("pending",), action="listing.moderate",
                      now=now)
    with unit_of_work() as session:
        changed = session.execute(
            update(Listing).where(Listing.id == listing.id, Listing.status == ListingStatus.PENDING)
            .values(status=ListingStatus.APPROVED, published_at=now, decided_by_id=actor.id,
                    expires_at=_lifetime(actor.bank, now))
        ).rowcount
        if changed != 1:
            raise InvalidTransition(_("Someone else has already decided on this listing."))
        audit.record(bank_id=actor.bank_id, actor_id=actor.id, action="listing.approved",
                     target_type="listing", target_id=listing.id,
                     facts=audit.status_change("pending", "approved"), now=now)
        db.session.refresh(listing)
        notifications.to_member(listing.member, "listing_approved", listing=listing, now=now)
    return listing


def reject(actor, listing_id, *, reason, now) -> Listing:
    listing = _decide(actor, listing_id, allowed_from=("pending",), action="listing.moderate",
                      now=now)
    reason = reason_text(reason, _("Tell the member why, so they can change it."))
    with unit_of_work() as session:
        changed = session.execute(
            update(Listing).where(Listing.id == listing.id, Listing.status == ListingStatus.PENDING)
            .values(status=ListingStatus.REJECTED, rejection_reason=reason, decided_by_id=actor.id)
        ).rowcount
        if changed != 1:
            raise InvalidTransition(_("Someone else has already decided on this listing."))
        audit.record(bank_id=actor.bank_id, actor_id=actor.id, action="listing.rejected",
                     target_type="listing", target_id=listing.id, reason=reason,
                     facts=audit.status_change("pending", "rejected"), now=now)
        db.session.refresh(listing)
        notifications.to_member(listing.member, "listing_rejected", listing=listing, now=now)
    return listing


def withdraw(actor, listing_id, *, now) -> Listing:
    listing = _decide(actor, listing_id, allowed_from=("pending", "approved"),
                      action="listing.manage", now=now)
    with unit_of_work() as session:
        changed = session.execute(
            update(Listing)
            .where(Listing.id == listing.id,
                   Listing.status.in_((ListingStatus.PENDING, ListingStatus.APPROVED)))
            .values(status=ListingStatus.WITHDRAWN)
        ).rowcount
        if changed != 1:
            raise InvalidTransition(_("This listing has changed meanwhile; look at it again."))
    db.session.refresh(listing)
    return listing


def expire_due(bank_id=None, *, now):
    """Mark approved listings past their lifetime as expired; returns how many."""
    now = now or utcnow()
    due = [Listing.status == ListingStatus.APPROVED, Listing.expires_at <= now]
    if bank_id is not None:
        due.append(Listing.bank_id == bank_id)
    if not db.session.scalar(select(exists().where(*due))):
        return 0
    with unit_of_work() as session:
        return session.execute(update(Listing).where(*due).values(status=ListingStatus.EXPIRED)).rowcount


def search(actor, *, kind=None, category=None, q=None, status=None, member_id=None, page=1,
           per_page=20, now=None):
    """Approved listings newest first; a member also sees their own, a coordinator any."""
    policy.authorize(actor, "listings.view")
    now = now or utcnow()
    query = (select(Listing).where(Listing.bank_id == actor.bank_id)
             .options(selectinload(Listing.member), selectinload(Listing.category)))
    if status is None and member_id == actor.id:
        query = query.where(Listing.member_id == actor.id)
    elif status is None:
        query = query.where(lapsing.status_is(Listing, ListingStatus.APPROVED, now))
    elif status != ListingStatus.APPROVED and not policy.is_coordinator(actor):
        query = query.where(lapsing.status_is(Listing, status, now), Listing.member_id == actor.id)
    else:
        query = query.where(lapsing.status_is(Listing, status, now))
    if kind:
        query = query.where(Listing.kind == kind)
    if category:
        query = query.where(Listing.category_id == catalogue.find_category(actor.bank_id,
                                                                          category).id)
    if member_id:
        query = query.where(Listing.member_id == member_id)
    if q:
        pattern = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(Listing.title).like(pattern),
                                func.lower(Listing.description).like(pattern)))
    query = query.join(Member, Member.id == Listing.member_id).where(
        or_(Member.status == MemberStatus.ACTIVE, Member.id == actor.id))
    order = func.coalesce(Listing.published_at, Listing.created_at)
    found = paginate(query.order_by(order.desc(), Listing.id.desc()), page=page,
                     per_page=per_page)
    lapsing.as_of(found.items, now)
    return found


def present(listing) -> dict:
    return {
        "id": listing.id, "kind": listing.kind, "title": listing.title,
        "description": listing.description, "category": listing.category.name,
        "status": listing.status, "member_id": listing.member_id,
        "member_name": listing.member.name, "rejection_reason": listing.rejection_reason or None,
        "created_at": listing.created_at, "published_at": listing.published_at,
        "expires_at": listing.expires_at,
    }
