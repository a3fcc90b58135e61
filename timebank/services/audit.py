"""Recording what coordinators and admins do: who, when, why; and reading it back.

Each event extends its bank's audit chain (models.audit) under the lock of the
bank's ledger head row. Events are recorded after any posting of the same
transaction, so the head is locked in the same order as postings lock it.
"""

import datetime as dt

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..ledger import canonical_audit_event, chain_hash
from ..models import Account, AuditEvent, Exchange, LedgerHead
from . import policy
from .ledger_keys import keyring
from .paging import paginate

heads = LedgerHead.__table__
LOCK_AUDIT_HEAD = (
    select(heads.c.audit_seq, heads.c.audit_hash)
    .where(heads.c.bank_id == bindparam("bank"))
    .with_for_update()
)
MOVE_AUDIT_HEAD = (
    update(heads)
    .where(heads.c.bank_id == bindparam("bank"))
    .values(audit_seq=bindparam("new_seq"), audit_hash=bindparam("new_hash"))
)


def record(*, bank_id, actor_id, action, target_type, target_id=None, reason="", details=None,
           facts=None, now):
    """Add an audit event to the current transaction, chained to the bank's previous one.

    `reason` and `details` are free text that may be redacted later; `facts` are
    structured, non-personal values that the chain vouches for.
    """
    created_at = now.astimezone(dt.UTC).replace(tzinfo=None) if now.tzinfo else now
    event = AuditEvent(
        bank_id=bank_id,
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason or "",
        details=details or {},
        facts=facts or {},
        created_at=created_at,
    )
    if bank_id is not None:
        _chain(event)
    db.session.add(event)
    return event


def status_change(before, after) -> dict:
    """Facts for a change of status: not personal, so the chain may vouch for them (a
    change's free-text values belong in `details`, which erasure can redact)."""
    return {"before": {"status": before}, "after": {"status": after}}


def _chain(event):
    db.session.flush()  # the bank's head row may be pending (a bank being created)
    conn = db.session.connection()
    head = conn.execute(LOCK_AUDIT_HEAD, {"bank": event.bank_id}).first()
    if head is None:
        return
    key = keyring().current
    event.seq, event.key_id = head.audit_seq + 1, key.id
    event.hash = chain_hash(key, head.audit_hash, canonical_audit_event(
        bank_id=event.bank_id, seq=event.seq, action=event.action, actor_id=event.actor_id,
        target_type=event.target_type, target_id=event.target_id,
        created_at=event.created_at, facts=event.facts))
    conn.execute(MOVE_AUDIT_HEAD, {"bank": event.bank_id, "new_seq": event.seq,
                                   "new_hash": event.hash})


def about_member(member_id):
    """Events about a member: their membership, their account, exchanges they took part in."""
    return or_(
        (AuditEvent.target_type == "member") & (AuditEvent.target_id == member_id),
        (AuditEvent.target_type == "account") & AuditEvent.target_id.in_(
            select(Account.id).where(Account.member_id == member_id)),
        (AuditEvent.target_type == "exchange") & AuditEvent.target_id.in_(
            select(Exchange.id).where(or_(Exchange.provider_id == member_id,
                                          Exchange.receiver_id == member_id))),
    )


def search(actor, *, action=None, target_type=None, target_id=None, member_id=None, page=1,
           per_page=25):
    """The bank's audit log, newest first (coordinators); `member_id`: about that member."""
    policy.authorize(actor, "audit.view")
    query = (select(AuditEvent).where(AuditEvent.bank_id == actor.bank_id)
             .options(selectinload(AuditEvent.actor)))
    if member_id:
        query = query.where(about_member(member_id))
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
