"""Template helpers: time as hours and minutes, dates in the reader's language, navigation."""

from flask import request, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..ledger import format_minutes
from ..services import policy


def hours(minutes, signed=False):
    if minutes is None:
        return ""
    return format_minutes(minutes, signed=signed, hour=_("h"), minute=_("min"))


def navigation():
    member = current_user.member
    items = [(url_for("web.home"), _("Home"))]
    if member is not None and not policy.is_evaluator(member):
        items += [(url_for("web.offers_and_requests"), _("Offers and requests")),
                  (url_for("web.new_exchange"), _("Record time")),
                  (url_for("web.statement"), _("Statement"))]
    if member is not None:
        items.append((url_for("web.profile"), _("Profile")))
    if member is not None and policy.is_coordinator(member):
        from .coordinate_common import coordinator_navigation

        items.extend(coordinator_navigation(member))
    if member is not None and policy.can(member, "reports.view"):
        items.append((url_for("web.reciprocity_report"), _("Reciprocity report")))
    path = request.path
    return [{"url": url, "label": label, "current": path == url} for url, label in items]


def init_app(app):
    app.add_template_filter(hours, "hours")
    app.add_template_filter(lambda d: format_date(d, "long") if d else "", "long_date")
    app.add_template_global(navigation, "navigation")
    app.add_template_global(lambda: str(get_locale() or "en"), "current_locale")
