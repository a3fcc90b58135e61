"""One unit of work per use case: commit at the end, roll back on any error."""

from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from ..database import DERIVED, WRITE
from ..extensions import db
from ..ledger import LedgerError
from .errors import from_ledger_error

_ACTIVE = "unit_of_work"


@contextmanager
def unit_of_work(*, derived: bool = False):
    """Yield the session; commit if the block ends normally, otherwise roll back.

    `derived`: the work writes only data that can be worked out again from the journal
    (database.py: its commit need not wait for the disk).

    The work gets a fresh write transaction (BEGIN IMMEDIATE on SQLite): a read
    transaction left open by the caller is ended first, because upgrading it to
    a write could act on stale data. A unit of work inside another joins it.
    Ledger errors leave as service errors, so that callers see one family.
    """
    session = db.session
    if session.info.get(_ACTIVE):
        yield session
        return
    if session().in_transaction():
        session.commit()
    session.info[_ACTIVE] = True
    try:
        connection = session.connection(execution_options={WRITE: True, DERIVED: derived})
        if derived and connection.dialect.name == "postgresql":
            connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
        yield session
        session.commit()
    except LedgerError as error:
        session.rollback()
        raise from_ledger_error(error) from error
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info.pop(_ACTIVE, None)


def in_unit_of_work() -> bool:
    return bool(db.session.info.get(_ACTIVE))


def is_unique_violation(error: IntegrityError) -> bool:
    text = str(error.orig).lower()
    return "unique" in text or "duplicate key" in text
