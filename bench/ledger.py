"""Postings per second: timebank's posting service against a raw-SQL floor and django-hordak.

Run by hand, never by the test suite:

    .venv/bin/python bench/ledger.py [--engine sqlite|postgresql|both] [--pg-url URL]
                                     [--seconds S] [--rounds N] [--json FILE]

Systems, measured side by side in one run, round-robin within each round so
that a slow moment of the machine hurts them all alike:

- ours:   `timebank.services.ledger.post` in a Flask app context, one per client
          thread, on a database built by the project's Alembic migrations;
- floor:  the same work in raw SQL on the bare driver (sqlite3 / psycopg), on the
          same migrated tables, at the same durability: conditional account
          UPDATEs in id order with the limit check in the WHERE clause, the bank's
          ledger head row locked, the keyed (HMAC-SHA-256) chain extended in Python, the entry
          and its transfer inserted, the head moved, one commit;
- hordak: django-hordak's `Account.transfer_to` in `transaction.atomic()`, on a
          separate database of the same PostgreSQL server (PostgreSQL only).

Each client is a thread with its own connection. Postings go between random
pairs of many accounts whose floors are far below anything reached, so no
posting is refused. After the run the project's verifier (`ledger verify`)
checks invariants I1–I6 over every bank, including the floor's: proof that the
floor did the same work, hash chain included.

Without --pg-url (or BENCH_DATABASE_URL) a throwaway PostgreSQL server is
started in a temporary folder and stopped at the end; databases created on a
given server are dropped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import glob
import json
import os
import random
import re
import secrets
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # config.py lives at the root

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from timebank.ledger import (  # noqa: E402
    DEVELOPMENT_KEY,
    EntryKind,
    Keyring,
    Posting,
    Transfer,
    canonical_entry,
    chain_hash,
)

# the application's ledger key (config.py): the floor's entries must verify with it
KEY = Keyring.from_strings(os.environ.get("TIMEBANK_LEDGER_KEY") or DEVELOPMENT_KEY).current

ACCOUNTS = 200  # per system: enough pairs that two clients rarely touch the same accounts
FLOOR = -1_000_000_000  # minutes: far below any balance a run reaches
WARMUP = 20  # postings per client before the clock starts (caches, prepared statements)
CLIENTS = (1, 8)
DAY = dt.date(2026, 6, 1)
NOW = dt.datetime(2026, 6, 1, 12, 0)


# --- measuring ----------------------------------------------------------------------------------


@dataclass
class System:
    """A way of posting: `connect()` runs in each client thread and returns a Client."""

    name: str
    connect: object
    accounts: list[int]


class Client:
    def post(self, debit: int, credit: int, minutes: int) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


def measure(system: System, clients: int, seconds: float, seed: int) -> float:
    """Postings per second of `clients` threads posting for `seconds`."""
    ready = threading.Barrier(clients + 1)
    stop = threading.Event()
    counts, ends, errors = [0] * clients, [0.0] * clients, []

    def run(i):
        rng = random.Random(seed * 1000 + i)

        def post_one():
            debit, credit = rng.sample(system.accounts, 2)
            client.post(debit, credit, rng.randint(1, 60))

        try:
            client = system.connect()
        except BaseException as error:
            errors.append(error)
            ready.abort()
            return
        try:
            for _ in range(WARMUP):
                post_one()
            ready.wait()
            while not stop.is_set():
                post_one()
                counts[i] += 1
            ends[i] = time.perf_counter()
        except BaseException as error:
            errors.append(error)
            stop.set()
            with contextlib.suppress(threading.BrokenBarrierError):
                ready.abort()
        finally:
            client.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        ready.wait()
    start = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{system.name} failed with {clients} client(s)") from errors[0]
    return sum(counts) / (max(ends) - start)


# --- ours: the service layer ----------------------------------------------------------------------


def create_bank(app, slug: str) -> tuple[int, list[int]]:
    """A bank with ACCOUNTS members whose floors no run can reach, made by the services."""
    from timebank.extensions import db
    from timebank.services import banks, members

    with app.app_context():
        bank = banks.create_bank(slug=slug, name=f"Benchmark {slug}", now=NOW)
        bank.default_floor_minutes = FLOOR
        db.session.commit()
        accounts = [
            members.create_member(bank, name=f"Member {i}", email=None, status="active",
                                  now=NOW).account.id
            for i in range(ACCOUNTS)
        ]
        bank_id = bank.id
        db.session.remove()
    return bank_id, accounts


class OursClient(Client):
    def __init__(self, app, bank_id):
        from timebank.extensions import db
        from timebank.services import ledger

        self.bank_id, self.db, self.ledger = bank_id, db, ledger
        self.context = app.app_context()
        self.context.push()

    def post(self, debit, credit, minutes):
        self.ledger.post(
            self.bank_id,
            Posting(kind=EntryKind.EXCHANGE, occurred_on=DAY,
                    transfers=(Transfer(debit, credit, minutes),)),
            now=dt.datetime.now(dt.UTC),
        )

    def close(self):
        self.db.session.remove()
        self.context.pop()


# --- the raw-SQL floor --------------------------------------------------------------------------

MOVE = """
UPDATE accounts SET debits_posted = debits_posted + :d, credits_posted = credits_posted + :c
WHERE id = :account AND bank_id = :bank
  AND (credits_posted + :c) - (debits_posted + :d) >= floor_minutes
  AND (ceiling_minutes IS NULL OR (credits_posted + :c) - (debits_posted + :d) <= ceiling_minutes)
"""
HEAD = "SELECT last_seq, last_hash FROM ledger_heads WHERE bank_id = :bank"
ENTRY = """
INSERT INTO journal_entries (bank_id, seq, kind, occurred_on, posted_at, description, hash,
                             key_id)
VALUES (:bank, :seq, 'exchange', :day, :posted_at, '', :hash, :key_id) RETURNING id
"""
TRANSFER = """
INSERT INTO transfers (bank_id, entry_id, position, debit_account_id, credit_account_id,
                       minutes, occurred_on, record_key)
VALUES (:bank, :entry, 1, :debit, :credit, :minutes, :day, :record_key)
"""
MOVE_HEAD = "UPDATE ledger_heads SET last_seq = :seq, last_hash = :hash WHERE bank_id = :bank"


def _pyformat(sql: str) -> str:
    """psycopg spells :name as %(name)s."""
    return re.sub(r":(\w+)", r"%(\1)s", sql)


class FloorClient(Client):
    """One posting in raw SQL; subclasses say how to connect, begin and lock the head."""

    head_sql = HEAD
    sqlite = False

    def post(self, debit, credit, minutes):
        cur = self.begin()
        try:
            for account, d, c in sorted([(debit, minutes, 0), (credit, 0, minutes)]):
                cur.execute(self.move_sql, {"d": d, "c": c, "account": account, "bank": self.bank_id})
                if cur.rowcount != 1:
                    raise RuntimeError(f"posting refused for account {account}")
            cur.execute(self.head_sql, {"bank": self.bank_id})
            last_seq, last_hash = cur.fetchone()
            seq, posted_at = last_seq + 1, dt.datetime.now(dt.UTC).replace(tzinfo=None)
            digest = chain_hash(KEY, last_hash, canonical_entry(
                bank_id=self.bank_id, seq=seq, kind=EntryKind.EXCHANGE, occurred_on=DAY,
                posted_at=posted_at, reverses_id=None, exchange_id=None,
                activity_id=None, category_id=None, transfers=[(debit, credit, minutes)],
            ))
            if self.sqlite:  # stored the way SQLAlchemy stores SQLite dates and datetimes
                day, posted_at = DAY.isoformat(), posted_at.isoformat(" ", "microseconds")
            else:
                day = DAY
            cur.execute(self.entry_sql, {"bank": self.bank_id, "seq": seq, "day": day,
                                         "posted_at": posted_at, "hash": digest,
                                         "key_id": KEY.id})
            entry_id = cur.fetchone()[0]
            cur.execute(self.transfer_sql, {"bank": self.bank_id, "entry": entry_id, "debit": debit,
                                            "record_key": secrets.randbelow(256),
                                            "credit": credit, "minutes": minutes, "day": day})
            cur.execute(self.move_head_sql, {"seq": seq, "hash": digest, "bank": self.bank_id})
            self.commit()
        except BaseException:
            self.rollback()
            raise


class SQLiteFloor(FloorClient):
    sqlite = True
    move_sql, entry_sql, transfer_sql, move_head_sql = MOVE, ENTRY, TRANSFER, MOVE_HEAD

    def __init__(self, path, bank_id):
        self.bank_id = bank_id
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("busy_timeout = 30000", "journal_mode = WAL", "foreign_keys = ON",
                       "synchronous = FULL"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.cur = self.conn.cursor()

    def begin(self):
        self.cur.execute("BEGIN IMMEDIATE")
        return self.cur

    def commit(self):
        self.cur.execute("COMMIT")

    def rollback(self):
        if self.conn.in_transaction:
            self.cur.execute("ROLLBACK")

    def close(self):
        self.conn.close()


class PostgresFloor(FloorClient):
    move_sql, entry_sql = _pyformat(MOVE), _pyformat(ENTRY)
    transfer_sql, move_head_sql = _pyformat(TRANSFER), _pyformat(MOVE_HEAD)
    head_sql = _pyformat(HEAD) + " FOR UPDATE"

    def __init__(self, conninfo, bank_id):
        self.bank_id = bank_id
        self.conn = psycopg.connect(conninfo)  # default synchronous_commit = on
        self.cur = self.conn.cursor()

    def begin(self):
        return self.cur  # psycopg opens the transaction with the first statement

    def commit(self):
        self.conn.commit()

    def rollback(self):
        self.conn.rollback()

    def close(self):
        self.conn.close()


# --- django-hordak ------------------------------------------------------------------------------


def setup_hordak(url: str) -> list[int]:
    """Configure Django in-process on database `url`, migrate it, make ACCOUNTS accounts."""
    import dj_database_url
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(
        DATABASES={"default": dj_database_url.parse(url)},
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "mptt", "djmoney",
                        "hordak"],
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        HORDAK_CURRENCIES=["EUR"],
        DEFAULT_CURRENCY="EUR",
    )
    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection
    from hordak.models import Account, AccountType

    ids = [Account.objects.create(name=f"Member {i}", type=AccountType.asset,
                                  currencies=["EUR"]).id for i in range(ACCOUNTS)]
    connection.close()
    return ids


class HordakClient(Client):
    def __init__(self):
        from django.db import connection, transaction
        from hordak.models import Account
        from moneyed import Money

        self.connection, self.transaction, self.money = connection, transaction, Money
        self.accounts = {a.id: a for a in Account.objects.all()}

    def post(self, debit, credit, minutes):
        # transfer_to credits self and debits the other account; hordak's deferred
        # trigger checks the legs balance at commit, so the posting needs its transaction.
        with self.transaction.atomic():
            self.accounts[credit].transfer_to(self.accounts[debit], self.money(minutes, "EUR"))

    def close(self):
        self.connection.close()


# --- databases and servers ------------------------------------------------------------------------


def migrate(url: str):
    """A Flask app on `url`, its schema built by the project's Alembic migrations."""
    from flask_migrate import upgrade

    from timebank import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
    return app


def verify(app) -> str:
    from timebank.extensions import db
    from timebank.services import verification

    with app.app_context():
        report = verification.verify()
        db.session.remove()
        db.engine.dispose()
    if not report.ok:
        failure = report.first_failure
        return f"FAILED {failure.name}: {failure.detail}"
    return "ok: " + report.checks[-1].detail


@contextlib.contextmanager
def throwaway_postgres():
    """Start a PostgreSQL server in a temporary folder (as user postgres when we are root)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    bindir = os.environ.get("PG_BIN") or (found[-1] if found else None)
    if not bindir:
        sys.exit("No PostgreSQL binaries found: install postgresql, set PG_BIN, or give --pg-url.")
    folder = tempfile.mkdtemp(prefix="timebank-bench-pg-")
    as_postgres = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        as_postgres = ["runuser", "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = f"{folder}/data"
    pg_ctl = [*as_postgres, f"{bindir}/pg_ctl", "-D", data]
    try:
        subprocess.run([*as_postgres, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*pg_ctl, "-l", f"{folder}/log", "-w", "-o",
                        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start"],
                       check=True, stdout=subprocess.DEVNULL)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*pg_ctl, "-m", "fast", "stop"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def postgres_databases(server_url: str, *names):
    """Create databases on the server; yield their SQLAlchemy URLs; drop them at the end."""
    base = make_url(server_url).set(drivername="postgresql+psycopg")
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)

    def run(sql):
        with admin.connect() as conn:
            conn.exec_driver_sql(sql)

    try:
        for name in names:
            run(f'CREATE DATABASE "{name}"')
        yield [base.set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        for name in names:
            run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def libpq(url: str) -> str:
    """The plain postgresql:// form that psycopg and dj-database-url read."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# --- the runs ---------------------------------------------------------------------------------------


@dataclass
class Results:
    rounds: dict = field(default_factory=dict)  # (engine, clients, system) -> [postings/s]
    checks: dict = field(default_factory=dict)  # engine -> verifier's verdict

    def add(self, engine, clients, system, rate):
        self.rounds.setdefault((engine, clients, system), []).append(rate)

    def median(self, engine, clients, system):
        values = self.rounds.get((engine, clients, system))
        return statistics.median(values) if values else None

    def paired(self, engine, clients, other):
        """Median of ours/other within each round: the two ran back to back, so a busy
        machine slows both, and this ratio moves less than the ratio of medians."""
        ours, theirs = self.rounds[(engine, clients, "ours")], self.rounds[(engine, clients, other)]
        return statistics.median(a / b for a, b in zip(ours, theirs, strict=True))


def run_engine(engine: str, systems: list[System], args, results: Results):
    """Every configuration once per round; the systems take turns at going first."""
    for number in range(1, args.rounds + 1):
        turn = number % len(systems)
        for clients in CLIENTS:
            for system in systems[turn:] + systems[:turn]:
                rate = measure(system, clients, args.seconds, seed=number)
                results.add(engine, clients, system.name, rate)
                print(f"  {engine:10} round {number}/{args.rounds} {clients} client(s) "
                      f"{system.name:6} {rate:8.0f}/s", flush=True)


def bench_sqlite(args, results: Results):
    folder = tempfile.mkdtemp(prefix="timebank-bench-sqlite-")
    try:
        path = f"{folder}/timebank.db"
        app = migrate(f"sqlite:///{path}")
        ours_bank, ours_accounts = create_bank(app, "ours")
        floor_bank, floor_accounts = create_bank(app, "floor")
        systems = [
            System("ours", lambda: OursClient(app, ours_bank), ours_accounts),
            System("floor", lambda: SQLiteFloor(path, floor_bank), floor_accounts),
        ]
        run_engine("sqlite", systems, args, results)
        results.checks["sqlite"] = verify(app)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def bench_postgresql(args, results: Results):
    server = args.pg_url
    with contextlib.ExitStack() as stack:
        if not server:
            print("  starting a throwaway PostgreSQL server", flush=True)
            server = stack.enter_context(throwaway_postgres())
        suffix = uuid.uuid4().hex[:8]
        timebank_url, hordak_url = stack.enter_context(
            postgres_databases(server, f"bench_timebank_{suffix}", f"bench_hordak_{suffix}")
        )
        app = migrate(timebank_url)
        ours_bank, ours_accounts = create_bank(app, "ours")
        floor_bank, floor_accounts = create_bank(app, "floor")
        systems = [
            System("ours", lambda: OursClient(app, ours_bank), ours_accounts),
            System("floor", lambda: PostgresFloor(libpq(timebank_url), floor_bank), floor_accounts),
        ]
        if not args.no_hordak:
            systems.append(System("hordak", HordakClient, setup_hordak(libpq(hordak_url))))
        try:
            run_engine("postgresql", systems, args, results)
            results.checks["postgresql"] = verify(app)
        finally:
            from timebank.extensions import db

            with app.app_context():
                db.engine.dispose()
            if not args.no_hordak:
                from django.db import connections

                connections.close_all()


# --- the report -----------------------------------------------------------------------------------

GOALS = {"sqlite": {"floor": 0.3}, "postgresql": {"floor": 0.5, "hordak": 2.0}}


def report(results: Results, args) -> str:
    def rate(value):
        return f"{value:,.0f}" if value is not None else "—"

    def ratio(a, b):
        return f"{a / b:.2f}×" if a is not None and b else "—"

    lines = [
        f"Median postings/s over {args.rounds} round(s) of {args.seconds:g} s "
        f"(ours = timebank.services.ledger.post)",
        "",
        "| engine     | clients | ours   | floor  | hordak | ours/floor | ours/hordak |",
        "|------------|--------:|-------:|-------:|-------:|-----------:|------------:|",
    ]
    verdicts = []
    for engine in ("sqlite", "postgresql"):
        for clients in CLIENTS:
            ours, floor, hordak = (results.median(engine, clients, s)
                                   for s in ("ours", "floor", "hordak"))
            if ours is None:
                continue
            lines.append(f"| {engine:10} | {clients:7} | {rate(ours):>6} | {rate(floor):>6} | "
                         f"{rate(hordak):>6} | {ratio(ours, floor):>10} | {ratio(ours, hordak):>11} |")
            for other, goal in GOALS[engine].items():
                value = results.median(engine, clients, other)
                if value:
                    met = "met" if ours / value >= goal else "MISSED"
                    verdicts.append(f"{engine}, {clients} client(s): ours/{other} "
                                    f"{ours / value:.2f} (goal ≥ {goal}) {met}; median of the "
                                    f"rounds' own ratios {results.paired(engine, clients, other):.2f}")
    spreads = [
        f"  {engine} {clients} client(s): " + ", ".join(
            f"{system} {min(values):,.0f}–{max(values):,.0f}"
            for system in ("ours", "floor", "hordak")
            if (values := results.rounds.get((engine, clients, system)))
        )
        for engine, clients in dict.fromkeys((e, c) for e, c, _ in results.rounds)
    ]
    lines += ["", "Spread over the rounds (min–max postings/s):", *spreads]
    lines += ["", "Goals:", *("  " + v for v in verdicts), "", "Ledger verified after the run:"]
    lines += [f"  {engine}: {verdict}" for engine, verdict in results.checks.items()]
    return "\n".join(lines)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="a PostgreSQL server to create the benchmark databases on "
                             "(default: $BENCH_DATABASE_URL, else a throwaway server)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one measurement")
    parser.add_argument("--rounds", type=int, default=5, help="measurements per configuration")
    parser.add_argument("--no-hordak", action="store_true", help="skip django-hordak")
    parser.add_argument("--json", metavar="FILE", help="also write every round's figures here")
    args = parser.parse_args(argv)

    results = Results()
    print(f"timebank ledger benchmark on {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, "
          f"SQLite {sqlite3.sqlite_version}; load average before the run: {_load()} "
          f"(anything else running skews the figures)", flush=True)
    if args.engine in ("sqlite", "both"):
        bench_sqlite(args, results)
    if args.engine in ("postgresql", "both"):
        bench_postgresql(args, results)
    print()
    print(report(results, args))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(
            [{"engine": e, "clients": c, "system": s, "rates": r}
             for (e, c, s), r in results.rounds.items()], indent=2))


if __name__ == "__main__":
    main()
