"""Report summaries: the watermark, a writer killed mid-fold, the cache, rebuild and verify."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.reports import golden
from tests.support.factories import make_bank, make_member
from tests.support.plans import plan_of, rows_read, statements_sent
from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.models import LedgerHead, Member, ReportCache, ReportPairMonth, ReportWatermark
from timebank.reports import summaries, summary_workspace, workspace
from timebank.reports.scope import Scope
from timebank.services import (
    banks,
    catalogue,
    erasure,
    ledger,
    members,
    privacy,
    report_cache,
    report_summaries,
    reports,
)

NOW = dt.datetime(2026, 7, 2, 9, 0)
RANGE = {"date_from": golden.FROM, "date_to": golden.TO}
ROOT = Path(__file__).resolve().parents[2]

KILLED_WRITER = """
import json, sys, time
from sqlalchemy import text
from timebank import create_app
from timebank.extensions import db
from timebank.reports import summaries
from timebank.services import report_summaries

app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[1])
real = summaries.move_cells

def cells_then_hang(*args, **kwargs):
    real(*args, **kwargs)
    rows = sorted(list(row) for row in db.session.execute(text(
        "SELECT ym, lo, hi, w, n, k_all FROM report_pair_months WHERE bank_id = :b"),
        {"b": int(sys.argv[2])}))
    print(json.dumps(rows), flush=True)  # pair rows folded, the transaction still open
    time.sleep(600)

summaries.move_cells = cells_then_hang
with app.app_context():
    report_summaries.bring_up_to_date(int(sys.argv[2]))
"""


@pytest.fixture
def bank(app):
    return golden.build()


def head(bank_id):
    return db.session.scalar(select(LedgerHead.last_seq).where(LedgerHead.bank_id == bank_id))


def watermark(bank_id):
    return db.session.scalar(select(ReportWatermark.last_seq)
                             .where(ReportWatermark.bank_id == bank_id))


def summary_rows(bank_id):
    return sorted(tuple(row) for row in db.session.execute(text(
        "SELECT ym, lo, hi, w, n, k_all FROM report_pair_months WHERE bank_id = :b"),
        {"b": bank_id}))


def post(bank, day, minutes, giver="A", receiver="B"):
    return ledger.post(bank.bank.id, Posting(
        kind=EntryKind.EXCHANGE, occurred_on=day,
        transfers=(Transfer(bank.account(receiver), bank.account(giver), minutes),)), now=NOW)


@contextmanager
def from_the_transfers():
    """Reports and alerts worked out from the transfers alone, at the sequence they would
    state, with the summaries and windows out of the way."""
    real = reports._at_head

    def from_transfers(bank_id, *scopes, **options):
        sequence, _ = real(bank_id, *scopes, **options)
        return sequence, [workspace.Workspace for _ in scopes]

    reports._at_head = from_transfers
    try:
        yield
    finally:
        reports._at_head = real


def raw_report(bank, *, protected=False):
    """The report from the transfers alone, with the summaries out of the way."""
    with from_the_transfers():
        try:
            db.session.execute(ReportCache.__table__.delete())
            db.session.commit()
            return reports.reciprocity_report(bank.Q, now=NOW, protected=protected, **RANGE)
        finally:
            db.session.execute(ReportCache.__table__.delete())
            db.session.commit()


def without_time(document):
    return {k: v for k, v in document.items() if k != "generated_at"}


def test_a_report_folds_to_the_head_and_states_its_sequence(bank):
    bank_id = bank.bank.id
    assert watermark(bank_id) is None
    document = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert document["ledger_sequence"] == head(bank_id) == watermark(bank_id)
    assert summary_rows(bank_id)
    post(bank, dt.date(2026, 2, 3), 45)  # back-dated into a month folded already
    later = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert later["ledger_sequence"] == document["ledger_sequence"] + 1 == watermark(bank_id)
    assert later["metrics"]["hours"] == document["metrics"]["hours"] + 0.75
    assert without_time(later) == without_time(raw_report(bank))
    rows = list(reports.reciprocity_csv(bank.Q, now=NOW, **RANGE))
    assert any(row.startswith(f"report,,ledger_sequence,{later['ledger_sequence']}")
               for row in rows)


def test_a_reversal_takes_its_entry_out_of_the_summaries(bank):
    before = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    posted = post(bank, dt.date(2026, 3, 9), 120)
    assert reports.reciprocity_report(bank.Q, now=NOW, **RANGE)["metrics"]["hours"] == \
        before["metrics"]["hours"] + 2
    ledger.reverse(bank.bank.id, posted.id, reason="A mistake", now=NOW)
    after = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert after["metrics"] == before["metrics"]
    assert without_time(after) == without_time(raw_report(bank))


def test_a_writer_killed_mid_fold_leaves_the_old_state_and_the_next_report_is_exact(
        bank, database_url):
    bank_id = bank.bank.id
    reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    folded, rows = watermark(bank_id), summary_rows(bank_id)
    post(bank, dt.date(2026, 1, 20), 30)
    post(bank, dt.date(2026, 5, 4), 90, giver="B", receiver="A")
    db.session.commit()
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, database_url, str(bank_id)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        folding = [tuple(row) for row in json.loads(writer.stdout.readline())]
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert folding != rows  # the writer had written rows when it was killed
    db.session.rollback()
    assert watermark(bank_id) == folded
    assert summary_rows(bank_id) == rows
    document = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert document["ledger_sequence"] == head(bank_id) == watermark(bank_id) == folded + 2
    assert without_time(document) == without_time(raw_report(bank))


def stored_rows(bank_id):
    """Every pair-month and account-month row of the bank, by key."""
    pairs = {("pair", *row[:3]): tuple(row[3:]) for row in db.session.execute(text(
        "SELECT ym, lo, hi, w_lh, w, n_lh, n, k_lh, k_all FROM report_pair_months "
        "WHERE bank_id = :b"), {"b": bank_id})}
    accounts = {("account", *row[:5]): tuple(row[5:]) for row in db.session.execute(text(
        "SELECT ym, account_id, gave, category_id, activity_id, minutes, n, k "
        "FROM report_account_months WHERE bank_id = :b"), {"b": bank_id})}
    return pairs | accounts


@pytest.mark.parametrize("whole_months", [False, True])
def test_a_fold_rewrites_only_the_rows_its_entries_touch(bank, monkeypatch, whole_months):
    """Rows of pairs and accounts that a new entry leaves alone are not written again: a
    tampered row of February stays tampered when A → B is folded into February, while
    every other row is what a rebuild gives. (Working out whole months, the tampering
    is undone: the test tells the two apart.)"""
    if whole_months:
        monkeypatch.setattr(summaries, "WHOLE_MONTH_FACTOR", 0)
    bank_id = bank.bank.id
    report_summaries.bring_up_to_date(bank_id)
    february = summaries.month_index(dt.date(2026, 2, 1))
    g, b, p = (bank.account(key) for key in "GBP")
    db.session.execute(text(  # G → B and P → A in February: no new entry touches them
        "UPDATE report_pair_months SET w = w + 1000 "
        "WHERE bank_id = :bank AND ym = :ym AND lo = :lo AND hi = :hi"),
        {"bank": bank_id, "ym": february, "lo": min(g, b), "hi": max(g, b)})
    db.session.execute(text(
        "UPDATE report_account_months SET minutes = minutes + 1000 "
        "WHERE bank_id = :bank AND ym = :ym AND account_id IN (:g, :p)"),
        {"bank": bank_id, "ym": february, "g": g, "p": p})
    db.session.commit()
    tampered = stored_rows(bank_id)
    post(bank, dt.date(2026, 2, 25), 45)  # A → B, back-dated into February
    report_summaries.bring_up_to_date(bank_id)
    folded = stored_rows(bank_id)
    report_summaries.rebuild(bank_id)
    exact = stored_rows(bank_id)
    assert set(folded) == set(exact)
    kept = {key for key in exact if folded[key] != exact[key]}
    if whole_months:
        assert kept == set()
        return
    assert kept == {("pair", february, min(g, b), max(g, b))} | {
        key for key in exact if key[0] == "account" and key[1] == february and key[2] in (g, p)}
    assert len(kept) >= 3 and all(folded[key] == tampered[key] for key in kept)
    pair = ("pair", february, min(bank.account("A"), b), max(bank.account("A"), b))
    assert pair not in tampered and folded[pair] == exact[pair]


def test_a_repeat_view_is_a_lookup_and_a_new_entry_changes_the_answer(bank, monkeypatch):
    first = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    page = reports.report_page(bank.Q, now=NOW, **RANGE)
    work = []
    monkeypatch.setattr(report_summaries, "bring_up_to_date",
                        lambda bank_id: work.append("fold"))
    monkeypatch.setattr(summary_workspace.SummaryWorkspace, "build",
                        lambda self: work.append("build"))
    monkeypatch.setattr(workspace.Workspace, "build", lambda self: work.append("build"))
    assert reports.reciprocity_report(bank.Q, now=NOW, **RANGE) == first
    assert reports.report_page(bank.Q, now=NOW, **RANGE)["report"] == page["report"]
    assert work == []
    monkeypatch.undo()
    post(bank, dt.date(2026, 4, 2), 60)
    changed = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert changed["ledger_sequence"] == first["ledger_sequence"] + 1
    assert changed["metrics"]["hours"] == first["metrics"]["hours"] + 1
    stored = db.session.scalars(select(ReportCache.ledger_seq)
                                .where(ReportCache.bank_id == bank.bank.id)).all()
    assert set(stored) == {changed["ledger_sequence"]}  # answers at older sequences pruned


def test_evaluators_and_coordinators_never_get_each_others_answers(bank):
    exact = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    protected = reports.reciprocity_report(bank.V, now=NOW, **RANGE)
    assert exact["protection"] is None and protected["protection"] is not None
    assert reports.reciprocity_report(bank.V, now=NOW, **RANGE) == protected
    assert reports.reciprocity_report(bank.Q, now=NOW, **RANGE) == exact
    asked = reports.reciprocity_report(bank.Q, now=NOW, protected=True, **RANGE)
    assert asked["protection"] is not None and asked["metrics"] == protected["metrics"]
    assert db.session.scalar(select(func.count()).select_from(ReportCache)) == 2
    assert without_time(protected) == without_time(raw_report(bank, protected=True))


def test_a_change_outside_the_ledger_is_not_answered_from_the_cache(bank):


    before = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    members.update(None, bank.A.id, {"status": "suspended"}, reason="Away",
                   now=dt.datetime(2026, 3, 1))
    db.session.expire_all()
    after = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert after["ledger_sequence"] == before["ledger_sequence"]
    assert without_time(after) == without_time(raw_report(bank))
    assert after["metrics"] != before["metrics"]


def test_the_state_digest_moves_with_every_change_the_figures_read(bank):
    """What the cache key holds besides the ledger: each change below leaves the ledger
    head where it was and must give a digest not seen before, or a report would be
    answered from before it."""
    bank_id = bank.bank.id
    sequence, first = report_cache.state(bank_id)
    changes = [
        lambda: members.register(bank.bank, name="Newcomer", email="new@example.org",
                                 password="a long enough passphrase", now=NOW,
                                 privacy_version=privacy.current(bank.bank.id).version),
        lambda: members.update(None, bank.A.id, {"status": "suspended"}, reason="Away",
                               now=NOW),
        lambda: members.update(None, bank.B.id, {"group": "professional"}, reason="Staff",
                               now=NOW),
        lambda: catalogue.create_category(bank.Q, name="Befriending", now=NOW),
        lambda: catalogue.create_activity(bank.Q, name="Steering group", level="co-design",
                                          now=NOW),
    ]
    seen = [first]
    for change in changes:
        change()
        db.session.commit()
        now_sequence, digest = report_cache.state(bank_id)
        assert now_sequence == sequence
        assert digest not in seen
        seen.append(digest)


def test_a_member_who_changes_group_is_counted_in_the_new_group(bank):
    before = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    # Q gave time with an activity in June: the level table's cells by group move with them.
    members.update(None, bank.Q.id, {"group": "citizen"}, reason="Now a volunteer", now=NOW)
    db.session.expire_all()
    after = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert after["ledger_sequence"] == before["ledger_sequence"]
    assert after["levels"] != before["levels"] and after["flows"] != before["flows"]
    assert without_time(after) == without_time(raw_report(bank))
    assert report_summaries.groups_current(bank.bank.id)


def test_rebuild_and_verify_name_a_tampered_month(bank, runner):
    bank_id = bank.bank.id
    result = runner.invoke(args=["reports", "rebuild", "--bank", "golden"])
    assert result.exit_code == 0, result.output
    assert f"ledger sequence {head(bank_id)}" in result.output
    assert watermark(bank_id) == head(bank_id)
    rows = summary_rows(bank_id)
    verified = runner.invoke(args=["ledger", "verify", "--bank", "golden", "--json"])
    assert verified.exit_code == 0, verified.output
    check = {c["name"]: c for c in json.loads(verified.output)["checks"]}["report summaries"]
    assert check["ok"]

    victim = db.session.scalars(select(ReportPairMonth).where(ReportPairMonth.bank_id == bank_id)
                                .order_by(ReportPairMonth.ym.desc())).first()
    month = f"{victim.ym // 12:04d}-{victim.ym % 12 + 1:02d}"
    victim.w += 15
    db.session.commit()
    failed = runner.invoke(args=["ledger", "verify", "--bank", "golden"])
    assert failed.exit_code == 1
    assert "report summaries" in failed.output and month in failed.output
    assert "golden" in failed.output and "report_pair_months" in failed.output

    assert runner.invoke(args=["reports", "rebuild"]).exit_code == 0
    assert summary_rows(bank_id) == rows
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0
    unknown = runner.invoke(args=["reports", "rebuild", "--bank", "nowhere"])
    assert unknown.exit_code == 2 and "nowhere" in unknown.output


def test_verify_names_a_tampered_balance_month_and_a_fold_mends_what_it_touches(bank, runner):
    bank_id = bank.bank.id
    report_summaries.bring_up_to_date(bank_id)
    a = bank.account("A")
    march = summaries.month_index(dt.date(2026, 3, 1))
    moved = db.session.execute(text(
        "SELECT moved FROM report_balance_months WHERE bank_id = :b AND ym = :ym "
        "AND account_id = :a"), {"b": bank_id, "ym": march, "a": a}).scalar()
    assert moved is not None
    db.session.execute(text(
        "UPDATE report_balance_months SET moved = moved + 15 WHERE bank_id = :b AND ym = :ym "
        "AND account_id = :a"), {"b": bank_id, "ym": march, "a": a})
    db.session.commit()
    failed = runner.invoke(args=["ledger", "verify", "--bank", "golden"])
    assert failed.exit_code == 1
    assert "report_balance_months" in failed.output and "2026-03" in failed.output
    post(bank, dt.date(2026, 3, 20), 30)  # A → B in March: the fold works A's March out again
    report_summaries.bring_up_to_date(bank_id)
    assert db.session.execute(text(
        "SELECT moved FROM report_balance_months WHERE bank_id = :b AND ym = :ym "
        "AND account_id = :a"), {"b": bank_id, "ym": march, "a": a}).scalar() == moved + 30
    assert runner.invoke(args=["ledger", "verify", "--bank", "golden"]).exit_code == 0


SHORT = {"date_from": dt.date(2026, 2, 3), "date_to": dt.date(2026, 2, 20)}  # no whole month


def test_a_report_without_a_whole_month_reads_the_balances_at_its_end_from_the_balance_months(
        bank):
    """Dates the summaries can't serve are read from the transfers, but the balances at `to`
    are the balances now less what moved since, which the balance months give as well when
    they are current (rather than every transfer since `to`): the report is exact, and a
    balance month after `to` is what it reads."""
    bank_id = bank.bank.id
    served = reports.reciprocity_report(bank.Q, now=NOW, **SHORT)
    assert report_summaries.watermark(bank_id) == served["ledger_sequence"]
    with from_the_transfers():
        db.session.execute(ReportCache.__table__.delete())
        exact = reports.reciprocity_report(bank.Q, now=NOW, **SHORT)
    assert without_time(served) == without_time(exact)
    march = summaries.month_index(dt.date(2026, 3, 1))
    db.session.execute(text(
        "UPDATE report_balance_months SET moved = moved - 6000 WHERE bank_id = :b AND ym = :ym "
        "AND account_id = :a"), {"b": bank_id, "ym": march, "a": bank.account("A")})
    db.session.execute(ReportCache.__table__.delete())
    db.session.commit()
    tampered = reports.reciprocity_report(bank.Q, now=NOW, **SHORT)
    bands = {c["band"]: c["members"] for c in tampered["balance_bands"]}
    before = {c["band"]: c["members"] for c in served["balance_bands"]}
    assert bands["over 25"] == before["over 25"] + 1  # A's balance at `to`, 100 hours higher
    assert tampered["metrics"]["hours"] == served["metrics"]["hours"]


def people_statement(scope, query: str, **kind) -> tuple[list, str, dict]:
    """The rows `query` reads from a workspace of `scope` (rolled back after), and the
    SELECT its members at the end (rx_people) were made with, as the driver received it."""
    created = "CREATE TEMP TABLE rx_people AS"
    try:
        with statements_sent(created) as seen, workspace.workspace(scope, **kind) as ws:
            rows = [tuple(row) for row in ws.run(query).all()]
    finally:
        db.session.rollback()
    (statement, parameters), = seen
    return rows, statement.replace(created, ""), parameters


def test_the_balances_at_the_end_are_summed_along_the_balance_months_index_by_account(bank):
    """Each account's moves since `to` are summed from the index by account, which holds
    the moves, rather than by sorting every balance month since `to` (the primary key is
    by month)."""
    report_summaries.bring_up_to_date(bank.bank.id)
    scope = Scope(bank_id=bank.bank.id, pool_id=banks.pool_account(bank.bank.id).id,
                  date_from=dt.date(2026, 1, 5), date_to=dt.date(2026, 2, 20))
    rows, statement, parameters = people_statement(
        scope, "SELECT account_id, balance_at_to FROM rx_people",
        kind=summary_workspace.BalanceMonthsWorkspace)
    assert any(balance for _, balance in rows)
    plan = plan_of(statement, parameters)
    assert "ix_report_balance_months_account" in plan, plan


def test_a_reports_people_are_read_from_its_own_banks_members_alone(bank):
    """The members at a report's end are its bank's accounts joined to their members, with
    the bank in the join: otherwise PostgreSQL hashes every bank's members for it, so a
    small bank's reports cost what all the banks of the installation hold."""
    other = make_bank()
    for _ in range(30):
        make_member(other)
    mine = db.session.scalar(select(func.count()).select_from(Member)
                             .where(Member.bank_id == bank.bank.id))
    scope = Scope(bank_id=bank.bank.id, pool_id=banks.pool_account(bank.bank.id).id,
                  date_from=golden.FROM, date_to=golden.TO)
    [(people,)], statement, parameters = people_statement(scope, "SELECT COUNT(*) FROM rx_people")
    assert people == mine
    if db.engine.dialect.name == "postgresql":
        assert rows_read(statement, parameters, "members") <= mine
    else:
        assert "SCAN mem" not in plan_of(statement, parameters)


def test_erasure_leaves_nothing_personal_and_the_exchanges_counted(bank):
    before = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    name = bank.B.name
    bank.bank.erased_balance_to = "keep"
    db.session.commit()
    erasure.erase(bank.Q, bank.B.id, reason="member_request", now=NOW)
    db.session.expire_all()
    after = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    for figure in ("hours", "exchanges"):
        assert after["metrics"][figure] == before["metrics"][figure]
    documents = db.session.scalars(select(ReportCache.document)).all()
    assert documents and not any(name in document for document in documents)
    assert without_time(after) == without_time(raw_report(bank))


def test_the_groups_are_looked_at_again_only_when_the_banks_state_changed(bank, monkeypatch):
    def report():
        db.session.execute(ReportCache.__table__.delete())
        db.session.commit()
        return reports.reciprocity_report(bank.Q, now=NOW, **RANGE)

    report()  # finds the groups recorded, and records at which state
    looked = []
    real = summaries.groups_moved
    monkeypatch.setattr(summaries, "groups_moved",
                        lambda bank_id: looked.append(bank_id) or real(bank_id))
    report()
    assert looked == []
    members.update(None, bank.Q.id, {"group": "citizen"}, reason="Now a volunteer", now=NOW)
    moved = report()
    assert looked  # an audited change: the groups were looked at
    assert without_time(moved) == without_time(raw_report(bank))
    looked.clear()
    report()
    assert looked == []
