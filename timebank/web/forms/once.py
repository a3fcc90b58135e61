"""Forms that post exactly once.

A form that creates something carries a random `form_token`. Its submission
runs through `services.idempotency.run_once` keyed by that token, so a second
submission of the same form (a double click, a reload) does not create a
second exchange, listing, member or donation: it is answered like the first one.
"""

import re
import secrets

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from ...models._types import utcnow
from ...services import idempotency
from ...services.errors import IdempotencyKeyReused, ValidationFailed
from .. import bp

FORM_TOKEN = "form_token"
_TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_IGNORED = {"csrf_token", FORM_TOKEN}


def new_token():
    return secrets.token_urlsafe(24)


@bp.app_template_global("new_form_token")
def _template_form_token():
    return new_token()


def posted_token():
    """The form's token as sent, or None when it is missing or not one."""
    token = (request.form.get(FORM_TOKEN) or "").strip()
    return token if 16 <= len(token) <= 64 else None


def out_of_date(field: str) -> dict:
    """The errors for a form sent without a valid form token, shown at `field`."""
    return {field: [_("This form is out of date. Check the details and send it again.")]}


def submit_once(operation, done):
    """Run `operation()` at most once for this form's token, then redirect (member pages).

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
            now=utcnow())
    except IdempotencyKeyReused as error:
        raise ValidationFailed.field("form", _(
            "This form was already sent, with other details. Check what was saved, then "
            "send the form again if you meant to add something new.")) from error
    if answer.body.get("message"):
        flash(answer.body["message"], "success")
    return redirect(answer.body["location"], 303)


def run_once(kind, token, fields, operation, answer):
    """Do `operation()` at most once for this form token (invariant I7), coordinator pages.

    `answer(result)` is the small dict kept and returned again when the same
    form is sent twice; the returned Answer says whether it was replayed.
    """
    fingerprint = idempotency.request_fingerprint("POST", request.path, fields)
    return idempotency.run_once(
        user_id=current_user.user.id, key=f"web:{kind}:{token}", request_hash=fingerprint,
        operation=operation, render=lambda result: (201, answer(result)), now=utcnow())
