"""The secret that keys the hash chains, kept outside the database.

A chain of plain SHA-256 hashes only proves that rows agree with each other:
anyone who can write to the database can rewrite an entry and recompute every
hash after it. Keying each link with HMAC-SHA-256 and a secret the database
never holds means such a rewrite no longer verifies.

Each link records the id of the key that made it (the first 8 hex digits of
HMAC(key, "key-id")), so that verification can say which key it needs, and a
rotated key can still verify the links it made.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

DEVELOPMENT_KEY = "timebank-development-ledger-key-do-not-use-in-production"
MIN_KEY_LENGTH = 32


def key_id(secret: bytes) -> str:
    return hmac.new(secret, b"key-id", hashlib.sha256).hexdigest()[:8]


@dataclass(frozen=True)
class LedgerKey:
    secret: bytes = field(repr=False)

    @property
    def id(self) -> str:
        return key_id(self.secret)


@dataclass(frozen=True)
class Keyring:
    """The current key (signs new links) and older keys (only verify old ones)."""

    current: LedgerKey
    old: tuple[LedgerKey, ...] = ()

    @classmethod
    def from_strings(cls, current: str, old: str | None = None) -> Keyring:
        """`old` is a comma-separated list, as TIMEBANK_LEDGER_KEYS_OLD holds it."""
        olds = tuple(LedgerKey(k.strip().encode()) for k in (old or "").split(",") if k.strip())
        return cls(LedgerKey(current.encode()), olds)

    def find(self, wanted_id: str) -> LedgerKey | None:
        return next((k for k in (self.current, *self.old) if k.id == wanted_id), None)

    @property
    def ids(self) -> list[str]:
        return [k.id for k in (self.current, *self.old)]


def sign(key: LedgerKey, message: bytes) -> str:
    return hmac.new(key.secret, message, hashlib.sha256).hexdigest()


def signature_matches(key: LedgerKey, message: bytes, signature: str) -> bool:
    return hmac.compare_digest(sign(key, message), signature or "")
