"""Tables. Import from here: `from timebank.models import Bank, Member, ...`."""

from .access import ApiToken, IdempotencyRecord, KnownSignInAddress
from .account import Account
from .audit import AuditEvent
from .bank import SETTINGS, Bank, LedgerHead
from .catalogue import LEVELS, Activity, Category
from .exchange import EXCHANGE_STATUSES, Exchange
from .journal import ENTRY_KINDS, JournalEntry, Transfer
from .listing import LISTING_KINDS, LISTING_STATUSES, Listing
from .mail import LINK_PURPOSES, AccountLink, OutboxMessage
from .member import ERASURE_REASONS, GROUPS, ROLES, STATUSES, Member, MemberStatusChange, User
from .privacy import Consent, PrivacyNotice
from .report_summary import (
    ReportAccountGroup,
    ReportAccountMonth,
    ReportCache,
    ReportMonthCell,
    ReportPairMonth,
    ReportWatermark,
)
from .research import ResearchGrant

__all__ = [
    "ERASURE_REASONS",
    "ENTRY_KINDS",
    "EXCHANGE_STATUSES",
    "GROUPS",
    "LEVELS",
    "LINK_PURPOSES",
    "LISTING_KINDS",
    "LISTING_STATUSES",
    "ROLES",
    "SETTINGS",
    "STATUSES",
    "Account",
    "AccountLink",
    "Activity",
    "ApiToken",
    "AuditEvent",
    "Bank",
    "Category",
    "Consent",
    "Exchange",
    "IdempotencyRecord",
    "JournalEntry",
    "KnownSignInAddress",
    "LedgerHead",
    "Listing",
    "Member",
    "MemberStatusChange",
    "OutboxMessage",
    "PrivacyNotice",
    "ReportAccountGroup",
    "ReportAccountMonth",
    "ReportCache",
    "ReportMonthCell",
    "ReportPairMonth",
    "ReportWatermark",
    "ResearchGrant",
    "Transfer",
    "User",
]
