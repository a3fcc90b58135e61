"""Group credits for an activity session, and the community pool with its grants.

The member list is searchable without JavaScript: "Search" sends the form back
with everything kept, showing the ticked members and those that match.
"""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from .. import schemas
from ..models._types import utcnow
from ..services import coordination, group_credits, pool
from ..services.errors import IdempotencyKeyReused, ServiceError
from . import bp
from .coordinate_common import (
    activity_options,
    actor,
    coordinator_page,
    field_errors,
    member_options,
    new_token,
    out_of_date,
    posted_token,
    read_choice,
    read_date,
    read_duration,
    read_int,
    run_once,
    schema_errors,
    text,
)
from .coordinate_exchanges import limit_message
from .filters import hours

SHOWN = 100
DIRECTIONS = ("members_gave", "members_received")


def _ticked():
    return [int(v) for v in request.form.getlist("member_ids") if v.isdigit() and len(v) < 10]


def render_group(form, ticked=(), errors=None, status=200, token=None):
    me = actor()
    everyone = coordination.people(me)
    q = form.get("q", "")
    matches = coordination.people(me, q=q, limit=SHOWN) if q else everyone[:SHOWN]
    chosen = [p for p in everyone if p.id in ticked]
    listed = chosen + [p for p in matches if p.id not in ticked]
    sources = [("pool", _("The community pool"))] + [
        (str(p.id), p.name) for p in everyone if p.group == "organisation"]
    return render_template(
        "coordinate/group_credit.html", form=form, ticked=set(ticked), listed=listed,
        more=len(everyone) - len(listed), errors=errors or {}, token=token or new_token(),
        sources=sources, activities=activity_options(me),
    ), status


@bp.get("/coordinate/group-credit")
@coordinator_page
def coordinate_group_credit():
    return render_group({"occurred_on": utcnow().date().isoformat(),
                         "direction": "members_gave", "from_account": "pool"})


def _read(errors):
    source = text("from_account")
    if source != "pool":
        source = read_int("from_account", errors,
                          message=_("Choose the organisation, or the community pool."))
    data = {
        "from_account": source,
        "direction": read_choice("direction", DIRECTIONS, errors),
        "member_ids": _ticked(),
        "minutes": read_duration("minutes", errors),
        "occurred_on": read_date("occurred_on", errors),
        "activity_id": read_int("activity_id", errors, required=False),
        "description": text("description"),
    }
    if not data["member_ids"]:
        errors["member_ids"] = [_("Tick at least one member.")]
    checked = {k: v for k, v in data.items() if v is not None and k not in errors}
    if "occurred_on" in checked:
        checked["occurred_on"] = checked["occurred_on"].isoformat()
    try:
        data.update(schemas.GroupCreditCreate(partial=True).load(checked))
    except ValidationError as error:
        for key, messages in schema_errors(error).items():
            errors.setdefault(key.split(".")[0], messages)
    return data


@bp.post("/coordinate/group-credit")
@coordinator_page
def coordinate_group_credit_post():
    keys = ("q", "from_account", "direction", "minutes_hours", "minutes_mins", "occurred_on",
            "activity_id", "description")
    form = {key: request.form.get(key, "") for key in keys}
    ticked = _ticked()
    token = posted_token()
    if request.form.get("action") == "search":
        return render_group(form, ticked, token=token)
    errors = {}
    data = _read(errors)
    if errors:
        return render_group(form, ticked, errors, 422, token)
    if token is None:
        return render_group(form, ticked, out_of_date("member_ids"), 422)
    me = actor()
    try:
        answer = run_once("group-credit", token, data,
                          lambda: group_credits.record(me, now=utcnow(), **data),
                          lambda result: {"entry_id": result["entry_id"],
                                          "members": len(result["member_ids"]),
                                          "minutes": result["minutes"]})
    except IdempotencyKeyReused:
        return render_group(form, ticked, {"member_ids": [_(
            "This form was already sent with other details. Check the audit log before "
            "recording it again.")]}, 409)
    except ServiceError as error:
        if error.code == "credit_limit_exceeded":
            return render_group(form, ticked, {"member_ids": [limit_message(error)]}, 409, token)
        return render_group(form, ticked, field_errors(error, "member_ids"), 422, token)
    body = answer.body
    if answer.replayed:
        flash(_("This session was already recorded; it has not been recorded twice."), "success")
    else:
        flash(_("Recorded one entry: %(count)d members, %(time)s each.", count=body["members"],
                time=hours(body["minutes"])), "success")
    return redirect(url_for("web.coordinate_group_credit"))


# --- the community pool ---------------------------------------------------------------------

def render_pool(form, errors=None, status=200, token=None):
    me = actor()
    return render_template(
        "coordinate/pool.html", pool=pool.view(me), form=form, errors=errors or {},
        token=token or new_token(), people=member_options(coordination.people(me)),
    ), status


@bp.get("/coordinate/pool")
@coordinator_page
def coordinate_pool():
    return render_pool({})


@bp.post("/coordinate/pool")
@coordinator_page
def coordinate_pool_grant():
    form = {key: request.form.get(key, "")
            for key in ("member_id", "minutes_hours", "minutes_mins", "description")}
    errors = {}
    data = {"member_id": read_int("member_id", errors, message=_("Choose who receives it.")),
            "minutes": read_duration("minutes", errors),
            "description": text("description")}
    if not data["description"]:
        errors["description"] = [_("Say what the time is for; it is kept in the audit log.")]
    if not errors:
        try:
            data = schemas.GrantCreate().load(data)
        except ValidationError as error:
            errors = schema_errors(error)
    token = posted_token()
    if errors:
        return render_pool(form, errors, 422, token)
    if token is None:
        return render_pool(form, out_of_date("member_id"), 422)
    me = actor()
    try:
        answer = run_once("grant", token, data, lambda: pool.grant(me, now=utcnow(), **data),
                          lambda result: {"entry_id": result["entry_id"],
                                          "minutes": result["minutes"]})
    except IdempotencyKeyReused:
        return render_pool(form, {"member_id": [_(
            "This form was already sent with other details. Check the pool before granting "
            "again.")]}, 409)
    except ServiceError as error:
        if error.code == "credit_limit_exceeded":
            return render_pool(form, {"minutes": [limit_message(error)]}, 409, token)
        return render_pool(form, field_errors(error, "member_id"), 422, token)
    if answer.replayed:
        flash(_("This grant was already made; it has not been made twice."), "success")
    else:
        flash(_("Granted %(time)s from the pool.", time=hours(answer.body["minutes"])),
              "success")
    return redirect(url_for("web.coordinate_pool"))
