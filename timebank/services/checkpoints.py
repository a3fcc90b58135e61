"""Signed checkpoints: each bank's chain heads, exported to be kept somewhere else.

A keyed chain stops someone who can write to the database but lacks the key;
a checkpoint also stops someone who has both, for everything up to it: once a
head is kept elsewhere, any change at or before it gives a different hash at
that sequence number. The document is signed with HMAC-SHA-256 and the ledger
key, so that a checkpoint file itself can't be edited to match a rewrite.
"""

from __future__ import annotations

import json

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..ledger import Keyring
from ..ledger.keys import sign, signature_matches
from ..models import Bank, JournalEntry, LedgerHead
from .errors import NotFound
from .ledger_keys import keyring

FORMAT = "timebank-ledger-checkpoint/1"


def _signed_bytes(document: dict) -> bytes:
    unsigned = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def export(bank_slug: str | None = None, *, now) -> dict:
    """The current heads of one bank or of every bank, signed with the current key."""
    try:
        query = (select(Bank.slug, LedgerHead.last_seq, LedgerHead.last_hash,
                        LedgerHead.audit_seq, LedgerHead.audit_hash, JournalEntry.key_id)
                 .join(LedgerHead, LedgerHead.bank_id == Bank.id)
                 .outerjoin(JournalEntry, (JournalEntry.bank_id == Bank.id)
                            & (JournalEntry.seq == LedgerHead.last_seq))
                 .order_by(Bank.id))
        if bank_slug:
            query = query.where(Bank.slug == bank_slug)
        rows = db.session.execute(query).all()
    finally:
        db.session.rollback()
    if bank_slug and not rows:
        raise NotFound(_("No time bank called '%(slug)s'.", slug=bank_slug))
    key = keyring().current
    document = {
        "format": FORMAT,
        "created_at": now.isoformat(timespec="seconds"),
        "key_id": key.id,
        "heads": [{"bank": r.slug, "seq": r.last_seq, "hash": r.last_hash,
                   "key_id": r.key_id, "audit_seq": r.audit_seq, "audit_hash": r.audit_hash}
                  for r in rows],
    }
    document["signature"] = sign(key, _signed_bytes(document))
    return document


def _heads(checkpoint) -> list[dict] | None:
    """The checkpoint's heads if it has the expected shape, else None."""
    if not isinstance(checkpoint, dict) or checkpoint.get("format") != FORMAT:
        return None
    heads = checkpoint.get("heads")
    if not isinstance(heads, list):
        return None
    for head in heads:
        if not (isinstance(head, dict) and isinstance(head.get("bank"), str)
                and all(isinstance(head.get(k), int) and not isinstance(head.get(k), bool)
                        and head[k] >= 0 for k in ("seq", "audit_seq"))
                and all(isinstance(head.get(k), str) for k in ("hash", "audit_hash"))):
            return None
    return heads


def _in_scope(checkpoint, slugs):
    ids = {slug: bank_id for bank_id, slug in slugs.items()}
    return [(ids[h["bank"]], h) for h in _heads(checkpoint) or () if h["bank"] in ids]


def wanted_seqs(checkpoint, slugs) -> dict[int, set[int]]:
    wanted = {}
    for bank_id, head in _in_scope(checkpoint, slugs):
        wanted.setdefault(bank_id, set()).add(head["seq"])
    return wanted


def wanted_audit_seqs(checkpoint, slugs) -> dict[int, set[int]]:
    wanted = {}
    for bank_id, head in _in_scope(checkpoint, slugs):
        wanted.setdefault(bank_id, set()).add(head["audit_seq"])
    return wanted


def problem(checkpoint, slugs, ring: Keyring, journal: dict, audit: dict, *,
            every_bank: bool) -> str | None:
    """None if the checkpoint is genuine and every head in scope still matches.

    `journal` and `audit` map (bank id, seq) to the hash recomputed there.
    """
    heads = _heads(checkpoint)
    if heads is None:
        return _("The checkpoint file is not a ledger checkpoint.")
    key = ring.find(checkpoint.get("key_id"))
    if key is None:
        return _("The checkpoint was signed with ledger key %(key)s, which is not configured.",
                 key=str(checkpoint.get("key_id")))
    if not signature_matches(key, _signed_bytes(checkpoint), checkpoint.get("signature")):
        return _("The checkpoint's signature does not match: the file was changed after it "
                 "was signed, or signed with another key.")
    if every_bank:
        missing = sorted({h["bank"] for h in heads} - set(slugs.values()))
        if missing:
            return _("The checkpoint names bank %(bank)s, which does not exist.",
                     bank=missing[0])
    for bank_id, head in _in_scope(checkpoint, slugs):
        if head["seq"] and journal.get((bank_id, head["seq"])) != head["hash"]:
            return _("Bank %(bank)s: the journal no longer matches the checkpoint at entry "
                     "#%(seq)s: an entry at or before it was changed or removed.",
                     bank=head["bank"], seq=head["seq"])
        if head["audit_seq"] and audit.get((bank_id, head["audit_seq"])) != head["audit_hash"]:
            return _("Bank %(bank)s: the audit log no longer matches the checkpoint at event "
                     "#%(seq)s: an event at or before it was changed or removed.",
                     bank=head["bank"], seq=head["audit_seq"])
    return None
