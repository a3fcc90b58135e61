"""The coordinator's day at a glance: what waits, and who may need a call.

Nothing is defined here: the decisions that wait come from waiting.py, and the
members who only give, only receive or have gone quiet from the coordinator
alerts of the reciprocity report (reports.member_alerts: the workspace's
GIVE_ONLY, RECEIVE_ONLY and DORMANT, over the report's default twelve months),
so the dashboard and the report always agree. Coordinators see names and exact
figures; nobody else may ask.
"""

import datetime as dt

from sqlalchemy import func, select

from ..extensions import db
from ..models import Member, OutboxMessage, User
from ..models.statuses import MemberStatus
from . import policy, reports, waiting

NEW_MEMBER_DAYS = 14
CALL_LISTS = ("give_only", "receive_only", "dormant")


def contacts(actor, member_ids) -> dict[int, str | None]:
    """{member id: email address, or None for someone who is not online}."""
    ids = {i for i in member_ids if i}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Member.id, User.email).outerjoin(User, User.id == Member.user_id)
        .where(Member.bank_id == actor.bank_id, Member.id.in_(ids)))
    return dict(rows.all())


def undelivered_mail(actor) -> int:
    policy.authorize(actor, "mail.failed")
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.bank_id == actor.bank_id, OutboxMessage.failed_at.is_not(None)))


def new_members(actor, *, now) -> list[Member]:
    """Members who became active in the last NEW_MEMBER_DAYS days: worth a welcome."""
    since = now.date() - dt.timedelta(days=NEW_MEMBER_DAYS)
    return list(db.session.scalars(
        select(Member).where(Member.bank_id == actor.bank_id, Member.status == MemberStatus.ACTIVE,
                             Member.role != "evaluator", Member.joined_on >= since)
        .order_by(Member.joined_on.desc(), func.lower(Member.name))))


def today(actor, *, now) -> dict:
    policy.authorize(actor, "reports.alerts")
    found = waiting.waiting_for(actor, now=now)
    alerts = reports.member_alerts(actor, now=now)
    to_call = {kind: alerts["alerts"][kind] for kind in CALL_LISTS}
    reach = contacts(actor, [item["member_id"] for items in to_call.values() for item in items])
    for items in to_call.values():
        for item in items:
            item["email"] = reach.get(item["member_id"])
    return {
        "counts": {key: len(found[key])
                   for key in ("members", "listings", "to_approve", "disputes")},
        "disputes": found["disputes"],
        "to_approve": found["to_approve"],
        "undelivered_mail": undelivered_mail(actor),
        "new_members": new_members(actor, now=now),
        "to_call": to_call,
        "alert_counts": {kind: len(items) for kind, items in alerts["alerts"].items()},
        "from": alerts["from"], "to": alerts["to"], "dormant_days": alerts["dormant_days"],
    }
