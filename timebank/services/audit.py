"""Recording what coordinators and admins do: who, when, why."""

from ..extensions import db
from ..models import AuditEvent


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
