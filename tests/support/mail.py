"""Reading the mail outbox and what the in-memory transport sent, in tests."""

from flask import current_app
from sqlalchemy import select

from timebank.extensions import db
from timebank.models import OutboxMessage
from timebank.services import mail_transports


def queued():
    """Every message in the outbox, oldest first, as {"to", "subject", "body", "kind"}."""
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    db.session.rollback()
    return [{"to": m.recipient, "subject": m.subject, "body": m.body, "kind": m.kind,
             "id": m.id, "sent_at": m.sent_at, "failed_at": m.failed_at,
             "attempts": m.attempts} for m in rows]


def transport():
    return mail_transports.for_app(current_app)


def sent_to(address):
    return [envelope for envelope in transport().sent if envelope.recipient == address]
