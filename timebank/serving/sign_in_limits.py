"""Sign-in throttling shared by the sign-in page and POST /api/v1/tokens.

Failures (401s) count twice: per client address and per account (the email tried). From an
address the account's owner has signed in from recently, only the per-address limit applies,
so an attacker's failures can't lock the owner out while they still slow the attacker down.
The client address is the real one behind TRUSTED_PROXIES (see proxies.py).
"""

from flask import current_app
from flask_limiter.util import get_remote_address

from ..extensions import limiter
from ..models._types import utcnow
from ..services import sign_in_addresses


def _failed(response):
    return response.status_code == 401


def throttled(limit_setting, *, email_of, prefix):
    """Decorate a sign-in view; `email_of()` reads the email tried from the request."""

    def limit():
        return current_app.config[limit_setting]

    def account_key():
        email = email_of()
        return f"{prefix}:{str(email).strip().lower()[:254]}" if email else f"{prefix}:-"

    def known_address():
        return sign_in_addresses.is_known(
            email_of(), get_remote_address(), secret=current_app.secret_key,
            days=current_app.config["KNOWN_ADDRESS_DAYS"], now=utcnow())

    def decorate(view):
        view = limiter.limit(limit, methods=["POST"], key_func=account_key,
                             deduct_when=_failed, exempt_when=known_address)(view)
        return limiter.limit(limit, methods=["POST"], deduct_when=_failed)(view)

    return decorate


def remember_success(user_id, *, now):
    """After a successful sign-in: this address is now known for this user."""
    sign_in_addresses.remember(user_id, get_remote_address(), secret=current_app.secret_key,
                               now=now)
