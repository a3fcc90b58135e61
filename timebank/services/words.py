"""Statuses in words, for the sentences services raise ("This exchange is …, so …").

Translated in the caller's locale, in lower case to sit inside a sentence.
"""

from flask_babel import gettext as _


def exchange_status(code):
    return {
        "awaiting_confirmation": _("waiting for confirmation"),
        "awaiting_approval": _("waiting for approval"),
        "posted": _("recorded"),
        "disputed": _("disputed"),
        "cancelled": _("cancelled"),
        "expired": _("expired"),
        "reversed": _("reversed"),
    }.get(code, code)


def listing_status(code):
    return {
        "pending": _("waiting for approval"),
        "approved": _("published"),
        "rejected": _("not published"),
        "withdrawn": _("withdrawn"),
        "expired": _("expired"),
    }.get(code, code)


def member_status(code):
    return {
        "pending": _("waiting for approval"),
        "active": _("active"),
        "suspended": _("suspended"),
        "left": _("ended"),
    }.get(code, code)
