"""Members for coordinators: the list with balances and alerts, one member's page (their
membership, limits and statement) and adding someone, online or not."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...models import GROUPS, ROLES, STATUSES
from ...models._types import utcnow
from ...services import alerts, coordination, members, statements
from ...services.errors import IdempotencyKeyReused, ServiceError
from .. import bp
from ..accounts import link_to
from ..forms.coordinate import MemberChangeForm, MemberFilterForm, NewMemberForm
from ..forms.fields import duration_boxes
from ..forms.once import new_token, out_of_date, posted_token, run_once
from .common import actor, coordinator_page, member_choices, page_number

LIMIT_FIELDS = {"floor_minutes": "below", "ceiling_minutes": "ceiling"}


def _filters():
    return MemberFilterForm.from_query().filters()


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
    below_hours, below_mins = duration_boxes(max(0, -account.floor_minutes))
    ceiling_hours, ceiling_mins = duration_boxes(account.ceiling_minutes)
    return {"name": member.name, "birth_year": member.birth_year or "",
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
    posted = MemberChangeForm()
    form = posted.typed()
    if not posted.check():
        return render_member(member_id, form, posted.problems(), 422)
    changes = {"name": posted.name.data, "group": posted.group.data, "role": posted.role.data,
               "status": posted.status.data, "ceiling_minutes": posted.ceiling.minutes,
               "birth_year": _birth_year(posted)}
    if posted.below.minutes != max(0, -member.account.floor_minutes):
        changes["floor_minutes"] = -posted.below.minutes
    try:
        member, changed = coordination.manage_member(me, member_id, changes,
                                                     reason=posted.reason.data, now=utcnow())
    except ServiceError as error:
        return render_member(member_id, form,
                             posted.refused_by(error, "status", LIMIT_FIELDS).problems(), 422)
    if changed:
        flash(_("Saved the changes to %(name)s.", name=member.name), "success")
    else:
        flash(_("Nothing was changed."), "success")
    return redirect(url_for("web.coordinate_member", member_id=member_id))


def _birth_year(posted):
    """The year of birth of a checked form (its BirthYear check has passed)."""
    return members.birth_year_from_text(posted.birth_year.data, utcnow().date())


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
    posted = NewMemberForm()
    form = posted.typed()
    token = posted_token()
    if not posted.check():
        return render_new(form, posted.problems(), 422, token)
    data = {"name": posted.name.data, "email": posted.email.data or None,
            "group": posted.group.data, "role": posted.role.data,
            "password": posted.password.data or None, "skills": posted.skills.data,
            "birth_year": _birth_year(posted)}
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
        return render_new(form, posted.refused_by(error, "name").problems(), 422, token)
    if answer.replayed:
        flash(_("%(name)s was already added; they have not been added twice.",
                name=answer.body["name"]), "success")
    else:
        flash(_("Added %(name)s. They are an active member now.", name=answer.body["name"]),
              "success")
    return redirect(url_for("web.coordinate_member", member_id=answer.body["member_id"]))
