"""Report windows kept current across folds give the figures of the raw transfers.

Random banks as in test_summaries.py, but the windows of a few periods are built
before the first entry is posted, and every batch after that is folded into them
(entries back-dated into months long folded, reversals of entries posted batches
before). The report read from each window must be the document computed from the
transfers, exact and protected, with its headline and alerts; and `verify` must find
the window's rows to be the rows it would be built with from scratch.
"""

import datetime as dt

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from tests.reports.test_against_reference import bank_specs
from tests.reports.test_against_reference import shared_app as shared_app  # noqa: F401
from tests.reports.test_summaries import NO_FILTERS, NOW, post_in_batches, ranges, without_time
from timebank.extensions import db
from timebank.reports import alerts as alert_queries
from timebank.reports import cellkey
from timebank.reports.scope import Scope
from timebank.reports.window_workspace import WindowWorkspace
from timebank.reports.windows import fits
from timebank.reports.workspace import Workspace, workspace
from timebank.services import banks, integrity, report_summaries, report_windows, reports
from timebank.services.snapshots import snapshot


def scopes_of(bank, drawn):
    pool_id = banks.pool_account(bank.id).id
    return [Scope(bank_id=bank.id, pool_id=pool_id, date_from=date_from, date_to=date_to,
                  threshold=bank.suppression_threshold, dormant_days=bank.dormant_days)
            for date_from, date_to, _ in drawn]


def from_window_and_transfers(bank, scope, table, *, detail=True):
    """The document (and the alerts) from the scope's window and from the transfers, in
    one snapshot."""
    with snapshot():
        head = report_summaries.ledger_head(bank.id)
        window = report_windows.find(bank.id, scope.date_from, scope.date_to)
        assert report_windows.usable(window, scope, head)

        def from_window(*args, **kwargs):
            return WindowWorkspace(*args, window_id=window.id, layout=window.layout, **kwargs)

        kinds = (Workspace, from_window)
        documents = [without_time(reports._document(
            bank.slug, scope, NO_FILTERS, detail=detail, now=NOW, table=table, sequence=head,
            kind=kind)) for kind in kinds]
        alerts = []
        for kind in kinds:
            with workspace(scope, detail=False, kind=kind) as ws:
                alerts.append(alert_queries.member_alerts(ws))
    return documents, alerts


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_windows_folded_batch_by_batch_give_the_figures_of_the_transfers(shared_app, data):  # noqa: F811
    spec = data.draw(bank_specs(), label="bank")
    drawn = [data.draw(ranges(), label="range") for _ in range(data.draw(st.integers(1, 3)))]

    def periods(bank):
        return [s for s in scopes_of(bank, drawn) if fits(s)]

    bank, *_ = post_in_batches(spec, data, periods=periods)
    report_summaries.bring_up_to_date(bank.id, periods(bank))
    assert integrity.summaries_problem([bank.id], {bank.id: bank.slug}) is None
    db.session.rollback()
    for scope, (_, _, months) in zip(scopes_of(bank, drawn), drawn, strict=True):
        if not fits(scope):
            continue
        protected = months and data.draw(st.booleans(), label="protected")
        table = cellkey.for_bank(None, scope.k) if protected else None
        (raw, windowed), (raw_alerts, window_alerts) = from_window_and_transfers(
            bank, scope, table)
        assert windowed == raw
        assert window_alerts == raw_alerts
        (raw, windowed), _ = from_window_and_transfers(bank, scope, table, detail=False)
        assert windowed == raw
        db.session.rollback()


def test_fits_only_what_the_summaries_serve_within_the_masks():
    def scope(date_from, date_to, **filters):
        return Scope(bank_id=1, pool_id=1, date_from=date_from, date_to=date_to, **filters)

    assert fits(scope(dt.date(2026, 1, 1), dt.date(2027, 1, 1)))
    assert fits(scope(dt.date(2026, 1, 9), dt.date(2026, 3, 2)))
    assert not fits(scope(dt.date(2026, 1, 1), dt.date(2026, 3, 1), category_id=3))
    assert not fits(scope(dt.date(2026, 1, 9), dt.date(2026, 2, 20)))
    assert fits(scope(dt.date(2006, 1, 1), dt.date(2026, 1, 1)))
    assert not fits(scope(dt.date(1996, 1, 1), dt.date(2026, 1, 1)))
