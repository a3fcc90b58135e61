"""Reading member forms: typed values, errors in plain words, and posting exactly once.

The rules themselves live in the services; this module only turns what people
type into the values the services take (hours and minutes into minutes, a date
field into a date) and checks the shape of text with the same marshmallow
schemas the API uses (length, no control characters).

A form that creates something carries a random `form_token`. Its submission
runs through `services.idempotency.run_once` keyed by that token, so a second
submission of the same form (a double click, a reload) does not create a
second exchange, listing or donation: it is answered like the first one.
"""

import datetime as dt
import re
import secrets

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError, validate

from ..services import idempotency
from ..services.errors import IdempotencyKeyReused, ValidationFailed
from . import bp
from .member_common import now

FORM_TOKEN = "form_token"
_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_IGNORED = {"csrf_token", FORM_TOKEN}


def new_form_token():
    return secrets.token_urlsafe(24)


def values(*names):
    """The submitted text of these fields, trimmed; missing ones are empty."""
    return {name: (request.form.get(name) or "").strip() for name in names}


def errors_of(error: ValidationFailed, rename=None):
    """A service's field errors keyed by the ids of this page's fields."""
    rename = rename or {}
    found = {}
    for field, messages in (error.errors or {"form": [error.message]}).items():
        found.setdefault(rename.get(field, field), []).extend(messages)
    return found


def check_shape(schema_cls, data, names):
    """Lengths and characters of text fields, checked by the API's schema.

    Empty values are left to the service, which says what is missing in its own words.
    """
    schema = schema_cls(only=names, partial=True)
    given = {name: data[name] for name in names if data.get(name) not in (None, "")}
    try:
        schema.load(given)
    except ValidationError as error:
        errors = {field: [_shape_message(schema.fields[field], given.get(field))]
                  for field in error.messages}
        raise ValidationFailed(_("Some details need correcting."), errors) from error


def _shape_message(field, value):
    validators = field.validators if hasattr(field, "validators") else []
    for validator in validators:
        if isinstance(validator, validate.Length) and validator.max is not None \
                and isinstance(value, str) and len(value) > validator.max:
            return _("Use at most %(count)d characters.", count=validator.max)
    return _("Remove unusual characters (such as control characters) from this text.")


def parse_duration(hours_text, minutes_text):
    """Hours and minutes typed by a person, as whole minutes (0 when both are empty)."""
    errors = {}
    hours = minutes = 0
    hours_text, minutes_text = hours_text.strip(), minutes_text.strip()
    if hours_text:
        if not hours_text.isdigit() or len(hours_text) > 4:
            errors["hours"] = [_("Enter the hours as a whole number, like 2.")]
        else:
            hours = int(hours_text)
    if minutes_text:
        if not minutes_text.isdigit() or len(minutes_text) > 2 or int(minutes_text) > 59:
            errors.setdefault("hours", []).append(_("Enter the minutes as a number from 0 to 59."))
        else:
            minutes = int(minutes_text)
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    return hours * 60 + minutes


def parse_date(text, field):
    """A date from a date field (YYYY-MM-DD); None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else _bad_date(field)
    except ValueError:
        return _bad_date(field)


def _bad_date(field):
    raise ValidationFailed.field(field, _("Enter a real date, like 2026-06-01."))


def submit_once(operation, done):
    """Run `operation()` at most once for this form's token, then redirect.

    `done(result)` gives (address, message) and runs in the same transaction, so
    a repeated submission gets the same answer as the first one.
    """
    token = request.form.get(FORM_TOKEN, "")
    if not _TOKEN_PATTERN.match(token):
        raise ValidationFailed.field("form", _("Something went wrong with this form. Please check "
                                               "the details and send it again."))
    body = {name: request.form.getlist(name) for name in sorted(request.form)
            if name not in _IGNORED}
    try:
        answer = idempotency.run_once(
            user_id=current_user.user.id, key=f"form:{token}",
            request_hash=idempotency.request_fingerprint("POST", request.path, body),
            operation=operation,
            render=lambda result: (303, dict(zip(("location", "message"), done(result),
                                                 strict=True))),
            now=now())
    except IdempotencyKeyReused as error:
        raise ValidationFailed.field("form", _(
            "This form was already sent, with other details. Check what was saved, then "
            "send the form again if you meant to add something new.")) from error
    if answer.body.get("message"):
        flash(answer.body["message"], "success")
    return redirect(answer.body["location"], 303)


@bp.app_template_global("new_form_token")
def _template_form_token():
    return new_form_token()
