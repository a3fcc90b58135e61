"""The e-mail members and coordinators get about an event: (subject, body) in the current locale.

The services choose who is told and when (services/notifications.py); the words are here.
"""

from flask_babel import format_date
from flask_babel import gettext as _

from ..ledger import format_minutes
from . import statuses


def _hours(minutes):
    return format_minutes(minutes, hour=_("h"), minute=_("min"))


def _date(day):
    return format_date(day, "long")


def message(kind, **context):
    """(subject, body) for a kind of event, in the current locale."""
    exchange = context.get("exchange")
    listing = context.get("listing")
    if kind == "exchange_to_confirm":
        return (_("Please confirm an exchange"),
                _("%(name)s recorded %(time)s on %(date)s: \"%(what)s\". Please confirm it "
                  "or say if something is wrong.", name=exchange.logged_by.name,
                  time=_hours(exchange.minutes), date=_date(exchange.occurred_on),
                  what=exchange.description))
    if kind == "exchange_posted":
        return (_("Your exchange is recorded"),
                _("%(time)s on %(date)s is now in your time account.",
                  time=_hours(exchange.minutes), date=_date(exchange.occurred_on)))
    if kind == "exchange_needs_decision":
        return (_("An exchange waits for a coordinator"),
                _("Exchange %(id)s (%(time)s) is %(status)s and needs a decision.",
                  id=exchange.id, time=_hours(exchange.minutes),
                  status=statuses.exchange_status(exchange.status)))
    if kind == "exchange_cancelled":
        return (_("An exchange was cancelled"),
                _("Exchange %(id)s (%(time)s on %(date)s) was cancelled.", id=exchange.id,
                  time=_hours(exchange.minutes), date=_date(exchange.occurred_on)))
    if kind == "exchange_corrected":
        return (_("A coordinator corrected your exchange"),
                _("Exchange %(id)s was recorded as %(before)s; a coordinator corrected it to "
                  "%(time)s on %(date)s, and it is now in your time account. Their reason: "
                  "%(reason)s", id=exchange.id, before=_hours(context["before_minutes"]),
                  time=_hours(exchange.minutes), date=_date(exchange.occurred_on),
                  reason=context["reason"]))
    if kind == "listing_pending":
        return (_("A listing waits for approval"),
                _("\"%(title)s\" waits for a coordinator.", title=listing.title))
    if kind == "listing_approved":
        return (_("Your listing is published"),
                _("\"%(title)s\" can now be seen by other members.", title=listing.title))
    if kind == "listing_rejected":
        return (_("Your listing needs a change"),
                _("\"%(title)s\" was not published: %(reason)s", title=listing.title,
                  reason=listing.rejection_reason))
    if kind == "message_received":
        return (_("A message about \"%(title)s\"", title=listing.title),
                _("%(name)s sent you a message about \"%(title)s\". Read it and reply on the "
                  "time bank's site (your e-mail address is not shared): %(link)s",
                  name=context["sender_name"], title=listing.title, link=context["link"]))
    if kind == "message_reported":
        return (_("A message was reported"),
                _("A member reported a message to the coordinators. Please look at the "
                  "reported messages."))
    if kind == "member_approved":
        return (_("Welcome to the time bank"),
                _("Your membership is approved. You can now sign in and take part."))
    raise ValueError(kind)
