"""The pure core of the time ledger: postings, limits and the hash chain.

Standard library only, so that the rules can be read and tested without a
database. The services apply these rules inside one database transaction.
"""

from .chain import GENESIS_HASH, canonical_audit_event, canonical_entry, chain_hash
from .entries import EntryKind, Posting, Transfer, net_changes, reversal_transfers
from .errors import (
    CreditLimitExceeded,
    InvalidPosting,
    LedgerError,
)
from .keys import DEVELOPMENT_KEY, Keyring, LedgerKey, key_id
from .limits import balance_after, breaks_limits
from .minutes import format_minutes

__all__ = [
    "DEVELOPMENT_KEY",
    "GENESIS_HASH",
    "CreditLimitExceeded",
    "EntryKind",
    "InvalidPosting",
    "Keyring",
    "LedgerKey",
    "LedgerError",
    "Posting",
    "Transfer",
    "balance_after",
    "breaks_limits",
    "canonical_audit_event",
    "canonical_entry",
    "chain_hash",
    "format_minutes",
    "key_id",
    "net_changes",
    "reversal_transfers",
]
