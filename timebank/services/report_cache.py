"""Finished report documents, kept in the database by (bank, query, ledger sequence).

Every web or API worker shares the table, so a repeat view of an unchanged report is
one lookup wherever it lands. The key is a digest of everything the answer depends on
besides the ledger:

- the query as resolved: the kind of document, dates, filters, and the audience —
  protected (with the bank's threshold and a digest of its perturbation table) or
  exact. An evaluator's request is always protected, so it can never be answered with
  a coordinator's exact figures;
- the state of the bank outside the ledger that the figures read: its settings, the
  audit sequence (group, role, status and limit changes are audited), and the last id
  of its members, status changes, categories and activities. Those rows are never
  deleted (erasing a member blanks their details and keeps the row), so a new last id
  tells of a row added, whether or not it was audited; each is one step down an index,
  where counting them cost a pass over the bank's members and status changes (about
  6 ms on a bank of 20,000 members, and the state is read twice per report computed).

The ledger sequence is a column of its own: a new entry moves the head, so an answer
computed before it is never found again, and `store` prunes the bank's answers at
older sequences. Documents hold figures only, never names: erasing a member leaves
nothing personal here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import ReportCache
from ..reports import sql
from .transaction import unit_of_work

KEEP_DAYS = 2  # answers older than this go, whatever their sequence
STATE = """
    SELECT h.last_seq AS ledger_seq, h.audit_seq AS audit_seq,
           (SELECT MAX(m.id) FROM members m WHERE m.bank_id = :bank_id) AS last_member,
           (SELECT MAX(s.id) FROM member_status_changes s WHERE s.bank_id = :bank_id) AS last_status,
           (SELECT MAX(c.id) FROM categories c WHERE c.bank_id = :bank_id) AS last_category,
           (SELECT MAX(a.id) FROM activities a WHERE a.bank_id = :bank_id) AS last_activity
    FROM ledger_heads h WHERE h.bank_id = :bank_id
"""


def state(bank_id: int) -> tuple[int, str]:
    """(ledger sequence, digest of the rest of the bank's state the figures read)."""
    row = sql.execute(STATE, {"bank_id": bank_id}).one()
    values = [sql.as_int(v) for v in row]
    return values[0], ",".join(str(v) for v in values[1:])


def query_key(bank, *, kind: str, scope, filters: dict, table, state_digest: str) -> str:
    audience = ({"protected": True, "k": scope.k,
                 "table": hashlib.sha256((bank.perturbation_table or "").encode()).hexdigest()}
                if table is not None else {"protected": False})
    described = {
        "kind": kind, "from": scope.date_from.isoformat(), "to": scope.date_to.isoformat(),
        "scope_filters": scope.filters, "filters": filters, "audience": audience,
        "threshold": scope.threshold, "dormant_days": scope.dormant_days,
        "slug": bank.slug, "state": state_digest,
    }
    text = json.dumps(described, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def lookup(bank_id: int, key: str, ledger_seq: int) -> dict | None:
    found = db.session.scalar(select(ReportCache.document).where(
        ReportCache.bank_id == bank_id, ReportCache.query_key == key,
        ReportCache.ledger_seq == ledger_seq))
    return None if found is None else json.loads(found)


def store(bank_id: int, key: str, ledger_seq: int, document: dict, *, now: dt.datetime) -> None:
    """Keep the answer, and drop the bank's answers at older sequences or older than
    KEEP_DAYS. Another worker storing the same answer first is fine."""
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    try:
        with unit_of_work(derived=True) as session:
            session.execute(delete(ReportCache).where(
                ReportCache.bank_id == bank_id,
                (ReportCache.ledger_seq < ledger_seq)
                | (ReportCache.created_at < now.replace(tzinfo=None) - dt.timedelta(days=KEEP_DAYS))))
            session.add(ReportCache(bank_id=bank_id, query_key=key, ledger_seq=ledger_seq,
                                    created_at=now.replace(tzinfo=None), document=text))
    except IntegrityError:
        pass


def forget(bank_id: int) -> None:
    """Drop every answer of the bank (inside the caller's transaction)."""
    db.session.execute(delete(ReportCache).where(ReportCache.bank_id == bank_id))
