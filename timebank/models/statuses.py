"""Where an exchange, a listing or a membership stands.

`StrEnum`s, so a status compares equal to the string its column stores, renders as that string in
templates and JSON, and binds as that string in queries: the columns and their CHECK constraints
keep plain strings.
"""

from enum import StrEnum


class ExchangeStatus(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    AWAITING_APPROVAL = "awaiting_approval"
    POSTED = "posted"
    DISPUTED = "disputed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    REVERSED = "reversed"


class ListingStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class MemberStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    LEFT = "left"


def values(status_enum) -> tuple[str, ...]:
    """The plain strings of a status enum, in declaration order (for CHECK constraints and choices)."""
    return tuple(status.value for status in status_enum)
