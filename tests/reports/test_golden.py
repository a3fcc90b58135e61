"""Every figure of the reciprocity report on the golden bank (tests/reports/golden.py), by hand.

These check the figures as computed, before suppression; test_golden_document.py
checks what the published report hides at the golden bank's threshold of 5.

Per person in the range (minutes; partners are distinct people either way):

          gave  received  partners  first   last    member at `to`?
    A      300       150         4  01-10   06-05   yes
    B       30       120         2  01-10   02-20   yes (dormant: last < 04-02)
    C      210        60         3  03-01   06-10   yes
    D       45        90         2  03-01   05-10   yes
    E      150        45         3  04-15   06-05   yes
    P       90       120         1  02-05   03-20   yes (dormant)
    O        0       360         3  04-15   04-15   yes
    Q       60         0         1  06-10   06-10   yes
    G       60         0         1  02-20   02-20   no: left on 06-20
    F, L     —         —                            yes, but not active
    total  945       945

13 exchanges, 945 minutes = 15.75 hours, 9 people (A B C D E P O Q G).
"""

import networkx as nx
import pytest

from tests.reports import golden
from timebank.reports import reciprocity
from timebank.reports.scope import Scope
from timebank.reports.workspace import Workspace, workspace
from timebank.services import banks


@pytest.fixture
def bank(app):
    return golden.build()


def scope_of(bank, **filters):
    return Scope(bank_id=bank.bank.id, pool_id=banks.pool_account(bank.bank.id).id,
                 date_from=golden.FROM, date_to=golden.TO, threshold=5, dormant_days=90,
                 **filters)


@pytest.fixture(params=["fitted", "BIGINT"])
def figures(bank, request, monkeypatch):
    """The figures; once more with the ties' sums in BIGINT, as for a bank whose accounts
    have moved more than an INTEGER holds (Workspace._tie_sum_type)."""
    if request.param == "BIGINT":
        monkeypatch.setattr(Workspace, "_tie_sum_type", lambda self: "BIGINT")
    with workspace(scope_of(bank)) as ws:
        return reciprocity.compute(ws)


def values(figures):
    return {name: f.value for name, f in figures.metrics.items()}


def test_totals_and_members(figures):
    m = values(figures)
    assert m["hours"] == pytest.approx(945 / 60)  # 15.75
    assert m["exchanges"] == 13
    # Members at `to`: A B C D E F L P Q O. Not G (left 06-20), V (evaluator), X (pending).
    assert m["members"] == 10
    # Active: A B C D E P O Q (F never exchanged, L only before the range).
    assert m["active_members"] == 8
    assert m["active_share"] == pytest.approx(8 / 10)
    # Inert: F alone; L exchanged before the range, and F's grant is no exchange.
    assert m["inert_share"] == pytest.approx(1 / 10)
    # Dormant: last exchange before 04-02: B (02-20) and P (03-20); O's 04-15 is recent.
    assert m["dormant_members"] == 2
    # Of the 8 active: Q only gave, O only received, the other 6 both.
    assert m["give_only_share"] == pytest.approx(1 / 8)
    assert m["receive_only_share"] == pytest.approx(1 / 8)
    assert m["two_way_share"] == pytest.approx(6 / 8)
    assert figures.metrics["hours"].people == 9


def test_balance_ratio_and_partners(figures):
    m = values(figures)
    # min/max per active member: A 150/300 = .5, B 30/120 = .25, C 60/210 = .2857,
    # D 45/90 = .5, E 45/150 = .3, P 90/120 = .75, O 0, Q 0.
    # Sorted 0, 0, .25, .2857, .3, .5, .5, .75: median = (.2857 + .3) / 2.
    assert m["balance_ratio_median"] == pytest.approx((60 / 210 + 0.3) / 2)
    bands = {c.key[0]: c.values["members"] for c in figures.tables["balance_ratio_bands"].cells}
    assert bands == {"0": 2, "0-0.25": 0, "0.25-0.5": 3, "0.5-0.75": 2, "0.75-1": 1}
    # Partners: A 4, B 2, C 3, D 2, E 3, P 1, O 3, Q 1 -> 1 1 2 2 3 3 3 4: median 2.5.
    assert m["partners_median"] == 2.5
    partners = {c.key[0]: c.values["members"]
                for c in figures.tables["partners_distribution"].cells}
    assert partners == {"1": 2, "2": 2, "3-5": 4, "6-10": 0, "11+": 0}


def test_direct_reciprocity(figures):
    m = values(figures)
    # 12 directed pairs: AB BA AP PA GB CD AO CO EO DE EA QC; reciprocated: AB BA AP PA.
    assert m["direct_reciprocity"] == pytest.approx(4 / 12)
    # N = 9 people, a = 12 / (9 * 8) = 1/6, rho = (1/3 - 1/6) / (1 - 1/6) = 0.2.
    assert m["rho"] == pytest.approx(0.2)
    # Mutual weight: min(60, 30) twice + min(120, 90) twice = 240, of 945.
    assert m["weighted_reciprocity"] == pytest.approx(240 / 945)


def test_direct_reciprocity_agrees_with_networkx(figures, bank):
    pairs = {(p, r) for p, r, *_ in golden.EXCHANGES}
    pairs |= {("A", "O"), ("C", "O"), ("E", "O")}
    graph = nx.DiGraph(list(pairs))
    assert graph.number_of_edges() == 12
    assert figures.metrics["direct_reciprocity"].value == pytest.approx(nx.reciprocity(graph))


def test_cross_group_ties_and_citizen_professional_reciprocity(figures):
    m = values(figures)
    # Exchanges between groups: A→P, P→A twice, A→O, C→O, E→O, Q→C: 7 of 13.
    assert m["cross_group_exchange_share"] == pytest.approx(7 / 13)
    # 10 pairs either way (AB AP GB CD AO CO EO DE EA QC); between groups AP AO CO EO QC.
    assert m["cross_group_pair_share"] == pytest.approx(5 / 10)
    # Professionals and organisations gave citizens 60 + 30 + 60 = 150; citizens gave them
    # 120 (to P) + 360 (to O) = 480.
    assert m["citizen_professional_ratio"] == pytest.approx(150 / 480)
    # Professionals at `to`: P and Q (V is an evaluator); P received from a citizen (A).
    assert m["professionals_receiving_share"] == pytest.approx(1 / 2)


def test_concentration(figures):
    m = values(figures)
    # Given by the 10 members, ascending: 0 0 0 30 45 60 90 150 210 300 (sum 885; G's 60
    # is not a member's). sum(i * x) = 4*30 + 5*45 + 6*60 + 7*90 + 8*150 + 9*210 + 10*300
    # = 7425; G = 2 * 7425 / (10 * 885) - 11/10.
    assert m["gini_given"] == pytest.approx(2 * 7425 / (10 * 885) - 1.1)
    # Received: 0 0 0 45 60 90 120 120 150 360 (sum 945); sum(i * x) = 7770.
    assert m["gini_received"] == pytest.approx(2 * 7770 / (10 * 945) - 1.1)
    # 7 members gave; the top ceil(10 %) is one person, A: 300 of 885.
    assert m["top10_given_share"] == pytest.approx(300 / 885)
    assert figures.metrics["top10_given_share"].people == 1


def test_time_to_first_exchange(figures):
    m = values(figures)
    # Joined in the range and active at some time: C (01-15), D (02-01), F (02-10),
    # E (03-20); X is pending, so out. Days to first exchange: C 45, D 28, E 26; F none.
    assert m["first_exchange_median_days"] == 28
    # All four joined before 06-01 (to - 30): D and E within 30 days -> 2/4.
    assert m["first_exchange_within_30_share"] == pytest.approx(2 / 4)
    # All four joined before 04-02 (to - 90): C, D and E within 90 days -> 3/4.
    assert m["first_exchange_within_90_share"] == pytest.approx(3 / 4)


def test_balances_at_the_end_of_the_range(figures):
    # At `to`: A 90, B -120, C 150, D -45, E 105, F 60 (the grant), L 30, P -60, Q 60,
    # O -360. A's gift to B on `to` itself is after the end, though in the balance now.
    bands = {c.key[0]: c.values["members"] for c in figures.tables["balance_bands"].cells}
    assert bands == {"under -25": 0, "-25 to -10": 0, "-10 to 0": 4, "0 to 10": 6,
                     "10 to 25": 0, "over 25": 0}
    assert values(figures)["beyond_25h_share"] == 0


def test_flows(figures):
    flows = {c.key: (c.values["hours"], c.values["exchanges"], c.people)
             for c in figures.tables["flows"].cells}
    # citizen→citizen: A→B 60, B→A 30, G→B 60, C→D 90, D→E 45, E→A 30 = 315 by A B G C D E.
    assert flows[("citizen", "citizen")] == (315 / 60, 6, 6)
    assert flows[("citizen", "professional")] == (2.0, 1, 2)  # A→P 120
    assert flows[("citizen", "organisation")] == (6.0, 3, 4)  # A, C, E → O, 120 each
    assert flows[("professional", "citizen")] == (2.5, 3, 4)  # P→A 60 + 30, Q→C 60
    assert flows[("organisation", "citizen")] == (0.0, 0, 0)
    assert sum(h for h, _, _ in flows.values()) == pytest.approx(15.75)


def test_monthly(figures):
    monthly = {c.key[0]: (c.values["hours"], c.values["exchanges"], c.values["active_members"])
               for c in figures.tables["monthly"].cells}
    assert monthly == {
        "2026-01": (1.5, 2, 2),    # A→B 60, B→A 30
        "2026-02": (4.0, 3, 4),    # A→P 120, P→A 60, G→B 60: A P G B
        "2026-03": (2.0, 2, 4),    # C→D 90, P→A 30: C D P A
        "2026-04": (6.0, 3, 4),    # the group credit: A C E O
        "2026-05": (0.75, 1, 2),   # D→E 45
        "2026-06": (1.5, 2, 4),    # E→A 30, Q→C 60: E A Q C
    }


def test_categories(figures):
    rows = [(c.key[0], c.values["hours"], c.values["exchanges"], c.people)
            for c in figures.tables["categories"].cells]
    assert rows == [
        ("Gardening", 4.0, 4, 5),   # 60 + 30 + 60 + 90 by A B G C D
        ("Health", 2.5, 3, 4),      # 60 + 30 + 60 by P A Q C
        ("Music", 0.0, 0, 0),       # a category nobody used
        ("Shopping", 2.75, 2, 4),   # 120 + 45 by A P D E
        (None, 6.5, 4, 4),          # the group credit 360 and E→A 30: A C E O
    ]


def test_participation_levels(figures):
    rows = [(c.key, c.values["hours"], c.values["members"]) for c in figures.tables["levels"].cells]
    # Citizens A, C, E gave 120 each in the co-design group; Q gave 60 on the consult panel.
    assert rows == [(("consult", "professional"), 1.0, 1), (("co-design", "citizen"), 6.0, 3)]


def test_retention(figures):
    (row,) = figures.retention
    assert row.cohort == "2026-Q1" and row.size == 4  # C D E F
    # Active in Q2: C, D, E (not F): 3/4. Q3 and 2027-Q1 haven't ended by 07-01: unknown.
    assert row.after["after_1q"].value == pytest.approx(3 / 4)
    assert row.after["after_2q"] is None and row.after["after_4q"] is None


def test_pool_is_reported_apart(figures):
    pool = {name: f.value for name, f in figures.pool.items()}
    assert pool == {"donated_hours": 1.5, "donations": 1, "donors": 1,
                    "granted_hours": 1.0, "grants": 1, "recipients": 1}


def test_filters(bank):
    def run(**filters):
        with workspace(scope_of(bank, **filters)) as ws:
            return values(reciprocity.compute(ws))

    # Citizens giving: 315 + 120 + 360 = 795 minutes in 10 exchanges.
    given = run(provider_group="citizen")
    assert (given["hours"], given["exchanges"]) == (pytest.approx(795 / 60), 10)
    # Professionals receiving: A→P only.
    assert run(receiver_group="professional")["exchanges"] == 1
    assert run(category_id=bank.categories["Gardening"].id)["hours"] == pytest.approx(4.0)
    redesign = run(activity_id=bank.activities["Redesign group"].id)
    assert (redesign["exchanges"], redesign["active_members"]) == (3, 4)
    assert run(level="consult")["hours"] == pytest.approx(1.0)
    # With a filter, "inert" means no exchange of that kind ever: only A C E O took part in
    # the co-design group, so 6 of the 10 members are inert for it.
    assert run(level="co-design")["inert_share"] == pytest.approx(6 / 10)
