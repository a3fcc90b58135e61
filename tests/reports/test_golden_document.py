"""The published report of the golden bank (threshold 5): its shape, the coordinator's
exact figures, and what the evaluator's protected report withholds.

The figures themselves are worked out in test_golden.py; this file checks that the
coordinator gets them all, exactly, and which statistics a threshold of 5 withholds
from the evaluator (whose counts and hours are perturbed, never withheld).
"""

import datetime as dt

import pytest

from tests.reports import golden
from timebank.services import reports

NOW = dt.datetime(2026, 7, 2, 9, 30)


@pytest.fixture
def bank(app):
    return golden.build()


@pytest.fixture
def report(bank):
    """The evaluator's protected report."""
    return reports.reciprocity_report(bank.V, now=NOW, date_from=golden.FROM, date_to=golden.TO)


@pytest.fixture
def exact(bank):
    """The coordinator's (Quinn's) exact report."""
    return reports.reciprocity_report(bank.Q, now=NOW, date_from=golden.FROM, date_to=golden.TO)


def test_the_shape_is_the_one_of_design_md(report):
    assert list(report)[:13] == [
        "bank", "from", "to", "definitions_version", "suppression_threshold", "generated_at",
        "suppressed", "metrics", "flows", "monthly", "levels", "categories", "retention"]
    assert report["bank"] == "golden"
    assert (report["from"], report["to"]) == ("2026-01-01", "2026-07-01")
    assert report["definitions_version"] == "1"
    assert report["suppression_threshold"] == 5
    assert report["generated_at"] == "2026-07-02T09:30:00Z"
    assert list(report["metrics"])[:25] == [
        "hours", "exchanges", "members", "active_members", "active_share", "inert_share",
        "dormant_members", "give_only_share", "receive_only_share", "two_way_share",
        "balance_ratio_median", "direct_reciprocity", "rho", "weighted_reciprocity",
        "partners_median", "cross_group_exchange_share", "cross_group_pair_share",
        "gini_given", "gini_received", "top10_given_share", "citizen_professional_ratio",
        "professionals_receiving_share", "first_exchange_median_days",
        "first_exchange_within_30_share", "beyond_25h_share"]
    assert set(report["flows"][0]) == {"provider_group", "receiver_group", "hours", "exchanges"}
    assert set(report["monthly"][0]) == {"month", "hours", "exchanges", "active_members"}
    assert set(report["levels"][0]) == {"level", "group", "hours", "members"}
    assert set(report["categories"][0]) == {"category", "hours", "exchanges"}
    assert set(report["retention"][0]) == {"cohort", "after_1q", "after_2q", "after_4q"}


def test_the_coordinator_gets_every_figure_exactly(exact):
    m = exact["metrics"]
    assert exact["suppressed"] == [] and exact["protection"] is None
    assert (m["hours"], m["exchanges"], m["members"], m["active_members"]) == (15.75, 13, 10, 8)
    assert m["active_share"] == 0.8
    assert m["balance_ratio_median"] == 0.293  # (60/210 + 0.3) / 2 = 0.29286
    assert (m["direct_reciprocity"], m["rho"], m["weighted_reciprocity"]) == (0.333, 0.2, 0.254)
    assert m["partners_median"] == 2.5
    assert (m["cross_group_exchange_share"], m["cross_group_pair_share"]) == (0.538, 0.5)
    assert (m["gini_given"], m["gini_received"]) == (0.578, 0.544)
    assert m["beyond_25h_share"] == 0  # nobody: a zero describes no one


def test_statistics_of_fewer_than_5_people_are_withheld_and_named(report):
    m = report["metrics"]
    withheld = {
        "top10_given_share",           # the top 10 % is one person
        "first_exchange_median_days",  # 3 people
    }
    # A share is not known (null, but not withheld) when its whole, fewer than 5 people,
    # is published as 0: 2 professionals, 4 people who joined.
    unknown_if_whole_is_0 = {"professionals_receiving_share", "first_exchange_within_30_share",
                             "first_exchange_within_90_share"}
    assert withheld <= {name for name, value in m.items() if value is None} \
        <= withheld | unknown_if_whole_is_0
    assert set(report["suppressed"]) == withheld
    assert report["protection"] == {"method": "cell-key", "threshold": 5,
                                    "max_count_noise": 2, "periods": "months"}


def test_counts_never_show_1_to_4_and_statistics_of_enough_people_are_rounded(report, exact):
    m, truth = report["metrics"], exact["metrics"]
    for name in ("exchanges", "members", "active_members", "dormant_members"):
        assert (abs(m[name] - truth[name]) <= 2) if truth[name] >= 5 else m[name] in (0, 5)
    assert m["gini_given"] == round(truth["gini_given"], 2)
    assert m["balance_ratio_median"] == round(truth["balance_ratio_median"], 2)
    assert m["hours"] != truth["hours"] and float(m["hours"] * 2).is_integer()


def test_small_cells_are_perturbed_not_hidden(report, exact):
    categories = {row["category"]: (row["hours"], row["exchanges"]) for row in report["categories"]}
    truth = {row["category"]: row for row in exact["categories"]}
    assert set(categories) == set(truth)
    assert categories["Music"] == (0.0, 0)  # nobody: zero stays zero
    for name, (hours, exchanges) in categories.items():
        assert hours is not None and exchanges in (0, 5) if truth[name]["exchanges"] < 5 \
            else abs(exchanges - truth[name]["exchanges"]) <= 2
    assert not [name for name in report["suppressed"] if "[" in name]
    assert all(row["hours"] is not None for row in report["monthly"] + report["flows"])
    assert report["retention"][0]["after_2q"] is None  # not known yet, not withheld


def test_the_pool_is_reported_apart_and_protected_too(report, exact):
    assert exact["pool"]["donors"] > 0
    assert report["pool"]["donors"] in (0, 5)  # fewer than 5 donors are never shown as such
    assert not [name for name in report["suppressed"] if name.startswith("pool.")]


def test_a_higher_threshold_withholds_more(app):
    bank = golden.build()
    bank.bank.suppression_threshold = 9
    from timebank.extensions import db

    db.session.commit()
    report = reports.reciprocity_report(bank.V, now=NOW, date_from=golden.FROM,
                                        date_to=golden.TO)
    # 8 active members: their medians go at 9; the Gini is over the 10 members and stays.
    assert report["suppression_threshold"] == 9
    assert report["metrics"]["active_members"] in (0, 9)
    assert report["metrics"]["balance_ratio_median"] is None
    assert report["metrics"]["gini_given"] == 0.58
