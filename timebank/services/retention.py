"""Applying each bank's retention period: members who left long enough ago are erased.

A bank's `retention_days` says how long personal data of members who left is kept
(None: kept until someone asks). The moment a member left is the last time their
status became `left`.
"""

import datetime as dt

from sqlalchemy import func, select

from ..extensions import db
from ..models import Bank, Member, MemberStatusChange
from ..models.statuses import MemberStatus
from . import erasure
from .transaction import unit_of_work

REASON = "retention_period"


def due(*, now) -> list[Member]:
    """Members whose bank's retention period has run out since they left, oldest bank first."""
    left_at = (select(MemberStatusChange.member_id,
                      func.max(MemberStatusChange.changed_at).label("left_at"))
               .where(MemberStatusChange.status == MemberStatus.LEFT)
               .group_by(MemberStatusChange.member_id).subquery())
    rows = db.session.execute(
        select(Member, Bank.retention_days, left_at.c.left_at)
        .join(Bank, Bank.id == Member.bank_id)
        .join(left_at, left_at.c.member_id == Member.id)
        .where(Member.status == MemberStatus.LEFT, Member.erased_at.is_(None),
               Bank.retention_days.is_not(None))
        .order_by(Member.bank_id, Member.id)
    ).all()
    return [member for member, days, since in rows if since + dt.timedelta(days=days) <= now]


def apply(*, now, dry_run=False) -> tuple[list[int], list[tuple[int, str]]]:
    """Erase every member who is due, each in their own transaction.

    Returns the ids erased (or, on a dry run, that would be) and, for members whose
    erasure was refused (a limit on the pool), their id and why.
    """
    erased, refused = [], []
    for member in due(now=now):
        if dry_run:
            erased.append(member.id)
            continue
        try:
            with unit_of_work():
                erasure.erase_within(member, actor_id=None, reason=REASON, now=now)
        except erasure.LimitExceeded as refusal:
            refused.append((member.id, refusal.message))
        else:
            erased.append(member.id)
    return erased, refused
