"""What the coordinator pages share: who may come in, reading forms, forms that post once."""

import datetime as dt
import secrets
from functools import wraps

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from ..models import GROUPS, ROLES, STATUSES
from ..models._types import utcnow
from ..services import catalogue, coordination, idempotency, policy
from ..services.errors import Forbidden, NotFound, ValidationFailed
from .coordinate_words import status_of, word

TOKEN_FIELD = "form_token"


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
        (url_for("web.coordinate_queue"), _("Queue (%(count)d)", count=waiting)),
        (url_for("web.coordinate_members"), _("Members")),
        (url_for("web.coordinate_record"), _("Record for others")),
        (url_for("web.coordinate_group_credit"), _("Group credit")),
        (url_for("web.coordinate_settings"), _("Settings")),
    ]


# --- reading forms --------------------------------------------------------------------------

def text(name, form=None):
    return ((form or request.form).get(name) or "").strip()


def read_int(name, errors, *, message=None, required=True):
    """A whole number from the form, or None with an error for the field."""
    raw = text(name)
    if not raw:
        if required:
            errors[name] = [message or _("Choose one.")]
        return None
    try:
        value = int(raw)
    except ValueError:
        errors[name] = [message or _("Enter a whole number.")]
        return None
    if not -(2**31) < value < 2**31:
        errors[name] = [message or _("Enter a smaller number.")]
        return None
    return value


def read_duration(name, errors, *, required=True, label=None):
    """Hours and minutes from `<name>_hours` and `<name>_mins`, as whole minutes."""
    hours_raw, mins_raw = text(f"{name}_hours"), text(f"{name}_mins")
    if not hours_raw and not mins_raw:
        if required:
            errors[name] = [_("Enter the time in hours and minutes.")]
        return None
    try:
        hours = int(hours_raw or 0)
        mins = int(mins_raw or 0)
    except ValueError:
        errors[name] = [_("Enter whole hours, and minutes from 0 to 59.")]
        return None
    if hours < 0 or not 0 <= mins <= 59 or hours > 100_000:
        errors[name] = [_("Enter whole hours, and minutes from 0 to 59.")]
        return None
    return hours * 60 + mins


def duration_form(minutes):
    """The (hours, minutes) strings a duration field shows for a number of minutes."""
    if minutes is None:
        return "", ""
    hours, mins = divmod(abs(minutes), 60)
    return str(hours), str(mins)


def read_date(name, errors, *, required=True):
    raw = text(name)
    if not raw:
        if required:
            errors[name] = [_("Enter the date.")]
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = [_("Enter a real date, for example %(example)s.",
                          example=utcnow().date().isoformat())]
        return None


def read_choice(name, choices, errors, *, required=True):
    value = text(name)
    if not value and not required:
        return None
    if value not in choices:
        errors[name] = [_("Choose one of the options.")]
        return None
    return value


def schema_errors(error: ValidationError, rename=None) -> dict:
    """Marshmallow's messages as {field: [messages]} for the page."""
    rename = rename or {}
    found = {}
    for key, messages in error.normalized_messages().items():
        if isinstance(messages, dict):
            messages = [m for sub in messages.values() for m in sub]
        found[rename.get(key, key)] = [str(m) for m in messages]
    return found


def field_errors(error, default_field):
    """A service refusal as field errors: its own, or its message at the given field."""
    if isinstance(error, ValidationFailed) and error.errors:
        return {key: list(value) for key, value in error.errors.items()}
    return {default_field: [error.message]}


def page_number():
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) <= 100_000 else 1


# --- forms that post once -------------------------------------------------------------------

def new_token():
    return secrets.token_urlsafe(24)


def posted_token():
    token = text(TOKEN_FIELD)
    return token if 16 <= len(token) <= 64 else None


def out_of_date(field: str) -> dict:
    """The errors for a form sent without a valid form token, shown at `field`."""
    return {field: [_("This form is out of date. Check the details and send it again.")]}


def run_once(kind, token, fields, operation, answer):
    """Do `operation()` at most once for this form token (invariant I7).

    `answer(result)` is the small dict kept and returned again when the same
    form is sent twice; the returned Answer says whether it was replayed.
    """
    fingerprint = idempotency.request_fingerprint("POST", request.path, fields)
    return idempotency.run_once(
        user_id=current_user.user.id, key=f"web:{kind}:{token}", request_hash=fingerprint,
        operation=operation, render=lambda result: (201, answer(result)), now=utcnow())


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
