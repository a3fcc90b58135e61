"""Getting back into an account: forgotten password, e-mail confirmation, invitations.

Every link carries a single-use token; pages that use one change something only
on POST, so a mail scanner that opens the link spends nothing.
"""

import datetime as dt

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..extensions import limiter
from ..models._types import utcnow
from ..services import account_links, outbox
from ..services.errors import ServiceError
from . import bp
from .forms.accounts import ForgotPasswordForm, NewPasswordForm


def link_to(endpoint) -> str:
    """The full address of a page that takes a token, with the outbox's mark in its place."""
    return url_for(endpoint, token=outbox.TOKEN_MARK, _external=True)


def reset_lifetime():
    return dt.timedelta(minutes=current_app.config.get("PASSWORD_RESET_MINUTES", 60))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    errors, email = {}, ""
    if request.method == "POST":
        email = ForgotPasswordForm().email.data or ""
        try:
            account_links.request_password_reset(
                email, link=link_to("web.reset_password"), now=utcnow(),
                lifetime=reset_lifetime())
        except ServiceError as error:
            errors = error.errors or {"email": [error.message]}
            return render_template("auth/forgot_password.html", errors=errors, email=email), 422
        return render_template("auth/reset_sent.html", email=email)
    return render_template("auth/forgot_password.html", errors=errors, email=email)


def _expired():
    return render_template("auth/link_expired.html"), 410


def _password_page(template, token, purpose, accept, done_message):
    now = utcnow()
    try:
        link = account_links.find(token, purpose, now=now)
    except ServiceError:
        return _expired()
    errors = {}
    if request.method == "POST":
        form = NewPasswordForm()
        if not form.check():
            errors = form.problems()
        else:
            try:
                accept(token, form.password.data, now=now)
            except ServiceError as error:
                if "token" in error.errors:
                    return _expired()
                errors = error.errors or {"password": [error.message]}
        if errors:
            return render_template(template, errors=errors, member=link.user.member), 422
        flash(done_message, "success")
        return redirect(url_for("web.sign_in"))
    return render_template(template, errors=errors, member=link.user.member)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token):
    return _password_page("auth/reset_password.html", token, "reset",
                          account_links.reset_password,
                          _("Your new password is saved. Please sign in with it."))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    return _password_page("auth/invitation.html", token, "invite",
                          account_links.accept_invitation,
                          _("Your password is saved. Welcome! Please sign in."))


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
def verify_email(token):
    now = utcnow()
    try:
        account_links.find(token, "verify", now=now)
        if request.method == "POST":
            account_links.verify_email(token, now=now)
            return render_template("auth/email_verified.html")
    except ServiceError:
        return _expired()
    return render_template("auth/verify_email.html")
