"""The transactional outbox: e-mail written with the change it announces, sent after commit.

`enqueue` only adds a row to the caller's unit of work, so a change that rolls
back takes its messages with it. `deliver_due` sends what is due, each message
in three steps: claim it (a short transaction that also gives a single-use link
its token), hand it to the transport with no transaction open, then record the
outcome. A failure waits longer each time (exponential backoff) and, after
`max_attempts`, the message is marked failed for good for coordinators to see.
A claim holds a message for `LEASE`, so a sender that dies mid-way is retried.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..extensions import db
from ..models import AccountLink, OutboxMessage, ids
from . import policy
from .errors import InvalidTransition, NotFound
from .mail_transports import Envelope, MailNotSent
from .paging import paginate
from .transaction import in_unit_of_work, unit_of_work

TOKEN_MARK = "__link_token__"
LEASE = dt.timedelta(minutes=10)
DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=6)


def link_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_link_token() -> str:
    return secrets.token_urlsafe(32)


def enqueue(*, recipient, subject, body, kind, now, bank_id=None, member_id=None, link_id=None):
    """Add a message to the current unit of work. A `link_id` message has TOKEN_MARK in its
    body, replaced by a fresh token for that link when it is sent."""
    if not in_unit_of_work():
        raise RuntimeError("outbox messages are written inside the unit of work they announce")
    message = OutboxMessage(bank_id=bank_id, member_id=member_id, kind=kind, recipient=recipient,
                            subject=subject[:255], body=body, link_id=link_id, created_at=now,
                            attempts=0, next_attempt_at=now)
    db.session.add(message)
    return message


@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def backoff(attempts: int, first_delay: dt.timedelta = DEFAULT_FIRST_DELAY) -> dt.timedelta:
    """first_delay, then twice as long after each further failure, at most MAX_DELAY."""
    return min(first_delay * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def _end_transaction():
    if db.session().in_transaction():
        db.session.commit()


def _due(now, limit):
    ids = list(db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None),
               OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))
    _end_transaction()
    return ids


def _claim(message_id, now) -> Envelope | None:
    with unit_of_work() as session:
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.sent_at.is_(None),
                   OutboxMessage.failed_at.is_(None), OutboxMessage.next_attempt_at <= now)
            .values(attempts=OutboxMessage.attempts + 1, next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
        if not claimed:
            return None
        message = session.get(OutboxMessage, message_id, populate_existing=True)
        body = message.body
        if message.link_id is not None:
            token = new_link_token()
            session.execute(update(AccountLink).where(AccountLink.id == message.link_id)
                            .values(token_hash=link_digest(token)))
            body = body.replace(TOKEN_MARK, token)
        envelope = Envelope(message.id, message.kind, message.recipient, message.subject, body)
    return envelope


def _record(message_id, *, now, error=None, max_attempts, first_delay):
    with unit_of_work() as session:
        message = session.get(OutboxMessage, message_id, populate_existing=True)
        if error is None:
            message.sent_at, message.last_error = now, None
            return "sent"
        message.last_error = error[:200]
        if message.attempts >= max_attempts:
            message.failed_at = now
            return "failed"
        message.next_attempt_at = now + backoff(message.attempts, first_delay)
        return "retrying"


def deliver_due(*, transport, now, limit=100, max_attempts=DEFAULT_MAX_ATTEMPTS,
                first_delay=DEFAULT_FIRST_DELAY, logger=None) -> Delivery:
    """Send the messages due at `now`; never inside a database transaction."""
    if in_unit_of_work():
        raise RuntimeError("mail is sent after the unit of work commits, never inside it")
    delivery = Delivery()
    for message_id in _due(now, limit):
        envelope = _claim(message_id, now)
        if envelope is None:
            continue
        try:
            transport.send(envelope)
            error = None
        except MailNotSent as refusal:
            error = str(refusal) or "not sent"
        except OSError as problem:
            error = type(problem).__name__
        outcome = _record(message_id, now=now, error=error, max_attempts=max_attempts,
                          first_delay=first_delay)
        setattr(delivery, outcome, getattr(delivery, outcome) + 1)
        if error and logger is not None:
            logger.warning("mail %s (message %s) not sent: %s; %s", envelope.kind,
                           envelope.message_id, error, outcome)
    return delivery


def settle_bank(bank_id, *, now) -> int:
    """Mark every waiting message of a bank as sent without sending it (the demo bank's
    made-up members have addresses nobody reads)."""
    with unit_of_work() as session:
        return session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.bank_id == bank_id, OutboxMessage.sent_at.is_(None),
                   OutboxMessage.failed_at.is_(None))
            .values(sent_at=now)
            .execution_options(synchronize_session=False)).rowcount


def failed_messages(actor, *, page=1, per_page=50):
    """Messages of the actor's bank that failed for good, newest first."""
    policy.authorize(actor, "mail.failed")
    query = (select(OutboxMessage)
             .where(OutboxMessage.bank_id == actor.bank_id, OutboxMessage.failed_at.is_not(None))
             .order_by(OutboxMessage.failed_at.desc(), OutboxMessage.id.desc()))
    return paginate(query, page=page, per_page=per_page)


def retry(actor, message_id, *, now) -> OutboxMessage:
    """A coordinator sends a message that failed for good again (after fixing an address or
    the mail server)."""
    policy.authorize(actor, "mail.failed")
    message = ids.get(OutboxMessage, message_id)
    if message is None or message.bank_id != actor.bank_id:
        raise NotFound(_("That message was not found."))
    if message.failed_at is None:
        raise InvalidTransition(_("This message has not failed, so it needs no new try."))
    with unit_of_work() as session:
        message = session.get(OutboxMessage, message_id)
        message.failed_at, message.attempts, message.next_attempt_at = None, 0, now
    return message
