"""Performing a creating request at most once per user and Idempotency-Key (invariant I7).

The record is inserted before the work is done, in the same transaction, so a
concurrent duplicate waits on the unique index (PostgreSQL) or on the write
lock (SQLite) and then finds the first answer instead of doing the work again.
A request that fails leaves no record: it was not performed.
"""

import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import IdempotencyRecord
from .errors import IdempotencyKeyReused, ValidationFailed
from .transaction import is_unique_violation, unit_of_work

MAX_KEY_LENGTH = 255
KEY_PATTERN = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict
    replayed: bool = False


def request_fingerprint(method: str, path: str, body, *, secret: bytes | str = b"") -> str:
    """A keyed hash of the request. The body may hold a password (a new member's), so with
    a secret the stored fingerprint can't be used to test guesses at it offline."""
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, separators=(",", ":"),
                           default=str)
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, canonical.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> Answer:
    if record.request_hash != request_hash:
        raise IdempotencyKeyReused(
            _("This Idempotency-Key was already used for a different request.")
        )
    return Answer(record.status_code, json.loads(record.response_body), replayed=True)


def _find(user_id, key):
    return db.session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    )


def run_once(*, user_id: int, key: str, request_hash: str, operation, render, now) -> Answer:
    """Do `operation()` (which must not commit) and keep `render(result)` as the answer.

    `render` returns (status, body); it runs inside the transaction, so the
    stored answer describes exactly what was committed.
    """
    if not KEY_PATTERN.fullmatch(key or ""):
        raise ValidationFailed.field(
            "Idempotency-Key",
            _("An Idempotency-Key has 1 to %(count)s visible ASCII characters "
              "(letters, digits, punctuation; no spaces), e.g. a UUID.", count=MAX_KEY_LENGTH),
        )
    try:
        with unit_of_work() as session:
            existing = _find(user_id, key)
            if existing is not None:
                return _replay(existing, request_hash)
            record = IdempotencyRecord(
                user_id=user_id, key=key, request_hash=request_hash, status_code=0,
                response_body="{}", created_at=now,
            )
            session.add(record)
            session.flush()
            status, body = render(operation())
            record.status_code = status
            record.response_body = json.dumps(body, default=str)
            answer = Answer(status, body)
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        try:
            existing = _find(user_id, key)
            if existing is None:
                raise
            return _replay(existing, request_hash)
        finally:
            db.session.rollback()
    return answer


def purge(*, older_than, now) -> int:
    """Forget answers kept for longer than `older_than` (a timedelta); returns how many.

    A client retries within minutes, not weeks: after the retention period a key may be
    reused for a new request. Running it twice deletes nothing the second time.
    """
    with unit_of_work() as session:
        return session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.created_at < now - older_than)
        ).rowcount
