"""Recording time for members who are not online: posted at once, never twice."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from .. import schemas
from ..models._types import utcnow
from ..services import coordination, exchanges
from ..services.errors import IdempotencyKeyReused, LimitExceeded, ServiceError
from . import bp
from .coordinate_common import (
    activity_options,
    actor,
    category_options,
    coordinator_page,
    field_errors,
    member_options,
    new_token,
    out_of_date,
    posted_token,
    read_date,
    read_duration,
    read_int,
    run_once,
    schema_errors,
    text,
)
from .coordinate_exchanges import limit_message

FIELDS = ("provider_id", "receiver_id", "minutes_hours", "minutes_mins", "occurred_on",
          "category", "activity_id", "description")


def render_record(form, errors=None, status=200, token=None):
    me = actor()
    return render_template(
        "coordinate/record.html", form=form, errors=errors or {}, token=token or new_token(),
        people=member_options(coordination.people(me)), categories=category_options(me),
        activities=activity_options(me),
    ), status


@bp.get("/coordinate/record")
@coordinator_page
def coordinate_record():
    form = {"occurred_on": utcnow().date().isoformat()}
    for key in ("provider_id", "receiver_id"):
        if request.args.get(key, "").isdigit():
            form[key] = request.args[key]
    return render_record(form)


def _read(errors):
    data = {
        "provider_id": read_int("provider_id", errors, message=_("Choose who gave the time.")),
        "receiver_id": read_int("receiver_id", errors,
                                message=_("Choose who received the time.")),
        "minutes": read_duration("minutes", errors),
        "occurred_on": read_date("occurred_on", errors),
        "category": text("category") or None,
        "activity_id": read_int("activity_id", errors, required=False),
        "description": text("description"),
    }
    checked = {key: value for key, value in data.items()
               if value is not None and key not in errors}
    if "occurred_on" in checked:
        checked["occurred_on"] = checked["occurred_on"].isoformat()
    try:
        loaded = schemas.ExchangeCreate(partial=True).load(checked)
    except ValidationError as error:
        for key, messages in schema_errors(error).items():
            errors.setdefault(key, messages)
    else:
        data.update(loaded)
    return data


@bp.post("/coordinate/record")
@coordinator_page
def coordinate_record_post():
    form = {key: request.form.get(key, "") for key in FIELDS}
    errors = {}
    data = _read(errors)
    token = posted_token()
    if errors:
        return render_record(form, errors, 422, token)
    if token is None:
        return render_record(form, out_of_date("provider_id"), 422)
    me = actor()
    try:
        answer = run_once(
            "exchange", token, data,
            lambda: exchanges.log(me, now=utcnow(), **data),
            lambda exchange: {"exchange_id": exchange.id})
    except LimitExceeded as error:
        field = "receiver_id"
        cause = error.__cause__
        if cause is not None and cause.change > 0:
            field = "provider_id"
        return render_record(form, {field: [limit_message(error)]}, 409, token)
    except IdempotencyKeyReused:
        return render_record(form, {"provider_id": [_(
            "This form was already sent with other details. Check the exchanges list before "
            "recording it again.")]}, 409)
    except ServiceError as error:
        return render_record(form, field_errors(error, "provider_id"), 422, token)
    exchange_id = answer.body["exchange_id"]
    if answer.replayed:
        flash(_("This was already recorded; it has not been recorded twice."), "success")
    else:
        flash(_("Recorded and posted."), "success")
    return redirect(url_for("web.coordinate_exchange", exchange_id=exchange_id))
