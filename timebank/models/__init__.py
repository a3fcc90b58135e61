"""Tables. Import from here: `from timebank.models import Bank, Member, ...`."""

from .access import ApiToken, IdempotencyRecord, KnownSignInAddress
from .account import Account
from .audit import AuditEvent
from .bank import SETTINGS, Bank, BankLogo, LedgerHead
from .catalogue import LEVELS, Activity, Category
from .conversation import REPORT_STATES, Conversation, ConversationMessage
from .exchange import EXCHANGE_STATUSES, Exchange
from .journal import ENTRY_KINDS, JournalEntry, Transfer
from .listing import LISTING_KINDS, LISTING_STATUSES, Listing
from .mail import LINK_PURPOSES, AccountLink, OutboxMessage
from .member import ERASURE_REASONS, GROUPS, ROLES, STATUSES, Member, MemberStatusChange, User
from .privacy import Consent, PrivacyNotice
from .report_summary import (
    ReportAccountGroup,
    ReportAccountMonth,
    ReportAsked,
    ReportBalanceMonth,
    ReportCache,
    ReportMonthCell,
    ReportPairMonth,
    ReportWatermark,
)
from .report_window import (
    ReportWindow,
    ReportWindowBalance,
    ReportWindowCell,
    ReportWindowGiver,
    ReportWindowGroup,
    ReportWindowMember,
    ReportWindowSum,
    ReportWindowTop,
)
from .research import ResearchGrant
from .statuses import ExchangeStatus, ListingStatus, MemberStatus

__all__ = [
    "ERASURE_REASONS",
    "ENTRY_KINDS",
    "EXCHANGE_STATUSES",
    "GROUPS",
    "LEVELS",
    "LINK_PURPOSES",
    "LISTING_KINDS",
    "LISTING_STATUSES",
    "REPORT_STATES",
    "ROLES",
    "SETTINGS",
    "STATUSES",
    "Account",
    "AccountLink",
    "Activity",
    "ApiToken",
    "AuditEvent",
    "Bank",
    "BankLogo",
    "Category",
    "Consent",
    "Conversation",
    "ConversationMessage",
    "Exchange",
    "ExchangeStatus",
    "IdempotencyRecord",
    "JournalEntry",
    "KnownSignInAddress",
    "LedgerHead",
    "Listing",
    "ListingStatus",
    "Member",
    "MemberStatus",
    "MemberStatusChange",
    "OutboxMessage",
    "PrivacyNotice",
    "ReportAccountGroup",
    "ReportAccountMonth",
    "ReportAsked",
    "ReportBalanceMonth",
    "ReportCache",
    "ReportMonthCell",
    "ReportPairMonth",
    "ReportWatermark",
    "ReportWindow",
    "ReportWindowBalance",
    "ReportWindowCell",
    "ReportWindowGiver",
    "ReportWindowGroup",
    "ReportWindowMember",
    "ReportWindowSum",
    "ReportWindowTop",
    "ResearchGrant",
    "Transfer",
    "User",
]
