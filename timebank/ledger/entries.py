"""Transfers and postings: balanced by construction (invariant I1)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import InvalidPosting


class EntryKind(StrEnum):
    EXCHANGE = "exchange"
    GROUP_CREDIT = "group_credit"
    DONATION = "donation"
    GRANT = "grant"
    REVERSAL = "reversal"


@dataclass(frozen=True)
class Transfer:
    """`minutes` moved from `debit` (who received time) to `credit` (who gave it)."""

    debit: int
    credit: int
    minutes: int

    def __post_init__(self):
        if not isinstance(self.minutes, int) or isinstance(self.minutes, bool):
            raise InvalidPosting("Minutes must be a whole number.", "minutes")
        if self.minutes <= 0:
            raise InvalidPosting("Minutes must be more than zero.", "minutes")
        if self.debit == self.credit:
            raise InvalidPosting("An account cannot give time to itself.", "transfers")


@dataclass(frozen=True)
class Posting:
    """What a caller asks the ledger to record as one journal entry."""

    kind: EntryKind
    occurred_on: dt.date
    transfers: tuple[Transfer, ...]
    description: str = ""
    reverses_id: int | None = None
    exchange_id: int | None = None
    activity_id: int | None = None
    category_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self):
        if not self.transfers:
            raise InvalidPosting("A journal entry needs at least one transfer.", "transfers")
        if EntryKind(self.kind) is EntryKind.REVERSAL and self.reverses_id is None:
            raise InvalidPosting("A reversal must name the entry it reverses.", "reverses_id")
        if EntryKind(self.kind) is not EntryKind.REVERSAL and self.reverses_id is not None:
            raise InvalidPosting("Only a reversal may name an entry it reverses.", "reverses_id")

    @property
    def account_ids(self) -> set[int]:
        return {t.debit for t in self.transfers} | {t.credit for t in self.transfers}


def net_changes(transfers) -> dict[int, tuple[int, int]]:
    """Per account, the (debits, credits) this list of transfers adds, in id order.

    Applying account updates in id order is what keeps concurrent postings on
    PostgreSQL free of deadlocks.
    """
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for t in transfers:
        totals[t.debit][0] += t.minutes
        totals[t.credit][1] += t.minutes
    return {acc: (d, c) for acc, (d, c) in sorted(totals.items())}


def reversal_transfers(transfers) -> tuple[Transfer, ...]:
    """The mirror image of an entry's transfers: what undoes it exactly."""
    return tuple(Transfer(debit=t.credit, credit=t.debit, minutes=t.minutes) for t in transfers)
