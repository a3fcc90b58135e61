"""The per-bank hash chains that make the journal and the audit log tamper-evident (I6).

hash(n) = HMAC-SHA-256(key, hash(n-1) ‖ canonical form of row n), keyed with a
secret kept outside the database (see keys.py). The canonical form is compact
JSON with sorted keys, so the same row always gives the same bytes whatever
the database or driver returned.
It holds ids, dates and figures only, never free text: an entry's description
may name a person, and erasing that person's data must leave every hash as it was.
"""

import datetime as dt
import json

from .keys import LedgerKey, sign

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
    return _compact(document)


def canonical_audit_event(
    *, bank_id, seq, action, actor_id, target_type, target_id, created_at, facts
) -> bytes:
    """What an audit event proves: who did what to what, when, with structured facts.

    The free-text columns (reason, details) are left out on purpose, so that
    they can be redacted later without breaking the chain.
    """
    return _compact({
        "bank": bank_id,
        "seq": seq,
        "action": action,
        "actor": actor_id,
        "target_type": target_type,
        "target": target_id,
        "at": _iso(created_at),
        "facts": facts or {},
    })


def _compact(document) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(key: LedgerKey, previous_hash: str, canonical: bytes) -> str:
    return sign(key, bytes.fromhex(previous_hash) + canonical)
