"""Signing in and out, and asking to join a bank."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..locales import current_language
from ..models._types import utcnow
from ..services import auth, banks, members, privacy
from ..services.errors import Forbidden, ServiceError, Unauthenticated
from ..serving import sign_in_limits
from . import bp
from .accounts import link_to
from .forms.accounts import RegisterForm, SignInForm
from .session import SignedIn


def safe_next(target, default):
    """Only redirect to a path on this site.

    Browsers read a backslash as a slash and drop tabs and newlines, so "/\\evil.example"
    or "/<tab>/evil.example" would leave the site: anything but a plain absolute path
    (printable, no backslash, not starting with "//") goes to `default`.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 33 or ord(ch) == 127 for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def _email():
    return SignInForm().email.data


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limits.throttled("SIGNIN_FAILURE_LIMIT", email_of=_email, prefix="signin")
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    errors, email = {}, ""
    if request.method == "POST":
        form = SignInForm()
        email, password = form.email.data, form.password.data
        if not form.check():
            errors = form.problems()
        else:
            now = utcnow()
            try:
                user = auth.check_credentials(email, password, now=now)
            except Unauthenticated:
                errors["email"] = [_("The email address or password is not right.")]
                return render_template("auth/sign_in.html", errors=errors, email=email), 401
            except Forbidden as refusal:
                errors["email"] = [refusal.message]
                return render_template("auth/sign_in.html", errors=errors, email=email), 403
            language = session.get("language")
            session.clear()
            if language:
                session["language"] = language
            login_user(SignedIn(user))
            auth.record_sign_in(user.id, now=now)
            sign_in_limits.remember_success(user.id, now=now)
            target = safe_next(request.args.get("next"), url_for("web.home"))
            if user.member is not None and privacy.needs_acceptance(user.member) is not None:
                return redirect(url_for("web.privacy_notice", next=target))
            return redirect(target)
        return render_template("auth/sign_in.html", errors=errors, email=email), 422
    return render_template("auth/sign_in.html", errors=errors, email=email)


@bp.post("/sign-out")
def sign_out():
    """End the session. Sessions live in signed cookies, so a copy of the cookie would stay
    valid: the user's session version moves on, which ends every session they have."""
    language = session.get("language")
    if current_user.is_authenticated:
        language = current_user.user.language or language
        auth.end_sessions(current_user.user.id, now=utcnow())
    logout_user()
    session.clear()
    if language:
        session["language"] = language  # the next page speaks the same language
    flash(_("You have signed out."), "success")
    return redirect(url_for("web.index"))


@bp.route("/join/<slug>", methods=["GET", "POST"])
def register(slug):
    try:
        bank = banks.get_bank(slug)
    except ServiceError:
        return render_template("errors/404.html"), 404
    errors, form = {}, {}
    if request.method == "POST":
        posted = RegisterForm()
        form = posted.typed()
        form.pop("privacy", None)
        try:
            birth_year = members.birth_year_from_text(form["birth_year"], utcnow().date())
            members.register(bank, name=form["name"], email=form["email"] or None,
                             password=posted.password.data or "",
                             group=form["group"] or "citizen", skills=form["skills"],
                             language=current_language(),
                             verify_link=link_to("web.verify_email"),
                             reset_link=link_to("web.reset_password"),
                             privacy_version=posted.privacy_version(), birth_year=birth_year,
                             now=utcnow())
        except ServiceError as error:
            errors = error.errors or {"name": [error.message]}
            return render_template("auth/register.html", bank=bank, errors=errors, form=form,
                                   notice=privacy.current(bank.id)), 422
        return render_template("auth/registered.html", bank=bank, name=form["name"])
    return render_template("auth/register.html", bank=bank, errors=errors, form=form,
                           notice=privacy.current(bank.id))


@bp.get("/language/<code>")
def set_language(code):
    if code in current_app.config["LANGUAGES"]:
        session["language"] = code
        if current_user.is_authenticated:
            members.set_language(current_user.user.id, code, now=utcnow())
    return redirect(safe_next(request.args.get("next"), url_for("web.index")))
