"""Everything held about one member, as one document (UK GDPR right of access).

The document is about the member alone: other people appear only as ids (the
counterparty of an exchange, the coordinator who decided something), never by
name, e-mail or anything else about them. Downloads are audited.
"""

import datetime as dt

from sqlalchemy import or_, select

from ..extensions import db
from ..models import (
    AccountLink,
    ApiToken,
    AuditEvent,
    Consent,
    Conversation,
    ConversationMessage,
    Exchange,
    IdempotencyRecord,
    KnownSignInAddress,
    Listing,
    MemberStatusChange,
    OutboxMessage,
    PrivacyNotice,
    ResearchGrant,
)
from . import audit, members, policy
from .statements import statement_query
from .transaction import unit_of_work

FORMAT_VERSION = "1"


def _plain(value):
    """Dates as ISO 8601; timestamps (stored as naive UTC) with their offset."""
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _row(obj, columns):
    return {name: _plain(getattr(obj, name)) for name in columns}


def member_data(member, *, now) -> dict:
    """The document itself; callers check who may read it."""
    account = member.account
    user = member.user
    statement = db.session.execute(statement_query(account.id)).mappings().all()
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": _plain(now),
        "bank": member.bank.slug,
        "profile": {
            **_row(member, ("id", "name", "group", "role", "status", "skills", "birth_year",
                            "joined_on", "created_at")),
            "email": user.email if user else None,
            "language": user.language if user else None,
            "last_login_at": _plain(user.last_login_at) if user else None,
        },
        "account": {"id": account.id, "balance_minutes": account.balance,
                    "floor_minutes": account.floor_minutes,
                    "ceiling_minutes": account.ceiling_minutes,
                    "minutes_given": account.credits_posted,
                    "minutes_received": account.debits_posted},
        "status_history": [
            _row(change, ("id", "status", "changed_at")) for change in db.session.scalars(
                select(MemberStatusChange).where(MemberStatusChange.member_id == member.id)
                .order_by(MemberStatusChange.id))],
        "listings": [
            {**_row(listing, ("id", "kind", "title", "description", "status",
                              "rejection_reason", "created_at", "published_at", "expires_at")),
             "category": listing.category.name}
            for listing in db.session.scalars(
                select(Listing).where(Listing.member_id == member.id).order_by(Listing.id))],
        "exchanges": [
            {**_row(exchange, ("id", "status", "provider_id", "receiver_id", "minutes",
                               "occurred_on", "description", "reason", "listing_id",
                               "activity_id", "logged_by_id", "created_at")),
             "category": exchange.category.name if exchange.category else None}
            for exchange in db.session.scalars(
                select(Exchange).where(or_(Exchange.provider_id == member.id,
                                           Exchange.receiver_id == member.id,
                                           Exchange.logged_by_id == member.id))
                .order_by(Exchange.id))],
        "statement": [
            {"entry_id": row["entry_id"], "occurred_on": _plain(row["occurred_on"]),
             "posted_at": _plain(row["posted_at"]), "kind": row["kind"],
             "counterparty_id": row["counterparty_id"], "minutes": row["minutes"],
             "balance_after": row["balance_after"], "description": row["description"]}
            for row in statement],
        "consents": [
            {"id": consent_id, "notice_version": version, "accepted_at": _plain(accepted_at)}
            for consent_id, version, accepted_at in db.session.execute(
                select(Consent.id, PrivacyNotice.version, Consent.accepted_at)
                .join(PrivacyNotice, PrivacyNotice.id == Consent.notice_id)
                .where(Consent.member_id == member.id).order_by(Consent.id))],
        "audit_events": [
            _row(event, ("id", "action", "actor_id", "target_type", "target_id", "reason",
                         "details", "created_at"))
            for event in db.session.scalars(
                select(AuditEvent).where(AuditEvent.target_type == "member",
                                         AuditEvent.target_id == member.id)
                .order_by(AuditEvent.id))],
        "api_tokens": [] if user is None else [
            _row(token, ("id", "created_at", "expires_at", "revoked_at", "last_used_at"))
            for token in db.session.scalars(
                select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))],
        "repeat_protection": [] if user is None else [
            _row(record, ("id", "key", "status_code", "created_at"))
            for record in db.session.scalars(
                select(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id)
                .order_by(IdempotencyRecord.id))],
        "messages": [
            _row(message, ("id", "kind", "recipient", "created_at", "sent_at", "failed_at"))
            for message in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.member_id == member.id)
                .order_by(OutboxMessage.id))],
        "account_links": [] if user is None else [
            _row(link, ("id", "purpose", "created_at", "expires_at", "used_at"))
            for link in db.session.scalars(
                select(AccountLink).where(AccountLink.user_id == user.id)
                .order_by(AccountLink.id))],
        "known_sign_in_addresses": [] if user is None else [
            _row(known, ("id", "last_signed_in_at"))
            for known in db.session.scalars(
                select(KnownSignInAddress).where(KnownSignInAddress.user_id == user.id)
                .order_by(KnownSignInAddress.id))],
        **_conversations(member),
        "research_grants": [
            _row(grant, ("id", "purpose", "starts_on", "ends_on", "revoked_at"))
            for grant in db.session.scalars(
                select(ResearchGrant).where(ResearchGrant.evaluator_id == member.id)
                .order_by(ResearchGrant.id))],
    }


def _conversations(member) -> dict:
    """The member's conversations and every message in them: the text of their own messages
    and reports; of the other member's messages, only that they were sent and when."""
    mine = (select(Conversation)
            .where(or_(Conversation.starter_id == member.id, Conversation.owner_id == member.id))
            .order_by(Conversation.id))
    found = list(db.session.scalars(mine))
    messages = db.session.scalars(select(ConversationMessage).where(
        ConversationMessage.conversation_id.in_([c.id for c in found]))
        .order_by(ConversationMessage.id)) if found else []
    return {
        "conversations": [
            {**_row(c, ("id", "listing_id", "created_at", "last_message_at", "suspended_at")),
             "other_member_id": c.owner_id if c.starter_id == member.id else c.starter_id}
            for c in found],
        "conversation_messages": [
            {**_row(m, ("id", "conversation_id", "sender_id", "created_at")),
             "body": m.body if m.sender_id == member.id else None,
             "reported_by_me": m.reported_by_id == member.id,
             "report_reason": m.report_reason if m.reported_by_id == member.id else None,
             "reported_at": _plain(m.reported_at) if m.reported_by_id == member.id else None}
            for m in messages],
    }


def export(actor, member_id, *, now) -> dict:
    """A member's own data, or (coordinators) the data of a member who asked for it.
    The download is audited, so that a member can see who took a copy."""
    member = members.get(actor, member_id)
    policy.authorize(actor, "member.export", member)
    with unit_of_work():
        audit.record(bank_id=member.bank_id, actor_id=actor.id if actor else None,
                     action="member.data_exported", target_type="member",
                     target_id=member.id, now=now)
    return member_data(member, now=now)
