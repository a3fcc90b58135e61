"""The pure core of the time ledger: postings, limits and the hash chain.

Standard library only, so that the rules can be read and tested without a
database. The services apply these rules inside one database transaction.
"""

from .chain import GENESIS_HASH, canonical_entry, chain_hash
from .entries import EntryKind, Posting, Transfer, net_changes, reversal_transfers
from .errors import (
    CreditLimitExceeded,
    InvalidPosting,
    LedgerError,
)
from .limits import balance_after, breaks_limits
from .minutes import format_minutes

__all__ = [
    "GENESIS_HASH",
    "CreditLimitExceeded",
    "EntryKind",
    "InvalidPosting",
    "LedgerError",
    "Posting",
    "Transfer",
    "balance_after",
    "breaks_limits",
    "canonical_entry",
    "chain_hash",
    "format_minutes",
    "net_changes",
    "reversal_transfers",
]
