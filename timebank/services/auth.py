"""Signing in: passwords for people, hashed bearer tokens for API clients.

A token is shown once, when it is issued; the database keeps only its SHA-256
(tokens are long random strings, so a fast hash is enough, unlike passwords).
"""

import datetime as dt
import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import select, update

from ..extensions import db
from ..models import ApiToken, Member, User
from ..models.statuses import MemberStatus
from ..wording import statuses
from .errors import Forbidden, Unauthenticated, ValidationFailed
from .members import normalise_email
from .passwords import check_password, dummy_check, hash_password, password_problem
from .transaction import unit_of_work

TOKEN_PREFIX = "tb_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_credentials(email, password, *, now) -> User:
    """The user with this email and password, or Unauthenticated (same answer for both)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        dummy_check()
        raise Unauthenticated(_("The email address or password is not right."))
    if not check_password(user.password_hash, password):
        raise Unauthenticated(_("The email address or password is not right."))
    member = user.member
    if not user.is_admin and (member is None or member.status != MemberStatus.ACTIVE):
        raise Forbidden(statuses.membership_refusal(member.status if member else None))
    return user


def record_sign_in(user_id, *, now):
    with unit_of_work() as session:
        session.execute(update(User).where(User.id == user_id).values(last_login_at=now))


def end_sessions(user_id, *, now):
    """Sign the user out of every web session (their session version moves on)."""
    with unit_of_work() as session:
        session.execute(update(User).where(User.id == user_id)
                        .values(session_version=User.session_version + 1))


def issue_token(email, password, *, hours, now) -> tuple[str, dt.datetime]:
    """A new token for the user with this email and password (an active member or an admin)."""
    user = check_credentials(email, password, now=now)
    return create_token(user.id, hours=hours, now=now)


def create_token(user_id, *, hours, now) -> tuple[str, dt.datetime]:
    """A new bearer token for a user whose identity is already established; only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + dt.timedelta(hours=hours)
    with unit_of_work() as session:
        session.add(ApiToken(user_id=user_id, token_hash=token_digest(token), created_at=now,
                             expires_at=expires_at))
        session.execute(update(User).where(User.id == user_id).values(last_login_at=now))
    return token, expires_at


def member_for_token(token, *, now) -> Member:
    """The acting member behind a bearer token, or Unauthenticated/Forbidden."""
    if not token or len(token) > 200:
        raise Unauthenticated(_("Send a valid token: Authorization: Bearer <token>."))
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == token_digest(token))
    ).first()
    if row is None or row.ApiToken.revoked_at is not None:
        raise Unauthenticated(
            _("This token is not valid. Ask for a new one at POST /api/v1/tokens."))
    if row.ApiToken.expires_at <= now:
        raise Unauthenticated(
            _("This token has expired. Ask for a new one at POST /api/v1/tokens."))
    user = row.User
    member = user.member
    if member is None:
        raise Forbidden(_("This account has no membership of a time bank."))
    if member.status != MemberStatus.ACTIVE and not user.is_admin:
        raise Forbidden(_("Your membership is not active, so this token can't be used."))
    return member


def revoke_token(token, *, now):
    with unit_of_work() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def revoke_all_tokens(user_id, *, now):
    with unit_of_work() as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def change_password(user_id, *, current_password, new_password, now) -> User:
    """Change a password after checking the current one.

    Every other signed-in session ends (the session version moves on) and API
    tokens are revoked, so a password that leaked stops working everywhere.
    """
    user = db.session.get(User, user_id)
    errors = {}
    if user is None or not check_password(user.password_hash, current_password or ""):
        errors["current_password"] = [_("Your current password is not right.")]
    problem = password_problem(new_password, email=user.email if user else None)
    if problem:
        errors["new_password"] = [problem]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    with unit_of_work() as session:
        user = session.get(User, user_id)
        user.password_hash = hash_password(new_password)
        user.session_version += 1
        session.execute(
            update(ApiToken)
            .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    return user
