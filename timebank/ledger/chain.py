"""The per-bank hash chain that makes the journal tamper-evident (invariant I6).

hash(n) = SHA-256(hash(n-1) ‖ canonical form of entry n and its transfers).
The canonical form is compact JSON with sorted keys, so the same entry always
gives the same bytes whatever the database or driver returned. It holds ids,
dates and figures only, never free text: an entry's description may name a
person, and erasing that person's data must leave every hash as it was.
"""

import datetime as dt
import hashlib
import json

GENESIS_HASH = "0" * 64


def _iso(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def canonical_entry(
    *,
    bank_id,
    seq,
    kind,
    occurred_on,
    posted_at,
    reverses_id,
    exchange_id,
    activity_id,
    category_id,
    transfers,
) -> bytes:
    """`transfers` is a sequence of (debit, credit, minutes) in posting order."""
    document = {
        "bank": bank_id,
        "seq": seq,
        "kind": str(kind),
        "occurred_on": _iso(occurred_on),
        "posted_at": _iso(posted_at),
        "reverses": reverses_id,
        "exchange": exchange_id,
        "activity": activity_id,
        "category": category_id,
        "transfers": [[int(d), int(c), int(m)] for d, c, m in transfers],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(previous_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(previous_hash) + canonical).hexdigest()
