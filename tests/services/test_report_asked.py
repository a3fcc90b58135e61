"""Reports people asked for over their own dates are kept ready by the reports worker
(`reports.refresh`, services/report_asked.py): after a new entry and a worker round,
opening them again is a lookup, and what is looked up equals a fresh computation."""

import datetime as dt

import pytest
from sqlalchemy import event, func, select

from tests.reports import golden
from tests.services.test_report_refresh import MONTHS, NOW, comparable, head, kept_answers
from tests.services.test_report_summaries import post, without_time
from tests.services.test_report_windows import exact_from_transfers, forget_answers
from tests.web.test_reports_page import sign_in
from timebank.extensions import db
from timebank.models import ReportAsked, ReportWindow
from timebank.models._types import utcnow
from timebank.services import report_asked, report_cache, report_windows, reports

OWN_DATES = {"date_from": dt.date(2026, 1, 17), "date_to": dt.date(2026, 6, 9)}
OTHER_YEAR = {"date_from": dt.date(2025, 4, 1), "date_to": dt.date(2026, 4, 1)}
PAGE_DATES = {"date_from": dt.date(2026, 2, 3), "date_to": dt.date(2026, 6, 20)}


@pytest.fixture
def bank(app):
    return golden.build()


def computing_refused(monkeypatch):
    monkeypatch.setattr(reports, "_document",
                        lambda *a, **k: pytest.fail("a report was computed on read"))


def asked_rows(bank_id):
    return {(row.kind, row.protected, row.date_from, row.date_to): row.asked_at
            for row in db.session.scalars(select(ReportAsked)
                                          .where(ReportAsked.bank_id == bank_id))}


def new_entries(bank):
    post(bank, dt.date(2026, 2, 10), 45)
    post(bank, dt.date(2026, 3, 3), 30, giver="G", receiver="P")


def test_a_coordinators_own_dates_and_an_evaluators_other_year_are_ready_after_new_entries(
        bank, monkeypatch):
    bank_id = bank.bank.id
    first = reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES)
    reports.reciprocity_report(bank.V, now=NOW, **OTHER_YEAR)
    assert set(asked_rows(bank_id)) == {("report", False, *OWN_DATES.values()),
                                        ("report", True, *OTHER_YEAR.values())}
    new_entries(bank)
    assert reports.refresh(bank_id, now=NOW) == 2 + 2  # the standard pages, then the two asked

    with monkeypatch.context() as patch:
        computing_refused(patch)
        served = {"coordinator": reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES),
                  "evaluator": reports.reciprocity_report(bank.V, now=NOW, **OTHER_YEAR)}
    for document in served.values():
        assert document["ledger_sequence"] == head(bank_id)
    assert served["coordinator"]["protection"] is None
    assert served["evaluator"]["protection"] is not None
    assert served["coordinator"]["metrics"]["hours"] == first["metrics"]["hours"] + 1.25

    forget_answers()
    fresh = {"coordinator": reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES),
             "evaluator": reports.reciprocity_report(bank.V, now=NOW, **OTHER_YEAR)}
    assert comparable(served) == comparable(fresh)


def test_a_page_with_chosen_dates_is_ready_after_new_entries(bank, monkeypatch):
    bank_id = bank.bank.id
    reports.report_page(bank.Q, now=NOW, **PAGE_DATES)
    new_entries(bank)
    assert reports.refresh(bank_id, now=NOW) == 2 + 1
    with monkeypatch.context() as patch:
        computing_refused(patch)
        served = reports.report_page(bank.Q, now=NOW, **PAGE_DATES)
        report = reports.reciprocity_report(bank.Q, now=NOW, **PAGE_DATES)  # kept beside it
    assert served["report"]["ledger_sequence"] == head(bank_id)
    assert without_time(report) == without_time(served["report"])
    forget_answers()
    assert comparable({"page": served}) == comparable(
        {"page": reports.report_page(bank.Q, now=NOW, **PAGE_DATES)})


@pytest.mark.parametrize("query", [
    {**OWN_DATES, "provider_group": "citizen"},
    {**OWN_DATES, "category": "Gardening"},
    {"date_from": dt.date(2026, 2, 3), "date_to": dt.date(2026, 2, 20)},  # no whole month
], ids=["a group", "a category", "no whole month"])
def test_a_query_no_window_can_serve_is_neither_recorded_nor_kept(bank, monkeypatch, query):
    bank_id = bank.bank.id
    reports.reciprocity_report(bank.Q, now=NOW, **query)
    assert asked_rows(bank_id) == {}
    new_entries(bank)
    assert reports.refresh(bank_id, now=NOW) == 2  # the standard pages only
    computing_refused(monkeypatch)
    with pytest.raises(pytest.fail.Exception, match="computed on read"):
        reports.reciprocity_report(bank.Q, now=NOW, **query)


def test_the_worker_records_nothing_as_asked(bank):
    bank_id = bank.bank.id
    new_entries(bank)
    reports.report_page(bank.V, now=NOW)  # kept: the worker then computes only its report
    reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES)  # kept
    before = asked_rows(bank_id)
    assert set(before) == {("page", True, *MONTHS), ("report", False, *OWN_DATES.values())}
    later = NOW + dt.timedelta(hours=2)  # past the hour, so asking would write
    assert reports.refresh(bank_id, now=later) == 2
    assert asked_rows(bank_id) == before


def test_the_standard_queries_asked_by_people_are_computed_once_a_round(bank):
    bank_id = bank.bank.id
    reports.report_page(bank.V, now=NOW)
    reports.reciprocity_report(bank.Q, now=NOW)
    assert len(asked_rows(bank_id)) == 2
    new_entries(bank)
    calls = []
    real = reports._document
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reports, "_document", lambda *a, **k: calls.append(1) or real(*a, **k))
        assert reports.refresh(bank_id, now=NOW) == 2
    assert len(calls) == 2 * 2  # each audience's page: its period and the one before
    assert len(asked_rows(bank_id)) == 2


def test_a_query_asked_more_than_keep_days_ago_is_pruned_and_not_computed(bank, monkeypatch):
    bank_id = bank.bank.id
    long_ago = NOW - dt.timedelta(days=report_cache.KEEP_DAYS, minutes=1)
    lately = NOW - dt.timedelta(days=report_cache.KEEP_DAYS) + dt.timedelta(minutes=1)
    reports.reciprocity_report(bank.Q, now=long_ago, **OWN_DATES)
    reports.reciprocity_report(bank.V, now=lately, **OTHER_YEAR)
    new_entries(bank)
    assert reports.refresh(bank_id, now=NOW) == 2 + 1
    assert set(asked_rows(bank_id)) == {("report", True, *OTHER_YEAR.values())}
    computing_refused(monkeypatch)
    reports.reciprocity_report(bank.V, now=NOW, **OTHER_YEAR)
    with pytest.raises(pytest.fail.Exception, match="computed on read"):
        reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES)


@pytest.fixture
def writes():
    """The writing statements sent to the database while the fixture is in use."""
    seen = []

    def note(conn, cursor, statement, *args):
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def test_a_lookup_within_the_hour_writes_nothing(bank, writes):
    bank_id = bank.bank.id
    reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES)
    key = ("report", False, *OWN_DATES.values())
    assert asked_rows(bank_id)[key] == NOW
    writes.clear()
    reports.reciprocity_report(bank.Q, now=NOW + dt.timedelta(minutes=59), **OWN_DATES)
    assert writes == []
    assert asked_rows(bank_id)[key] == NOW
    later = NOW + dt.timedelta(hours=1, minutes=1)
    reports.reciprocity_report(bank.Q, now=later, **OWN_DATES)
    assert [w for w in writes if "report_asked" in w]
    assert asked_rows(bank_id)[key] == later


def ask_reports(bank, count, *, protected=False):
    """`count` reports over different periods, one minute apart, the last asked last."""
    person = bank.V if protected else bank.Q
    asked = []
    for n in range(count):
        query = {"date_from": dt.date(2025, 8 + n, 1), "date_to": dt.date(2026, 6, 1)}
        reports.reciprocity_report(person, now=NOW + dt.timedelta(minutes=n), **query)
        asked.append(query)
    return asked


def test_at_most_max_queries_are_computed_a_round_the_most_recently_asked(bank, monkeypatch):
    bank_id = bank.bank.id
    monkeypatch.setattr(report_asked, "MAX", 2)
    older, *recent = ask_reports(bank, 3)
    new_entries(bank)
    assert reports.refresh(bank_id, now=NOW + dt.timedelta(hours=1)) == 2 + 2
    computing_refused(monkeypatch)
    for query in recent:
        reports.reciprocity_report(bank.Q, now=NOW, **query)
    with pytest.raises(pytest.fail.Exception, match="computed on read"):
        reports.reciprocity_report(bank.Q, now=NOW, **older)


def test_the_worker_keeps_no_more_asked_pages_than_the_bank_keeps_windows(bank, monkeypatch):
    """The standard pages hold four windows; of three pages asked (two windows each) only
    the two asked last fit beside them, and no window the round needs is retired."""
    bank_id = bank.bank.id
    pages = [{"date_from": dt.date(2026, month, 1), "date_to": dt.date(2026, 6, 1)}
             for month in (1, 2, 3)]
    for n, query in enumerate(pages):
        reports.report_page(bank.Q, now=NOW + dt.timedelta(minutes=n), **query)
    new_entries(bank)
    assert reports.refresh(bank_id, now=NOW + dt.timedelta(hours=1)) == 2 + 2
    kept = db.session.scalars(select(ReportWindow).where(ReportWindow.bank_id == bank_id)).all()
    assert len(kept) == report_windows.MAX_WINDOWS
    assert all(window.last_seq == head(bank_id) for window in kept)
    before = kept_answers(bank_id)
    assert reports.refresh(bank_id, now=NOW + dt.timedelta(hours=1)) == 0
    assert kept_answers(bank_id) == before
    computing_refused(monkeypatch)
    for query in pages[1:]:
        reports.report_page(bank.Q, now=NOW, **query)
    with pytest.raises(pytest.fail.Exception, match="computed on read"):
        reports.report_page(bank.Q, now=NOW, **pages[0])


def test_a_query_that_no_longer_resolves_is_dropped_without_failing_the_round(
        bank, monkeypatch):
    bank_id = bank.bank.id
    reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES)
    for date_from, date_to in ((dt.date(2026, 1, 17), dt.date(2026, 6, 1)),  # not whole months
                               (dt.date(2026, 6, 1), dt.date(2026, 1, 1))):  # ends before
        db.session.add(ReportAsked(bank_id=bank_id, kind="report", protected=True,
                                   date_from=date_from, date_to=date_to,
                                   asked_at=NOW + dt.timedelta(minutes=5)))
    db.session.commit()
    new_entries(bank)
    assert reports.refresh(bank_id, now=NOW) == 2 + 1
    assert set(asked_rows(bank_id)) == {("report", False, *OWN_DATES.values())}
    computing_refused(monkeypatch)
    reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES)


def test_a_second_round_with_nothing_new_computes_nothing(bank, monkeypatch):
    bank_id = bank.bank.id
    reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES)
    reports.report_page(bank.V, now=NOW, **OTHER_YEAR)
    new_entries(bank)
    assert reports.refresh(bank_id, now=NOW) == 2 + 2
    computing_refused(monkeypatch)
    assert reports.refresh(bank_id, now=NOW) == 0


def test_the_refresh_command_counts_the_asked_answers_it_kept(runner, bank):
    reports.reciprocity_report(bank.Q, now=utcnow(), **OWN_DATES)  # the command's clock
    new_entries(bank)
    result = runner.invoke(args=["reports", "refresh", "--bank", "golden"])
    assert result.exit_code == 0, result.output
    assert f"brought up to ledger sequence {head(bank.bank.id)}" in result.output
    assert "3 answer(s) worked out and kept" in result.output
    assert db.session.scalar(select(func.count()).select_from(ReportAsked)) == 1


def test_a_report_page_opened_over_chosen_dates_is_ready_after_a_worker_round(
        client, bank, monkeypatch):
    bank_id = bank.bank.id
    sign_in(client, bank.Q)
    dates = "from=2026-01-17&to=2026-06-09"
    assert client.get(f"/reports?{dates}").status_code == 200
    new_entries(bank)
    reports.refresh(bank_id, now=utcnow())
    computing_refused(monkeypatch)
    response = client.get(f"/reports?{dates}")
    assert response.status_code == 200
    assert f"Ledger entry {head(bank_id)}" in response.get_data(as_text=True)


def kinds_used(monkeypatch):
    """The kind of workspace each computed period was given, by period."""
    used = []
    real = reports._kind

    def spy(scope, head):
        kind = real(scope, head)
        used.append(getattr(kind, "func", kind).__name__)
        return kind

    monkeypatch.setattr(reports, "_kind", spy)
    return used


def test_the_first_view_of_dates_nobody_asked_for_builds_no_window(bank, monkeypatch):
    """Computed from the summaries; asked for again, its window is built and read."""
    bank_id, dates = bank.bank.id, tuple(OWN_DATES.values())
    used = kinds_used(monkeypatch)
    first = reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES)
    assert report_windows.find(bank_id, *dates) is None
    assert used == ["SummaryWorkspace"]
    assert without_time(first) == exact_from_transfers(bank, OWN_DATES)

    new_entries(bank)
    used.clear()
    again = reports.reciprocity_report(bank.Q, now=NOW, **OWN_DATES)
    window = report_windows.find(bank_id, *dates)
    assert window is not None and window.last_seq == again["ledger_sequence"] == head(bank_id)
    assert used == ["WindowWorkspace"]
    assert without_time(again) == exact_from_transfers(bank, OWN_DATES)


def test_dates_asked_for_once_get_their_window_from_the_worker(bank, monkeypatch):
    bank_id, dates = bank.bank.id, tuple(OTHER_YEAR.values())
    reports.reciprocity_report(bank.V, now=NOW, **OTHER_YEAR)
    assert report_windows.find(bank_id, *dates) is None
    new_entries(bank)
    reports.refresh(bank_id, now=NOW)
    assert report_windows.find(bank_id, *dates).last_seq == head(bank_id)


def test_a_window_built_for_one_audience_serves_the_other_at_its_first_view(bank, monkeypatch):
    bank_id, dates = bank.bank.id, tuple(OTHER_YEAR.values())
    reports.reciprocity_report(bank.V, now=NOW, **OTHER_YEAR)
    forget_answers()
    reports.reciprocity_report(bank.V, now=NOW, **OTHER_YEAR)  # asked again: built
    assert report_windows.find(bank_id, *dates) is not None
    used = kinds_used(monkeypatch)
    reports.reciprocity_report(bank.Q, now=NOW, **OTHER_YEAR)
    assert used == ["WindowWorkspace"]
