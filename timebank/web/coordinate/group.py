"""Group credits for an activity session, and the community pool with its grants.

The member list is searchable without JavaScript: "Search" sends the form back
with everything kept, showing the ticked members and those that match.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...models._types import utcnow
from ...services import coordination, group_credits, pool
from ...services.errors import IdempotencyKeyReused, ServiceError
from .. import bp
from ..filters import hours
from ..forms.coordinate import GrantForm, GroupCreditForm
from ..forms.once import new_token, out_of_date, posted_token, run_once
from .common import activity_options, actor, coordinator_page, member_options
from .exchanges import limit_message

SHOWN = 100


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


def _read(form):
    return {"from_account": form.source(), "direction": form.direction.data,
            "member_ids": form.member_ids.data, "minutes": form.minutes.minutes,
            "occurred_on": form.occurred_on.day, "activity_id": form.activity_id.number,
            "description": form.description.data}


@bp.post("/coordinate/group-credit")
@coordinator_page
def coordinate_group_credit_post():
    posted = GroupCreditForm()
    form = posted.typed()
    ticked = posted.member_ids.data
    token = posted_token()
    if posted.action.data == "search":
        return render_group(form, ticked, token=token)
    if not posted.check():
        return render_group(form, ticked, posted.problems(), 422, token)
    data = _read(posted)
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
        return render_group(form, ticked, posted.refused_by(error, "member_ids").problems(),
                            422, token)
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
    posted = GrantForm()
    form = posted.typed()
    token = posted_token()
    if not posted.check():
        return render_pool(form, posted.problems(), 422, token)
    data = {"member_id": posted.member_id.number, "minutes": posted.minutes.minutes,
            "description": posted.description.data}
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
        return render_pool(form, posted.refused_by(error, "member_id").problems(), 422, token)
    if answer.replayed:
        flash(_("This grant was already made; it has not been made twice."), "success")
    else:
        flash(_("Granted %(time)s from the pool.", time=hours(answer.body["minutes"])),
              "success")
    return redirect(url_for("web.coordinate_pool"))
