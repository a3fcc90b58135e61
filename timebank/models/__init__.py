"""Tables. Import from here: `from timebank.models import Bank, Member, ...`."""

from .access import ApiToken, IdempotencyRecord
from .account import Account
from .audit import AuditEvent
from .bank import SETTINGS, Bank, LedgerHead
from .catalogue import LEVELS, Activity, Category
from .exchange import EXCHANGE_STATUSES, Exchange
from .journal import ENTRY_KINDS, JournalEntry, Transfer
from .listing import LISTING_KINDS, LISTING_STATUSES, Listing
from .member import ERASURE_REASONS, GROUPS, ROLES, STATUSES, Member, MemberStatusChange, User
from .privacy import Consent, PrivacyNotice

__all__ = [
    "ERASURE_REASONS",
    "ENTRY_KINDS",
    "EXCHANGE_STATUSES",
    "GROUPS",
    "LEVELS",
    "LISTING_KINDS",
    "LISTING_STATUSES",
    "ROLES",
    "SETTINGS",
    "STATUSES",
    "Account",
    "Activity",
    "ApiToken",
    "AuditEvent",
    "Bank",
    "Category",
    "Consent",
    "Exchange",
    "IdempotencyRecord",
    "JournalEntry",
    "LedgerHead",
    "Listing",
    "Member",
    "MemberStatusChange",
    "PrivacyNotice",
    "Transfer",
    "User",
]
