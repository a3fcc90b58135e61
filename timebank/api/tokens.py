"""POST /tokens: trade an email and password for a bearer token; DELETE to revoke it."""

from flask import current_app, request

from .. import schemas
from ..services import auth
from ..serving import sign_in_limits
from . import bp
from .endpoint import bearer_token, endpoint, parse_json_body


def _email():
    body = parse_json_body() if request.mimetype == "application/json" else None
    return body.get("email") if isinstance(body, dict) else None


@bp.post("/tokens")
@sign_in_limits.throttled("TOKEN_FAILURE_LIMIT", email_of=_email, prefix="email")
@endpoint("Get an API token", tag="tokens", body=schemas.TokenRequest,
          response=schemas.TokenResponse, status=201, errors=(401, 403, 429),
          auth_required=False,
          description="Repeated failures from one address, or for one email address from "
                      "addresses it hasn't signed in from before, are refused with 429 for a while.")
def create_token(data, now):
    user = auth.check_credentials(data["email"], data["password"], now=now)
    token, expires_at = auth.create_token(user.id, hours=current_app.config["API_TOKEN_HOURS"],
                                          now=now)
    sign_in_limits.remember_success(user.id, now=now)
    return {"token": token, "expires_at": expires_at}


@bp.delete("/tokens/current")
@endpoint("Revoke the token used for this request", tag="tokens", status=204)
def revoke_token(actor, now):
    auth.revoke_token(bearer_token(), now=now)
    return current_app.response_class(status=204)
