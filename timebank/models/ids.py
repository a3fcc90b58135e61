"""The one guard for ids that come from outside: addresses, query strings, forms, JSON.

Every id column is an INTEGER, so a number above 2**31 − 1 can name no row; asking the database
for one would overflow on PostgreSQL (a 500) instead of finding nothing (a 404).
"""

from ..extensions import db
from ..field_rules import MAX_ID

__all__ = ["MAX_ID", "is_id", "parse_id", "get"]


def is_id(value) -> bool:
    """A whole number (not a bool) that an id column can hold."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def parse_id(text) -> int | None:
    """The id written as `text` (digits only), or None."""
    if not isinstance(text, str) or not text.isdigit():
        return None
    value = int(text)
    return value if is_id(value) else None


def get(model, value):
    """The row of `model` with id `value`, or None, also for a value no id can have."""
    return db.session.get(model, value) if is_id(value) else None
