"""Report windows: built by a report, read by the next, folded by the accounts new entries
touch, retired when their layout or the groups change, checked by verify, and left as they
were by a writer killed mid-fold."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.reports import golden
from tests.services.test_report_summaries import (
    from_the_transfers,
    post,
    raw_report,
    without_time,
)
from timebank.extensions import db
from timebank.models import LEVELS, Activity, Category, ReportCache, ReportWindow, ReportWindowMember
from timebank.reports.scope import Scope
from timebank.services import banks, report_asked, report_summaries, report_windows, reports

NOW = dt.datetime(2026, 7, 2, 9, 0)
RANGE = {"date_from": golden.FROM, "date_to": golden.TO}
ROOT = Path(__file__).resolve().parents[2]

KILLED_WRITER = """
import sys, time
from timebank import create_app
from timebank.services import banks, report_windows, report_summaries

app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[1])
real = report_windows._refresh

def refresh_then_hang(*args):
    real(*args)
    print("folding", flush=True)  # one window's rows rewritten, the transaction still open
    time.sleep(600)

report_windows._refresh = refresh_then_hang
with app.app_context():
    bank_id = int(sys.argv[2])
    window = report_windows.of_bank(bank_id)[0]
    pool_id = banks.pool_account(bank_id).id
    report_summaries.bring_up_to_date(bank_id, [report_windows.scope_of(window, pool_id)])
"""


@pytest.fixture
def bank(app):
    return golden.build()


@pytest.fixture(autouse=True)
def asked_before(monkeypatch):
    """Windows as reports keep them once built: here every report's dates count as asked
    for before, so its windows are built on read (when the first view of new dates is
    computed from the summaries instead is tested in test_report_asked.py)."""
    monkeypatch.setattr(report_asked, "asked_before", lambda bank_id, scope: True)


def the_window(bank):
    return report_windows.find(bank.bank.id, golden.FROM, golden.TO)


def window_rows(window_id):
    return report_windows._rows_of(window_id)


def forget_answers():
    db.session.execute(ReportCache.__table__.delete())
    db.session.commit()


def test_a_report_builds_its_window_and_the_next_reads_it(bank):
    first = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    window = the_window(bank)
    assert window is not None and window.last_seq == first["ledger_sequence"]
    member = db.session.scalars(select(ReportWindowMember)
                                .where(ReportWindowMember.window_id == window.id)
                                .order_by(ReportWindowMember.given.desc())).first()
    member.given += 600  # ten hours the ledger never saw
    db.session.commit()
    forget_answers()
    tampered = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert tampered["metrics"]["hours"] == first["metrics"]["hours"] + 10
    pool_id = banks.pool_account(bank.bank.id).id
    assert report_windows.differences(the_window(bank), pool_id) == ["report_window_members"]


def test_verify_names_a_tampered_window_and_rebuild_puts_it_right(bank, runner):
    first = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    window = the_window(bank)
    assert runner.invoke(args=["ledger", "verify", "--bank", "golden"]).exit_code == 0
    db.session.execute(text("UPDATE report_window_tops SET minutes = minutes + 1 "
                            "WHERE window_id = :w"), {"w": window.id})
    db.session.commit()
    failed = runner.invoke(args=["ledger", "verify", "--bank", "golden"])
    assert failed.exit_code == 1
    assert "report summaries" in failed.output and "report_window_tops" in failed.output
    assert "2026-01-01 to 2026-07-01" in failed.output
    assert runner.invoke(args=["reports", "rebuild", "--bank", "golden"]).exit_code == 0
    assert the_window(bank) is None  # rebuilt by the next report of the period
    forget_answers()
    again = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert without_time(again) == without_time(first)
    assert the_window(bank) is not None
    assert runner.invoke(args=["ledger", "verify", "--bank", "golden"]).exit_code == 0


def test_a_new_entry_reworks_only_the_rows_of_its_two_accounts(bank):
    reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    window = the_window(bank)
    pool_id = banks.pool_account(bank.bank.id).id
    bystander = bank.account("Q")
    db.session.execute(text("UPDATE report_window_members SET n_received = n_received + 7 "
                            "WHERE window_id = :w AND account_id = :a"),
                       {"w": window.id, "a": bystander})
    db.session.commit()
    before = window_rows(window.id)
    post(bank, dt.date(2026, 2, 3), 45, giver="A", receiver="B")  # back-dated
    post(bank, dt.date(2026, 8, 3), 30, giver="A", receiver="B")  # after the period
    reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    window = the_window(bank)
    after = window_rows(window.id)
    changed = {row[0] for table in ("report_window_groups", "report_window_members")
               for row in set(before[table]) ^ set(after[table])}
    assert changed == {str(bank.account("A")), str(bank.account("B"))}
    assert after["report_window_balances"] != before["report_window_balances"]
    assert report_windows.differences(window, pool_id) == ["report_window_members"]  # Q's +7
    db.session.execute(text("UPDATE report_window_members SET n_received = n_received - 7 "
                            "WHERE window_id = :w AND account_id = :a"),
                       {"w": window.id, "a": bystander})
    db.session.commit()
    assert report_windows.differences(the_window(bank), pool_id) == []
    assert without_time(reports.reciprocity_report(bank.Q, now=NOW, **RANGE)) == \
        without_time(raw_report(bank))


def test_a_new_category_or_a_level_change_retires_the_window(bank):
    def layout():
        return json.loads(the_window(bank).layout)

    reports.reciprocity_report(bank.V, now=NOW, **RANGE)
    added = Category(bank_id=bank.bank.id, name="Aardvark care", created_at=NOW)
    db.session.add(added)
    db.session.commit()
    assert added.id not in layout()["categories"]
    forget_answers()
    after = reports.reciprocity_report(bank.V, now=NOW, **RANGE)
    assert added.id in layout()["categories"]
    assert without_time(after) == without_time(raw_report(bank, protected=True))
    activity = db.session.scalars(select(Activity).where(Activity.bank_id == bank.bank.id)
                                  .order_by(Activity.id)).first()
    activity.level = "consult" if activity.level != "consult" else "co-design"
    db.session.commit()
    forget_answers()
    changed = reports.reciprocity_report(bank.V, now=NOW, **RANGE)
    assert layout()["levels"][str(activity.id)] == LEVELS.index(activity.level)
    assert without_time(changed) == without_time(raw_report(bank, protected=True))


def test_a_member_moving_group_retires_every_window_of_the_bank(bank):
    from timebank.services import members

    reports.report_page(bank.Q, now=NOW, **RANGE)
    assert db.session.scalar(select(func.count()).select_from(ReportWindow)) == 2  # and before
    members.update(None, bank.Q.id, {"group": "citizen"}, reason="Now a volunteer", now=NOW)
    db.session.expire_all()
    report_summaries.bring_up_to_date(bank.bank.id)
    assert db.session.scalar(select(func.count()).select_from(ReportWindow)) == 0
    after = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert without_time(after) == without_time(raw_report(bank))


def test_a_bank_keeps_at_most_its_quota_of_windows(bank):
    for months in range(1, report_windows.MAX_WINDOWS + 3):
        reports.reciprocity_report(bank.Q, now=NOW, date_from=golden.FROM,
                                   date_to=dt.date(2026, 1 + min(months, 11), 1)
                                   if months <= 11 else dt.date(2027, 1, 1))
    kept = db.session.scalars(select(ReportWindow.date_to)
                              .where(ReportWindow.bank_id == bank.bank.id)).all()
    assert len(kept) == report_windows.MAX_WINDOWS
    assert dt.date(2026, 2, 1) not in kept  # the oldest went first


def test_the_window_asked_for_longest_ago_goes_first(bank):
    def ask(date_to):
        forget_answers()
        reports.reciprocity_report(bank.Q, now=NOW, date_from=golden.FROM, date_to=date_to)

    ends = [dt.date(2026, month, 1) for month in range(2, 2 + report_windows.MAX_WINDOWS)]
    for date_to in ends:
        ask(date_to)
    ask(ends[0])  # asked for again: now the most recent
    pool_id = banks.pool_account(bank.bank.id).id
    report_summaries.bring_up_to_date(bank.bank.id, [  # as the worker does: not asking
        report_windows.scope_of(w, pool_id) for w in report_windows.of_bank(bank.bank.id)])
    post(bank, dt.date(2026, 2, 3), 45)
    report_summaries.bring_up_to_date(bank.bank.id, [
        report_windows.scope_of(w, pool_id) for w in report_windows.of_bank(bank.bank.id)])
    ask(dt.date(2026, 12, 1))  # one more than the quota
    kept = set(db.session.scalars(select(ReportWindow.date_to)
                                  .where(ReportWindow.bank_id == bank.bank.id)))
    assert kept == {*ends, dt.date(2026, 12, 1)} - {ends[1]}


def test_a_writer_killed_mid_window_fold_leaves_the_window_and_the_next_report_is_exact(
        bank, database_url):
    reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    window = the_window(bank)
    rows, seq = window_rows(window.id), window.last_seq
    post(bank, dt.date(2026, 1, 20), 30)
    db.session.commit()
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, database_url, str(bank.bank.id)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert writer.stdout.readline().strip() == "folding"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    db.session.rollback()
    assert the_window(bank).last_seq == seq
    assert window_rows(window.id) == rows
    document = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert document["ledger_sequence"] == seq + 1 == the_window(bank).last_seq
    assert without_time(document) == without_time(raw_report(bank))


RAGGED = {"date_from": dt.date(2026, 1, 10), "date_to": dt.date(2026, 6, 20)}


def ragged_sums(window_id):
    return {(sql_date(r.d), r.c, r.a, r.pg): (r.minutes, r.n) for r in db.session.execute(
        text("SELECT d, c, a, pg, minutes, n FROM report_window_sums WHERE window_id = :w"),
        {"w": window_id})}


def sql_date(value):
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def exact_from_transfers(bank, query):
    with from_the_transfers():
        forget_answers()
        return without_time(reports.reciprocity_report(bank.Q, now=NOW, **query))


def test_a_ragged_window_keeps_its_edges_sums_and_a_fold_reworks_only_the_days_touched(bank):
    first = reports.reciprocity_report(bank.Q, now=NOW, **RAGGED)
    window = report_windows.find(bank.bank.id, RAGGED["date_from"], RAGGED["date_to"])
    pool_id = banks.pool_account(bank.bank.id).id
    kept = ragged_sums(window.id)
    assert {day for day, *_ in kept} == {dt.date(2026, 1, 10), dt.date(2026, 1, 20),
                                        dt.date(2026, 6, 5), dt.date(2026, 6, 10)}
    db.session.execute(text("UPDATE report_window_sums SET minutes = minutes + 60 "
                            "WHERE window_id = :w AND d = :d"),
                       {"w": window.id, "d": dt.date(2026, 6, 10)})
    db.session.commit()
    assert report_windows.differences(window, pool_id) == ["report_window_sums"]
    forget_answers()
    tampered = reports.reciprocity_report(bank.Q, now=NOW, **RAGGED)
    assert tampered["metrics"]["hours"] == first["metrics"]["hours"]  # from the members
    assert sum(c["hours"] for c in tampered["monthly"]) == \
        sum(c["hours"] for c in first["monthly"]) + 1  # from the sums

    post(bank, dt.date(2026, 1, 20), 30)  # into the first edge
    post(bank, dt.date(2026, 3, 3), 15)  # into a whole month: the sums keep no months
    reports.reciprocity_report(bank.Q, now=NOW, **RAGGED)
    window = report_windows.find(bank.bank.id, RAGGED["date_from"], RAGGED["date_to"])
    after = ragged_sums(window.id)
    changed = {key[0] for key in set(kept) | set(after) if kept.get(key) != after.get(key)}
    assert changed == {dt.date(2026, 1, 20), dt.date(2026, 6, 10)}  # folded, and still tampered
    assert report_windows.differences(window, pool_id) == ["report_window_sums"]
    db.session.execute(text("UPDATE report_window_sums SET minutes = minutes - 60 "
                            "WHERE window_id = :w AND d = :d"),
                       {"w": window.id, "d": dt.date(2026, 6, 10)})
    db.session.commit()
    assert report_windows.differences(window, pool_id) == []
    forget_answers()
    assert without_time(reports.reciprocity_report(bank.Q, now=NOW, **RAGGED)) == \
        exact_from_transfers(bank, RAGGED)


def test_a_reversal_in_a_ragged_edge_takes_the_exchange_out_of_the_window(bank):
    """The edges of the accounts a fold touches are read through their indexes, with
    reversals looked up entry by entry: the exchange and its reversal both leave."""
    from timebank.services import ledger

    before = reports.reciprocity_report(bank.Q, now=NOW, **RAGGED)
    posted = post(bank, dt.date(2026, 6, 12), 40, giver="A", receiver="B")  # the last edge
    with_it = reports.reciprocity_report(bank.Q, now=NOW, **RAGGED)
    assert with_it["metrics"]["hours"] > before["metrics"]["hours"]
    ledger.reverse(bank.bank.id, posted.id, reason="Logged twice", now=NOW)
    after = reports.reciprocity_report(bank.Q, now=NOW, **RAGGED)
    assert after["ledger_sequence"] == with_it["ledger_sequence"] + 1
    window = report_windows.find(bank.bank.id, RAGGED["date_from"], RAGGED["date_to"])
    assert window.last_seq == after["ledger_sequence"]
    assert report_windows.differences(window, banks.pool_account(bank.bank.id).id) == []
    assert without_time(after) == exact_from_transfers(bank, RAGGED)
    assert after["metrics"] == before["metrics"]


@pytest.mark.parametrize("dates, day", [
    (RANGE, dt.date(2026, 2, 3)),  # inside the period
    (RANGE, dt.date(2026, 7, 1)),  # after it: the balances at `to` must not move
    (RAGGED, dt.date(2026, 6, 25)),  # between `to` and the first whole month after it
    (RAGGED, dt.date(2026, 7, 1)),  # in that month
], ids=["inside", "after", "ragged-gap", "ragged-after"])
def test_an_entry_committed_after_the_fold_read_the_head_counts_once_in_the_balances(
        bank, monkeypatch, dates, day):
    """On PostgreSQL a fold reads the ledger head, then builds a window at that sequence in
    later statements, each of which sees what committed since. An entry that lands in
    between is folded at the next round: the window's balances (the balances now less
    what moved since `to`) must not count it already, whenever it is dated. The balance
    months can't give what moved since here: a fold works a month out from the transfers
    as they are, so one may already hold such an entry. Simulated on both engines by a
    fold that reads the head one entry short."""
    pool_id = banks.pool_account(bank.bank.id).id
    scope = Scope(bank_id=bank.bank.id, pool_id=pool_id, **dates)
    post(bank, day, 45, giver="A", receiver="B")
    real = report_summaries.ledger_head
    monkeypatch.setattr(report_summaries, "ledger_head", lambda bank_id: real(bank_id) - 1)
    report_summaries.bring_up_to_date(bank.bank.id, [scope])
    window = report_windows.find(bank.bank.id, dates["date_from"], dates["date_to"])
    assert window.last_seq == real(bank.bank.id) - 1
    monkeypatch.setattr(report_summaries, "ledger_head", real)
    report_summaries.bring_up_to_date(bank.bank.id, [scope])
    window = report_windows.find(bank.bank.id, dates["date_from"], dates["date_to"])
    assert window.last_seq == real(bank.bank.id)
    assert report_windows.differences(window, pool_id) == []
    forget_answers()
    assert without_time(reports.reciprocity_report(bank.Q, now=NOW, **dates)) == \
        exact_from_transfers(bank, dates)


def test_verify_passes_with_entries_posted_since_the_last_fold(bank, runner):
    """An entry posted since the last fold is no difference: a window is built from the
    summaries and the transfers of its ragged edges as they are now, so the windows wait
    to be checked until the next fold has brought them up."""
    reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    seq = the_window(bank).last_seq
    post(bank, dt.date(2026, 2, 3), 45, giver="A", receiver="B")
    assert report_summaries.watermark(bank.bank.id) == seq < report_summaries.ledger_head(
        bank.bank.id)
    checked = runner.invoke(args=["ledger", "verify", "--bank", "golden"])
    assert checked.exit_code == 0, checked.output


def window_cells(window_id):
    return {(r.mine, r.pg): {**r._mapping, "window_id": None} for r in db.session.execute(text(
        "SELECT * FROM report_window_cells WHERE window_id = :w"), {"w": window_id})}


def test_a_window_keeps_its_flow_cells_and_a_fold_moves_them_largest_giver_included(bank):
    from timebank.services import ledger

    first = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    window = the_window(bank)
    pool_id = banks.pool_account(bank.bank.id).id
    before = window_cells(window.id)
    top_of = {key: row["top"] for key, row in before.items()}  # the most one member gave
    gift, receiver = min(
        (top_of[(bank.people["A"].group, person.group)] + 60, key)
        for key, person in bank.people.items()
        if key != "A" and person.status == "active"
        and (bank.people["A"].group, person.group) in top_of
        and person.account.balance - person.account.floor_minutes
        >= top_of[(bank.people["A"].group, person.group)] + 60)
    cell = (bank.people["A"].group, bank.people[receiver].group)
    top = top_of[cell]
    posted = post(bank, dt.date(2026, 2, 3), gift, giver="A", receiver=receiver)
    reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    moved = window_cells(the_window(bank).id)
    assert moved[cell]["top"] >= top + 60  # A holds the cell's top now
    assert report_windows.differences(the_window(bank), pool_id) == []
    ledger.reverse(bank.bank.id, posted.id, reason="Logged twice", now=NOW)
    again = reports.reciprocity_report(bank.Q, now=NOW, **RANGE)
    assert window_cells(the_window(bank).id) == before  # the top read again from the rows
    assert again["metrics"] == first["metrics"]
    db.session.execute(text("UPDATE report_window_cells SET top = top + 1 WHERE window_id = :w"),
                       {"w": window.id})
    db.session.commit()
    assert report_windows.differences(the_window(bank), pool_id) == ["report_window_cells"]
