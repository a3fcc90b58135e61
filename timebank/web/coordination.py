"""Coordinator pages. New members wait here for approval."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..models._types import utcnow
from ..services import members
from ..services.errors import ServiceError
from . import bp


@bp.get("/coordinate/new-members")
@login_required
def pending_members():
    page = members.pending(current_user.member)
    return render_template("coordinate/pending_members.html", page=page)


@bp.post("/coordinate/new-members/<int:member_id>/approve")
@login_required
def approve_member(member_id):
    try:
        member = members.approve(current_user.member, member_id, now=utcnow())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("%(name)s can now sign in and take part.", name=member.name), "success")
    return redirect(url_for("web.pending_members"))
