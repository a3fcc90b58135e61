"""Members writing to each other about an offer or a request, without sharing addresses.

A member contacts the owner of a published listing; the two then reply on the
site. Only the two of them read the conversation, and coordinators once one of
its messages has been reported to them (evaluators never). Mail announces a new
message by the sender's display name and a link to the conversation: neither
address is ever shown to the other member. A conversation that goes from read to
unread is announced once; further messages wait on the site.

A coordinator decides on a report: dismiss it, or suspend the conversation (no
more messages from either side). Both decisions are audited.
"""

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Conversation, ConversationMessage
from ..models.statuses import ListingStatus, MemberStatus
from ..plain_text import has_control_characters
from . import audit, listings, notifications, policy
from .errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from .paging import paginate
from .reasons import reason_text
from .transaction import is_unique_violation, unit_of_work

BODY_MAX_LENGTH = 2000


def message_body(body) -> str:
    """The text of a message, trimmed: required, at most BODY_MAX_LENGTH characters."""
    body = (body or "").strip()
    if not body:
        raise ValidationFailed.field("body", _("Write your message."))
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationFailed.field("body", _("Keep your message to %(count)d characters or "
                                               "fewer.", count=BODY_MAX_LENGTH))
    if has_control_characters(body):
        raise ValidationFailed.field("body", _(
            "Remove unusual characters (such as control characters) from this text."))
    return body


def _read_column(conversation, member_id):
    return "starter_read_id" if member_id == conversation.starter_id else "owner_read_id"


def _reachable(member):
    if member.status != MemberStatus.ACTIVE or member.erased_at is not None:
        raise InvalidTransition(_("This member can't receive messages at the moment."))


def contact(actor, listing_id, *, body, now, link_for) -> ConversationMessage:
    """Write to the owner of a published listing; a second message joins the same
    conversation. `link_for(conversation_id)` gives the conversation's address for the mail."""
    policy.authorize(actor, "messages.send")
    listing = listings.get(actor, listing_id, now=now)
    if listing.member_id == actor.id:
        raise InvalidTransition(_("This is your own listing, so there is nobody to write to."))
    if listing.status != ListingStatus.APPROVED:
        raise InvalidTransition(_("This listing is no longer open, so it can't be answered."))
    _reachable(listing.member)
    body = message_body(body)
    try:
        return _write_first(actor, listing, body, now=now, link_for=link_for)
    except IntegrityError as error:  # the same member's first message, sent twice at once
        if not is_unique_violation(error):
            raise
        return _write_first(actor, listing, body, now=now, link_for=link_for)


def _write_first(actor, listing, body, *, now, link_for):
    with unit_of_work() as session:
        conversation = session.scalar(select(Conversation).where(
            Conversation.listing_id == listing.id, Conversation.starter_id == actor.id))
        if conversation is None:
            conversation = Conversation(bank_id=actor.bank_id, listing_id=listing.id,
                                        starter_id=actor.id, owner_id=listing.member_id,
                                        created_at=now, last_message_at=now)
            session.add(conversation)
            session.flush()
        return _add(conversation, actor, body, now=now, link_for=link_for)


def reply(actor, conversation_id, *, body, now, link_for) -> ConversationMessage:
    conversation = get(actor, conversation_id)
    if actor.id not in (conversation.starter_id, conversation.owner_id):
        raise Forbidden(_("You don't have permission to do this."))
    policy.authorize(actor, "messages.send")
    if conversation.suspended_at is not None:
        raise InvalidTransition(_("A coordinator has suspended this conversation, so no more "
                                  "messages can be sent in it."))
    _reachable(conversation.other(actor.id))
    body = message_body(body)
    with unit_of_work():
        return _add(conversation, actor, body, now=now, link_for=link_for)


def _add(conversation, sender, body, *, now, link_for):
    recipient = conversation.other(sender.id)
    recipient_read = getattr(conversation, _read_column(conversation, recipient.id))
    had_unread = db.session.scalar(select(exists().where(
        ConversationMessage.conversation_id == conversation.id,
        ConversationMessage.sender_id == sender.id,
        ConversationMessage.id > recipient_read)))
    message = ConversationMessage(bank_id=conversation.bank_id, conversation_id=conversation.id,
                                  sender_id=sender.id, body=body, created_at=now,
                                  report_reason="")
    db.session.add(message)
    db.session.flush()
    conversation.last_message_at = now
    setattr(conversation, _read_column(conversation, sender.id), message.id)
    if not had_unread:
        notifications.to_member(recipient, "message_received", now=now,
                                sender_name=sender.name, listing=conversation.listing,
                                link=link_for(conversation.id))
    return message


def get(actor, conversation_id) -> Conversation:
    """A conversation the actor may read: theirs, or (coordinators) one with a report."""
    conversation = (db.session.get(Conversation, conversation_id)
                    if 0 < conversation_id < 2**31 else None)
    policy.authorize(actor, "conversation.view", conversation, what="conversation")
    return conversation


def is_party(actor, conversation) -> bool:
    return actor is not None and actor.id in (conversation.starter_id, conversation.owner_id)


def unread_in(actor, conversation) -> int:
    if not is_party(actor, conversation):
        return 0
    return db.session.scalar(select(func.count(ConversationMessage.id)).where(
        ConversationMessage.conversation_id == conversation.id,
        ConversationMessage.sender_id != actor.id,
        ConversationMessage.id > getattr(conversation, _read_column(conversation, actor.id))))


def mark_read(actor, conversation_id) -> Conversation:
    """Everything in the conversation so far is read by the actor."""
    conversation = get(actor, conversation_id)
    if not is_party(actor, conversation):
        raise Forbidden(_("You don't have permission to do this."))
    latest = db.session.scalar(select(func.max(ConversationMessage.id)).where(
        ConversationMessage.conversation_id == conversation.id)) or 0
    column = _read_column(conversation, actor.id)
    with unit_of_work() as session:
        session.execute(update(Conversation).where(Conversation.id == conversation.id)
                        .values({column: latest}))
    db.session.refresh(conversation)
    return conversation


def _mine(actor):
    return and_(Conversation.bank_id == actor.bank_id,
                or_(Conversation.starter_id == actor.id, Conversation.owner_id == actor.id))


def _unread_condition(actor):
    read_id = case((Conversation.starter_id == actor.id, Conversation.starter_read_id),
                   else_=Conversation.owner_read_id)
    return and_(ConversationMessage.conversation_id == Conversation.id,
                ConversationMessage.sender_id != actor.id, ConversationMessage.id > read_id)


def inbox(actor, *, page=1, per_page=20):
    """The actor's conversations, latest message first; each gets `unread` (a count)."""
    policy.authorize(actor, "messages.send")
    unread = (select(func.count(ConversationMessage.id)).where(_unread_condition(actor))
              .correlate(Conversation).scalar_subquery())
    query = (select(Conversation, unread.label("unread")).where(_mine(actor))
             .options(selectinload(Conversation.listing), selectinload(Conversation.starter),
                      selectinload(Conversation.owner))
             .order_by(Conversation.last_message_at.desc(), Conversation.id.desc()))
    found = paginate(query, page=page, per_page=per_page, scalars=False)
    items = []
    for row in found.items:
        conversation = row["Conversation"]
        conversation.unread = row["unread"]
        items.append(conversation)
    found.items = items
    return found


def unread_count(actor) -> int:
    """Messages to the actor that they have not read yet, across their conversations."""
    if actor is None or not policy.can(actor, "messages.send"):
        return 0
    return db.session.scalar(select(func.count(ConversationMessage.id))
                             .select_from(Conversation).join(
                                 ConversationMessage,
                                 ConversationMessage.conversation_id == Conversation.id)
                             .where(_mine(actor), _unread_condition(actor)))


def report(actor, message_id, *, reason="", now) -> ConversationMessage:
    """The recipient of a message reports it to the bank's coordinators."""
    message = (db.session.get(ConversationMessage, message_id)
               if 0 < message_id < 2**31 else None)
    if message is None:
        raise NotFound(_("That message was not found."))
    conversation = get(actor, message.conversation_id)
    if not is_party(actor, conversation) or message.sender_id == actor.id:
        raise Forbidden(_("You can report only a message someone sent to you."))
    policy.require_active(actor)
    if message.report_state is not None:
        raise InvalidTransition(_("This message has already been reported."))
    reason = reason_text(reason)
    with unit_of_work() as session:
        changed = session.execute(
            update(ConversationMessage)
            .where(ConversationMessage.id == message.id,
                   ConversationMessage.report_state.is_(None))
            .values(report_state="open", report_reason=reason, reported_by_id=actor.id,
                    reported_at=now)).rowcount
        if changed != 1:
            raise InvalidTransition(_("This message has already been reported."))
        notifications.to_coordinators(actor.bank_id, "message_reported", now=now)
    db.session.refresh(message)
    return message


def reported(actor, *, state="open", page=1, per_page=20):
    """Reported messages of the actor's bank (coordinators), oldest report first."""
    policy.authorize(actor, "messages.moderate")
    query = (select(ConversationMessage)
             .where(ConversationMessage.bank_id == actor.bank_id,
                    ConversationMessage.report_state == state)
             .options(selectinload(ConversationMessage.sender),
                      selectinload(ConversationMessage.conversation)
                      .selectinload(Conversation.listing))
             .order_by(ConversationMessage.reported_at, ConversationMessage.id))
    return paginate(query, page=page, per_page=per_page)


def open_reports(actor) -> int:
    if actor is None or not policy.can(actor, "messages.moderate") or policy.is_evaluator(actor):
        return 0
    return db.session.scalar(select(func.count(ConversationMessage.id)).where(
        ConversationMessage.bank_id == actor.bank_id,
        ConversationMessage.report_state == "open"))


def _open_report(actor, message_id):
    policy.authorize(actor, "messages.moderate")
    message = (db.session.get(ConversationMessage, message_id)
               if 0 < message_id < 2**31 else None)
    if message is None or message.bank_id != actor.bank_id:
        raise NotFound(_("That message was not found."))
    if message.report_state != "open":
        raise InvalidTransition(_("This report has already been decided."))
    return message


def dismiss_report(actor, message_id, *, reason="", now) -> ConversationMessage:
    """Nothing wrong with the message: the report is closed, the conversation goes on."""
    message = _open_report(actor, message_id)
    reason = reason_text(reason)
    with unit_of_work() as session:
        _decide(session, [message.id], "dismissed", actor, now)
        audit.record(bank_id=actor.bank_id, actor_id=actor.id, action="message.report_dismissed",
                     target_type="conversation", target_id=message.conversation_id,
                     reason=reason, facts={"message_id": message.id}, now=now)
    db.session.refresh(message)
    return message


def suspend(actor, message_id, *, reason, now) -> Conversation:
    """The report is upheld: the conversation is suspended, with every open report in it."""
    message = _open_report(actor, message_id)
    reason = reason_text(reason, _("Say why, so that other coordinators know."))
    conversation = message.conversation
    with unit_of_work() as session:
        open_ids = list(session.scalars(select(ConversationMessage.id).where(
            ConversationMessage.conversation_id == conversation.id,
            ConversationMessage.report_state == "open")))
        _decide(session, open_ids, "upheld", actor, now)
        conversation.suspended_at, conversation.suspended_by_id = now, actor.id
        audit.record(bank_id=actor.bank_id, actor_id=actor.id, action="conversation.suspended",
                     target_type="conversation", target_id=conversation.id, reason=reason,
                     facts={"message_id": message.id}, now=now)
    db.session.refresh(conversation)
    return conversation


def _decide(session, message_ids, state, actor, now):
    changed = session.execute(
        update(ConversationMessage)
        .where(ConversationMessage.id.in_(message_ids),
               ConversationMessage.report_state == "open")
        .values(report_state=state, report_decided_by_id=actor.id, report_decided_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if changed != len(message_ids):
        raise InvalidTransition(_("Someone else has already decided on this report."))


def present(conversation, actor) -> dict:
    other = conversation.other(actor.id) if is_party(actor, conversation) else None
    return {
        "id": conversation.id, "listing_id": conversation.listing_id,
        "listing_title": conversation.listing.title, "listing_kind": conversation.listing.kind,
        "other_member_id": other.id if other else None,
        "other_member_name": other.name if other else None,
        "last_message_at": conversation.last_message_at,
        "unread": getattr(conversation, "unread", None),
        "suspended": conversation.suspended_at is not None,
    }


def present_message(message) -> dict:
    return {"id": message.id, "conversation_id": message.conversation_id,
            "sender_id": message.sender_id, "sender_name": message.sender.name,
            "body": message.body, "created_at": message.created_at,
            "reported": message.report_state is not None}

