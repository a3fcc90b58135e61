"""Reports brought up to the ledger head after commit (`reports.refresh`, `flask reports
refresh` and `flask reports worker`): the answers opened most wait, computed at the
head, for the next person to open them, and an entry posted since is never missed."""

import datetime as dt
import logging

import pytest
from sqlalchemy import func, select

from tests.reports import golden
from tests.services.test_report_summaries import from_the_transfers, post, without_time
from tests.web.test_reports_page import sign_in
from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.models import LedgerHead, Member, ReportCache
from timebank.models._types import utcnow
from timebank.reports import summaries
from timebank.services import ledger, report_cache, report_summaries, report_windows, reports

NOW = dt.datetime(2026, 7, 2, 9, 0)
MONTHS = reports.default_months(NOW.date())
DAYS = reports.default_range(NOW.date())


@pytest.fixture
def bank(app):
    return golden.build()


def head(bank_id):
    return db.session.scalar(select(LedgerHead.last_seq).where(LedgerHead.bank_id == bank_id))


def kept_answers(bank_id):
    return db.session.scalar(select(func.count()).select_from(ReportCache)
                             .where(ReportCache.bank_id == bank_id))


def standard_views(bank):
    """What an evaluator (V) and a coordinator (Q) open with no dates chosen: the page and
    the report, each audience its own."""
    return {
        "evaluator page": reports.report_page(bank.V, now=NOW),
        "evaluator report": reports.reciprocity_report(bank.V, now=NOW),
        "coordinator page": reports.report_page(bank.Q, now=NOW),
        "coordinator report": reports.reciprocity_report(bank.Q, now=NOW),
    }


def comparable(views):
    """The documents of each view without the time they were generated at."""
    out = {}
    for name, view in views.items():
        if "previous" in view:
            out[name] = (without_time(view["report"]), without_time(view["previous"]),
                         view["protected"], view["scope"])
        else:
            out[name] = without_time(view)
    return out


@pytest.fixture
def nothing_computed(monkeypatch):
    """Make computing a report fail: what is read afterwards must have been kept."""
    def refuse(*args, **kwargs):
        raise AssertionError("a report was computed on read")

    def install():
        monkeypatch.setattr(reports, "_document", refuse)
    return install


def test_refresh_keeps_the_standard_answers_at_the_head_so_opening_them_computes_nothing(
        bank, monkeypatch):
    bank_id = bank.bank.id
    post(bank, dt.date(2026, 5, 20), 45)  # an entry no report has seen
    assert reports.refresh(bank_id, now=NOW) == 2  # one page (with its report) per audience
    assert report_summaries.watermark(bank_id) == head(bank_id)
    for date_from, date_to in (MONTHS, DAYS):
        window = report_windows.find(bank_id, date_from, date_to)
        assert window is not None and window.last_seq == head(bank_id)

    with monkeypatch.context() as patch:
        patch.setattr(reports, "_document", lambda *a, **k: pytest.fail("computed on read"))
        served = standard_views(bank)
    for name, view in served.items():
        document = view.get("report", view)
        assert document["ledger_sequence"] == head(bank_id), name
    assert served["evaluator page"]["protected"] and not served["coordinator page"]["protected"]
    assert served["evaluator report"]["protection"] is not None
    assert served["coordinator report"]["protection"] is None

    db.session.execute(ReportCache.__table__.delete())
    db.session.commit()
    assert comparable(served) == comparable(standard_views(bank))


def test_a_second_refresh_with_nothing_new_computes_nothing(bank, nothing_computed):
    bank_id = bank.bank.id
    assert reports.refresh(bank_id, now=NOW) == 2
    kept = kept_answers(bank_id)
    assert kept == 4
    nothing_computed()
    assert reports.refresh(bank_id, now=NOW) == 0
    assert kept_answers(bank_id) == kept


def test_a_page_a_person_opened_already_still_gets_its_report_kept(bank, nothing_computed):
    bank_id = bank.bank.id
    reports.report_page(bank.V, now=NOW)  # computed on read: the report is not kept apart
    assert reports.refresh(bank_id, now=NOW) == 2  # the evaluator's report, the coordinator's page
    nothing_computed()
    standard_views(bank)


def test_an_entry_posted_after_the_refresh_is_in_the_next_view(bank):
    bank_id = bank.bank.id
    reports.refresh(bank_id, now=NOW)
    before = reports.reciprocity_report(bank.Q, now=NOW)
    post(bank, dt.date(2026, 6, 20), 90)
    after = reports.reciprocity_report(bank.Q, now=NOW)
    assert after["ledger_sequence"] == before["ledger_sequence"] + 1 == head(bank_id)
    assert after["metrics"]["hours"] == before["metrics"]["hours"] + 1.5


def test_refresh_command_once_for_one_bank_or_all(runner, bank):
    first = runner.invoke(args=["reports", "refresh", "--bank", "golden"])
    assert first.exit_code == 0, first.output
    assert f"brought up to ledger sequence {head(bank.bank.id)}" in first.output
    assert "2 answer(s) worked out and kept" in first.output
    again = runner.invoke(args=["reports", "refresh"])
    assert again.exit_code == 0 and "Every report was up to date already." in again.output
    unknown = runner.invoke(args=["reports", "refresh", "--bank", "nowhere"])
    assert unknown.exit_code == 2 and "no time bank called 'nowhere'" in unknown.output


def test_a_worker_round_that_fails_is_tried_again_the_next_round(
        runner, bank, monkeypatch, caplog):
    bank_id = bank.bank.id
    real = reports.refresh
    calls = []

    def failing_first(bank_id, *, now):
        calls.append(bank_id)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(bank_id, now=now)

    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(reports, "refresh", failing_first)
    monkeypatch.setattr("time.sleep", sleep)
    with caplog.at_level(logging.ERROR, logger="timebank.reports"):
        result = runner.invoke(args=["reports", "worker", "--interval", "7"])
    assert result.exit_code == 0, result.output
    assert sleeps == [7, 7] and calls == [bank_id, bank_id]
    assert "refreshing the reports of 'golden' failed" in caplog.text
    assert "2 answer(s) worked out and kept" in result.output
    assert result.output.rstrip().endswith("Stopped.")
    assert kept_answers(bank_id) == 4
    bad = runner.invoke(args=["reports", "worker", "--interval", "0"])
    assert bad.exit_code == 2 and "--interval" in bad.output


def test_the_worker_refreshes_a_bank_again_only_when_something_a_refresh_reads_changed(
        runner, bank, monkeypatch):
    """Rounds 1–6: the first refreshes; then nothing changed; an entry; a report asked
    for over chosen dates; the next day; nothing again. A round refreshes only after a
    change, and what it kept is current: the answers opened most are computed at the head."""
    bank_id, coordinator_id = bank.bank.id, bank.Q.id
    giver, receiver = bank.account("A"), bank.account("B")
    real, today = reports.refresh, utcnow()
    rounds, refreshed_in = [], []

    def post_entry():  # the worker ends each round with a new session: no ORM objects kept
        ledger.post(bank_id, Posting(kind=EntryKind.EXCHANGE, occurred_on=dt.date(2026, 3, 3),
                                     transfers=(Transfer(receiver, giver, 30),)), now=NOW)

    def ask_for_chosen_dates():
        reports.reciprocity_report(db.session.get(Member, coordinator_id), now=today,
                                   date_from=golden.FROM, date_to=golden.TO)

    def spy(bank_id, *, now):
        refreshed_in.append(len(rounds) + 1)
        return real(bank_id, now=now)

    changes = {
        1: lambda: None,
        2: post_entry,
        3: ask_for_chosen_dates,
        4: lambda: monkeypatch.setattr("timebank.cli.utcnow",
                                       lambda: today + dt.timedelta(days=1)),
        5: lambda: None,
    }

    def sleep(seconds):
        rounds.append(seconds)
        if len(rounds) not in changes:
            raise KeyboardInterrupt
        changes[len(rounds)]()

    monkeypatch.setattr("timebank.cli.utcnow", lambda: today)
    monkeypatch.setattr(reports, "refresh", spy)
    monkeypatch.setattr("time.sleep", sleep)
    result = runner.invoke(args=["reports", "worker"])
    assert result.exit_code == 0, result.output
    assert rounds == [2] * 6, "two seconds between rounds by default"
    assert refreshed_in == [1, 3, 4, 5]
    assert report_summaries.watermark(bank_id) == head(bank_id)
    monkeypatch.setattr(reports, "_document", lambda *a, **k: pytest.fail("computed on read"))
    assert reports.reciprocity_report(db.session.get(Member, coordinator_id),
                                      now=today + dt.timedelta(days=1))[
        "ledger_sequence"] == head(bank_id)


def test_refresh_brings_up_every_window_the_bank_keeps(bank):
    bank_id = bank.bank.id
    asked = {"date_from": golden.FROM, "date_to": golden.TO}
    reports.reciprocity_report(bank.Q, now=NOW, **asked)  # a period someone chose
    report_cache.forget(bank_id)
    db.session.commit()
    reports.reciprocity_report(bank.Q, now=NOW, **asked)  # and again: its window built
    post(bank, dt.date(2026, 3, 3), 30)
    window = report_windows.find(bank_id, golden.FROM, golden.TO)
    assert window.last_seq == head(bank_id) - 1
    reports.refresh(bank_id, now=NOW)
    assert report_windows.find(bank_id, golden.FROM, golden.TO).last_seq == head(bank_id)


def test_the_report_pages_opened_with_no_dates_after_a_refresh_compute_nothing(
        client, bank, monkeypatch):
    bank_id, evaluator, coordinator = bank.bank.id, bank.V, bank.Q
    reports.refresh(bank_id, now=utcnow())  # the pages' default periods end today
    monkeypatch.setattr(reports, "_document", lambda *a, **k: pytest.fail("computed on read"))
    for person in (evaluator, coordinator):
        sign_in(client, person)
        response = client.get("/reports")
        assert response.status_code == 200
        assert f"Ledger entry {head(bank_id)}" in response.get_data(as_text=True)
        client.post("/sign-out")


def test_a_report_on_read_after_another_fold_need_not_look_at_the_groups_again(
        bank, monkeypatch):
    """Every fold records the state digest at which it found the members' groups current,
    whether or not its caller read the digest (the member alerts don't); a new entry
    leaves that digest as it was, so the report that folds the entry on read doesn't look
    at every member's group again (a pass over the bank's members)."""
    bank_id = bank.bank.id
    reports.refresh(bank_id, now=NOW)
    post(bank, dt.date(2026, 3, 2), 60)
    reports.member_alerts(bank.Q, now=NOW)  # folds that entry
    assert report_summaries.watermark(bank_id) == head(bank_id)
    post(bank, dt.date(2026, 3, 3), 30)
    monkeypatch.setattr(summaries, "groups_moved",
                        lambda bank_id: pytest.fail("looked at the groups again"))
    report = reports.reciprocity_report(bank.Q, now=NOW)
    assert report["ledger_sequence"] == head(bank_id)
    assert report_summaries.watermark(bank_id) == head(bank_id)


def test_the_member_alerts_need_not_look_at_the_groups_again_either(bank, monkeypatch):
    """The alerts read the state digest in their snapshot, as the reports do, so a fold
    that found the groups current at that digest spares them the pass over every
    member's group; and they still see the entry posted just before."""
    reports.reciprocity_report(bank.Q, now=NOW)  # a fold that records the digest
    post(bank, dt.date(2026, 6, 3), 600, giver="B", receiver="A")
    monkeypatch.setattr(summaries, "groups_moved",
                        lambda bank_id: pytest.fail("looked at the groups again"))
    found = reports.member_alerts(bank.Q, now=NOW)["alerts"]
    with from_the_transfers():
        assert found == reports.member_alerts(bank.Q, now=NOW)["alerts"]
