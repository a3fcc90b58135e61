"""Checks beyond the journal's own chain: what other tables must agree with it.

- every posted exchange moved exactly its minutes, from its receiver to its
  provider, in the entry that posts it;
- each bank's audit log is a keyed hash chain like its journal (the free-text
  columns excepted, so that they can be redacted);
- every account's floor and ceiling are the ones the audit chain last recorded
  for it (when it was opened, or at its last audited change);
- the report summaries (reports/summaries.py) are what the transfers give for every
  month the entries up to their watermark reach. Months that entries after the
  watermark touch are not folded yet, and are left out.

Each check returns None, or a sentence naming the first problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..ledger import GENESIS_HASH, EntryKind, canonical_audit_event, chain_hash
from ..models import (
    Account,
    AuditEvent,
    Exchange,
    JournalEntry,
    LedgerHead,
    ReportWatermark,
    Transfer,
)
from ..models.statuses import ExchangeStatus
from ..reports import summaries
from . import banks, report_windows

POSTED = (ExchangeStatus.POSTED, ExchangeStatus.REVERSED)


def exchange_problem(bank_ids, slugs) -> str | None:
    x, e, t = Exchange.__table__, JournalEntry.__table__, Transfer.__table__
    provider, receiver = aliased(Account), aliased(Account)
    legs = (select(t.c.entry_id, func.count().label("legs"),
                   func.min(t.c.debit_account_id).label("debit"),
                   func.min(t.c.credit_account_id).label("credit"),
                   func.min(t.c.minutes).label("minutes"))
            .where(t.c.bank_id.in_(bank_ids)).group_by(t.c.entry_id).subquery())
    rows = db.session.execute(
        select(x.c.id, x.c.bank_id, x.c.status, x.c.minutes, x.c.occurred_on,
               provider.id.label("provider_account"), receiver.id.label("receiver_account"),
               e.c.seq, e.c.kind, e.c.occurred_on.label("entry_occurred_on"),
               legs.c.legs, legs.c.debit, legs.c.credit, legs.c.minutes.label("moved"))
        .join(provider, provider.member_id == x.c.provider_id)
        .join(receiver, receiver.member_id == x.c.receiver_id)
        .outerjoin(e, e.c.exchange_id == x.c.id)
        .outerjoin(legs, legs.c.entry_id == e.c.id)
        .where(x.c.bank_id.in_(bank_ids),
               x.c.status.in_(POSTED) | e.c.id.is_not(None))
        .order_by(x.c.bank_id, x.c.id)
        .execution_options(yield_per=5000)
    )
    for row in rows:
        label = _("Bank %(bank)s exchange %(id)s", bank=slugs[row.bank_id], id=row.id)
        if row.seq is None:
            return _("%(exchange)s is %(status)s but no journal entry posts it.",
                     exchange=label, status=row.status)
        if row.status not in POSTED:
            return _("%(exchange)s is %(status)s but entry #%(seq)s posts it.",
                     exchange=label, status=row.status, seq=row.seq)
        expected = (EntryKind.EXCHANGE.value, 1, row.receiver_account, row.provider_account,
                    row.minutes, row.occurred_on)
        if (row.kind, row.legs, row.debit, row.credit, row.moved,
                row.entry_occurred_on) != expected:
            return _("%(exchange)s says %(minutes)s minutes from member account %(provider)s "
                     "to %(receiver)s, but entry #%(seq)s moved something else.",
                     exchange=label, minutes=row.minutes, provider=row.provider_account,
                     receiver=row.receiver_account, seq=row.seq)
    return None


@dataclass
class AuditWalk:
    problem: str | None = None
    count: int = 0
    limits: dict = field(default_factory=dict)
    recomputed: dict = field(default_factory=dict)
    banks: set = field(default_factory=set)


def walk_audit_chain(bank_ids, slugs, ring, wanted) -> AuditWalk:
    """Recompute each bank's audit chain; collect the limits it vouches for.

    `wanted` maps a bank id to audit seqs whose recomputed hash a checkpoint needs.
    """
    walk = AuditWalk()
    a = AuditEvent.__table__
    heads = {h.bank_id: h for h in db.session.execute(
        select(LedgerHead.bank_id, LedgerHead.audit_seq, LedgerHead.audit_hash)
        .where(LedgerHead.bank_id.in_(bank_ids)))}
    unchained = db.session.execute(
        select(a.c.id, a.c.bank_id).where(a.c.bank_id.in_(bank_ids), a.c.seq.is_(None))
        .order_by(a.c.id).limit(1)).first()
    if unchained is not None:
        walk.problem = _("Bank %(bank)s audit event %(id)s is not in the audit chain.",
                         bank=slugs[unchained.bank_id], id=unchained.id)
    rows = db.session.execute(
        select(a.c.bank_id, a.c.seq, a.c.action, a.c.actor_id, a.c.target_type, a.c.target_id,
               a.c.created_at, a.c.facts, a.c.hash, a.c.key_id)
        .where(a.c.bank_id.in_(bank_ids), a.c.seq.is_not(None))
        .order_by(a.c.bank_id, a.c.seq)
        .execution_options(yield_per=5000))
    bank = None
    stored = recomputed = GENESIS_HASH
    seq = 0
    for event in rows:
        if event.bank_id != bank:
            _close(walk, bank, heads, slugs, seq, stored)
            bank, stored, recomputed, seq = event.bank_id, GENESIS_HASH, GENESIS_HASH, 0
        walk.count += 1
        facts = event.facts or {}
        if "account_id" in facts:
            walk.limits[facts["account_id"]] = (facts.get("floor_minutes"),
                                                facts.get("ceiling_minutes"))
        key = ring.find(event.key_id)
        canonical = canonical_audit_event(
            bank_id=event.bank_id, seq=event.seq, action=event.action, actor_id=event.actor_id,
            target_type=event.target_type, target_id=event.target_id,
            created_at=event.created_at, facts=facts)
        recomputed = chain_hash(key, recomputed, canonical) if key and recomputed else None
        if event.seq in wanted.get(bank, ()):
            walk.recomputed[(bank, event.seq)] = recomputed
        if walk.problem is None:
            walk.problem = _link_problem(event, key, stored, seq, canonical, slugs)
        seq, stored = event.seq, event.hash
    _close(walk, bank, heads, slugs, seq, stored)
    for bank_id in bank_ids:
        if bank_id not in walk.banks:
            _close(walk, bank_id, heads, slugs, 0, GENESIS_HASH)
    return walk


def _link_problem(event, key, previous, seq, canonical, slugs):
    label = _("Bank %(bank)s audit event #%(seq)s", bank=slugs[event.bank_id], seq=event.seq)
    if event.seq != seq + 1:
        return _("Bank %(bank)s: audit event #%(missing)s is missing (next event is #%(seq)s).",
                 bank=slugs[event.bank_id], missing=seq + 1, seq=event.seq)
    if key is None:
        return _("%(event)s was hashed with ledger key %(key)s, which is not configured "
                 "(a wrong or rotated key?).", event=label, key=event.key_id or "-")
    if chain_hash(key, previous, canonical) != event.hash:
        return _("%(event)s does not match its hash: it was changed after it was recorded.",
                 event=label)
    return None


def _close(walk, bank_id, heads, slugs, seq, last_hash):
    if bank_id is None:
        return
    walk.banks.add(bank_id)
    head = heads.get(bank_id)
    if walk.problem is None and head is not None and (
        head.audit_seq != seq or head.audit_hash != last_hash
    ):
        walk.problem = _("Bank %(bank)s: the audit log ends at event #%(seq)s but its head "
                         "records event #%(head)s.", bank=slugs[bank_id], seq=seq,
                         head=head.audit_seq)


def limits_problem(bank_ids, slugs, audited) -> str | None:
    """Each account's floor and ceiling equal the last ones the audit chain recorded."""
    for account in db.session.execute(
        select(Account.id, Account.bank_id, Account.floor_minutes, Account.ceiling_minutes)
        .where(Account.bank_id.in_(bank_ids)).order_by(Account.id)
        .execution_options(yield_per=5000)
    ):
        recorded = audited.get(account.id)
        if recorded is None:
            return _("Bank %(bank)s account %(id)s: its limits were never recorded in the "
                     "audit log.", bank=slugs[account.bank_id], id=account.id)
        if recorded != (account.floor_minutes, account.ceiling_minutes):
            return _("Bank %(bank)s account %(id)s: floor %(floor)s and ceiling %(ceiling)s "
                     "differ from the last audited change (%(audited_floor)s and "
                     "%(audited_ceiling)s).", bank=slugs[account.bank_id], id=account.id,
                     floor=account.floor_minutes, ceiling=account.ceiling_minutes,
                     audited_floor=recorded[0], audited_ceiling=recorded[1])
    return None


def summaries_problem(bank_ids, slugs) -> str | None:
    """The first bank and month whose stored report summaries differ from the transfers."""
    for bank_id in bank_ids:
        done = db.session.scalar(select(ReportWatermark.last_seq)
                                 .where(ReportWatermark.bank_id == bank_id)) or 0
        head = db.session.scalar(select(LedgerHead.last_seq)
                                 .where(LedgerHead.bank_id == bank_id)) or 0
        pool_id = banks.pool_account(bank_id).id
        pending = set(summaries.months_touched(bank_id, done, head)) if head > done else set()
        for ym in summaries.all_months(bank_id):
            if ym in pending:
                continue
            tables = summaries.differences(bank_id, pool_id, ym)
            if tables:
                return _("Bank %(slug)s: the report summaries of %(month)s (%(tables)s) differ "
                         "from the ledger; `flask reports rebuild --bank %(slug)s` works them "
                         "out again.", slug=slugs[bank_id],
                         month=summaries.month_start(ym).strftime("%Y-%m"),
                         tables=", ".join(tables))
        if head != done:
            continue  # the windows are at the watermark; the next report folds them on
        for window in report_windows.of_bank(bank_id):
            if window.last_seq != done or report_windows.stale_layout(window, pool_id):
                continue  # brought up or built again when a report asks for it
            tables = report_windows.differences(window, pool_id)
            if tables:
                return _("Bank %(slug)s: the report window %(first)s to %(end)s (%(tables)s) "
                         "differs from the ledger; `flask reports rebuild --bank %(slug)s` "
                         "works it out again.", slug=slugs[bank_id],
                         first=window.date_from.isoformat(), end=window.date_to.isoformat(),
                         tables=", ".join(tables))
    return None
