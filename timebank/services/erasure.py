"""Erasing a member's personal data while the ledger stays whole (UK GDPR right to erasure).

Everything happens in one transaction, or nothing does:

- the member's name, skills and birth year are replaced; their login (e-mail,
  password), API tokens and repeat-protection records are deleted; the account
  is closed (status `left`, `erased_at` set);
- free text by or about them is replaced: their listings, the messages they wrote
  to other members (and their reports of messages), the descriptions and
  reasons of exchanges they took part in, the descriptions of journal entries
  that touch their account, and audit reasons and details about them;
- the journal keeps every entry, still pointing at the (now anonymous) account.
  The hash chain covers ids and figures only, so no hash changes;
- what is left on the account goes where the bank's setting says: to the pool
  (a posting that obeys limits like any other: if the pool can't cover a debt,
  the erasure is refused and nothing changes), or stays on the account.

The audit log records that an erasure happened, who did it, when and the reason
code: never what was erased.
"""

import json

from flask_babel import gettext as _
from sqlalchemy import delete, or_, select, update

from ..extensions import db
from ..ledger import EntryKind, Posting, Transfer
from ..models import (
    ERASURE_REASONS,
    AccountLink,
    ApiToken,
    AuditEvent,
    ConversationMessage,
    Exchange,
    IdempotencyRecord,
    JournalEntry,
    KnownSignInAddress,
    Listing,
    Member,
    MemberStatusChange,
    OutboxMessage,
    User,
)
from ..models import Transfer as TransferRow
from ..models.statuses import ExchangeStatus, ListingStatus, MemberStatus
from . import audit, banks, ledger, members, policy
from .errors import InvalidTransition, LimitExceeded, ValidationFailed
from .transaction import unit_of_work

REASONS = ERASURE_REASONS
ERASED_TEXT = "[erased]"
OPEN_EXCHANGES = (ExchangeStatus.AWAITING_CONFIRMATION, ExchangeStatus.AWAITING_APPROVAL,
                  ExchangeStatus.DISPUTED)
BALANCE_DESCRIPTION = "Balance of an erased account"


def erased_name(member_id: int) -> str:
    return f"Erased member {member_id}"


def check_reason(reason) -> str:
    if reason not in REASONS:
        raise ValidationFailed.field("reason", _(
            "Choose a reason: %(codes)s.", codes=", ".join(REASONS)))
    return reason


def erase(actor, member_id, *, reason, now) -> Member:
    """A coordinator erases a member of their bank (the command line: anyone)."""
    member = members.get(actor, member_id)
    policy.authorize(actor, "member.erase", member)
    check_reason(reason)
    if actor is not None and member.id == actor.id:
        raise InvalidTransition(_("You can't erase yourself: ask another coordinator."))
    if member.erased_at is not None:
        raise InvalidTransition(_("This member's data has already been erased."))
    balance = member.account.balance
    try:
        with unit_of_work():
            erase_within(member, actor_id=actor.id if actor else None, reason=reason, now=now)
    except LimitExceeded as refusal:
        raise LimitExceeded(_(
            "Nothing was erased: moving this member's balance (%(minutes)s minutes) to the "
            "community pool is refused by a limit. %(why)s Change the limit, or set the bank "
            "to keep erased members' balances, and try again.",
            minutes=balance, why=refusal.message), refusal.account_id) from refusal
    return member


def erase_within(member, *, actor_id, reason, now):
    """The erasure, inside the caller's transaction."""
    personal = [text for text in (member.name, member.email, member.skills) if text]
    _settle_balance(member, actor_id=actor_id, now=now)
    _redact_free_text(member)
    _redact_audit(member, personal)
    _redact_repeat_protection(member.bank_id, personal)
    _redact_mail(member, personal)
    _redact_conversations(member, personal)
    _forget_login(member)
    if member.status != MemberStatus.LEFT:
        member.status = MemberStatus.LEFT
        db.session.add(MemberStatusChange(bank_id=member.bank_id, member_id=member.id,
                                          status=MemberStatus.LEFT, changed_at=now))
    member.name = erased_name(member.id)
    member.skills = ""
    member.birth_year = None
    member.erased_at = now
    audit.record(bank_id=member.bank_id, actor_id=actor_id, action="member.erased",
                 target_type="member", target_id=member.id, reason=reason,
                 details={"reason_code": reason}, now=now)
    db.session.flush()


def _settle_balance(member, *, actor_id, now):
    account = member.account
    balance = account.balance
    if balance == 0 or member.bank.erased_balance_to == "keep":
        return
    pool = banks.pool_account(member.bank_id)
    if balance > 0:
        kind, leg = EntryKind.DONATION, Transfer(account.id, pool.id, balance)
    else:
        kind, leg = EntryKind.GRANT, Transfer(pool.id, account.id, -balance)
    ledger.record_posting(member.bank_id, Posting(
        kind=kind, occurred_on=now.date(), description=BALANCE_DESCRIPTION, transfers=(leg,),
    ), created_by_id=actor_id, now=now)
    db.session.expire(account)


def _redact_free_text(member):
    session = db.session
    session.execute(update(Listing).where(Listing.member_id == member.id)
                    .values(title=ERASED_TEXT, description="", rejection_reason=""))
    session.execute(update(Listing).where(Listing.member_id == member.id,
                                          Listing.status.in_((ListingStatus.PENDING, ListingStatus.APPROVED)))
                    .values(status=ListingStatus.WITHDRAWN))
    involved = or_(Exchange.provider_id == member.id, Exchange.receiver_id == member.id,
                   Exchange.logged_by_id == member.id)
    session.execute(update(Exchange).where(involved, Exchange.status.in_(OPEN_EXCHANGES))
                    .values(status=ExchangeStatus.CANCELLED))
    session.execute(update(Exchange).where(involved)
                    .values(description=ERASED_TEXT, reason=""))
    touching = select(TransferRow.entry_id).where(or_(
        TransferRow.debit_account_id == member.account.id,
        TransferRow.credit_account_id == member.account.id))
    session.execute(update(JournalEntry).where(JournalEntry.id.in_(touching),
                                               JournalEntry.description != ERASED_TEXT)
                    .values(description=ERASED_TEXT))


def _mentions(text, personal):
    return any(item in text for item in personal)


def _scrub(text, personal):
    for item in sorted(personal, key=len, reverse=True):
        text = text.replace(item, ERASED_TEXT)
    return text


def _redact_audit(member, personal):
    """Events about the member lose their reason and details; any other event that
    mentions them has the mention replaced."""
    exchange_ids = select(Exchange.id).where(or_(Exchange.provider_id == member.id,
                                                 Exchange.receiver_id == member.id))
    listing_ids = select(Listing.id).where(Listing.member_id == member.id)
    about = or_(
        (AuditEvent.target_type == "member") & (AuditEvent.target_id == member.id),
        (AuditEvent.target_type == "exchange") & AuditEvent.target_id.in_(exchange_ids),
        (AuditEvent.target_type == "listing") & AuditEvent.target_id.in_(listing_ids),
    )
    db.session.execute(update(AuditEvent).where(about).values(reason=ERASED_TEXT, details={}))
    for event in db.session.scalars(select(AuditEvent).where(AuditEvent.bank_id == member.bank_id,
                                                             ~about)):
        details = json.dumps(event.details or {}, ensure_ascii=False)
        if _mentions(event.reason or "", personal) or _mentions(details, personal):
            event.reason = _scrub(event.reason or "", personal)
            event.details = json.loads(_scrub(details, [json.dumps(p)[1:-1] for p in personal]))


def _redact_repeat_protection(bank_id, personal):
    """Stored answers to other people's requests (a coordinator adding this member) may
    quote them: the quotes are replaced, so that a replay still answers without them."""
    escaped = [json.dumps(p)[1:-1] for p in personal]
    users_of_bank = select(Member.user_id).where(Member.bank_id == bank_id)
    for record in db.session.scalars(select(IdempotencyRecord)
                                     .where(IdempotencyRecord.user_id.in_(users_of_bank))):
        if _mentions(record.response_body, escaped):
            record.response_body = _scrub(record.response_body, escaped)


def _redact_mail(member, personal):
    """Mail to the member is deleted (sent or not: the address is gone); mail to others
    that quotes them has the quotes replaced."""
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.member_id == member.id))
    if member.user_id is not None:
        db.session.execute(delete(OutboxMessage).where(
            OutboxMessage.link_id.in_(select(AccountLink.id)
                                      .where(AccountLink.user_id == member.user_id))))
    for message in db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.bank_id == member.bank_id)):
        if _mentions(message.subject, personal) or _mentions(message.body, personal):
            message.subject = _scrub(message.subject, personal)
            message.body = _scrub(message.body, personal)


def _redact_conversations(member, personal):
    """The member's messages and their reports lose their text; others' messages that
    mention them have the mention replaced."""
    db.session.execute(update(ConversationMessage)
                       .where(ConversationMessage.sender_id == member.id)
                       .values(body=ERASED_TEXT, report_reason=""))
    db.session.execute(update(ConversationMessage)
                       .where(ConversationMessage.reported_by_id == member.id)
                       .values(report_reason=""))
    for message in db.session.scalars(select(ConversationMessage).where(
            ConversationMessage.bank_id == member.bank_id,
            ConversationMessage.sender_id != member.id)):
        if _mentions(message.body, personal) or _mentions(message.report_reason, personal):
            message.body = _scrub(message.body, personal)
            message.report_reason = _scrub(message.report_reason, personal)


def _forget_login(member):
    user = member.user
    if user is None:
        return
    db.session.execute(delete(AccountLink).where(AccountLink.user_id == user.id))
    db.session.execute(delete(KnownSignInAddress).where(KnownSignInAddress.user_id == user.id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id))
    member.user_id = None
    db.session.flush()
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.expire(member, ["user"])
