"""Template helpers: time as hours and minutes, dates and numbers in the reader's language,
navigation."""

import datetime as dt

from flask import request, url_for
from flask_babel import format_date, format_datetime, format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from ..ledger import format_minutes
from ..locales import current_language
from ..models._types import utcnow
from ..services import policy, what_waits


def number(value):
    """A whole number with the reader's digit grouping (1,234)."""
    return "" if value is None else format_decimal(value, "#,##0")


def hours(minutes, signed=False):
    if minutes is None:
        return ""
    return format_minutes(minutes, signed=signed, hour=_("h"), minute=_("min"), number=number)


def long_date(value):
    """"1 June 2026" / "1 Mehefin 2026"."""
    return format_date(value, "long") if value else ""


def date_and_time(value):
    """A moment (datetime, or ISO 8601 text) as "1 June 2026, 09:30" in the reader's time zone."""
    if not value:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return format_datetime(value, "d MMMM yyyy, HH:mm")


def navigation():
    member = current_user.member
    items = [(url_for("web.home"), _("Home"))]
    if member is not None and policy.can(member, "messages.send"):
        waiting = what_waits.count(member, now=utcnow())
        items.append((url_for("web.what_waits_for_me"),
                      _("Waiting for you (%(count)d)", count=waiting)))
    if member is not None and not policy.is_evaluator(member):
        items += [(url_for("web.offers_and_requests"), _("Offers and requests")),
                  (url_for("web.new_exchange"), _("Record time")),
                  (url_for("web.statement"), _("Statement"))]
    if member is not None:
        items.append((url_for("web.profile"), _("Profile")))
    coordinating = []
    if member is not None and policy.is_coordinator(member):
        from .coordinate.common import coordinator_navigation

        coordinating = coordinator_navigation(member)
        items.extend(coordinating)
    if member is not None and policy.can(member, "reports.view"):
        items.append((url_for("web.reciprocity_report"), _("Reciprocity report")))
    path = request.path
    return [{"url": url, "label": label, "current": path == url,
             "coordinating": (url, label) in coordinating} for url, label in items]


def init_app(app):
    app.add_template_filter(hours, "hours")
    app.add_template_filter(number, "number")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(date_and_time, "date_and_time")
    app.add_template_global(navigation, "navigation")
    app.add_template_global(current_language, "current_locale")
