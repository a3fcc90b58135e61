"""Telling people what waits for them, by e-mail in their own language.

Messages go into the outbox in the same unit of work as the change they
announce: nothing is sent for work that rolls back, and nothing is sent before
it commits (see services/outbox.py).
"""

from flask_babel import force_locale
from sqlalchemy import select

from ..extensions import db
from ..locales import formatting_locale
from ..models import Member
from ..models.statuses import MemberStatus
from ..wording import notifications
from . import outbox


def to_member(member, kind, *, now, **context):
    """Queue a message to a member in the current unit of work (sent after it commits)."""
    if member is None or member.user is None:
        return
    with force_locale(formatting_locale(member.user.language or "en")):
        subject, body = notifications.message(kind, **context)
    outbox.enqueue(recipient=member.user.email, subject=subject, body=body, kind=kind,
                   bank_id=member.bank_id, member_id=member.id, now=now)


def to_coordinators(bank_id, kind, *, now, **context):
    for member in db.session.scalars(select(Member).where(
            Member.bank_id == bank_id, Member.role == "coordinator", Member.status == MemberStatus.ACTIVE)):
        to_member(member, kind, now=now, **context)
