"""The threshold k at k − 1, k and k + 1 people, through the whole report: evaluators get
no count from 1 to k − 1 and no statistic of fewer than k people; coordinators get it all."""

import datetime as dt

import pytest

from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.reports.scope import Scope
from timebank.services import banks, ledger, members, reports

JOINED = dt.datetime(2025, 1, 6, 9)
NOW = dt.datetime(2026, 3, 1, 12)


def coordinator_of(bank):
    return members.create_member(bank, name="C", email=f"c{bank.id}@example.org",
                                 group="professional", role="coordinator", status="active",
                                 now=JOINED)


def ring_bank(n, k):
    """n citizens in a ring, each giving the next an hour in January 2026; threshold k."""
    bank = banks.create_bank(slug=f"ring-{n}-{k}", name="Ring", suppression_threshold=k,
                             now=JOINED)
    people = [members.create_member(bank, name=f"P{i}", group="citizen", status="active",
                                    now=JOINED) for i in range(n)]
    evaluator = members.create_member(bank, name="E", email=f"e{n}{k}@example.org",
                                      group="professional", role="evaluator", status="active",
                                      now=JOINED)
    for i, giver in enumerate(people):
        receiver = people[(i + 1) % n]
        ledger.post(bank.id, Posting(kind=EntryKind.EXCHANGE, occurred_on=dt.date(2026, 1, 5 + i),
                                     transfers=(Transfer(receiver.account.id, giver.account.id,
                                                         60),)), now=NOW)
    db.session.expire_all()
    return bank, evaluator


@pytest.mark.parametrize("k", [5, 10])
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_statistics_of_k_minus_1_people_are_withheld_and_counts_never_small(app, k, offset):
    n = k + offset
    _, evaluator = ring_bank(n, k)
    report = reports.reciprocity_report(evaluator, now=NOW, date_from=dt.date(2026, 1, 1),
                                        date_to=dt.date(2026, 2, 1))
    m = report["metrics"]
    shown = n >= k
    # n people, n exchanges of an hour; every one gave once and received once.
    for count in (m["exchanges"], m["members"], m["active_members"]):
        assert abs(count - n) <= 2 if shown else count in (0, k)
    assert m["hours"] is not None and abs(m["hours"] - n) <= 1.0
    assert m["gini_given"] == (0.0 if shown else None)
    assert ("gini_given" in report["suppressed"]) is not shown
    (january,) = report["monthly"]
    assert None not in january.values()
    assert not [name for name in report["suppressed"] if "[" in name]  # no cell withheld


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_the_coordinator_sees_every_figure_exactly(app, offset):
    n = 10 + offset
    bank, _ = ring_bank(n, 10)
    report = reports.reciprocity_report(coordinator_of(bank), now=NOW,
                                        date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 20))
    m = report["metrics"]
    assert (m["hours"], m["exchanges"], m["active_members"]) == (float(n), n, n)
    assert m["two_way_share"] == 1.0 and m["direct_reciprocity"] == 0.0
    assert report["suppressed"] == [] and report["protection"] is None


def test_a_report_never_uses_a_threshold_below_5():
    scope = Scope(bank_id=1, pool_id=1, date_from=dt.date(2026, 1, 1),
                  date_to=dt.date(2026, 2, 1), threshold=3)
    assert scope.k == 5


def test_a_banks_own_perturbation_table_is_the_one_used(app):
    """A table (not zero-mean) that adds 1 to every count of 5 or more, and 0 below."""
    bank, evaluator = ring_bank(12, 5)
    lines = ["pcv,ckey,pvalue"] + [f"{pcv},{key},{-pcv if pcv < 5 else 1}"
                                   for pcv in range(7) for key in range(256)]
    banks.set_perturbation_table(bank.slug, "\n".join(lines), now=NOW)
    report = reports.reciprocity_report(evaluator, now=NOW, date_from=dt.date(2026, 1, 1),
                                        date_to=dt.date(2026, 2, 1))
    assert (report["metrics"]["exchanges"], report["metrics"]["active_members"]) == (13, 13)
    assert report["monthly"][0]["exchanges"] == 13
