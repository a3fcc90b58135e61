"""Addresses from which each user has signed in successfully.

Sign-in failures are limited per address and per account. The per-account limit alone would
let anyone lock an owner out by failing on purpose, so it doesn't apply from an address the
owner has signed in from recently: the attacker is slowed down, the owner isn't. Addresses
are kept as keyed hashes (HMAC with the application's secret), never as they are.
"""

import datetime as dt
import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import KnownSignInAddress, User
from .members import normalise_email
from .transaction import is_unique_violation, unit_of_work


def address_hash(address: str, *, secret) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, (address or "").encode("utf-8", "surrogatepass"),
                    hashlib.sha256).hexdigest()


def is_known(email, address, *, secret, days, now) -> bool:
    """Has the user with this email signed in from this address in the last `days` days?"""
    email = normalise_email(str(email or ""))
    if not email or not address or len(email) > 254 or "\x00" in email:
        return False  # no such account can exist (and PostgreSQL refuses NUL in text)
    return db.session.scalar(
        select(KnownSignInAddress.id)
        .join(User, User.id == KnownSignInAddress.user_id)
        .where(User.email == email,
               KnownSignInAddress.address_hash == address_hash(address, secret=secret),
               KnownSignInAddress.last_signed_in_at >= now - dt.timedelta(days=days))
        .limit(1)
    ) is not None


def remember(user_id, address, *, secret, now):
    """Note a successful sign-in from this address (a second one at the same moment is fine)."""
    if not address:
        return
    digest = address_hash(address, secret=secret)
    try:
        with unit_of_work() as session:
            known = session.scalar(select(KnownSignInAddress).where(
                KnownSignInAddress.user_id == user_id,
                KnownSignInAddress.address_hash == digest))
            if known is None:
                session.add(KnownSignInAddress(user_id=user_id, address_hash=digest,
                                               last_signed_in_at=now))
            else:
                known.last_signed_in_at = now
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
