"""A member's profile: what I can bring first, then name, language and password."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from .. import schemas
from ..extensions import limiter
from ..services import auth, members
from ..services.errors import ValidationFailed
from . import bp
from .member_common import actor, member_page, now
from .member_forms import check_shape, errors_of, values
from .session import SignedIn


def _page(form=None, errors=None, password_errors=None):
    me = actor()
    form = form or {"name": me.name, "skills": me.skills, "birth_year": me.birth_year,
                    "language": current_user.user.language or session.get("language", "en")}
    status = 422 if errors or password_errors else 200
    return render_template("member/profile.html", member=me, form=form, errors=errors or {},
                           password_errors=password_errors or {}), status


@bp.route("/profile", methods=["GET", "POST"])
@member_page
def profile():
    if request.method == "GET":
        return _page()
    form = values("name", "skills", "language", "birth_year")
    try:
        check_shape(schemas.MemberPatch, form, ("name", "skills"))
        if form["language"] not in current_app.config["LANGUAGES"]:
            raise ValidationFailed.field("language", _("Choose English or Cymraeg."))
        birth_year = members.birth_year_from_text(form["birth_year"], now().date())
        members.update(actor(), actor().id, {"name": form["name"], "skills": form["skills"],
                                             "birth_year": birth_year}, now=now())
    except ValidationFailed as error:
        return _page(form, errors=errors_of(error))
    members.set_language(current_user.user.id, form["language"], now=now())
    session["language"] = form["language"]
    flash(_("Your profile is saved."), "success")
    return redirect(url_for("web.profile"), 303)


def _password_limit():
    return current_app.config["SIGNIN_FAILURE_LIMIT"]


def _user_key():
    return f"password:{current_user.get_id() if current_user.is_authenticated else ''}"


@bp.post("/profile/password")
@limiter.limit(_password_limit, key_func=_user_key, deduct_when=lambda r: r.status_code == 422)
@member_page
def change_password():
    current = request.form.get("current_password") or ""
    new = request.form.get("new_password") or ""
    errors = {}
    if not current:
        errors["current_password"] = [_("Enter your current password.")]
    if new != (request.form.get("new_password_again") or ""):
        errors["new_password_again"] = [_("The two new passwords are not the same.")]
    if not errors:
        try:
            user = auth.change_password(current_user.user.id, current_password=current,
                                        new_password=new, now=now())
        except ValidationFailed as error:
            errors = errors_of(error)
    if errors:
        return _page(password_errors=errors)
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    login_user(SignedIn(user))
    flash(_("Your password is changed. Anyone signed in as you elsewhere has been signed out."),
          "success")
    return redirect(url_for("web.profile"), 303)
