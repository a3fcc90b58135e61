"""Statuses in words, and the sentences that say why a status refuses an action.

The words are in lower case, to sit inside a sentence ("This exchange is …, so …"); they are
translated in the caller's locale. Pages show their own capitalised labels (web/*_words.py).
"""

from flask_babel import gettext as _

from ..models.statuses import ExchangeStatus, ListingStatus, MemberStatus


def exchange_status(code):
    return {
        ExchangeStatus.AWAITING_CONFIRMATION: _("waiting for confirmation"),
        ExchangeStatus.AWAITING_APPROVAL: _("waiting for approval"),
        ExchangeStatus.POSTED: _("recorded"),
        ExchangeStatus.DISPUTED: _("disputed"),
        ExchangeStatus.CANCELLED: _("cancelled"),
        ExchangeStatus.EXPIRED: _("expired"),
        ExchangeStatus.REVERSED: _("reversed"),
    }.get(code, code)


def listing_status(code):
    return {
        ListingStatus.PENDING: _("waiting for approval"),
        ListingStatus.APPROVED: _("published"),
        ListingStatus.REJECTED: _("not published"),
        ListingStatus.WITHDRAWN: _("withdrawn"),
        ListingStatus.EXPIRED: _("expired"),
    }.get(code, code)


def member_status(code):
    return {
        MemberStatus.PENDING: _("waiting for approval"),
        MemberStatus.ACTIVE: _("active"),
        MemberStatus.SUSPENDED: _("suspended"),
        MemberStatus.LEFT: _("ended"),
    }.get(code, code)


def exchange_refusal(code, action):
    """Why an exchange with status `code` can't be `action` ("confirmed", "disputed", …) now."""
    status = exchange_status(code)
    messages = {
        "confirmed": lambda: _("This exchange is %(status)s, so it can't be confirmed now.",
                               status=status),
        "disputed": lambda: _("This exchange is %(status)s, so it can't be disputed now.",
                              status=status),
        "approved": lambda: _("This exchange is %(status)s, so it can't be approved now.",
                              status=status),
        "cancelled": lambda: _("This exchange is %(status)s, so it can't be cancelled now.",
                               status=status),
        "reversed": lambda: _("This exchange is %(status)s, so it can't be reversed now.",
                              status=status),
        "corrected": lambda: _("This exchange is %(status)s, so it can't be corrected now; "
                               "only a disputed exchange can.", status=status),
    }
    return messages[action]()


def membership_refusal(code):
    """Why a member whose membership has status `code` (None: no membership) can't sign in."""
    messages = {
        MemberStatus.PENDING: lambda: _("Your membership is waiting for a coordinator's approval."),
        MemberStatus.SUSPENDED: lambda: _("Your membership is suspended. Please talk to your "
                                          "coordinator."),
        MemberStatus.LEFT: lambda: _("Your membership has ended."),
    }
    return messages.get(code, lambda: _("You have no active membership."))()
