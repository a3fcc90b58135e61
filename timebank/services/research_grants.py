"""Research grants: a coordinator lets one evaluator take the member-level extract.

A grant names one evaluator of the bank, a purpose and a last day (at most a
year from the day it is made); it is live from the day it is made until that
last day, unless a coordinator revokes it. Making and revoking a grant go into
the audit log, as does every download made with it (research_extract.py).
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Member, ResearchGrant, ids
from ..models.statuses import MemberStatus
from ..plain_text import has_control_characters
from . import audit, policy
from .errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from .paging import paginate
from .transaction import unit_of_work

MAX_DAYS = 366
PURPOSE_MAX_LENGTH = 1000


def latest_end(today: dt.date) -> dt.date:
    """The last day a grant made today may run to: the same day a year on."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


def _checked(actor, *, evaluator_id, purpose, ends_on, today):
    errors = {}
    evaluator = ids.get(Member, evaluator_id)
    if (evaluator is None or evaluator.bank_id != actor.bank_id or evaluator.role != "evaluator"
            or evaluator.status != MemberStatus.ACTIVE):
        errors["evaluator_id"] = [_("Choose an active evaluator of this time bank.")]
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = [_("Say what the extract is for.")]
    elif has_control_characters(purpose):
        errors["purpose"] = [_("Remove control characters from this text.")]
    elif len(purpose) > PURPOSE_MAX_LENGTH:
        errors["purpose"] = [_("Use at most %(count)s characters.", count=PURPOSE_MAX_LENGTH)]
    if ends_on is None:
        errors["ends_on"] = [_("Enter the last day of the grant.")]
    elif ends_on < today:
        errors["ends_on"] = [_("The last day can't be in the past.")]
    elif ends_on > latest_end(today):
        errors["ends_on"] = [_("A grant can run for at most a year: until %(day)s at the latest.",
                               day=latest_end(today).isoformat())]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    return purpose


def grant(actor, *, evaluator_id, purpose, ends_on, now) -> ResearchGrant:
    """Let one evaluator take the extract until `ends_on` (both days included)."""
    policy.authorize(actor, "research_grants.manage")
    today = now.date()
    purpose = _checked(actor, evaluator_id=evaluator_id, purpose=purpose, ends_on=ends_on,
                       today=today)
    with unit_of_work() as session:
        made = ResearchGrant(bank_id=actor.bank_id, evaluator_id=evaluator_id,
                             granted_by_id=actor.id, purpose=purpose,
                             starts_on=today, ends_on=ends_on, created_at=now)
        session.add(made)
        session.flush()
        audit.record(bank_id=actor.bank_id, actor_id=actor.id,
                     action="research_grant.granted", target_type="research_grant",
                     target_id=made.id, reason=purpose,
                     details={"evaluator_id": evaluator_id, "starts_on": today.isoformat(),
                              "ends_on": ends_on.isoformat()}, now=now)
    return made


def _own_bank_grant(actor, grant_id) -> ResearchGrant:
    found = ids.get(ResearchGrant, grant_id)
    if found is None or found.bank_id != actor.bank_id:
        raise NotFound(_("That research grant was not found."))
    return found


def revoke(actor, grant_id, *, now) -> ResearchGrant:
    """End a grant now; its evaluator can't download with it any more."""
    policy.authorize(actor, "research_grants.manage")
    with unit_of_work() as session:
        found = _own_bank_grant(actor, grant_id)
        if found.revoked_at is not None:
            raise InvalidTransition(_("This grant has already been revoked."))
        found.revoked_at = now
        found.revoked_by_id = actor.id
        session.flush()
        audit.record(bank_id=found.bank_id, actor_id=actor.id,
                     action="research_grant.revoked", target_type="research_grant",
                     target_id=found.id, details={"evaluator_id": found.evaluator_id}, now=now)
    return found


def list_grants(actor, *, page=1, per_page=100):
    """Coordinators see every grant of the bank, an evaluator their own; newest first."""
    policy.authorize(actor, "research_grants.view")
    query = select(ResearchGrant).where(ResearchGrant.bank_id == actor.bank_id)
    if not policy.is_coordinator(actor):
        query = query.where(ResearchGrant.evaluator_id == actor.id)
    return paginate(query.order_by(ResearchGrant.id.desc()), page=page, per_page=per_page)


def live_grant(actor, *, today, grant_id=None) -> ResearchGrant | None:
    """The evaluator's grant to use today: the one asked for, or their newest live one.

    None when there is none; a grant asked for that isn't theirs is not found, and
    one that is theirs but revoked or over is forbidden.
    """
    if grant_id is not None:
        found = _own_bank_grant(actor, grant_id)
        if found.evaluator_id != actor.id:
            raise NotFound(_("That research grant was not found."))
        if not found.is_live(today):
            raise Forbidden(_("This research grant has ended or been revoked."))
        return found
    return db.session.scalars(
        select(ResearchGrant)
        .where(ResearchGrant.bank_id == actor.bank_id, ResearchGrant.evaluator_id == actor.id,
               ResearchGrant.revoked_at.is_(None), ResearchGrant.starts_on <= today,
               ResearchGrant.ends_on >= today)
        .order_by(ResearchGrant.id.desc())).first()


def evaluators(actor) -> list[Member]:
    """The bank's active evaluators, for the coordinator's choice."""
    policy.authorize(actor, "research_grants.manage")
    return list(db.session.scalars(
        select(Member).where(Member.bank_id == actor.bank_id, Member.role == "evaluator",
                             Member.status == MemberStatus.ACTIVE).order_by(Member.name, Member.id)))
