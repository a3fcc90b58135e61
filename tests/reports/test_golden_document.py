"""The published report of the golden bank (threshold 5): its shape, and what it hides.

The figures themselves are worked out in test_golden.py; this file checks which
of them a threshold of 5 lets through, and the DESIGN.md §5 shape.
"""

import datetime as dt

import pytest

from tests.reports import golden
from timebank.services import reports

NOW = dt.datetime(2026, 7, 2, 9, 30)


@pytest.fixture
def report(app):
    bank = golden.build()
    return reports.reciprocity_report(bank.V, now=NOW, date_from=golden.FROM, date_to=golden.TO)


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


def test_figures_from_enough_people_are_shown_rounded(report):
    m = report["metrics"]
    assert (m["hours"], m["exchanges"], m["members"], m["active_members"]) == (15.75, 13, 10, 8)
    assert m["active_share"] == 0.8
    assert m["balance_ratio_median"] == 0.293  # (60/210 + 0.3) / 2 = 0.29286
    assert (m["direct_reciprocity"], m["rho"], m["weighted_reciprocity"]) == (0.333, 0.2, 0.254)
    assert m["partners_median"] == 2.5
    assert (m["cross_group_exchange_share"], m["cross_group_pair_share"]) == (0.538, 0.5)
    assert (m["gini_given"], m["gini_received"]) == (0.578, 0.544)
    assert m["beyond_25h_share"] == 0  # nobody: a zero describes no one


def test_figures_about_fewer_than_5_people_are_hidden_and_named(report):
    m = report["metrics"]
    hidden = {
        "inert_share",         # 1 inert member (F)
        "dormant_members",     # 2 (B and P)
        "give_only_share",     # 1 (Q)
        "receive_only_share",  # 1 (O)
        "two_way_share",       # 6, but with the two above known it would follow: secondary
        "top10_given_share",   # the top 10 % is one person
        "citizen_professional_ratio",  # its flows are about 2 to 4 people each
        "professionals_receiving_share",  # 2 professionals
        "first_exchange_median_days",  # 3 people
        "first_exchange_within_30_share", "first_exchange_within_90_share",  # 4 joiners
    }
    assert {name for name, value in m.items() if value is None} == hidden
    assert hidden <= set(report["suppressed"])


def test_small_cells_are_hidden_with_enough_others_that_they_cannot_be_worked_out(report):
    categories = {row["category"]: (row["hours"], row["exchanges"]) for row in report["categories"]}
    # Gardening involves 5 people, the others 4: hiding only those would let Gardening's
    # hours and the total give away their sum, so Gardening goes too. Music is empty.
    assert categories == {"Gardening": (None, None), "Health": (None, None),
                          "Music": (0.0, 0), "Shopping": (None, None), None: (None, None)}
    assert "categories[Gardening]" in report["suppressed"]
    assert "categories[null]" in report["suppressed"]
    assert "categories[Music]" not in report["suppressed"]
    # No month has 5 active people.
    assert all(row["hours"] is None for row in report["monthly"])
    assert all(row["hours"] is None for row in report["flows"])
    assert report["levels"] == [
        {"level": "consult", "group": "professional", "hours": None, "members": None},
        {"level": "co-design", "group": "citizen", "hours": None, "members": None}]
    assert report["retention"] == [
        {"cohort": "2026-Q1", "after_1q": None, "after_2q": None, "after_4q": None}]
    assert "retention[2026-Q1].after_1q" in report["suppressed"]
    assert "retention[2026-Q1].after_2q" not in report["suppressed"]  # not known yet


def test_the_pool_is_reported_apart_and_protected_too(report):
    assert report["pool"] == {"donated_hours": None, "donations": None, "donors": None,
                              "granted_hours": None, "grants": None, "recipients": None}
    assert "pool.donors" in report["suppressed"]


def test_a_higher_threshold_hides_more(app):
    bank = golden.build()
    bank.bank.suppression_threshold = 9
    from timebank.extensions import db

    db.session.commit()
    report = reports.reciprocity_report(bank.V, now=NOW, date_from=golden.FROM,
                                        date_to=golden.TO)
    # 9 people exchanged: the totals survive at 9, the 8 active members don't.
    assert report["suppression_threshold"] == 9
    assert report["metrics"]["hours"] == 15.75
    assert report["metrics"]["active_members"] is None
    assert report["metrics"]["balance_ratio_median"] is None
    assert report["metrics"]["gini_given"] == 0.578  # 10 members
