"""For platform admins: create a time bank with its first coordinator."""

from functools import wraps

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...models._types import utcnow
from ...services import coordination, policy
from ...services.errors import IdempotencyKeyReused, ServiceError
from .. import bp
from ..forms.coordinate import NewBankForm
from ..forms.once import new_token, out_of_date, posted_token, run_once
from .common import actor, forbidden


def admin_page(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        member = current_user.member
        if member is None or not policy.can(member, "banks.create"):
            return forbidden()
        return view(*args, **kwargs)

    return wrapper


def render_banks(form, errors=None, status=200, token=None):
    return render_template("coordinate/admin_banks.html", banks=coordination.all_banks(actor()),
                           form=form, errors=errors or {}, token=token or new_token()), status


@bp.get("/admin/banks")
@admin_page
def admin_banks():
    return render_banks({"group": "professional"})


@bp.post("/admin/banks")
@admin_page
def admin_create_bank():
    posted = NewBankForm()
    form = {key: value for key, value in posted.typed().items() if key != "form_token"}
    data = dict(form, email=form["email"] or None, password=posted.password.data or "")
    token = posted_token()
    if token is None:
        return render_banks(form, out_of_date("name"), 422)
    me = actor()
    fingerprint = {k: v for k, v in data.items() if k != "password"}
    try:
        answer = run_once(
            "bank", token, fingerprint,
            lambda: coordination.create_bank_with_coordinator(
                me, slug=data["slug"], name=data["name"],
                coordinator_name=data["coordinator_name"], email=data["email"],
                password=data["password"], group=data["group"], now=utcnow()),
            lambda created: {"bank": created[0].name, "coordinator": created[1].name})
    except IdempotencyKeyReused:
        return render_banks(form, {"name": [_("This form was already sent with other details. "
                                              "Check the list of time banks.")]}, 409)
    except ServiceError as error:
        return render_banks(form, posted.refused_by(error, "name").problems(), 422, token)
    flash(_("Created %(bank)s. %(name)s can now sign in as its coordinator.",
            bank=answer.body["bank"], name=answer.body["coordinator"]), "success")
    return redirect(url_for("web.admin_banks"))
