"""Reports from the monthly summaries against reports from the raw transfers, on random banks.

Each bank of tests/reports/test_against_reference.py is posted in a few batches,
with the summaries brought up to date after each (so the fold runs in several steps),
entries back-dated into months already folded, and some entries reversed batches
after they were posted (so a reversal folds into a month folded long before), members
moved between groups; each fold, by keys or by whole months, is checked against the
transfers month by month (`differences`, what `flask ledger verify` runs). Then
the same queries are answered three ways: by the raw workspace, by the summary
workspace, and through the service (which folds, caches and reads the cache): the
documents must be the same, for exact and protected figures, for whole months and
for any dates, with and without filters.
"""

import datetime as dt

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from tests.reports.reference import GROUPS
from tests.reports.test_against_reference import SPAN, START, bank_of, bank_specs, posting_of
from tests.reports.test_against_reference import shared_app as shared_app  # noqa: F401
from timebank.extensions import db
from timebank.models import Member
from timebank.reports import alerts as alert_queries
from timebank.reports import cellkey, summaries
from timebank.reports.scope import Scope
from timebank.reports.summary_workspace import BalanceMonthsWorkspace, SummaryWorkspace, covers
from timebank.reports.workspace import Workspace, workspace
from timebank.services import banks, integrity, ledger, members, report_summaries, reports
from timebank.services.snapshots import snapshot

NOW = dt.datetime(2027, 1, 1, 12)
NO_FILTERS = {"provider_group": None, "receiver_group": None, "category": None,
              "activity": None, "level": None}
made = iter(range(10**6))
FACTOR = summaries.WHOLE_MONTH_FACTOR


def post_in_batches(spec, data, periods=None):
    """The bank of `spec`, posted in batches with a fold after each; reversals posted a
    random number of batches after their entry (0: in the same fold as their entry), now
    and then a member moved to another group before a fold. After each fold the summaries
    (and the windows) are what the transfers give. The coordinator's Member id, and the
    bank. With `periods` (bank -> scopes), the windows of those scopes are built before
    the first entry and folded (or, after a group move, built again) with every batch."""
    bank, accounts, ids, categories, activities = bank_of(
        spec, slug=f"summaries-{next(made)}", name="Summaries Time Bank")
    wanted = periods(bank) if periods else ()
    if wanted:
        report_summaries.bring_up_to_date(bank.id, wanted)
    batch = data.draw(st.integers(1, 8), label="batch size")
    pending = []  # [batches to wait, entry id]
    for i, entry in enumerate(spec.entries):
        posted = ledger.post(bank.id, posting_of(entry, accounts, categories, activities), now=NOW)
        if entry.reversed:
            pending.append([data.draw(st.integers(0, 3), label="reversed after"), posted.id])
        if (i + 1) % batch == 0:
            for item in pending:
                item[0] -= 1
            for entry_id in [p[1] for p in pending if p[0] < 0]:
                ledger.reverse(bank.id, entry_id, reason="A mistake", now=NOW)
            pending = [p for p in pending if p[0] >= 0]
            move = data.draw(st.none() | st.tuples(st.sampled_from(sorted(ids)),
                                                   st.sampled_from(GROUPS)), label="group move")
            if move:
                members.update(None, ids[move[0]], {"group": move[1]}, reason="Moved", now=NOW)
            # this fold by keys alone, by whole months alone, or as the bank's size decides
            summaries.WHOLE_MONTH_FACTOR = data.draw(st.sampled_from((10**9, 0, FACTOR)),
                                                     label="whole months")
            try:
                report_summaries.bring_up_to_date(bank.id, wanted)
            finally:
                summaries.WHOLE_MONTH_FACTOR = FACTOR
            assert report_summaries.groups_current(bank.id)
            assert integrity.summaries_problem([bank.id], {bank.id: bank.slug}) is None
            db.session.rollback()
    for _, entry_id in pending:
        ledger.reverse(bank.id, entry_id, reason="A mistake", now=NOW)
    db.session.expire_all()
    return bank, ids["boss"], categories, activities


@st.composite
def ranges(draw):
    """Whole months (as evaluators ask) or any days (as coordinators may)."""
    if draw(st.booleans()):
        first = summaries.month_index(START) + draw(st.integers(-2, 30))
        return (summaries.month_start(first),
                summaries.month_start(first + draw(st.integers(1, 14))), True)
    start = START + dt.timedelta(days=draw(st.integers(-40, 900)))
    return start, start + dt.timedelta(days=draw(st.integers(1, 500))), False


def without_time(document):
    return {k: v for k, v in document.items() if k != "generated_at"}


def both_ways(bank, scope, table):
    """The document from the transfers and from the summaries, in one snapshot."""
    with snapshot():
        head = report_summaries.ledger_head(bank.id)
        assert report_summaries.watermark(bank.id) == head
        raw = reports._document(bank.slug, scope, NO_FILTERS, now=NOW, table=table, sequence=head,
                                kind=Workspace)
        folded = reports._document(bank.slug, scope, NO_FILTERS, now=NOW, table=table, sequence=head,
                                   kind=SummaryWorkspace)
        headline = [reports._document(bank.slug, scope, NO_FILTERS, detail=False, now=NOW, table=table,
                                      sequence=head, kind=kind)
                    for kind in (Workspace, SummaryWorkspace)]
        alerts = []
        for kind in (Workspace, SummaryWorkspace):
            with workspace(scope, detail=False, kind=kind) as ws:
                alerts.append(alert_queries.member_alerts(ws))
    assert alerts[0] == alerts[1]
    return without_time(raw), without_time(folded), [without_time(d) for d in headline]


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_summaries_give_the_figures_of_the_transfers(shared_app, data):  # noqa: F811
    spec = data.draw(bank_specs(), label="bank")
    try:
        bank, boss_id, categories, activities = post_in_batches(spec, data)
    finally:
        summaries.WHOLE_MONTH_FACTOR = FACTOR
    report_summaries.bring_up_to_date(bank.id)
    assert integrity.summaries_problem([bank.id], {bank.id: bank.slug}) is None
    db.session.rollback()
    boss = db.session.get(Member, boss_id)
    for _ in range(data.draw(st.integers(1, 3), label="queries")):
        date_from, date_to, months = data.draw(ranges(), label="range")
        scope = Scope(bank_id=bank.id, pool_id=banks.pool_account(bank.id).id,
                      date_from=date_from, date_to=date_to,
                      threshold=bank.suppression_threshold, dormant_days=bank.dormant_days)
        protected = months and data.draw(st.booleans(), label="protected")
        table = cellkey.for_bank(None, scope.k) if protected else None
        raw, folded, (raw_headline, folded_headline) = both_ways(bank, scope, table)
        assert folded == raw
        assert folded_headline == raw_headline
        query = {"date_from": date_from, "date_to": date_to, "protected": protected}
        served = reports.reciprocity_report(boss, now=NOW, **query)
        assert without_time(served) == raw
        assert without_time(reports.reciprocity_report(boss, now=NOW, **query)) == raw
        db.session.rollback()


def balances_at_to(scope, kind):
    with workspace(scope, detail=True, kind=kind) as ws:
        return dict(ws.run("SELECT account_id, balance_at_to FROM rx_people").all())


@settings(max_examples=20, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_balances_at_the_end_from_the_balance_months_are_those_of_the_transfers(
        shared_app, data):  # noqa: F811
    """Every account's balance at `to`, whatever moved it (exchanges, group credits,
    donations, grants, reversals posted later), from the balance months and the days
    before the next month as from the transfers; `to` on the first of a month or not,
    before, among and after the entries."""
    spec = data.draw(bank_specs(), label="bank")
    try:
        bank, *_ = post_in_batches(spec, data)
    finally:
        summaries.WHOLE_MONTH_FACTOR = FACTOR
    report_summaries.bring_up_to_date(bank.id)
    db.session.rollback()
    ends = st.integers(-40, SPAN + 40).map(lambda n: START + dt.timedelta(days=n))
    for _ in range(6):
        date_to = data.draw(ends | ends.map(lambda day: day.replace(day=1)), label="to")
        scope = Scope(bank_id=bank.id, pool_id=banks.pool_account(bank.id).id,
                      date_from=date_to - dt.timedelta(days=60), date_to=date_to)
        with snapshot():
            from_transfers = balances_at_to(scope, Workspace)
            assert balances_at_to(scope, SummaryWorkspace) == from_transfers
            assert balances_at_to(scope, BalanceMonthsWorkspace) == from_transfers
        db.session.rollback()


def test_covers_only_unfiltered_ranges_with_a_whole_month():
    def scope(date_from, date_to, **filters):
        return Scope(bank_id=1, pool_id=1, date_from=date_from, date_to=date_to, **filters)

    assert covers(scope(dt.date(2026, 1, 1), dt.date(2026, 2, 1)))
    assert covers(scope(dt.date(2026, 1, 9), dt.date(2026, 3, 2)))
    assert not covers(scope(dt.date(2026, 1, 9), dt.date(2026, 2, 20)))
    assert not covers(scope(dt.date(2026, 1, 1), dt.date(2026, 3, 1), category_id=3))
    assert not covers(scope(dt.date(2026, 1, 1), dt.date(2026, 3, 1), provider_group="citizen"))
