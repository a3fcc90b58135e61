"""The exchange workflow: logged, confirmed or disputed, approved, posted; or cancelled,
expired, reversed.

Every change of status is one conditional UPDATE (`… WHERE status IN (allowed)`)
whose row count decides who won, in the same transaction as the posting it
leads to. Two people confirming at the same moment therefore post one entry
(invariant I8), and the unique exchange_id of journal entries backs that up.
"""

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from .. import field_rules as rules
from ..extensions import db
from ..ledger import EntryKind, Posting, Transfer
from ..models import Bank, Exchange, Listing, Member, ids
from ..models._types import utcnow
from ..models.statuses import ExchangeStatus, ListingStatus, MemberStatus
from ..plain_text import has_control_characters
from ..wording import statuses
from . import audit, catalogue, lapsing, ledger, limit_check, notifications, policy
from .errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from .paging import paginate
from .reasons import reason_text
from .transaction import unit_of_work

OPEN = (ExchangeStatus.AWAITING_CONFIRMATION, ExchangeStatus.AWAITING_APPROVAL, ExchangeStatus.DISPUTED)


# --- logging -------------------------------------------------------------------------------

def _party(bank_id, member_id, field):
    member = ids.get(Member, member_id)
    if member is None or member.bank_id != bank_id:
        raise ValidationFailed.field(field, _("There is no such member in this time bank."))
    if member.status != MemberStatus.ACTIVE:
        raise ValidationFailed.field(
            field, _("%(name)s's membership is %(status)s, so they can't exchange time.",
                     name=member.name, status=statuses.member_status(member.status)))
    if member.role == "evaluator":
        raise ValidationFailed.field(field, _("Evaluators don't exchange time in the bank."))
    return member


def check_time(bank, actor, *, minutes, occurred_on, now, errors):
    """Minutes and date rules shared by exchanges and group credits."""
    if not isinstance(minutes, int) or minutes <= 0:
        errors["minutes"] = [_("Enter the time given, in minutes, more than 0.")]
    elif minutes > bank.max_exchange_minutes:
        errors["minutes"] = [_("One exchange can be at most %(minutes)s minutes in this time bank.",
                               minutes=bank.max_exchange_minutes)]
    today = now.date()
    if not rules.not_in_future(occurred_on, today):
        errors["occurred_on"] = [_("The date can't be in the future.")]
    elif (occurred_on < today - dt.timedelta(days=bank.confirmation_days)
          and not policy.is_coordinator(actor)):
        errors["occurred_on"] = [_("Dates more than %(days)s days ago can only be recorded by a "
                                   "coordinator.", days=bank.confirmation_days)]


def log(actor, *, provider_id, receiver_id, minutes, occurred_on, description="", category=None,
        listing_id=None, activity_id=None, now) -> Exchange:
    """Record that provider gave minutes to receiver.

    A party logs it and the other party confirms; a coordinator logging for
    others posts it at once (members who are not online are a normal case).
    """
    policy.authorize(actor, "exchanges.create")
    bank = db.session.get(Bank, actor.bank_id)
    errors = {}
    provider = receiver = None
    try:
        provider = _party(bank.id, provider_id, "provider_id")
    except ValidationFailed as error:
        errors.update(error.errors)
    try:
        receiver = _party(bank.id, receiver_id, "receiver_id")
    except ValidationFailed as error:
        errors.update(error.errors)
    if provider_id == receiver_id:
        errors["receiver_id"] = [_("Someone can't exchange time with themselves.")]
    check_time(bank, actor, minutes=minutes, occurred_on=occurred_on, now=now, errors=errors)
    listing = None
    if listing_id is not None:
        listing = ids.get(Listing, listing_id)
        owner_side = None if listing is None else (
            provider_id if listing.kind == "offer" else receiver_id)
        if (listing is None or listing.bank_id != bank.id or listing.status != ListingStatus.APPROVED
                or lapsing.has_lapsed(listing, now)):
            errors["listing_id"] = [_("There is no such published listing.")]
        elif owner_side != listing.member_id:
            errors["listing_id"] = [_("The listing's owner must be the one who gave (offer) or "
                                      "received (request) the time.")]
    try:
        found_category = catalogue.find_category(bank.id, category)
    except ValidationFailed as error:
        errors.update(error.errors)
        found_category = None
    if found_category is None and listing is not None and "listing_id" not in errors:
        found_category = listing.category
    try:
        activity = catalogue.find_activity(bank.id, activity_id)
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    is_party = actor.id in (provider.id, receiver.id)
    if not is_party and not policy.is_coordinator(actor):
        raise Forbidden(_("You can only record exchanges you took part in."))
    on_behalf = not is_party
    with unit_of_work() as session:
        exchange = Exchange(
            bank_id=bank.id, provider_id=provider.id, receiver_id=receiver.id, minutes=minutes,
            occurred_on=occurred_on, description=(description or "").strip(),
            category_id=found_category.id if found_category else None,
            activity_id=activity.id if activity else None,
            listing_id=listing.id if listing else None, logged_by_id=actor.id,
            status=ExchangeStatus.POSTED if on_behalf else ExchangeStatus.AWAITING_CONFIRMATION,
            created_at=now, updated_at=now,
            expires_at=None if on_behalf else now + dt.timedelta(days=bank.confirmation_days),
        )
        session.add(exchange)
        session.flush()
        if on_behalf:
            exchange.decided_by_id = actor.id
            _post(exchange, actor, now)
            audit.record(bank_id=bank.id, actor_id=actor.id, action="exchange.logged_for",
                         target_type="exchange", target_id=exchange.id,
                         details={"minutes": minutes}, now=now)
            notifications.to_member(provider, "exchange_posted", exchange=exchange, now=now)
            notifications.to_member(receiver, "exchange_posted", exchange=exchange, now=now)
        else:
            other = receiver if actor.id == provider.id else provider
            notifications.to_member(other, "exchange_to_confirm", exchange=exchange, now=now)
    return exchange


def _post(exchange, actor, now):
    return ledger.record_posting(
        exchange.bank_id,
        Posting(kind=EntryKind.EXCHANGE, occurred_on=exchange.occurred_on,
                description=exchange.description,
                transfers=(Transfer(exchange.receiver.account.id, exchange.provider.account.id,
                                    exchange.minutes),),
                exchange_id=exchange.id, category_id=exchange.category_id,
                activity_id=exchange.activity_id),
        created_by_id=actor.id, now=now)


# --- reading -------------------------------------------------------------------------------

def get(actor, exchange_id, *, now=None) -> Exchange:
    exchange = ids.get(Exchange, exchange_id)
    lapsing.as_of([exchange] if exchange else [], now)
    policy.authorize(actor, "exchanges.view", exchange, what="exchange")
    if not policy.can(actor, "exchange.view", exchange):
        raise NotFound(_("That exchange was not found."))
    return exchange


def search(actor, *, status=None, member_id=None, page=1, per_page=20, now=None):
    """Coordinators see every exchange of the bank; members the ones they are part of."""
    policy.authorize(actor, "exchanges.view")
    now = now or utcnow()
    query = (select(Exchange).where(Exchange.bank_id == actor.bank_id)
             .options(selectinload(Exchange.category), selectinload(Exchange.entry)))
    if not policy.is_coordinator(actor):
        query = query.where(or_(Exchange.provider_id == actor.id,
                                Exchange.receiver_id == actor.id,
                                Exchange.logged_by_id == actor.id))
    if status:
        query = query.where(lapsing.status_is(Exchange, status, now))
    if member_id:
        query = query.where(or_(Exchange.provider_id == member_id,
                                Exchange.receiver_id == member_id))
    found = paginate(query.order_by(Exchange.occurred_on.desc(), Exchange.id.desc()),
                     page=page, per_page=per_page)
    lapsing.as_of(found.items, now)
    return found


def present(exchange, actor=None) -> dict:
    """The exchange resource. `would_exceed_limit` is answered only for an actor who decides
    on exchanges (limit_check.would_exceed_limit); otherwise it is null."""
    entry = exchange.entry
    return {
        "id": exchange.id, "status": exchange.status, "provider_id": exchange.provider_id,
        "receiver_id": exchange.receiver_id, "minutes": exchange.minutes,
        "occurred_on": exchange.occurred_on, "description": exchange.description,
        "category": exchange.category.name if exchange.category else None,
        "activity_id": exchange.activity_id, "listing_id": exchange.listing_id,
        "logged_by_id": exchange.logged_by_id, "entry_id": entry.id if entry else None,
        "reason": exchange.reason or None, "created_at": exchange.created_at,
        "expires_at": exchange.expires_at,
        "would_exceed_limit": (limit_check.would_exceed_limit(actor, exchange)
                               if actor is not None else None),
    }


# --- transitions ---------------------------------------------------------------------------

def _move(exchange_id, allowed, new_status, **values):
    """Compare-and-set the status; False if someone else changed it first."""
    return db.session.execute(
        update(Exchange).where(Exchange.id == exchange_id, Exchange.status.in_(allowed))
        .values(status=new_status, **values)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def _refuse(exchange, action):
    raise InvalidTransition(statuses.exchange_refusal(exchange.status, action))


def _other_party(actor, exchange):
    if actor.id not in (exchange.provider_id, exchange.receiver_id):
        raise Forbidden(_("Only the other person in this exchange can do this."))
    if actor.id == exchange.logged_by_id:
        raise Forbidden(_("The other person in this exchange needs to do this, not the one "
                          "who recorded it."))


def needs_approval(bank, exchange) -> bool:
    threshold = bank.approval_threshold_minutes
    return bank.approval_required or (threshold is not None and exchange.minutes > threshold)


def confirm(actor, exchange_id, *, now) -> Exchange:
    exchange = get(actor, exchange_id, now=now)
    _other_party(actor, exchange)
    if exchange.status != ExchangeStatus.AWAITING_CONFIRMATION:
        _refuse(exchange, "confirmed")
    bank = db.session.get(Bank, exchange.bank_id)
    approval = needs_approval(bank, exchange)
    with unit_of_work():
        new_status = ExchangeStatus.AWAITING_APPROVAL if approval else ExchangeStatus.POSTED
        if not _move(exchange.id, (ExchangeStatus.AWAITING_CONFIRMATION,), new_status, updated_at=now):
            _refuse(_reload(exchange), "confirmed")
        if not approval:
            _active_parties(exchange)
            _post(exchange, actor, now)
        exchange = _reload(exchange)
        if approval:
            notifications.to_coordinators(exchange.bank_id, "exchange_needs_decision",
                                          exchange=exchange, now=now)
        else:
            notifications.to_member(exchange.logged_by, "exchange_posted", exchange=exchange,
                                    now=now)
    return _reload(exchange)


def _active_parties(exchange):
    for field, member in (("provider_id", exchange.provider), ("receiver_id", exchange.receiver)):
        if member.status != MemberStatus.ACTIVE:
            raise ValidationFailed.field(
                field, _("%(name)s's membership is %(status)s; the exchange can't be "
                         "recorded now.", name=member.name,
                         status=statuses.member_status(member.status)))


def dispute(actor, exchange_id, *, reason, now) -> Exchange:
    exchange = get(actor, exchange_id, now=now)
    _other_party(actor, exchange)
    reason = reason_text(reason, _("Say what is wrong, so a coordinator can help."))
    if exchange.status != ExchangeStatus.AWAITING_CONFIRMATION:
        _refuse(exchange, "disputed")
    with unit_of_work():
        if not _move(exchange.id, ("awaiting_confirmation",), "disputed", updated_at=now,
                     reason=reason):
            _refuse(_reload(exchange), "disputed")
        exchange = _reload(exchange)
        notifications.to_coordinators(exchange.bank_id, "exchange_needs_decision",
                                      exchange=exchange, now=now)
    return _reload(exchange)


def approve(actor, exchange_id, *, now) -> Exchange:
    """A coordinator posts an exchange that waits for approval or was disputed."""
    exchange = get(actor, exchange_id, now=now)
    policy.authorize(actor, "exchange.decide", exchange)
    if exchange.status not in (ExchangeStatus.AWAITING_APPROVAL, ExchangeStatus.DISPUTED):
        _refuse(exchange, "approved")
    was = exchange.status
    with unit_of_work():
        if not _move(exchange.id, ("awaiting_approval", "disputed"), "posted", updated_at=now,
                     decided_by_id=actor.id):
            _refuse(_reload(exchange), "approved")
        _active_parties(exchange)
        _post(exchange, actor, now)
        audit.record(bank_id=exchange.bank_id, actor_id=actor.id, action="exchange.approved",
                     target_type="exchange", target_id=exchange.id,
                     facts=audit.status_change(was, "posted"), now=now)
        exchange = _reload(exchange)
        for member in (exchange.provider, exchange.receiver):
            notifications.to_member(member, "exchange_posted", exchange=exchange, now=now)
    return _reload(exchange)


def cancel(actor, exchange_id, *, reason="", now) -> Exchange:
    """The person who logged it may take it back before confirmation; coordinators any time
    before it posts."""
    exchange = get(actor, exchange_id, now=now)
    coordinator = policy.can(actor, "exchange.decide", exchange)
    if coordinator:
        allowed = OPEN
    elif actor.id == exchange.logged_by_id:
        allowed = (ExchangeStatus.AWAITING_CONFIRMATION,)
    else:
        raise Forbidden(_("Only the person who recorded this exchange or a coordinator can "
                          "cancel it. If it is wrong, dispute it instead."))
    if exchange.status not in allowed:
        _refuse(exchange, "cancelled")
    reason = reason_text(reason)
    was = exchange.status
    with unit_of_work():
        if not _move(exchange.id, allowed, ExchangeStatus.CANCELLED, updated_at=now,
                     reason=reason, decided_by_id=actor.id):
            _refuse(_reload(exchange), "cancelled")
        if coordinator:
            audit.record(bank_id=exchange.bank_id, actor_id=actor.id,
                         action="exchange.cancelled", target_type="exchange",
                         target_id=exchange.id, reason=reason,
                         facts=audit.status_change(was, "cancelled"), now=now)
        exchange = _reload(exchange)
        for member in {exchange.provider, exchange.receiver} - {actor}:
            notifications.to_member(member, "exchange_cancelled", exchange=exchange, now=now)
    return _reload(exchange)


def reverse(actor, exchange_id, *, reason, now) -> Exchange:
    """A coordinator corrects a posted exchange with a reversal entry (never an edit)."""
    exchange = get(actor, exchange_id, now=now)
    policy.authorize(actor, "exchange.decide", exchange)
    reason = reason_text(reason, _("Give the reason for reversing it."))
    if exchange.status != ExchangeStatus.POSTED:
        _refuse(exchange, "reversed")
    with unit_of_work():
        if not _move(exchange.id, ("posted",), "reversed", updated_at=now,
                     decided_by_id=actor.id, reason=reason):
            _refuse(_reload(exchange), "reversed")
        ledger.record_reversal(exchange.bank_id, exchange.entry.id, reason=reason,
                               created_by_id=actor.id, now=now)
        audit.record(bank_id=exchange.bank_id, actor_id=actor.id, action="exchange.reversed",
                     target_type="exchange", target_id=exchange.id, reason=reason,
                     facts=audit.status_change("posted", "reversed"), now=now)
    return _reload(exchange)


def correct(actor, exchange_id, *, minutes, reason, occurred_on=None, description=None,
            now) -> Exchange:
    """A coordinator settles a dispute with what really happened ("it was one hour, not
    three"): the minutes, and the date or description if given, change and the exchange
    posts, in one transaction; a limit refusal leaves everything as it was. Both people
    are told, and the audit log keeps the values before and after."""
    exchange = get(actor, exchange_id, now=now)
    policy.authorize(actor, "exchange.decide", exchange)
    if exchange.status != ExchangeStatus.DISPUTED:
        _refuse(exchange, "corrected")
    bank = db.session.get(Bank, exchange.bank_id)
    occurred_on = exchange.occurred_on if occurred_on is None else occurred_on
    description = exchange.description if description is None else description.strip()
    errors = {}
    check_time(bank, actor, minutes=minutes, occurred_on=occurred_on, now=now, errors=errors)
    if len(description) > 2000:
        errors["description"] = [_("Keep the description to 2000 characters or fewer.")]
    elif has_control_characters(description):
        errors["description"] = [_(
            "Remove unusual characters (such as control characters) from this text.")]
    try:
        reason = reason_text(reason, _("Say why you are correcting it; both people are told."))
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    before = {"minutes": exchange.minutes, "occurred_on": exchange.occurred_on.isoformat()}
    after = {"minutes": minutes, "occurred_on": occurred_on.isoformat()}
    said = ({"before": {"description": exchange.description},
             "after": {"description": description}}
            if description != exchange.description else None)
    with unit_of_work():
        if not _move(exchange.id, ("disputed",), "posted", updated_at=now,
                     decided_by_id=actor.id, minutes=minutes, occurred_on=occurred_on,
                     description=description):
            _refuse(_reload(exchange), "corrected")
        exchange = _reload(exchange)
        _active_parties(exchange)
        _post(exchange, actor, now)
        changed = audit.status_change("disputed", "posted")
        audit.record(bank_id=exchange.bank_id, actor_id=actor.id, action="exchange.corrected",
                     target_type="exchange", target_id=exchange.id, reason=reason,
                     details=said,
                     facts={"before": changed["before"] | before,
                            "after": changed["after"] | after},
                     now=now)
        for member in (exchange.provider, exchange.receiver):
            notifications.to_member(member, "exchange_corrected", exchange=exchange,
                                    before_minutes=before["minutes"], reason=reason, now=now)
    return _reload(exchange)


def _reload(exchange):
    db.session.expire(exchange)
    return db.session.get(Exchange, exchange.id)


def expire_due(bank_id=None, *, now):
    """Unconfirmed exchanges past the confirmation window expire; returns how many."""
    now = now or utcnow()
    due = [Exchange.status == ExchangeStatus.AWAITING_CONFIRMATION, Exchange.expires_at <= now]
    if bank_id is not None:
        due.append(Exchange.bank_id == bank_id)
    if db.session.scalar(select(Exchange.id).where(*due).limit(1)) is None:
        return 0
    with unit_of_work() as session:
        return session.execute(update(Exchange).where(*due)
                               .values(status=ExchangeStatus.EXPIRED, updated_at=now)).rowcount
