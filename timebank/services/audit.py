"""Recording what coordinators and admins do: who, when, why; and reading it back."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import AuditEvent
from . import policy
from .paging import paginate


def record(*, bank_id, actor_id, action, target_type, target_id=None, reason="", details=None, now):
    """Add an audit event to the current transaction."""
    event = AuditEvent(
        bank_id=bank_id,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason or "",
        details=details or {},
        created_at=now,
    )
    db.session.add(event)
    return event


def search(actor, *, action=None, target_type=None, target_id=None, page=1, per_page=25):
    """The bank's audit log, newest first (coordinators)."""
    policy.authorize(actor, "audit.view")
    query = (select(AuditEvent).where(AuditEvent.bank_id == actor.bank_id)
             .options(selectinload(AuditEvent.actor)))
    if action:
        query = query.where(AuditEvent.action == action)
    if target_type:
        query = query.where(AuditEvent.target_type == target_type)
    if target_id:
        query = query.where(AuditEvent.target_id == target_id)
    return paginate(query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()),
                    page=page, per_page=per_page)


def actions(actor) -> list[str]:
    """The kinds of action recorded in the bank so far."""
    policy.authorize(actor, "audit.view")
    return list(db.session.scalars(select(AuditEvent.action).distinct()
                                   .where(AuditEvent.bank_id == actor.bank_id)
                                   .order_by(AuditEvent.action)))
