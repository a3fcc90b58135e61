"""Password rules that help people, and a memory-hard hash (Argon2id)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

MIN_LENGTH = 10
MAX_LENGTH = 256
_hasher = PasswordHasher()
_COMMON = {
    "password", "password1", "password12", "password123", "1234567890", "123456789",
    "12345678910", "qwertyuiop", "iloveyou12", "letmein123", "timebank123", "welcome123",
    "abcdefghij", "0000000000", "1111111111", "qwerty1234", "passw0rd12",
}


def password_problem(password: str, *, email: str | None = None) -> str | None:
    """Why a password can't be used, in plain words, or None if it is fine.

    Length matters more than symbols: a long phrase of ordinary words is good.
    """
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return _("Use at least %(count)s characters. A few ordinary words together work well.",
                 count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)s characters.", count=MAX_LENGTH)
    lowered = password.lower()
    if lowered in _COMMON or len(set(lowered)) < 4:
        return _("This password is too easy to guess. Try a few words that mean something to you.")
    if email and lowered == email.lower():
        return _("Your password must not be your email address.")
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    if not password_hash or not isinstance(password, str):
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_check() -> None:
    """Spend the same time as a real check, so unknown emails can't be told apart."""
    check_password(_DUMMY_HASH, "not the password")


_DUMMY_HASH = _hasher.hash("a dummy password nobody has")
