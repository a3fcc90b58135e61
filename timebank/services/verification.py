"""Checking invariants I1–I6 over the stored ledger, naming the first failure.

Sums are computed by the database; the hash chain is walked in Python, one
entry at a time, so memory stays flat however long the journal is. Links are
keyed (timebank.ledger.keys): each is recomputed with the key its `key_id`
names. Beyond I1–I6 the report covers exchanges against their entries, credit
limits against the audit log, the audit log's own chain and, when given,
signed checkpoints (integrity.py, checkpoints.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select, text

from ..extensions import db
from ..ledger import EntryKind, canonical_entry, chain_hash
from ..ledger.chain import GENESIS_HASH
from ..models import Account, Bank, JournalEntry, LedgerHead, Transfer
from ..models.triggers import trigger_names
from . import checkpoints, integrity, policy
from .ledger_keys import keyring

CHECK_NAMES = (
    "I1 balanced transfers",
    "I2 zero sum",
    "I3 no drift",
    "I4 limits",
    "I5 append-only",
    "I6 hash chain",
    "exchanges match entries",
    "audit log chain",
    "credit limits audited",
    "report summaries",
)
CHECKPOINT_CHECK = "checkpoint"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str

    def as_dict(self):
        return asdict(self)


@dataclass
class Report:
    checks: list[Check]

    @property
    def ok(self):
        return all(c.ok for c in self.checks)

    @property
    def first_failure(self):
        return next((c for c in self.checks if not c.ok), None)

    def as_dict(self):
        return {"ok": self.ok, "checks": [c.as_dict() for c in self.checks]}


def verify(bank_slug: str | None = None, checkpoint: dict | None = None) -> Report:
    """Run every check in one read transaction (one snapshot), then end it.

    `checkpoint` is a loaded checkpoint document (checkpoints.export): each of its
    heads must still be the hash the journal recomputes at that sequence number.
    """
    try:
        return _verify(bank_slug, checkpoint)
    finally:
        db.session.rollback()


def _verify(bank_slug, checkpoint):
    banks = db.session.execute(
        select(Bank.id, Bank.slug).where(Bank.slug == bank_slug if bank_slug else True)
        .order_by(Bank.id)
    ).all()
    slugs = {b.id: b.slug for b in banks}
    bank_ids = list(slugs)
    scope = (_("bank %(slug)s", slug=bank_slug) if bank_slug
             else _("%(count)s bank(s)", count=len(bank_ids)))
    if bank_slug and not bank_ids:
        names = CHECK_NAMES + ((CHECKPOINT_CHECK,) if checkpoint is not None else ())
        return Report([Check(name, False, _("No time bank called '%(slug)s'.", slug=bank_slug))
                       for name in names])
    wanted = checkpoints.wanted_seqs(checkpoint, slugs) if checkpoint is not None else {}
    recomputed = {}
    chain_problem, structure_problem, entry_count = _walk_chain(bank_ids, slugs, wanted,
                                                                recomputed)
    audit = integrity.walk_audit_chain(bank_ids, slugs, keyring(),
                                       checkpoints.wanted_audit_seqs(checkpoint, slugs)
                                       if checkpoint is not None else {})
    checks = [
        _balanced(bank_ids, slugs, structure_problem, scope),
        _zero_sum(bank_ids, slugs, scope),
        _no_drift(bank_ids, slugs, scope),
        _limits(bank_ids, slugs, scope),
        _append_only(),
        Check(CHECK_NAMES[5], chain_problem is None,
              chain_problem or _("%(count)s entries chained correctly in %(scope)s.",
                                   count=entry_count, scope=scope)),
        _named(CHECK_NAMES[6], integrity.exchange_problem(bank_ids, slugs),
               _("Every posted exchange matches its journal entry in %(scope)s.", scope=scope)),
        _named(CHECK_NAMES[7], audit.problem,
               _("%(count)s audit events chained correctly in %(scope)s.", count=audit.count,
                 scope=scope)),
        _named(CHECK_NAMES[8], integrity.limits_problem(bank_ids, slugs, audit.limits),
               _("Every account's limits match the audit log in %(scope)s.", scope=scope)),
        _named(CHECK_NAMES[9], integrity.summaries_problem(bank_ids, slugs),
               _("The report summaries match the ledger up to their watermark in %(scope)s.",
                 scope=scope)),
    ]
    if checkpoint is not None:
        checks.append(_named(
            CHECKPOINT_CHECK,
            checkpoints.problem(checkpoint, slugs, keyring(), recomputed, audit.recomputed,
                                every_bank=bank_slug is None),
            _("The checkpoint's signature is valid and every head in it still matches.")))
    return Report(checks)


def _named(name, problem, success):
    return Check(name, problem is None, problem or success)


def _balanced(bank_ids, slugs, structure_problem, scope):
    t, a = Transfer.__table__, Account.__table__
    bad = db.session.execute(
        select(t.c.id, t.c.bank_id, JournalEntry.seq)
        .join(JournalEntry, JournalEntry.id == t.c.entry_id)
        .join(a, or_(a.c.id == t.c.debit_account_id, a.c.id == t.c.credit_account_id))
        .where(
            t.c.bank_id.in_(bank_ids),
            or_(
                t.c.minutes <= 0,
                t.c.debit_account_id == t.c.credit_account_id,
                a.c.bank_id != t.c.bank_id,
                JournalEntry.bank_id != t.c.bank_id,
            ),
        )
        .order_by(t.c.bank_id, JournalEntry.seq)
        .limit(1)
    ).first()
    if bad is not None:
        return Check(
            CHECK_NAMES[0], False,
            _("Bank %(bank)s entry #%(seq)s: transfer %(id)s is not a positive transfer "
              "between two accounts of the bank.", bank=slugs[bad.bank_id], seq=bad.seq,
              id=bad.id),
        )
    if structure_problem:
        return Check(CHECK_NAMES[0], False, structure_problem)
    return Check(CHECK_NAMES[0], True, _("Every transfer is balanced in %(scope)s.", scope=scope))


def _zero_sum(bank_ids, slugs, scope):
    rows = db.session.execute(
        select(Account.bank_id, func.sum(Account.credits_posted - Account.debits_posted))
        .where(Account.bank_id.in_(bank_ids))
        .group_by(Account.bank_id)
        .order_by(Account.bank_id)
    ).all()
    for bank_id, total in rows:
        if (total or 0) != 0:
            return Check(CHECK_NAMES[1], False,
                         _("Bank %(bank)s: balances sum to %(total)s minutes, not 0.",
                           bank=slugs[bank_id], total=total))
    return Check(CHECK_NAMES[1], True, _("Balances sum to 0 in %(scope)s.", scope=scope))


def _no_drift(bank_ids, slugs, scope):
    t = Transfer.__table__
    debits = (
        select(t.c.debit_account_id.label("id"), func.sum(t.c.minutes).label("total"))
        .where(t.c.bank_id.in_(bank_ids))
        .group_by(t.c.debit_account_id)
        .subquery()
    )
    credits = (
        select(t.c.credit_account_id.label("id"), func.sum(t.c.minutes).label("total"))
        .where(t.c.bank_id.in_(bank_ids))
        .group_by(t.c.credit_account_id)
        .subquery()
    )
    d_sum, c_sum = func.coalesce(debits.c.total, 0), func.coalesce(credits.c.total, 0)
    bad = db.session.execute(
        select(Account.id, Account.bank_id, Account.debits_posted, Account.credits_posted,
               d_sum, c_sum)
        .outerjoin(debits, debits.c.id == Account.id)
        .outerjoin(credits, credits.c.id == Account.id)
        .where(Account.bank_id.in_(bank_ids),
               or_(Account.debits_posted != d_sum, Account.credits_posted != c_sum))
        .order_by(Account.id)
        .limit(1)
    ).first()
    if bad is not None:
        return Check(
            CHECK_NAMES[2], False,
            _("Bank %(bank)s account %(id)s: stored debits/credits %(debits)s/%(credits)s but "
              "transfers sum to %(debit_sum)s/%(credit_sum)s.", bank=slugs[bad.bank_id],
              id=bad.id, debits=bad.debits_posted, credits=bad.credits_posted,
              debit_sum=bad[4], credit_sum=bad[5]),
        )
    return Check(CHECK_NAMES[2], True, _("Every account's counters match its transfers in %(scope)s.",
                                                 scope=scope))


def _limits(bank_ids, slugs, scope):
    balance = Account.credits_posted - Account.debits_posted
    bad = db.session.execute(
        select(Account.id, Account.bank_id, balance, Account.floor_minutes,
               Account.ceiling_minutes)
        .where(Account.bank_id.in_(bank_ids),
               or_(balance < Account.floor_minutes,
                   and_(Account.ceiling_minutes.is_not(None), balance > Account.ceiling_minutes)))
        .order_by(Account.id)
        .limit(1)
    ).first()
    if bad is not None:
        return Check(
            CHECK_NAMES[3], False,
            _("Bank %(bank)s account %(id)s: balance %(balance)s is outside "
              "[%(floor)s, %(ceiling)s].", bank=slugs[bad.bank_id], id=bad.id, balance=bad[2],
              floor=bad.floor_minutes, ceiling=bad.ceiling_minutes),
        )
    return Check(CHECK_NAMES[3], True, _("Every balance is within its limits in %(scope)s.", scope=scope))


def installed_triggers() -> set[str]:
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
    return {row[0] for row in db.session.execute(text(sql))}


def _append_only():
    missing = sorted(trigger_names(db.engine.dialect.name) - installed_triggers())
    if missing:
        return Check(CHECK_NAMES[4], False,
                     _("The database no longer refuses changes to the journal: "
                       "missing trigger(s) %(names)s.", names=", ".join(missing)))
    return Check(CHECK_NAMES[4], True, _("Journal entries, transfers and the audit log are "
                                         "protected by triggers against UPDATE and DELETE."))


def _walk_chain(bank_ids, slugs, wanted, recomputed):
    """Recompute every hash; also check entry structure (transfers, reversals).

    The recomputation also runs on past a failure, from recomputed hashes only, and
    stores into `recomputed` the hash at each (bank, seq) in `wanted`: a checkpoint
    compares its heads with them.
    """
    ring = keyring()
    e, t = JournalEntry.__table__, Transfer.__table__
    heads = {h.bank_id: h for h in db.session.execute(
        select(LedgerHead.bank_id, LedgerHead.last_seq, LedgerHead.last_hash)
        .where(LedgerHead.bank_id.in_(bank_ids))
    )}
    rows = db.session.execute(
        select(e.c.id, e.c.bank_id, e.c.seq, e.c.kind, e.c.occurred_on, e.c.posted_at,
               e.c.reverses_id, e.c.exchange_id, e.c.activity_id,
               e.c.category_id, e.c.hash, e.c.key_id, t.c.debit_account_id, t.c.credit_account_id,
               t.c.minutes, t.c.occurred_on.label("t_occurred_on"),
               t.c.category_id.label("t_category_id"), t.c.activity_id.label("t_activity_id"))
        .outerjoin(t, t.c.entry_id == e.c.id)
        .where(e.c.bank_id.in_(bank_ids))
        .order_by(e.c.bank_id, e.c.seq, t.c.position)
        .execution_options(yield_per=5000)
    )
    reversed_ids = set(db.session.scalars(
        select(e.c.reverses_id).where(e.c.bank_id.in_(bank_ids), e.c.reverses_id.is_not(None))
    ))
    chain_problem = structure_problem = None
    count = 0
    state = {"bank": None, "seq": 0, "hash": GENESIS_HASH, "recomputed": GENESIS_HASH}
    transfers_of = {}
    current = None

    def finish(entry, legs):
        nonlocal chain_problem, structure_problem, count
        count += 1
        label = _("Bank %(bank)s entry #%(seq)s", bank=slugs[entry.bank_id], seq=entry.seq)
        if structure_problem is None:
            structure_problem = _structure_problem(entry, legs, transfers_of, reversed_ids, label)
        key = ring.find(entry.key_id)
        canonical = canonical_entry(
            bank_id=entry.bank_id, seq=entry.seq, kind=entry.kind,
            occurred_on=entry.occurred_on, posted_at=entry.posted_at,
            reverses_id=entry.reverses_id,
            exchange_id=entry.exchange_id, activity_id=entry.activity_id,
            category_id=entry.category_id, transfers=[leg[:3] for leg in legs],
        )
        if state["recomputed"] is not None and key is not None:
            state["recomputed"] = chain_hash(key, state["recomputed"], canonical)
        else:
            state["recomputed"] = None
        if entry.seq in wanted.get(entry.bank_id, ()):
            recomputed[(entry.bank_id, entry.seq)] = state["recomputed"]
        if chain_problem is not None:
            return
        if entry.seq != state["seq"] + 1:
            chain_problem = _("Bank %(bank)s: entry #%(missing)s is missing (next entry is "
                              "#%(seq)s).", bank=slugs[entry.bank_id], missing=state["seq"] + 1,
                              seq=entry.seq)
            return
        if key is None:
            chain_problem = _("%(entry)s was hashed with ledger key %(key)s, which is not "
                              "configured (a wrong or rotated key?): set TIMEBANK_LEDGER_KEY, "
                              "or add the old key to TIMEBANK_LEDGER_KEYS_OLD.",
                              entry=label, key=entry.key_id or "-")
            return
        expected = chain_hash(key, state["hash"], canonical)
        if expected != entry.hash:
            chain_problem = _("%(entry)s does not match its hash: it was changed after posting.",
                              entry=label)
            return
        state["seq"], state["hash"] = entry.seq, entry.hash

    def close_bank(bank_id):
        nonlocal chain_problem
        head = heads.get(bank_id)
        if chain_problem is None and head is not None and (
            head.last_seq != state["seq"] or head.last_hash != state["hash"]
        ):
            chain_problem = _("Bank %(bank)s: the journal ends at entry #%(seq)s but its head "
                              "records entry #%(head)s.", bank=slugs[bank_id], seq=state["seq"],
                              head=head.last_seq)

    legs = []
    seen_banks = set()
    for row in rows:
        if current is None or row.id != current.id:
            if current is not None:
                finish(current, legs)
            if row.bank_id != state["bank"]:
                if state["bank"] is not None:
                    close_bank(state["bank"])
                state.update(bank=row.bank_id, seq=0, hash=GENESIS_HASH,
                             recomputed=GENESIS_HASH)
                transfers_of.clear()
                seen_banks.add(row.bank_id)
            current, legs = row, []
        if row.debit_account_id is not None:
            legs.append((row.debit_account_id, row.credit_account_id, row.minutes,
                         row.t_occurred_on, row.t_category_id, row.t_activity_id))
    if current is not None:
        finish(current, legs)
        close_bank(state["bank"])
    for bank_id in bank_ids:
        if bank_id not in seen_banks and chain_problem is None:
            state.update(seq=0, hash=GENESIS_HASH)
            close_bank(bank_id)
    return chain_problem, structure_problem, count


def _structure_problem(entry, legs, transfers_of, reversed_ids, label):
    if not legs:
        return _("%(entry)s has no transfers.", entry=label)
    for _d, _c, _m, occurred_on, category_id, activity_id in legs:
        if (occurred_on, category_id, activity_id) != (
            entry.occurred_on, entry.category_id, entry.activity_id
        ):
            return _("%(entry)s: a transfer's date, category or activity differs from its "
                     "entry's.", entry=label)
    signature = Counter((d, c, m) for d, c, m, *_rest in legs)
    if entry.kind == EntryKind.REVERSAL:
        original = transfers_of.get(entry.reverses_id)
        mirror = Counter({(c, d, m): n for (d, c, m), n in (original or {}).items()})
        if original is None or mirror != signature:
            return _("%(entry)s does not exactly mirror the entry it reverses.", entry=label)
    if entry.id in reversed_ids:
        transfers_of[entry.id] = signature
    return None


def verify_for(actor) -> Report:
    """Coordinators check their own bank; admins (and the command line) every bank."""
    if policy.can(actor, "ledger.verify_all"):
        return verify()
    policy.authorize(actor, "ledger.verify")
    return verify(actor.bank.slug)
