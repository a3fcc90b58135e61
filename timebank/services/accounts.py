"""Credit limits: floors and ceilings, changed by coordinators and audited."""

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..extensions import db
from ..models import Account
from . import audit
from .errors import NotFound, ValidationFailed
from .transaction import unit_of_work


def limit_facts(account: Account) -> dict:
    """An account's limits as audit facts: the audit chain vouches for every account's
    floor and ceiling, from its opening to its last change (`ledger verify` compares)."""
    if account.id is None:
        db.session.flush()
    return {"account_id": account.id, "floor_minutes": account.floor_minutes,
            "ceiling_minutes": account.ceiling_minutes}


def _limit(value, field):
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationFailed.field(field, _("Give a whole number of minutes."))
    return value


def set_limits(bank_id, account_id, *, floor_minutes, ceiling_minutes, actor_id=None,
               reason="", now):
    """Set an account's floor and ceiling (None for no ceiling).

    The new limits must hold for the current balance; the check and the change
    are one conditional UPDATE, so a concurrent posting can't slip between them.
    """
    floor_minutes = _limit(floor_minutes, "floor_minutes")
    ceiling_minutes = _limit(ceiling_minutes, "ceiling_minutes")
    if floor_minutes is None:
        raise ValidationFailed.field("floor_minutes", _("Give the lowest balance allowed, in minutes."))
    if ceiling_minutes is not None and ceiling_minutes < floor_minutes:
        raise ValidationFailed.field("ceiling_minutes", _("The ceiling can't be below the floor."))
    with unit_of_work() as session:
        account = session.get(Account, account_id)
        if account is None or account.bank_id != bank_id:
            raise NotFound(_("No such account."))
        before = {"floor_minutes": account.floor_minutes,
                  "ceiling_minutes": account.ceiling_minutes}
        balance = Account.credits_posted - Account.debits_posted
        within = [balance >= floor_minutes]
        if ceiling_minutes is not None:
            within.append(balance <= ceiling_minutes)
        result = session.execute(
            update(Account)
            .where(Account.id == account_id, *within)
            .values(floor_minutes=floor_minutes, ceiling_minutes=ceiling_minutes)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            current = session.scalar(select(balance).where(Account.id == account_id))
            field = "floor_minutes" if floor_minutes > current else "ceiling_minutes"
            raise ValidationFailed.field(
                field,
                _("The balance is %(minutes)s minutes now: the floor can't be above it "
                  "and the ceiling can't be below it.", minutes=current),
            )
        audit.record(
            bank_id=bank_id, actor_id=actor_id, action="account.limits_changed",
            target_type="account", target_id=account_id, reason=reason,
            details={"before": before, "after": {"floor_minutes": floor_minutes,
                                                 "ceiling_minutes": ceiling_minutes}},
            facts={"account_id": account_id, "floor_minutes": floor_minutes,
                   "ceiling_minutes": ceiling_minutes},
            now=now,
        )
    db.session.expire_all()
