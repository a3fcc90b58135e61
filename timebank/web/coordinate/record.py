"""Recording time for members who are not online: posted at once, never twice."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...models._types import utcnow
from ...services import coordination, exchanges
from ...services.errors import IdempotencyKeyReused, LimitExceeded, ServiceError
from .. import bp
from ..forms.coordinate import RecordForm
from ..forms.once import new_token, out_of_date, posted_token, run_once
from .common import (
    activity_options,
    actor,
    category_options,
    coordinator_page,
    member_options,
)
from .exchanges import limit_message


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


def _read(form):
    return {
        "provider_id": form.provider_id.number, "receiver_id": form.receiver_id.number,
        "minutes": form.minutes.minutes, "occurred_on": form.occurred_on.day,
        "category": form.category.data or None, "activity_id": form.activity_id.number,
        "description": form.description.data,
    }


@bp.post("/coordinate/record")
@coordinator_page
def coordinate_record_post():
    posted = RecordForm()
    form = posted.typed()
    token = posted_token()
    if not posted.check():
        return render_record(form, posted.problems(), 422, token)
    data = _read(posted)
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
        return render_record(form, posted.refused_by(error, "provider_id").problems(), 422,
                             token)
    exchange_id = answer.body["exchange_id"]
    if answer.replayed:
        flash(_("This was already recorded; it has not been recorded twice."), "success")
    else:
        flash(_("Recorded and posted."), "success")
    return redirect(url_for("web.coordinate_exchange", exchange_id=exchange_id))
