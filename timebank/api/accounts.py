"""Password reset by e-mail: ask for a link, then set a new password with its token."""

import datetime as dt

from flask import current_app, url_for
from flask_babel import gettext as _

from .. import schemas
from ..extensions import limiter
from ..services import account_links, outbox
from . import bp
from .endpoint import endpoint


@bp.post("/password-reset")
@limiter.limit("10 per hour")
@endpoint("Ask for a link to choose a new password", tag="tokens",
          body=schemas.PasswordResetRequest, response=schemas.PasswordResetAccepted,
          status=202, errors=(429,), auth_required=False,
          description="The answer is the same whether or not the address has an account; "
                      "if it has, a single-use link that expires soon is sent to it.")
def request_password_reset(data, now):
    minutes = current_app.config.get("PASSWORD_RESET_MINUTES", 60)
    account_links.request_password_reset(
        data["email"], now=now, lifetime=dt.timedelta(minutes=minutes),
        link=url_for("web.reset_password", token=outbox.TOKEN_MARK, _external=True))
    return {"detail": _("If this address belongs to an account, a link to choose a new "
                        "password is on its way to it.")}


@bp.post("/password-reset/confirm")
@endpoint("Choose a new password with the token from a reset link", tag="tokens",
          body=schemas.PasswordResetConfirm, status=204, auth_required=False,
          description="A used or expired token is refused with 422 naming `token`. Every "
                      "session ends and every API token of the account is revoked.")
def confirm_password_reset(data, now):
    account_links.reset_password(data["token"], data["password"], now=now)
    return current_app.response_class(status=204)
