"""POST /tokens: trade an email and password for a bearer token; DELETE to revoke it."""

from flask import current_app, request

from .. import schemas
from ..extensions import limiter
from ..services import auth
from . import bp
from .endpoint import bearer_token, endpoint, parse_json_body


def _email_key():
    body = parse_json_body() if request.mimetype == "application/json" else None
    email = body.get("email") if isinstance(body, dict) else None
    return f"email:{str(email).strip().lower()[:254]}" if email else "email:-"


def _failed(response):
    return response.status_code == 401


def _limit():
    return current_app.config["TOKEN_FAILURE_LIMIT"]


@bp.post("/tokens")
@limiter.limit(_limit, deduct_when=_failed)
@limiter.limit(_limit, key_func=_email_key, deduct_when=_failed)
@endpoint("Get an API token", tag="tokens", body=schemas.TokenRequest,
          response=schemas.TokenResponse, status=201, errors=(401, 403, 429),
          auth_required=False,
          description="Repeated failures for one email address or from one address "
                      "are refused with 429 for a while.")
def create_token(data, now):
    token, expires_at = auth.issue_token(
        data["email"], data["password"], hours=current_app.config["API_TOKEN_HOURS"], now=now)
    return {"token": token, "expires_at": expires_at}


@bp.delete("/tokens/current")
@endpoint("Revoke the token used for this request", tag="tokens", status=204)
def revoke_token(actor, now):
    auth.revoke_token(bearer_token(), now=now)
    return current_app.response_class(status=204)
