"""What the coordinator pages share: who may come in, paging, choices for select lists.

Their forms are in `web.forms.coordinate`."""

from functools import wraps

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...models import GROUPS, ROLES, STATUSES
from ...services import catalogue, coordination, policy
from ...services.errors import Forbidden, NotFound
from .words import status_of, word


def actor():
    return current_user.member


def may_coordinate(member) -> bool:
    """Coordinators, and admins in their own bank, who are active."""
    return member is not None and policy.can(member, "member.manage")


def forbidden():
    return render_template("errors/403.html"), 403


def not_found():
    return render_template("errors/404.html"), 404


def coordinator_page(view):
    """Signed in and coordinating, or a friendly 403; another bank's objects are 404."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not may_coordinate(current_user.member):
            return forbidden()
        try:
            return view(*args, **kwargs)
        except NotFound:
            return not_found()
        except Forbidden:
            return forbidden()

    return wrapper


def coordinator_navigation(member):
    """The coordinator entries of the main navigation: short; the rest is on the queue page."""
    if not may_coordinate(member):
        return []
    waiting = coordination.queue_size(member)
    return [
        (url_for("web.coordinate_today"), _("Today")),
        (url_for("web.coordinate_queue"), _("Queue (%(count)d)", count=waiting)),
        (url_for("web.coordinate_members"), _("Members")),
        (url_for("web.coordinate_record"), _("Record for others")),
        (url_for("web.coordinate_group_credit"), _("Group credit")),
        (url_for("web.coordinate_settings"), _("Settings")),
    ]


def page_number():
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 100_000 else 1


# --- choices for select lists ----------------------------------------------------------------

def member_options(people):
    return [(person.id, _("%(name)s – %(group)s", name=person.name,
                          group=word("group", person.group))) for person in people]


def category_options(me):
    return [(category.name, category.name) for category in catalogue.list_categories(me).items]


def activity_options(me):
    return [(activity.id, _("%(name)s (%(level)s)", name=activity.name,
                            level=word("level", activity.level)))
            for activity in catalogue.list_activities(me).items]


def member_choices():
    """Groups, roles and statuses in words, for select lists."""
    return {"group": [(g, word("group", g)) for g in GROUPS],
            "role": [(r, word("role", r)) for r in ROLES],
            "status": [(s, status_of("member", s)[0]) for s in STATUSES]}
