"""Must-show on the demo bank: the evaluator's last twelve whole months, protected, shows
the headline figures and every flow of k or more people, close to the exact figures."""

import datetime as dt

import pytest
from sqlalchemy import select

from timebank import create_app
from timebank.extensions import db
from timebank.models import Member
from timebank.reports.cellkey import MAX_COUNT_NOISE
from timebank.services import demo, reports

NOW = dt.datetime(2026, 11, 20, 10)
HEADLINE = ("hours", "exchanges", "active_members", "two_way_share", "citizen_professional_ratio")
COUNTS = ("exchanges", "members", "active_members", "dormant_members")


def by_role(role):
    return db.session.scalars(select(Member).where(Member.role == role)).first()


@pytest.fixture(scope="module")
def demo_reports(test_databases):
    """Built once: the evaluator's protected report (twice) and the coordinator's exact one."""
    url = test_databases.fresh()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        demo.build(now=NOW)
        evaluator, coordinator = by_role("evaluator"), by_role("coordinator")
        protected = reports.reciprocity_report(evaluator, now=NOW)
        again = reports.reciprocity_report(evaluator, now=NOW)
        exact = reports.reciprocity_report(coordinator, now=NOW, date_from=dt.date(2025, 11, 1),
                                           date_to=dt.date(2026, 11, 1))
        db.session.remove()
        db.engine.dispose()
    test_databases.drop(url)
    return protected, again, exact, None


def test_the_evaluator_sees_the_last_twelve_whole_months(demo_reports):
    protected, _, exact, _ = demo_reports
    assert (protected["from"], protected["to"]) == ("2025-11-01", "2026-11-01")
    assert protected["protection"] == {"method": "cell-key", "threshold": 10,
                                       "max_count_noise": 2, "periods": "months"}
    assert exact["protection"] is None and exact["suppressed"] == []


def test_the_headline_figures_are_shown(demo_reports):
    protected, _, _, _ = demo_reports
    for name in HEADLINE:
        assert protected["metrics"][name] is not None, name
        assert name not in protected["suppressed"]


def test_every_flow_of_k_or_more_people_is_shown(demo_reports):
    protected, _, exact, app = demo_reports
    for row in protected["flows"]:
        assert row["hours"] is not None and row["exchanges"] is not None
    assert not [name for name in protected["suppressed"] if name.startswith("flows")]


def test_protected_counts_are_within_2_of_the_exact_ones(demo_reports):
    protected, _, exact, _ = demo_reports
    k = protected["suppression_threshold"]
    for name in COUNTS:
        truth, shown = exact["metrics"][name], protected["metrics"][name]
        if truth >= k:
            assert abs(shown - truth) <= MAX_COUNT_NOISE, name
        else:
            assert shown in (0, k), name
    for table, fields in (("flows", ("exchanges",)),
                          ("monthly", ("exchanges", "active_members"))):
        for mine, truth in zip(protected[table], exact[table], strict=True):
            for field in fields:
                if truth[field] >= k:
                    assert abs(mine[field] - truth[field]) <= MAX_COUNT_NOISE, (table, field)
                else:
                    assert mine[field] in (0, k)


def test_protected_hours_are_within_5_percent_for_cells_of_20_or_more(demo_reports):
    protected, _, exact, _ = demo_reports
    checked = 0
    assert exact["metrics"]["active_members"] >= 20
    assert abs(protected["metrics"]["hours"] - exact["metrics"]["hours"]) \
        <= 0.05 * exact["metrics"]["hours"]
    for mine, truth in zip(protected["monthly"], exact["monthly"], strict=True):
        if truth["active_members"] >= 20:
            checked += 1
            assert abs(mine["hours"] - truth["hours"]) <= 0.05 * truth["hours"], mine["month"]
    assert checked >= 1


def test_protected_hours_are_published_to_the_half_hour(demo_reports):
    protected, _, _, _ = demo_reports
    values = [protected["metrics"]["hours"]] + [row["hours"] for row in protected["monthly"]]
    assert all(float(value * 2).is_integer() for value in values)


def test_asking_again_gives_the_same_figures(demo_reports):
    protected, again, _, _ = demo_reports
    del protected["generated_at"], again["generated_at"]
    assert protected == again
