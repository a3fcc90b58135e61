"""Expiry by time, read without being written.

An exchange left unconfirmed past its window, or a listing past its lifetime, is expired
from that moment. `flask exchanges expire` and `flask listings expire` (cron) write the new
status; until they run, reads treat such rows as expired through a condition in the query
and in the objects they return, so that a GET request never writes to the database.
"""

from sqlalchemy import and_, or_
from sqlalchemy.orm.attributes import set_committed_value

from ..models import Exchange, Listing
from ..models._types import utcnow
from ..models.statuses import ExchangeStatus, ListingStatus

LAPSES_FROM = {Exchange: ExchangeStatus.AWAITING_CONFIRMATION, Listing: ListingStatus.APPROVED}
LAPSES_TO = {Exchange: ExchangeStatus.EXPIRED, Listing: ListingStatus.EXPIRED}


def lapsed(model, now):
    """Rows of `model` whose time ran out but whose status doesn't say so yet."""
    return and_(model.status == LAPSES_FROM[model], model.expires_at.is_not(None),
                model.expires_at <= now)


def status_is(model, status, now):
    """The condition `status == status` as read at `now`."""
    if status == LAPSES_TO[model]:
        return or_(model.status == status, lapsed(model, now))
    if status == LAPSES_FROM[model]:
        return and_(model.status == status,
                    or_(model.expires_at.is_(None), model.expires_at > now))
    return model.status == status


def has_lapsed(item, now) -> bool:
    return (item is not None and item.status == LAPSES_FROM[type(item)]
            and item.expires_at is not None and item.expires_at <= now)


def as_of(items, now):
    """Show each lapsed item as expired, without marking it as changed (nothing is written)."""
    now = now or utcnow()
    for item in items:
        if has_lapsed(item, now):
            set_committed_value(item, "status", LAPSES_TO[type(item)])
    return items
