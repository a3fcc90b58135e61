"""A member's profile: what I can bring first, then name, language and password."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ...extensions import limiter
from ...services import auth, members
from ...services.errors import ValidationFailed
from .. import bp
from ..forms.member import PasswordForm, ProfileForm
from ..session import SignedIn
from .common import actor, member_page, now


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
    form = ProfileForm()
    if not form.check():
        return _page(form.typed(), errors=form.problems())
    try:
        members.update(actor(), actor().id, {"name": form.name.data, "skills": form.skills.data,
                                             "birth_year": members.birth_year_from_text(
                                                 form.birth_year.data, now().date())},
                       now=now())
    except ValidationFailed as error:
        return _page(form.typed(), errors=form.refused_by(error, "form").problems())
    members.set_language(current_user.user.id, form.language.data, now=now())
    session["language"] = form.language.data
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
    form = PasswordForm()
    if form.check():
        try:
            user = auth.change_password(current_user.user.id,
                                        current_password=form.current_password.data,
                                        new_password=form.new_password.data, now=now())
        except ValidationFailed as error:
            form.refused_by(error, "form")
    if form.problems():
        return _page(password_errors=form.problems())
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    login_user(SignedIn(user))
    flash(_("Your password is changed. Anyone signed in as you elsewhere has been signed out."),
          "success")
    return redirect(url_for("web.profile"), 303)
