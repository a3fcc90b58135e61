"""One unit of work per use case: commit at the end, roll back on any error."""

from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..ledger import LedgerError
from .errors import from_ledger_error


@contextmanager
def unit_of_work():
    """Yield the session; commit if the block ends normally, otherwise roll back.

    Ledger errors leave as service errors, so that callers see one family.
    """
    session = db.session
    try:
        yield session
        session.commit()
    except LedgerError as error:
        session.rollback()
        raise from_ledger_error(error) from error
    except BaseException:
        session.rollback()
        raise


def is_unique_violation(error: IntegrityError) -> bool:
    text = str(error.orig).lower()
    return "unique" in text or "duplicate key" in text
