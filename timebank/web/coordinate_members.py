"""Members for coordinators: the list with balances and alerts, one member's page (their
membership, limits and statement) and adding someone, online or not."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from .. import schemas
from ..models import GROUPS, ROLES, STATUSES
from ..models._types import utcnow
from ..services import alerts, coordination, members, statements
from ..services.errors import IdempotencyKeyReused, ServiceError
from . import bp
from .accounts import link_to
from .coordinate_common import (
    actor,
    coordinator_page,
    duration_form,
    field_errors,
    member_choices,
    new_token,
    out_of_date,
    page_number,
    posted_token,
    read_choice,
    read_duration,
    run_once,
    schema_errors,
    text,
)


def _filters():
    args = request.args
    found = {"q": (args.get("q") or "").strip()[:100] or None}
    for key, allowed in (("group", GROUPS), ("role", ROLES), ("status", STATUSES)):
        found[key] = args.get(key) if args.get(key) in allowed else None
    return found


@bp.get("/coordinate/members")
@coordinator_page
def coordinate_members():
    me = actor()
    filters = _filters()
    page = members.list_members(me, page=page_number(), per_page=25, **filters)
    found = alerts.member_alerts(me, page.items, now=utcnow())
    return render_template("coordinate/members.html", page=page, alerts=found,
                           filters=filters, params={k: v for k, v in filters.items() if v},
                           groups=GROUPS, roles=ROLES, statuses=STATUSES)


# --- one member ------------------------------------------------------------------------------

def _member_form(member):
    account = member.account
    below_hours, below_mins = duration_form(max(0, -account.floor_minutes))
    ceiling_hours, ceiling_mins = duration_form(account.ceiling_minutes)
    return {"name": member.name, "birth_year": member.birth_year,
            "group": member.group, "role": member.role,
            "status": member.status, "below_hours": below_hours, "below_mins": below_mins,
            "ceiling_hours": ceiling_hours, "ceiling_mins": ceiling_mins}


def render_member(member_id, form=None, errors=None, status=200):
    me = actor()
    member = members.get(me, member_id)
    page = statements.statement(me, member_id, page=page_number(), per_page=20)
    names = coordination.names(me, [row["counterparty_id"] for row in page.items])
    return render_template(
        "coordinate/member.html", member=member, form=_member_form(member) | (form or {}),
        errors=errors or {}, statement=page, names=names,
        alerts=alerts.member_alerts(me, [member], now=utcnow()).get(member.id, []),
        choices=member_choices()), status


@bp.get("/coordinate/members/<int:member_id>")
@coordinator_page
def coordinate_member(member_id):
    return render_member(member_id)


@bp.post("/coordinate/members/<int:member_id>")
@coordinator_page
def coordinate_change_member(member_id):
    me = actor()
    member = members.get(me, member_id)
    keys = ("name", "birth_year", "group", "role", "status", "below_hours", "below_mins",
            "ceiling_hours", "ceiling_mins", "reason")
    form = {key: request.form.get(key, "") for key in keys}
    errors = {}
    changes = {"name": text("name"),
               "group": read_choice("group", GROUPS, errors),
               "role": read_choice("role", ROLES, errors),
               "status": read_choice("status", STATUSES, errors)}
    _read_birth_year(changes, errors)
    below = read_duration("below", errors)
    shown_below = max(0, -member.account.floor_minutes)
    if below is not None and below != shown_below:
        changes["floor_minutes"] = -below
    ceiling = read_duration("ceiling", errors, required=False)
    changes["ceiling_minutes"] = ceiling
    if not errors:
        try:
            schemas.MemberPatch().load(changes)
        except ValidationError as error:
            errors = schema_errors(error, rename={"floor_minutes": "below",
                                                  "ceiling_minutes": "ceiling"})
    if errors:
        return render_member(member_id, form, errors, 422)
    try:
        member, changed = coordination.manage_member(me, member_id, changes,
                                                     reason=text("reason"), now=utcnow())
    except ServiceError as error:
        found = field_errors(error, "status")
        found = {{"floor_minutes": "below", "ceiling_minutes": "ceiling"}.get(k, k): v
                 for k, v in found.items()}
        return render_member(member_id, form, found, 422)
    if changed:
        flash(_("Saved the changes to %(name)s.", name=member.name), "success")
    else:
        flash(_("Nothing was changed."), "success")
    return redirect(url_for("web.coordinate_member", member_id=member_id))


def _read_birth_year(changes, errors):
    try:
        changes["birth_year"] = members.birth_year_from_text(text("birth_year"), utcnow().date())
    except ServiceError as error:
        errors.update(field_errors(error, "birth_year"))


# --- adding a member ------------------------------------------------------------------------

def render_new(form, errors=None, status=200, token=None):
    return render_template("coordinate/new_member.html", form=form, errors=errors or {},
                           token=token or new_token(), choices=member_choices()), status


@bp.get("/coordinate/members/new")
@coordinator_page
def coordinate_new_member():
    return render_new({"group": "citizen", "role": "member"})


@bp.post("/coordinate/members/new")
@coordinator_page
def coordinate_new_member_post():
    form = {key: request.form.get(key, "") for key in ("name", "email", "group", "role",
                                                        "skills", "birth_year")}
    raw = {"name": text("name"), "email": text("email") or None, "group": text("group"),
           "role": text("role") or "member", "skills": text("skills"),
           "password": request.form.get("password") or None}
    errors = {}
    try:
        data = schemas.MemberCreate().load(raw)
    except ValidationError as error:
        errors = schema_errors(error)
    birth = {}
    _read_birth_year(birth, errors)
    if not errors:
        data["birth_year"] = birth["birth_year"]
    token = posted_token()
    if errors:
        return render_new(form, errors, 422, token)
    if token is None:
        return render_new(form, out_of_date("name"), 422)
    me = actor()
    fingerprint = {k: v for k, v in data.items() if k != "password"}
    try:
        answer = run_once("member", token, fingerprint,
                          lambda: members.create_by(
                              me, now=utcnow(),
                              invitation_link=link_to("web.accept_invitation"), **data),
                          lambda member: {"member_id": member.id, "name": member.name})
    except IdempotencyKeyReused:
        return render_new(form, {"name": [_("This form was already sent with other details. "
                                            "Check the members list first.")]}, 409)
    except ServiceError as error:
        return render_new(form, field_errors(error, "name"), 422, token)
    if answer.replayed:
        flash(_("%(name)s was already added; they have not been added twice.",
                name=answer.body["name"]), "success")
    else:
        flash(_("Added %(name)s. They are an active member now.", name=answer.body["name"]),
              "success")
    return redirect(url_for("web.coordinate_member", member_id=answer.body["member_id"]))
