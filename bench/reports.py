"""Reciprocity reports at scale: the full report against a raw-SQL floor, the page, the export.

Run by hand, never by the test suite:

    .venv/bin/python bench/reports.py [--engine sqlite|postgresql|both] [--pg-url URL]
                                      [--pg-database NAME] [--members N] [--transfers N]
                                      [--rounds N] [--folder DIR] [--reuse] [--json FILE]

For each engine it builds (or, with --reuse, finds) a database migrated by the
project's Alembic migrations, and in it:

- bank "bench": 20,000 members and 1,000,000 transfers over two years, bulk
  inserted (COPY on PostgreSQL, executemany in one transaction on SQLite) with a
  real hash chain, so `flask ledger verify` passes on it;
- bank "page": 5,000 members (all there from the start) and 200,000 transfers
  spread evenly over two years, for the report page: it is asked for the last
  twelve months (about 100,000 transfers) and compares them with the twelve
  before (as many again).

Then, in one process and round-robin within each round:

- floor:  one raw SQL GROUP BY over the same transfers (same bank, same range)
          computing minutes given and received per account;
- pairs:  one raw SQL GROUP BY over the same transfers into pairs of accounts
          (lower id first) with the minutes each way: the least any exact report
          must do for its pair figures (direct reciprocity, partners, cross-group
          pairs), without exclusions, masks or joins, so a bound from below;
- report: `services.reports.reciprocity_report` for the same range: every
          metric, table and suppression of the JSON report, authorization and
          a consistent snapshot included;

and, for the page and the export:

- page:   GET /reports (default range) as a signed-in evaluator, through the
          Flask test client: the report, the previous period, SVG charts, HTML;
- export: GET /api/v1/reports/members.csv for the 20,000-member bank, streamed
          to nowhere in a fresh process; the growth of its peak RSS over the RSS
          just before the request, and Python's own peak allocation (tracemalloc)
          during it, are reported.

The data are shaped like a time bank: members live in neighbourhoods of 100,
each with about five regular partners there (four exchanges in five are with
them), the rest with anyone; 89 % citizens, 10 % professionals, 1 %
organisations that run group credits; categories and activities as in the demo;
a few reversals, donations and grants. The script prints how many (provider,
receiver, month, category, activity) groups the aggregate holds, so that the
effect of that shape can be judged.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

def build_bank(app, slug, n_members, n_transfers, *, start, days, seed, loader, growing=True):
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
    entries = journal(people, n_transfers, rng, start, days, category_ids, activity_ids)
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
    members, accounts, changes = [], [], []
    account_of = {-1: pool_id}
    for i, (group, joined, birth, left) in enumerate(people):
        mid, aid = member_id + 1 + i, account_id + 1 + i
        account_of[i] = aid
        created = dt.datetime.combine(joined, dt.time(9))
        status = "left" if left and left < END else "active"
        members.append((mid, bank_id, None, f"Member {i}", group, "member", status, "", birth,
                        joined, created))
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
                                  activity))
    return members, accounts, changes, journal_rows, transfer_rows, (len(entries), previous)


COLUMNS = {
    "members": ("id", "bank_id", "user_id", "name", "member_group", "role", "status", "skills",
                "birth_year", "joined_on", "created_at"),
    "accounts": ("id", "bank_id", "member_id", "is_pool", "floor_minutes", "ceiling_minutes",
                 "debits_posted", "credits_posted"),
    "member_status_changes": ("id", "bank_id", "member_id", "status", "changed_at"),
    "journal_entries": ("id", "bank_id", "seq", "kind", "occurred_on", "posted_at", "description",
                        "reverses_id", "exchange_id", "activity_id", "category_id",
                        "created_by_id", "hash", "key_id"),
    "transfers": ("id", "bank_id", "entry_id", "position", "debit_account_id",
                  "credit_account_id", "minutes", "occurred_on", "category_id", "activity_id"),
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
        for _ in range(rounds):
            times["floor"].append(_timed(floor))
            times["pairs"].append(_timed(pairs))
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
    from timebank.services import auth

    app = make_app(url)
    headers = {}
    with app.app_context():
        for name in (warm_slug, slug):
            bank = db.session.scalar(sa.select(Bank).where(Bank.slug == name))
            evaluator = db.session.scalar(sa.select(Member).where(
                Member.bank_id == bank.id, Member.role == "evaluator"))
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


# --- running ----------------------------------------------------------------------------------

def prepare(engine, args):
    if engine == "sqlite":
        folder = Path(args.folder or tempfile.mkdtemp(prefix="timebank-bench-"))
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "reports.db"
        url = f"sqlite:///{path}"
        loader = sqlite_loader(str(path))
        exists = path.exists()
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
    built = []
    if not (exists and args.reuse):
        if engine == "sqlite" and path.exists():
            path.unlink()
        migrate(url)
        app = make_app(url)
        two_years = dt.timedelta(days=730)
        built.append(build_bank(app, "bench", args.members, args.transfers,
                                start=END - two_years, days=730, seed=1, loader=loader))
        built.append(build_bank(app, "page", args.members // 4, args.transfers // 5,
                                start=END - two_years, days=730, seed=2, loader=loader,
                                growing=False))
        with app.app_context():
            from timebank.extensions import db

            db.engine.dispose()
    return url, built


def run(engine, args):
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
    args = parser.parse_args()
    engines = ("sqlite", "postgresql") if args.engine == "both" else (args.engine,)
    results = [run(engine, args) for engine in engines]
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
