"""Reciprocity reports at scale: summaries, first and repeat views, against a raw-SQL floor.

Run by hand, never by the test suite:

    .venv/bin/python bench/reports.py [--engine sqlite|postgresql|both] [--pg-url URL]
                                      [--pg-database NAME] [--members N] [--transfers N]
                                      [--rounds N] [--folder DIR] [--reuse] [--json FILE]
                                      [--data uniform|tailed|both] [--new-entries N]
                                      [--fold-sizes N,N] [--warmups N] [--no-shape]
                                      [--classic]

For each engine it builds (or, with --reuse, finds) a database migrated by the
project's Alembic migrations (a reused one is migrated to the code's head), and
in it two data sets of two banks each, bulk inserted (COPY on PostgreSQL,
executemany in one transaction on SQLite) with a real hash chain, so that
`flask ledger verify` passes on them:

- uniform: bank "bench", 20,000 members and 1,000,000 transfers over two years;
  members live in neighbourhoods of 100, each with five regular partners there
  (four exchanges in five are with them), the rest with anyone; 89 % citizens,
  10 % professionals, 1 % organisations that run group credits; a few
  reversals, donations and grants. Bank "page": 5,000 members (all there from
  the start) and 200,000 transfers spread over two years, so the page's twelve
  months hold about 100,000;
- tailed: banks "tail" and "tailpage", the same sizes, heavy-tailed as
  participation in real banks is (`tailed_journal`): a few members do most
  exchanges, and partners repeat strongly.

It prints each data set's shape (distinct pairs, pair-months, member-months,
the top 10 % of members' share of participations), then measures every data
set on every engine round-robin within each round, the targets taking turns at
going first, after one warm-up round; medians over the rounds:

- floor:  one raw SQL GROUP BY provider over the same transfers (same bank,
          same range): the least any report must read; beside it, for the
          ranges nobody asked for before, the bare GROUP BY of twelve months
          into pairs and one row per member read (the accounts): what a report
          whose figures count pairs, and any report over all members, can't go
          below;
- a)      an evaluator's report of the last twelve whole months (protected),
          first view after --new-entries entries were posted (back-dated into
          the range), so that the summaries must fold them and no cached answer
          fits; and first view after the cache was cleared (no fold);
- b)      a coordinator's exact report from 17 March to 9 November (ragged
          edges), first view after new entries, against the floor of that range;
          and a week a year back nobody asked for before, against its own;
- c)      a repeat view of the unchanged evaluator report;
- d)      GET /reports on the page bank as a signed-in evaluator (the last
          twelve months and the twelve before), first view after new entries;
- e)      folding --fold-sizes new entries into the summaries, and building the
          summaries of a whole bank afresh (once, before the rounds).

The summaries, the cache and their rebuild are found by feature test
(`Summaries`); on code without them their figures print n/a.

With --classic it makes the measurements of the report before the summaries
instead, on the uniform data set: the full report over two years and over the
last year against a two-sided floor and a bare pair grouping, the page's repeat
views, and the peak memory of the members.csv export.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gc
import itertools
import json
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # config.py lives at the root
os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 40)  # keep instance/ untouched

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from timebank.ledger import (  # noqa: E402
    DEVELOPMENT_KEY,
    GENESIS_HASH,
    Keyring,
    canonical_entry,
    chain_hash,
)
from timebank.models.record_keys import RECORD_KEY_RANGE  # noqa: E402

# the application's ledger key (config.py): the loaded journal must verify with it
KEY = Keyring.from_strings(os.environ.get("TIMEBANK_LEDGER_KEY") or DEVELOPMENT_KEY).current

END = dt.date(2026, 6, 1)  # the data run up to the day before
NOW = dt.datetime(2026, 5, 31, 18, 0)
PASSWORD = "bench-password-123"
FLOOR = -1_000_000_000
CATEGORIES = ("Gardening", "Shopping and errands", "Lifts and transport", "Befriending and company",
              "Cooking and meals", "Computers and phones", "DIY and small repairs",
              "Reading and writing help", "Arts and crafts", "Health and wellbeing")
ACTIVITIES = (("Day-centre redesign group", "co-design"), ("Community garden", "co-produce"),
              ("Health service user panel", "consult"), ("Digital skills drop-in", "educate"),
              ("Neighbourhood newsletter", "inform"), ("Carers' circle", "engage"))
MINUTES = (30, 45, 60, 60, 60, 90, 120, 180)

FLOOR_SQL = """
SELECT x.account_id, SUM(x.given) AS given, SUM(x.received) AS received FROM (
    SELECT credit_account_id AS account_id, minutes AS given, 0 AS received FROM transfers
     WHERE bank_id = :bank_id AND occurred_on >= :date_from AND occurred_on < :date_to
    UNION ALL
    SELECT debit_account_id, 0, minutes FROM transfers
     WHERE bank_id = :bank_id AND occurred_on >= :date_from AND occurred_on < :date_to
) x GROUP BY x.account_id
"""

PAIRS_SQL = """
SELECT CASE WHEN credit_account_id < debit_account_id THEN credit_account_id
            ELSE debit_account_id END AS lo,
       CASE WHEN credit_account_id < debit_account_id THEN debit_account_id
            ELSE credit_account_id END AS hi,
       SUM(CASE WHEN credit_account_id < debit_account_id THEN minutes ELSE 0 END) AS lo_gave,
       SUM(CASE WHEN credit_account_id < debit_account_id THEN 0 ELSE minutes END) AS hi_gave
FROM transfers
WHERE bank_id = :bank_id AND occurred_on >= :date_from AND occurred_on < :date_to
GROUP BY 1, 2
"""


# --- the shape of the data --------------------------------------------------------------------

def population(n, rng, start, *, growing=True):
    """(group, joined_on, birth_year, left_on) per member, in id order. A growing bank has
    60 % of its members join during the two years; otherwise all were there from the start."""
    people = []
    for i in range(n):
        group = "organisation" if i % 100 == 0 else "professional" if i % 10 == 1 else "citizen"
        joined = start - dt.timedelta(days=rng.randrange(1, 400)) \
            if not growing or rng.random() < 0.4 else start + dt.timedelta(days=rng.randrange(0, 700))
        birth = None if rng.random() < 0.1 else rng.randrange(1930, 2006)
        left = joined + dt.timedelta(days=rng.randrange(60, 500)) if rng.random() < 0.05 else None
        people.append((group, joined, birth, left))
    return people


def journal(people, total, rng, start, days, categories, activities):
    """Entries in date order: (kind, day, category, activity, [(debit, credit, minutes)],
    reverses_index). Members are indexes into `people`; the pool is -1."""
    n = len(people)
    joined = [p[1] for p in people]
    citizens = [i for i in range(n) if people[i][0] == "citizen"]
    organisations = [i for i in range(n) if people[i][0] == "organisation"]
    neighbours = {}  # the citizens of each neighbourhood of 100
    for i in citizens:
        neighbours.setdefault(i // 100, []).append(i)
    partners = []
    for i in range(n):
        block = (i // 100) * 100
        size = min(100, n - block)
        partners.append([block + rng.randrange(size) for _ in range(5)])
    raw = []
    count = 0
    while count < total:
        roll = rng.random()
        if roll < 0.008:  # a group credit: an organisation credits citizens who gave time
            org = rng.choice(organisations)
            group = {rng.choice(neighbours.get(org // 100) or citizens)
                     for _ in range(rng.randrange(5, 13))}
            earliest = max([joined[org], *(joined[c] for c in group)])
            day = _day(rng, start, days, earliest)
            activity = rng.choice(activities)
            raw.append(["group_credit", day, None, activity,
                        [(org, c, 120) for c in sorted(group)], None])
            count += len(group)
        elif roll < 0.009:  # a donation to the pool, or a grant from it
            member = rng.choice(citizens)
            day = _day(rng, start, days, joined[member])
            if rng.random() < 0.6:
                raw.append(["donation", day, None, None, [(member, -1, 60)], None])
            else:
                raw.append(["grant", day, None, None, [(-1, member, 60)], None])
            count += 1
        else:
            provider = rng.randrange(n)
            receiver = rng.choice(partners[provider]) if rng.random() < 0.8 else rng.randrange(n)
            if receiver == provider:
                continue
            if rng.random() < 0.5:
                provider, receiver = receiver, provider
            day = _day(rng, start, days, max(joined[provider], joined[receiver]))
            activity = rng.choice(activities) if rng.random() < 0.1 else None
            raw.append(["exchange", day, rng.choice(categories), activity,
                        [(receiver, provider, rng.choice(MINUTES))], None])
            count += 1
    return _with_reversals(raw, rng)


def tailed_journal(people, total, rng, start, days, categories, activities):
    """Like `journal`, but heavy-tailed as participation in real banks is: each member's
    activity is a Pareto draw (α = 1.16, the 80/20 rule; capped at 200 times the least
    active), the provider of an exchange is drawn in proportion to it, and nine exchanges in
    ten are with one of the provider's own partners: one to a dozen (1 + a Pareto draw with
    α = 1.5) from the same neighbourhood of 100, drawn in proportion to their activity,
    the first of them most often (Zipf: the r-th partner with weight 1/r). Group credits,
    donations, grants and reversals as in `journal`."""
    n = len(people)
    joined = [p[1] for p in people]
    citizens = [i for i in range(n) if people[i][0] == "citizen"]
    organisations = [i for i in range(n) if people[i][0] == "organisation"]
    neighbours = {}
    for i in citizens:
        neighbours.setdefault(i // 100, []).append(i)
    weight = [min(200.0, rng.paretovariate(1.16)) for _ in range(n)]
    everyone = list(itertools.accumulate(weight))
    partners, partner_weights = [], []
    for i in range(n):
        block = (i // 100) * 100
        nearby = list(itertools.accumulate(weight[block:block + 100]))
        chosen, wanted = [], min(12, 1 + int(rng.paretovariate(1.5)))
        while len(chosen) < wanted and len(nearby) > 1:
            j = block + bisect.bisect(nearby, rng.random() * nearby[-1])
            if j != i:
                chosen.append(min(j, n - 1))
        partners.append(chosen or [(i + 1) % n])
        partner_weights.append(list(itertools.accumulate(
            1 / r for r in range(1, len(partners[-1]) + 1))))

    def anyone():
        return min(n - 1, bisect.bisect(everyone, rng.random() * everyone[-1]))

    raw = []
    count = 0
    while count < total:
        roll = rng.random()
        if roll < 0.008:
            org = rng.choice(organisations)
            group = {rng.choice(neighbours.get(org // 100) or citizens)
                     for _ in range(rng.randrange(5, 13))}
            earliest = max([joined[org], *(joined[c] for c in group)])
            raw.append(["group_credit", _day(rng, start, days, earliest), None,
                        rng.choice(activities), [(org, c, 120) for c in sorted(group)], None])
            count += len(group)
        elif roll < 0.009:
            member = rng.choice(citizens)
            day = _day(rng, start, days, joined[member])
            if rng.random() < 0.6:
                raw.append(["donation", day, None, None, [(member, -1, 60)], None])
            else:
                raw.append(["grant", day, None, None, [(-1, member, 60)], None])
            count += 1
        else:
            provider = anyone()
            if rng.random() < 0.9:
                mine = partner_weights[provider]
                pick = bisect.bisect(mine, rng.random() * mine[-1])
                receiver = partners[provider][min(pick, len(mine) - 1)]
            else:
                receiver = anyone()
            if receiver == provider:
                continue
            day = _day(rng, start, days, max(joined[provider], joined[receiver]))
            activity = rng.choice(activities) if rng.random() < 0.1 else None
            raw.append(["exchange", day, rng.choice(categories), activity,
                        [(receiver, provider, rng.choice(MINUTES))], None])
            count += 1
    return _with_reversals(raw, rng)


def _with_reversals(raw, rng):
    """The entries in date order, about 0.3 % of exchanges followed by their reversal."""
    raw.sort(key=lambda e: e[1])
    entries = []
    for entry in raw:
        entries.append(entry)
        if entry[0] == "exchange" and rng.random() < 0.003:  # a mistake, reversed
            debit, credit, minutes = entry[4][0]
            entries.append(["reversal", entry[1], entry[2], entry[3], [(credit, debit, minutes)],
                            len(entries) - 1])
    return entries


def _day(rng, start, days, earliest):
    first = max(0, (earliest - start).days)
    return start + dt.timedelta(days=rng.randrange(min(first, days - 1), days))


# --- loading ----------------------------------------------------------------------------------

def build_bank(app, slug, n_members, n_transfers, *, start, days, seed, loader, growing=True,
               make_journal=journal):
    """A bank made by the services (bank, coordinator, evaluator, catalogue), filled in bulk."""
    from timebank.extensions import db
    from timebank.models import Activity, Category
    from timebank.services import banks, members
    from timebank.services.transaction import unit_of_work

    rng = random.Random(seed)
    t0 = time.perf_counter()
    with app.app_context():
        bank = banks.create_bank(slug=slug, name=f"Bench {slug}", now=NOW)
        for role in ("coordinator", "evaluator"):
            members.create_member(bank, name=f"{role} {slug}", email=f"{role}@{slug}.example.org",
                                  group="professional", role=role, status="active",
                                  password=PASSWORD, now=NOW)
        with unit_of_work() as session:
            cats = [Category(bank_id=bank.id, name=c, created_at=NOW) for c in CATEGORIES]
            acts = [Activity(bank_id=bank.id, name=a, level=lv, created_at=NOW)
                    for a, lv in ACTIVITIES]
            session.add_all(cats + acts)
        bank_id, category_ids, activity_ids = bank.id, [c.id for c in cats], [a.id for a in acts]
        pool_id = banks.pool_account(bank_id).id
        db.session.remove()
    people = population(n_members, rng, start, growing=growing)
    entries = make_journal(people, n_transfers, rng, start, days, category_ids, activity_ids)
    generated = time.perf_counter() - t0
    loader(bank_id, pool_id, people, entries)
    with app.app_context():
        record_loaded_limits(bank_id)
        db.session.remove()
    transfers = sum(len(e[4]) for e in entries)
    return {"bank": slug, "members": n_members, "transfers": transfers, "entries": len(entries),
            "generate_s": round(generated, 1), "total_s": round(time.perf_counter() - t0, 1)}


def record_loaded_limits(bank_id):
    """The audit chain vouches for every account's limits: record the bulk-loaded ones."""
    from timebank.models import Account
    from timebank.services import accounts as accounts_service
    from timebank.services import audit
    from timebank.services.transaction import unit_of_work

    with unit_of_work() as session:
        for account in session.scalars(sa.select(Account).where(Account.bank_id == bank_id,
                                                             Account.member_id.is_not(None))):
            audit.record(bank_id=bank_id, actor_id=None, action="account.limits_recorded",
                         target_type="account", target_id=account.id,
                         facts=accounts_service.limit_facts(account), now=NOW)


def rows_for(bank_id, pool_id, people, entries, ids):
    """Rows of each table, with explicit ids after `ids` (the tables' current maxima)."""
    member_id, account_id, change_id, entry_id, transfer_id = ids
    keys = random.Random(bank_id)  # record keys for the cell key method, as the models give
    members, accounts, changes = [], [], []
    account_of = {-1: pool_id}
    for i, (group, joined, birth, left) in enumerate(people):
        mid, aid = member_id + 1 + i, account_id + 1 + i
        account_of[i] = aid
        created = dt.datetime.combine(joined, dt.time(9))
        status = "left" if left and left < END else "active"
        members.append((mid, bank_id, None, f"Member {i}", group, "member", status, "", birth,
                        joined, created, keys.randrange(RECORD_KEY_RANGE)))
        accounts.append((aid, bank_id, mid, False, FLOOR, None, 0, 0))
        changes.append((change_id + len(changes) + 1, bank_id, mid, "active", created))
        if status == "left":
            changes.append((change_id + len(changes) + 1, bank_id, mid, "left",
                            dt.datetime.combine(left, dt.time(9))))
    journal_rows, transfer_rows = [], []
    previous = GENESIS_HASH
    for seq, (kind, day, category, activity, moves, reverses) in enumerate(entries, start=1):
        eid = entry_id + seq
        posted = dt.datetime.combine(day, dt.time(18))
        reverses_id = entry_id + reverses + 1 if reverses is not None else None
        transfers = [(account_of[d], account_of[c], m) for d, c, m in moves]
        previous = chain_hash(KEY, previous, canonical_entry(
            bank_id=bank_id, seq=seq, kind=kind, occurred_on=day, posted_at=posted,
            reverses_id=reverses_id, exchange_id=None, activity_id=activity,
            category_id=category, transfers=transfers))
        journal_rows.append((eid, bank_id, seq, kind, day, posted, "", reverses_id, None, activity,
                             category, None, previous, KEY.id))
        for position, (d, c, m) in enumerate(transfers, start=1):
            transfer_id += 1
            transfer_rows.append((transfer_id, bank_id, eid, position, d, c, m, day, category,
                                  activity, keys.randrange(RECORD_KEY_RANGE)))
    return members, accounts, changes, journal_rows, transfer_rows, (len(entries), previous)


COLUMNS = {
    "members": ("id", "bank_id", "user_id", "name", "member_group", "role", "status", "skills",
                "birth_year", "joined_on", "created_at", "record_key"),
    "accounts": ("id", "bank_id", "member_id", "is_pool", "floor_minutes", "ceiling_minutes",
                 "debits_posted", "credits_posted"),
    "member_status_changes": ("id", "bank_id", "member_id", "status", "changed_at"),
    "journal_entries": ("id", "bank_id", "seq", "kind", "occurred_on", "posted_at", "description",
                        "reverses_id", "exchange_id", "activity_id", "category_id",
                        "created_by_id", "hash", "key_id"),
    "transfers": ("id", "bank_id", "entry_id", "position", "debit_account_id",
                  "credit_account_id", "minutes", "occurred_on", "category_id", "activity_id",
                  "record_key"),
}
COUNTERS = """
UPDATE accounts SET
  credits_posted = COALESCE((SELECT SUM(t.minutes) FROM transfers t
                              WHERE t.credit_account_id = accounts.id), 0),
  debits_posted = COALESCE((SELECT SUM(t.minutes) FROM transfers t
                             WHERE t.debit_account_id = accounts.id), 0)
WHERE bank_id = {bank_id}
"""


def _max_ids(cursor):
    ids = []
    for table in ("members", "accounts", "member_status_changes", "journal_entries", "transfers"):
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        ids.append(cursor.fetchone()[0])
    return ids


def sqlite_loader(path):
    def load(bank_id, pool_id, people, entries):
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA synchronous = OFF")
        cursor = conn.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        *tables, (last_seq, last_hash) = rows_for(bank_id, pool_id, people, entries,
                                                 _max_ids(cursor))
        for (table, columns), rows in zip(COLUMNS.items(), tables, strict=True):
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                               [tuple(_sqlite(v) for v in row) for row in rows])
        cursor.execute(COUNTERS.format(bank_id=bank_id))
        cursor.execute("UPDATE ledger_heads SET last_seq = ?, last_hash = ? WHERE bank_id = ?",
                       (last_seq, last_hash, bank_id))
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
        conn.close()
    return load


def _sqlite(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def postgres_loader(url):
    import psycopg

    def load(bank_id, pool_id, people, entries):
        with psycopg.connect(url) as conn:
            with conn.cursor() as cursor:
                *tables, (last_seq, last_hash) = rows_for(bank_id, pool_id, people, entries,
                                                         _max_ids(cursor))
                for (table, columns), rows in zip(COLUMNS.items(), tables, strict=True):
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                cursor.execute(COUNTERS.format(bank_id=bank_id))
                cursor.execute("UPDATE ledger_heads SET last_seq = %s, last_hash = %s "
                               "WHERE bank_id = %s", (last_seq, last_hash, bank_id))
                for table in COLUMNS:
                    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                   f"(SELECT MAX(id) FROM {table}))")
            conn.commit()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    return load


# --- measuring --------------------------------------------------------------------------------

def make_app(url):
    from timebank import create_app

    return create_app("testing", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_ENABLED=False)


def migrate(url):
    from flask_migrate import upgrade

    app = make_app(url)
    with app.app_context():
        upgrade()
        from timebank.extensions import db

        db.engine.dispose()


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def measure_report(app, slug, *, date_from, date_to, rounds):
    from sqlalchemy import select

    from timebank.extensions import db
    from timebank.models import Bank, Member
    from timebank.reports import sql as report_sql
    from timebank.services import reports

    with app.app_context():
        bank = db.session.scalar(select(Bank).where(Bank.slug == slug))
        evaluator = db.session.scalar(select(Member).where(
            Member.bank_id == bank.id, Member.role == "evaluator"))
        binds = {"bank_id": bank.id, "date_from": date_from, "date_to": date_to}

        def raw(statement):
            def run():
                rows = report_sql.execute(statement, binds).all()
                db.session.rollback()
                return rows
            return run

        floor, pairs = raw(FLOOR_SQL), raw(PAIRS_SQL)

        def report():
            return reports.reciprocity_report(evaluator, now=NOW, date_from=date_from,
                                              date_to=date_to)

        groups = _aggregate_size(bank.id, date_from, date_to)
        floor(), pairs(), report()  # warm up caches on every side
        times = {"floor": [], "pairs": [], "report": []}
        summaries = Summaries()
        for _ in range(rounds):
            times["floor"].append(_timed(floor))
            times["pairs"].append(_timed(pairs))
            if summaries.has_cache:  # a first view each time, not a cached answer
                summaries.clear_cache(bank.id)
            times["report"].append(_timed(report))
        document = report()
        db.session.remove()
    medians = {k: statistics.median(v) for k, v in times.items()}
    return {"floor_s": round(medians["floor"], 3), "pairs_s": round(medians["pairs"], 3),
            "report_s": round(medians["report"], 3),
            "ratio": round(medians["report"] / medians["floor"], 2),
            "pairs_ratio": round(medians["pairs"] / medians["floor"], 2),
            "floor_runs": [round(t, 3) for t in times["floor"]],
            "pairs_runs": [round(t, 3) for t in times["pairs"]],
            "report_runs": [round(t, 3) for t in times["report"]],
            "aggregate_groups": groups, "exchanges": document["metrics"]["exchanges"]}


def _transfers_in(app, slug, query):
    from timebank.extensions import db
    from timebank.models import Bank, Transfer

    bounds = dict(part.split("=") for part in query.split("&"))
    with app.app_context():
        bank = db.session.scalar(sa.select(Bank).where(Bank.slug == slug))
        count = db.session.scalar(sa.select(sa.func.count(Transfer.id)).where(
            Transfer.bank_id == bank.id,
            Transfer.occurred_on >= dt.date.fromisoformat(bounds["from"]),
            Transfer.occurred_on < dt.date.fromisoformat(bounds["to"])))
        db.session.remove()
    return count


def _aggregate_size(bank_id, date_from, date_to):
    from timebank.reports.scope import Scope
    from timebank.reports.workspace import workspace
    from timebank.services import banks

    scope = Scope(bank_id=bank_id, pool_id=banks.pool_account(bank_id).id,
                  date_from=date_from, date_to=date_to)
    from timebank.extensions import db

    with workspace(scope) as ws:
        sizes = {t: ws.run(f"SELECT COUNT(*) FROM {t}").scalar()
                 for t in ("rx_ties", "rx_members", "rx_sums")}
    db.session.rollback()
    return sizes


def signed_in_client(app, slug, role="evaluator"):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": f"{role}@{slug}.example.org",
                                              "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


PAGE_RANGE = f"from={(END - dt.timedelta(days=365)).replace(day=1)}&to={END}"


def measure_page(app, slug, rounds):
    times = []
    with app.app_context():
        client = signed_in_client(app, slug)
        first = client.get(f"/reports?{PAGE_RANGE}")
        assert first.status_code == 200, first.status_code
        for _ in range(rounds):
            t0 = time.perf_counter()
            response = client.get(f"/reports?{PAGE_RANGE}")
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200
    return {"page_s": round(statistics.median(times), 3), "page_runs": [round(t, 3) for t in times],
            "page_bytes": len(first.data)}


def measure_export(url, slug, warm_slug):
    """Stream members.csv in fresh processes, so that their memory is their own: one run
    for RSS (after warming the same code on a smaller bank), one under tracemalloc."""
    result = {}
    for mode in ("rss", "tracemalloc"):
        out = subprocess.run([sys.executable, __file__, "--export-child", url, slug, warm_slug,
                              mode], capture_output=True, text=True, check=True)
        result.update(json.loads(out.stdout.strip().splitlines()[-1]))
    return result


def _current_rss_kb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def _reset_peak_rss():
    """Start the peak (VmHWM) afresh, so that earlier spikes don't count (Linux 4.0+).
    Signing in hashes a password with Argon2, which alone takes 64 MB for a moment."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def _peak_rss_kb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _stream(client, path, headers):
    response = client.get(path, headers=headers, buffered=False)
    lines = size = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    response.close()
    return response.status_code, lines, size


def export_child(url, slug, warm_slug, mode):
    import tracemalloc

    from timebank.extensions import db
    from timebank.models import Bank, Member
    from timebank.models._types import utcnow
    from timebank.services import auth, research_grants

    app = make_app(url)
    headers = {}
    with app.app_context():
        for name in (warm_slug, slug):
            bank = db.session.scalar(sa.select(Bank).where(Bank.slug == name))
            evaluator, coordinator = (db.session.scalar(sa.select(Member).where(
                Member.bank_id == bank.id, Member.role == role))
                for role in ("evaluator", "coordinator"))
            if research_grants.live_grant(evaluator, today=utcnow().date()) is None:
                research_grants.grant(coordinator, evaluator_id=evaluator.id,
                                      purpose="Benchmark of the member-level extract",
                                      ends_on=utcnow().date() + dt.timedelta(days=30),
                                      now=utcnow())
            token, _ = auth.issue_token(evaluator.email, PASSWORD, hours=1, now=utcnow())
            headers[name] = {"Authorization": f"Bearer {token}"}
        db.session.remove()
    client = app.test_client()
    path = "/api/v1/reports/members.csv?from=2024-06-01&to=2026-06-01"
    _stream(client, path, headers[warm_slug])  # the same code, on the smaller bank
    _reset_peak_rss()
    before = _current_rss_kb()
    if mode == "tracemalloc":
        tracemalloc.start()
    t0 = time.perf_counter()
    status, lines, size = _stream(client, path, headers[slug])
    elapsed = time.perf_counter() - t0
    after = _peak_rss_kb()
    if mode == "tracemalloc":
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(json.dumps({"python_peak_mb": round(peak / 2**20, 1)}))
    else:
        print(json.dumps({"status": status, "rows": lines - 1, "bytes": size,
                          "export_s": round(elapsed, 2),
                          "rss_growth_mb": round(max(0, after - before) / 1024, 1)}))


# --- issue 14: summaries, ranges, first and repeat views ---------------------------------------

DATASETS = {
    "uniform": {"bank": "bench", "page": "page", "journal": journal, "seeds": (1, 2)},
    "tailed": {"bank": "tail", "page": "tailpage", "journal": tailed_journal, "seeds": (3, 4)},
}
EVALUATOR_RANGE = (dt.date(2025, 6, 1), END)  # the data's last twelve whole months
COORDINATOR_RANGE = (dt.date(2025, 3, 17), dt.date(2025, 11, 10))  # 17 March to 9 November
WEEK_BACK = dt.date(2025, 6, 13)  # the coordinator's never-asked weeks end before this
NEW_ON = dt.date(2025, 9, 15)  # new entries are back-dated into every range measured
REFRESH_NOW = dt.datetime(2026, 6, 1, 9, 0)  # the worker's clock: its twelve whole months
# are EVALUATOR_RANGE

PROVIDER_FLOOR_SQL = """
SELECT credit_account_id, SUM(minutes) FROM transfers
WHERE bank_id = :bank_id AND occurred_on >= :date_from AND occurred_on < :date_to
GROUP BY credit_account_id
"""
# Every report's figures are over all members at its end date (who is a member then, their
# balance, the zeros among them): reading one row per member, and nothing else, is a floor
# no report over a short range can go below, however its data is kept.
MEMBERS_FLOOR_SQL = """
SELECT id, credits_posted - debits_posted FROM accounts
WHERE bank_id = :bank_id AND member_id IS NOT NULL
"""


class Summaries:
    """The report summaries and the answer cache (issue 14), as far as the code measured
    has them: `services/report_summaries.py` (bring_up_to_date, rebuild) and
    `services/report_cache.py` (forget).

    Found by feature test, so that the bench runs on code without them: then
    `available` is False and every figure that needs them prints n/a."""

    def __init__(self):
        try:
            from timebank.services import report_summaries
        except ImportError:
            report_summaries = None
        try:
            from timebank.services import report_cache
        except ImportError:
            report_cache = None
        self.summaries, self.cache = report_summaries, report_cache
        self.available = hasattr(report_summaries, "bring_up_to_date")
        self.can_rebuild = hasattr(report_summaries, "rebuild")
        self.has_cache = hasattr(report_cache, "forget")
        try:
            from timebank.services import report_windows
        except ImportError:
            report_windows = None
        self.has_windows = report_windows is not None
        try:
            from timebank.services import reports
        except ImportError:
            reports = None
        self.reports = reports
        self.can_refresh = hasattr(reports, "refresh")
        try:
            from timebank.services import report_asked
        except ImportError:
            report_asked = None
        self.keeps_asked = report_asked is not None

    def fold(self, bank_id, ranges=()):
        """Fold the entries posted since the watermark, in the code's own transaction; with
        report windows, into the windows of `ranges` too (the periods the rounds read), as
        the reports of those periods would."""
        if not self.has_windows:
            return self.summaries.bring_up_to_date(bank_id)
        from timebank.reports.scope import Scope
        from timebank.services import banks

        pool_id = banks.pool_account(bank_id).id
        return self.summaries.bring_up_to_date(bank_id, [
            Scope(bank_id=bank_id, pool_id=pool_id, date_from=date_from, date_to=date_to)
            for date_from, date_to in ranges])

    def rebuild(self, bank_id):
        return self.summaries.rebuild(bank_id)

    def refresh(self, bank_id):
        """What `flask reports worker` does after commit: fold, and keep the answers opened
        most (with no dates chosen, on REFRESH_NOW: the evaluators' EVALUATOR_RANGE)."""
        return self.reports.refresh(bank_id, now=REFRESH_NOW)

    def forget_asked(self, bank_id):
        """Forget the queries asked for in earlier runs, so that this run's first views of
        new periods are first views again."""
        if not self.keeps_asked:
            return
        from timebank.extensions import db
        from timebank.models import ReportAsked

        db.session.execute(sa.delete(ReportAsked).where(ReportAsked.bank_id == bank_id))
        db.session.commit()

    def clear_cache(self, bank_id):
        from timebank.extensions import db

        self.cache.forget(bank_id)
        db.session.commit()


@dataclass
class Target:
    """One data set on one engine: its two banks, who reads them, where new entries go."""

    engine: str
    dataset: str
    app: object
    banks: dict  # "bank" / "page" -> {"id", "slug", "accounts", "categories"}
    evaluator_id: int
    coordinator_id: int
    rng: random.Random = field(default_factory=lambda: random.Random(14))
    client: object = None
    counts: dict = field(default_factory=dict)
    periods_asked: int = 0
    weeks_asked: int = 0

    def new_period(self):
        """Twelve whole months no report has asked for yet in this run (each ends one month
        earlier than the last): its first view builds its window, or, on code that keeps
        windows for dates asked for again, is computed from the summaries."""
        self.periods_asked += 1
        end = END.month - 1 - self.periods_asked + END.year * 12
        to = dt.date(end // 12, end % 12 + 1, 1)
        return to.replace(year=to.year - 1), to

    def new_week(self):
        """Seven days about a year back that no report has asked for yet in this run (each
        a week earlier than the last): dates a coordinator may choose, with no whole month."""
        self.weeks_asked += 1
        start = WEEK_BACK - dt.timedelta(days=7 * self.weeks_asked)
        return start, start + dt.timedelta(days=7)

    @property
    def name(self):
        return f"{self.engine}/{self.dataset}"


def make_target(engine, dataset, app):
    from timebank.extensions import db
    from timebank.models import Account, Bank, Category, Member, Transfer

    found = {}
    with app.app_context():
        for key in ("bank", "page"):
            slug = DATASETS[dataset][key]
            bank = db.session.scalar(sa.select(Bank).where(Bank.slug == slug))
            found[key] = {
                "id": bank.id, "slug": slug,
                "accounts": list(db.session.scalars(sa.select(Account.id).join(
                    Member, Member.id == Account.member_id).where(
                    Account.bank_id == bank.id, Member.role == "member"))),
                "categories": list(db.session.scalars(sa.select(Category.id).where(
                    Category.bank_id == bank.id))),
            }

        def member(role):
            return db.session.scalar(sa.select(Member.id).where(
                Member.bank_id == found["bank"]["id"], Member.role == role))

        target = Target(engine, dataset, app, found, member("evaluator"), member("coordinator"))
        for label, key, (date_from, date_to) in (("evaluator", "bank", EVALUATOR_RANGE),
                                                 ("coordinator", "bank", COORDINATOR_RANGE),
                                                 ("page", "page", EVALUATOR_RANGE)):
            target.counts[label] = db.session.scalar(sa.select(sa.func.count(Transfer.id)).where(
                Transfer.bank_id == found[key]["id"], Transfer.occurred_on >= date_from,
                Transfer.occurred_on < date_to))
        db.session.remove()
    with app.app_context():
        target.client = signed_in_client(app, found["page"]["slug"])
    return target


def post_entries(target, key, n):
    """`n` exchanges posted by the ledger service, back-dated into every range measured."""
    from timebank.ledger import EntryKind, Posting
    from timebank.ledger import Transfer as Move
    from timebank.services import ledger

    bank = target.banks[key]
    for _ in range(n):
        debit, credit = target.rng.sample(bank["accounts"], 2)
        ledger.post(bank["id"], Posting(
            kind=EntryKind.EXCHANGE, occurred_on=NEW_ON,
            transfers=(Move(debit, credit, target.rng.choice(MINUTES)),),
            category_id=target.rng.choice(bank["categories"])), now=dt.datetime.now(dt.UTC))


def data_shape(app, slug):
    """How the transfers of a bank are spread over members, pairs and months."""
    from timebank.extensions import db
    from timebank.models import Account, Bank

    with app.app_context():
        bank_id = db.session.scalar(sa.select(Bank.id).where(Bank.slug == slug))
        postgres = db.engine.dialect.name == "postgresql"
        month = "date_trunc('month', occurred_on)" if postgres else "substr(occurred_on, 1, 7)"
        lo = "CASE WHEN credit_account_id < debit_account_id THEN credit_account_id " \
             "ELSE debit_account_id END"
        hi = "CASE WHEN credit_account_id < debit_account_id THEN debit_account_id " \
             "ELSE credit_account_id END"
        mine = "FROM transfers WHERE bank_id = :b"

        def scalar(sql):
            return db.session.execute(sa.text(sql), {"b": bank_id}).scalar()

        shape = {
            "transfers": scalar(f"SELECT COUNT(*) {mine}"),
            "distinct_pairs": scalar(f"SELECT COUNT(*) FROM (SELECT DISTINCT {lo}, {hi} {mine}) x"),
            "pair_months": scalar(
                f"SELECT COUNT(*) FROM (SELECT DISTINCT {lo}, {hi}, {month} {mine}) x"),
            "member_months": scalar(
                f"SELECT COUNT(*) FROM (SELECT credit_account_id, {month} {mine} "
                f"UNION SELECT debit_account_id, {month} {mine}) x"),
        }
        members = set(db.session.scalars(sa.select(Account.id).where(
            Account.bank_id == bank_id, Account.member_id.is_not(None))))
        per_member = dict(db.session.execute(sa.text(
            f"SELECT a, COUNT(*) FROM (SELECT credit_account_id AS a {mine} "
            f"UNION ALL SELECT debit_account_id {mine}) x GROUP BY a"), {"b": bank_id}).all())
        db.session.remove()
    counts = sorted((per_member.get(m, 0) for m in members), reverse=True)
    top = counts[:max(1, len(counts) // 10)]
    shape["members"] = len(members)
    shape["members_without_transfers"] = counts.count(0)
    shape["top10_share"] = round(sum(top) / max(1, sum(counts)), 3)
    return shape


def _raw_floor(binds, statement=PROVIDER_FLOOR_SQL):
    """One statement's rows fetched, with Python's cyclic garbage collection paused while
    they are made (as the reports pause it for their member rows): a floor of 20,000 rows
    in a process holding the benchmark's data otherwise sets off a full collection now and
    then, and measures that instead of the statement."""
    from timebank.extensions import db
    from timebank.reports import sql as report_sql

    def run():
        gc.disable()
        try:
            rows = report_sql.execute(statement, binds).all()
        finally:
            gc.enable()
        db.session.rollback()
        return rows
    return run


def _report(target, role, date_range):
    from timebank.extensions import db
    from timebank.models import Member
    from timebank.services import reports

    actor = db.session.get(Member, target.evaluator_id if role == "evaluator"
                           else target.coordinator_id)
    date_from, date_to = date_range

    def run():
        document = reports.reciprocity_report(actor, now=NOW, date_from=date_from,
                                              date_to=date_to)
        db.session.rollback()
        return document
    return run


def _page(target):
    def run():
        response = target.client.get(f"/reports?{PAGE_RANGE}")
        assert response.status_code == 200, response.status_code
        return response
    return run


def one_round(target, summaries, args, times):
    """Every measurement of one target, in a fixed order; `times` gets one value each."""
    from timebank.extensions import db

    bank_id = target.banks["bank"]["id"]
    with target.app.app_context():
        evaluator = _report(target, "evaluator", EVALUATOR_RANGE)
        coordinator = _report(target, "coordinator", COORDINATOR_RANGE)
        post_entries(target, "bank", args.new_entries)
        times["floor_12"].append(_timed(_raw_floor(
            {"bank_id": bank_id, "date_from": EVALUATOR_RANGE[0], "date_to": EVALUATOR_RANGE[1]})))
        times["evaluator_first"].append(_timed(evaluator))
        if summaries.available:
            times["repeat"].append(_timed(evaluator))
        if summaries.has_cache:
            summaries.clear_cache(bank_id)
            times["evaluator_cleared"].append(_timed(evaluator))
        if summaries.has_windows:
            period = target.new_period()
            times["floor_pairs_new_period"].append(_timed(_raw_floor(
                {"bank_id": bank_id, "date_from": period[0], "date_to": period[1]}, PAIRS_SQL)))
            times["evaluator_new_period"].append(_timed(_report(target, "evaluator", period)))
        times["floor_range"].append(_timed(_raw_floor(
            {"bank_id": bank_id, "date_from": COORDINATOR_RANGE[0],
             "date_to": COORDINATOR_RANGE[1]})))
        post_entries(target, "bank", args.new_entries)
        times["coordinator_first"].append(_timed(coordinator))
        week = target.new_week()
        times["floor_week"].append(_timed(_raw_floor(
            {"bank_id": bank_id, "date_from": week[0], "date_to": week[1]})))
        times["floor_members"].append(_timed(_raw_floor({"bank_id": bank_id},
                                                             MEMBERS_FLOOR_SQL)))
        times["coordinator_week"].append(_timed(_report(target, "coordinator", week)))
        post_entries(target, "page", args.new_entries)
        times["page_first"].append(_timed(_page(target)))
        if summaries.can_refresh:
            summaries.refresh(bank_id)  # the worker's round before: every window current
            post_entries(target, "bank", args.new_entries)
            times["refresh"].append(_timed(lambda: summaries.refresh(bank_id)))
            times["evaluator_refreshed"].append(_timed(evaluator))
            times["coordinator_refreshed"].append(_timed(coordinator))
            if summaries.keeps_asked:  # the answer kept by the worker: measure the window too
                summaries.clear_cache(bank_id)
                times["coordinator_window"].append(_timed(coordinator))
            post_entries(target, "page", args.new_entries)
            summaries.refresh(target.banks["page"]["id"])
            times["page_refreshed"].append(_timed(_page(target)))
            db.session.remove()
        if summaries.available:
            for n in args.fold_sizes:
                post_entries(target, "bank", n)
                times[f"fold_{n}"].append(_timed(lambda: summaries.fold(
                    bank_id, (EVALUATOR_RANGE, COORDINATOR_RANGE))))
                db.session.remove()
        db.session.remove()


def rebuild_all(target, summaries):
    """Summaries made afresh for both banks of the target; the big bank's time is kept."""
    from timebank.extensions import db

    result = {}
    with target.app.app_context():
        for key in ("bank", "page"):
            bank_id = target.banks[key]["id"]
            summaries.forget_asked(bank_id)
            if summaries.can_rebuild:
                elapsed = _timed(lambda: summaries.rebuild(bank_id))  # noqa: B023
            else:
                elapsed = _timed(lambda: summaries.fold(bank_id))  # noqa: B023
            db.session.remove()
            result[key] = elapsed
    return {"rebuild_s": result["bank"], "rebuild_how": "rebuild" if summaries.can_rebuild
            else "fold from an empty watermark"}


def measure_issue14(targets, summaries, args):
    """All targets round-robin: in round r the targets take turns starting at the r-th, so
    that no data set or engine always goes first; untimed rounds (--warmups) before."""
    results = {t.name: {"times": {}, "counts": t.counts} for t in targets}
    if summaries.available:
        for target in targets:
            results[target.name].update(rebuild_all(target, summaries))
            print(f"[{target.name}] summaries built: {results[target.name]['rebuild_s']:.1f} s",
                  flush=True)
    for _ in range(args.warmups):
        for target in targets:
            one_round(target, summaries, args, _Recorder())  # thrown away
            print(f"[{target.name}] warmed up", flush=True)
    for r in range(args.rounds):
        for target in targets[r % len(targets):] + targets[:r % len(targets)]:
            times = results[target.name]["times"]
            scratch = _Recorder()
            one_round(target, summaries, args, scratch)
            for key, values in scratch.items():
                times.setdefault(key, []).extend(values)
            print(f"[{target.name}] round {r + 1}/{args.rounds}: " + ", ".join(
                f"{k} {v[-1] * 1000:.0f} ms" for k, v in scratch.items()), flush=True)
    for result in results.values():
        result["medians"] = {k: statistics.median(v) for k, v in result["times"].items()}
    return results


class _Recorder(dict):
    """A dict whose missing keys are fresh lists (the rounds' figures go in by name)."""

    def __missing__(self, key):
        self[key] = []
        return self[key]


def _ms(seconds):
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def issue14_table(results, args) -> str:
    """Medians side by side, one column per engine and data set, ratios to the floor measured
    in the same rounds."""
    def median(key):
        return lambda r: _ms(r["medians"][key]) if key in r["medians"] else "n/a"

    def ratio(key, floor):
        def cell(r):
            m = r["medians"]
            if key not in m:
                return "n/a"
            return f"{_ms(m[key])} ({m[key] / m[floor]:.2f}×)"
        return cell

    n = args.new_entries
    rows = [
        ("transfers in the 12 months (Jun 2025–May 2026)", None,
         lambda r: f"{r['counts']['evaluator']:,}"),
        ("floor: raw GROUP BY provider, 12 months", None, median("floor_12")),
        (f"a) evaluator, 12 months protected, 1st view after {n} new entries", "≤ 0.5×",
         ratio("evaluator_first", "floor_12")),
        ("a) evaluator, 12 months protected, 1st view after a cache clear", "≤ 0.5×",
         ratio("evaluator_cleared", "floor_12")),
        (f"a) evaluator, same, 1st view after {n} new entries, refreshed after commit",
         "≤ 0.5×", ratio("evaluator_refreshed", "floor_12")),
        ("a) evaluator, 12 other months never asked before (1st view)", None,
         ratio("evaluator_new_period", "floor_12")),
        ("   floor: raw GROUP BY pair (minutes each way), those 12 months", None,
         ratio("floor_pairs_new_period", "floor_12")),
        ("c) evaluator, repeat view of the unchanged report", "< 20 ms", median("repeat")),
        ("transfers 17 Mar–9 Nov 2025", None, lambda r: f"{r['counts']['coordinator']:,}"),
        ("floor: raw GROUP BY provider, 17 Mar–9 Nov", None, median("floor_range")),
        (f"b) coordinator, 17 Mar–9 Nov exact, 1st view after {n} new entries", "≤ 2×",
         ratio("coordinator_first", "floor_range")),
        (f"b) coordinator, same, 1st view after {n} new entries, refreshed after commit",
         "≤ 2×", ratio("coordinator_refreshed", "floor_range")),
        ("b) coordinator, same, its window current but its answer not kept (cache cleared)",
         "≤ 2×", ratio("coordinator_window", "floor_range")),
        ("floor: raw GROUP BY provider, a week a year back", None, median("floor_week")),
        ("floor: one row per member read (accounts), no figures", None,
         ratio("floor_members", "floor_week")),
        ("b) coordinator, a week a year back never asked before (1st view)", "≤ 2×",
         ratio("coordinator_week", "floor_week")),
        ("   the same week's report against the members' floor", None,
         ratio("coordinator_week", "floor_members")),
        (f"d) GET /reports, page bank, 1st view after {n} new entries", "< 300 ms",
         median("page_first")),
        (f"d) GET /reports, page bank, 1st view after {n} new entries, refreshed after commit",
         "< 300 ms", median("page_refreshed")),
        ("   (transfers shown on the page; the year before is read too)", None,
         lambda r: f"{r['counts']['page']:,}"),
        (f"e) worker's round after {n} new entries (fold, every window, pages and asked "
         "reports kept)", None,
         median("refresh")),
        *((f"e) fold {size:,} new entries into the summaries and 2 windows", None,
           median(f"fold_{size}"))
          for size in args.fold_sizes),
        ("e) summaries of the whole bank built afresh (its windows retired)", None,
         lambda r: f"{r['rebuild_s']:.1f} s" if "rebuild_s" in r else "n/a"),
    ]
    names = list(results)
    width = max(len(label) for label, _, _ in rows)
    cells = [[cell(results[name]) for name in names] for _, _, cell in rows]
    widths = [max(len(name), *(len(row[i]) for row in cells)) for i, name in enumerate(names)]
    lines = [f"{'':{width}}  " + "  ".join(f"{name:>{w}}" for name, w in zip(names, widths,
                                                                            strict=True))
             + "  goal"]
    for (label, goal, _), row in zip(rows, cells, strict=True):
        lines.append(f"{label:{width}}  " + "  ".join(
            f"{c:>{w}}" for c, w in zip(row, widths, strict=True)) + f"  {goal or ''}")
    return "\n".join(lines)


def shape_table(shapes) -> str:
    names = list(shapes)
    rows = [("members", "members"), ("members with no transfer", "members_without_transfers"),
            ("transfers", "transfers"), ("distinct pairs (either way)", "distinct_pairs"),
            ("pair-months", "pair_months"), ("member-months", "member_months"),
            ("top 10 % of members' share of participations", "top10_share")]
    width = max(len(label) for label, _ in rows)
    lines = [f"{'':{width}}  " + "  ".join(f"{n:>16}" for n in names)]
    for label, key in rows:
        lines.append(f"{label:{width}}  " + "  ".join(
            f"{shapes[n][key]:>16.1%}" if key == "top10_share" else f"{shapes[n][key]:>16,}"
            for n in names))
    return "\n".join(lines)


# --- running ----------------------------------------------------------------------------------

def prepare(engine, args, datasets=("uniform",)):
    """The engine's database, migrated to the code's head, with the banks of `datasets`
    (built unless --reuse finds them)."""
    if engine == "sqlite":
        folder = Path(args.folder or tempfile.mkdtemp(prefix="timebank-bench-"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "reports.db"
        url = f"sqlite:///{path}"
        loader = sqlite_loader(str(path))
        if path.exists() and not args.reuse:
            path.unlink()
    else:
        base = make_url(args.pg_url)
        name = args.pg_database
        url = base.set(drivername="postgresql+psycopg", database=name)
        admin = sa.create_engine(base.set(drivername="postgresql+psycopg"),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)).first()
            if exists and not args.reuse:
                conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        url = url.render_as_string(hide_password=False)
        loader = postgres_loader(make_url(url).set(drivername="postgresql")
                                 .render_as_string(hide_password=False))
    migrate(url)  # a reused database is brought to the code's schema too
    app = make_app(url)
    from timebank.extensions import db
    from timebank.models import Bank

    with app.app_context():
        present = set(db.session.scalars(sa.select(Bank.slug)))
        db.session.remove()
    built = []
    two_years = dt.timedelta(days=730)
    for name in datasets:
        spec = DATASETS[name]
        if spec["bank"] not in present:
            built.append(build_bank(app, spec["bank"], args.members, args.transfers,
                                    start=END - two_years, days=730, seed=spec["seeds"][0],
                                    loader=loader, make_journal=spec["journal"]))
        if spec["page"] not in present:
            built.append(build_bank(app, spec["page"], args.members // 4, args.transfers // 5,
                                    start=END - two_years, days=730, seed=spec["seeds"][1],
                                    loader=loader, growing=False, make_journal=spec["journal"]))
    with app.app_context():
        db.engine.dispose()
    return url, built


def run(engine, args):
    """The measurements made before issue 14 (--classic), on the uniform data set."""
    url, built = prepare(engine, args)
    for line in built:
        print(f"[{engine}] built {line}", flush=True)
    app = make_app(url)
    result = {"engine": engine, "built": built}
    two_years = (END - dt.timedelta(days=730), END)
    result["full_range"] = measure_report(app, "bench", date_from=two_years[0],
                                          date_to=two_years[1], rounds=args.rounds)
    print(f"[{engine}] full range {result['full_range']}", flush=True)
    last_year = (END - dt.timedelta(days=365), END)
    result["last_year"] = measure_report(app, "bench", date_from=last_year[0],
                                         date_to=last_year[1], rounds=args.rounds)
    print(f"[{engine}] last year {result['last_year']}", flush=True)
    result["page"] = measure_page(app, "page", rounds=max(args.rounds, 10))
    result["page"]["transfers_shown"] = _transfers_in(app, "page", PAGE_RANGE)
    print(f"[{engine}] page {result['page']}", flush=True)
    result["export"] = measure_export(url, "bench", "page")
    print(f"[{engine}] export {result['export']}", flush=True)
    with app.app_context():
        from timebank.extensions import db

        db.engine.dispose()
    return result


def table(results) -> str:
    """The medians side by side, one column per engine, with each time's ratio to the floor
    measured in the same rounds."""
    def timed(key, name):
        return lambda r: (f"{r[key][name]:.2f} s" if name == "floor_s" else
                          f"{r[key][name]:.2f} s ({r[key][name] / r[key]['floor_s']:.1f}×)")

    rows = [
        ("floor, two years", timed("full_range", "floor_s")),
        ("pairs alone, two years", timed("full_range", "pairs_s")),
        ("full report, two years", timed("full_range", "report_s")),
        ("floor, last year", timed("last_year", "floor_s")),
        ("pairs alone, last year", timed("last_year", "pairs_s")),
        ("full report, last year", timed("last_year", "report_s")),
        ("report page", lambda r: f"{r['page']['page_s']:.2f} s "
                                  f"({r['page']['transfers_shown']:,} transfers)"),
        ("members.csv peak RSS growth", lambda r: f"{r['export']['rss_growth_mb']} MB "
                                                  f"({r['export']['rows']:,} rows)"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{'':{width}}  " + "  ".join(f"{r['engine']:<28}" for r in results)]
    lines += [f"{label:{width}}  " + "  ".join(f"{cell(r):<28}" for r in results)
              for label, cell in rows]
    return "\n".join(lines)


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "--export-child":
        export_child(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@localhost/postgres"))
    parser.add_argument("--pg-database", default="timebank_bench_reports",
                        help="the database made on that server for the bench")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--transfers", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--folder", help="where the SQLite database goes (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="keep a database built before")
    parser.add_argument("--json", help="write the results here too")
    parser.add_argument("--data", choices=("uniform", "tailed", "both"), default="both",
                        help="the data sets measured (issue 14 measurements)")
    parser.add_argument("--new-entries", type=int, default=10,
                        help="entries posted before each first view, so that it must fold them")
    parser.add_argument("--fold-sizes", type=lambda v: [int(n) for n in v.split(",")],
                        default=[10, 1000], help="comma-separated: entries folded at a time")
    parser.add_argument("--warmups", type=int, default=1, help="untimed rounds first")
    parser.add_argument("--no-shape", dest="shape", action="store_false",
                        help="don't work out the data sets' shape (a minute or two at 1M)")
    parser.add_argument("--classic", action="store_true",
                        help="the measurements made before issue 14 instead (uniform data set): "
                             "full range, last year, page repeat views, members.csv")
    args = parser.parse_args()
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    print(f"timebank reports benchmark on {os.cpu_count()} CPU(s), Python "
          f"{sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}; load average before the "
          f"run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if args.classic:
        results = [run(engine, args) for engine in engines]
        print(table(results))
    else:
        results = issue14(engines, args)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


def issue14(engines, args):
    datasets = ("uniform", "tailed") if args.data == "both" else (args.data,)
    summaries = Summaries()
    print("summaries in the code measured: " + (
        "yes" + (", rebuild" if summaries.can_rebuild else "")
        + (", cache" if summaries.has_cache else "") if summaries.available
        else "no (their figures print n/a)"), flush=True)
    targets, shapes = [], {}
    for engine in engines:
        url, built = prepare(engine, args, datasets)
        for line in built:
            print(f"[{engine}] built {line}", flush=True)
        app = make_app(url)
        for dataset in datasets:
            targets.append(make_target(engine, dataset, app))
            if dataset not in shapes and args.shape:  # the same data on every engine
                for key in ("bank", "page"):
                    slug = DATASETS[dataset][key]
                    shapes[f"{dataset}/{slug}"] = data_shape(app, slug)
    if shapes:
        print(shape_table(shapes), flush=True)
    results = measure_issue14(targets, summaries, args)
    for target in targets:
        with target.app.app_context():
            from timebank.extensions import db

            db.engine.dispose()
    print(issue14_table(results, args), flush=True)
    return {"shapes": shapes, "results": results,
            "summaries": {"available": summaries.available, "rebuild": summaries.can_rebuild,
                          "cache": summaries.has_cache},
            "new_entries": args.new_entries, "fold_sizes": args.fold_sizes}


if __name__ == "__main__":
    main()
