"""Attacks on the evaluators' protected report: each plants known people and figures in a
bank and tries to get them back from what an evaluator may download.

The record keys are random; each bank is built under three seeds so that the noise
differs. An attack "recovers" a figure when what was published pins it down: for each
attack we work out, from the published figures and the public perturbation rules,
every true value consistent with them, and assert there is more than one (so the
planted value can't be told from others); and that the attacker's best guess is
wrong under at least one seed (the noise is really there). Day-level differencing
can't even start: protected reports cover whole months only.
"""

import datetime as dt
import random
import statistics
from unittest import mock

import pytest

from timebank import create_app
from timebank.extensions import db
from timebank.models import record_keys
from timebank.reports.cellkey import default_table
from timebank.services import catalogue, exchanges, members, reports
from timebank.services.banks import create_bank
from timebank.services.errors import ValidationFailed

K = 10
TABLE = default_table(K)
SEEDS = (11, 22, 33)
JOINED = dt.datetime(2025, 12, 1, 9)
NOW = dt.datetime(2026, 8, 1, 9)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 7, 1))
BACKGROUND = 20  # citizens in a ring, an hour each month in "Garden"
PLANTED_HOURS = 7  # P's one exchange in March: "Secret", activity "Workshop" (co-design)
PROFESSIONAL_HOURS = 3  # Q, the only professional who gives, in March, in "Garden"
INERT = 3


class SeededSecrets:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def randbelow(self, n):
        return self.rng.randrange(n)


def build(seed, number):
    with mock.patch.object(record_keys, "secrets", SeededSecrets(seed)):
        bank = create_bank(slug=f"attack-{number}", name="Attack", suppression_threshold=K,
                           now=JOINED)

        def person(name, group="citizen", role="member"):
            return members.create_member(bank, name=name, email=f"{name}.{number}@example.org",
                                         group=group, role=role, status="active", now=JOINED)

        coordinator = person("coordinator", "professional", "coordinator")
        evaluator = person("evaluator", "professional", "evaluator")
        ring = [person(f"b{i}") for i in range(BACKGROUND)]
        planted, professional = person("planted"), person("q", "professional")
        for i in range(INERT):
            person(f"inert{i}")
        catalogue.create_category(coordinator, name="Garden", now=JOINED)
        catalogue.create_category(coordinator, name="Secret", now=JOINED)
        workshop = catalogue.create_activity(coordinator, name="Workshop", level="co-design",
                                             now=JOINED)

        def log(giver, receiver, minutes, day, category, activity=None):
            when = dt.datetime.combine(day, dt.time(12))
            exchanges.log(coordinator, provider_id=giver.id, receiver_id=receiver.id,
                          minutes=minutes, occurred_on=day, category=category,
                          activity_id=activity, now=when)

        for month in range(1, 7):
            for i, giver in enumerate(ring):
                log(giver, ring[(i + 1) % BACKGROUND], 60, dt.date(2026, month, 1 + i % 20),
                    "Garden")
        log(planted, ring[0], PLANTED_HOURS * 60, dt.date(2026, 3, 12), "Secret", workshop.id)
        log(professional, ring[1], PROFESSIONAL_HOURS * 60, dt.date(2026, 3, 14), "Garden")
        db.session.expire_all()
    return coordinator, evaluator, workshop.id


def seen(evaluator, **query):
    return reports.reciprocity_report(evaluator, now=NOW, **query)


@pytest.fixture(scope="module")
def banks(test_databases):
    """Per seed: the evaluator's reports an attacker would ask for, and the exact truth."""
    url = test_databases.fresh()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    found = []
    with app.app_context():
        for number, seed in enumerate(SEEDS):
            coordinator, evaluator, workshop = build(seed, number)
            year = {"date_from": YEAR[0], "date_to": YEAR[1]}
            got = {
                "all": seen(evaluator, **year),
                "again": [seen(evaluator, **year) for _ in range(4)],
                "to_april": seen(evaluator, date_from=YEAR[0], date_to=dt.date(2026, 4, 1)),
                "to_march": seen(evaluator, date_from=YEAR[0], date_to=dt.date(2026, 3, 1)),
                "exact": reports.reciprocity_report(coordinator, now=NOW, **year),
            }
            for name, query in FILTERS.items():
                got[name] = seen(evaluator, **year, **query)
            got["workshop"] = seen(evaluator, **year, activity=workshop)
            try:
                seen(evaluator, date_from=dt.date(2026, 3, 12), date_to=dt.date(2026, 3, 13))
            except ValidationFailed as error:
                got["one_day"] = error.errors
            found.append(got)
        db.session.remove()
        db.engine.dispose()
    test_databases.drop(url)
    return found


FILTERS = {
    "garden": {"category": "Garden"}, "secret": {"category": "Secret"},
    "co_design": {"level": "co-design"},
    "citizens_gave": {"provider_group": "citizen"},
    "professionals_gave": {"provider_group": "professional"},
}


# --- what the published figures allow ----------------------------------------------------

def counts_behind(published):
    """Every true count the default table could have published as `published`."""
    return {n for n in range(0, published + 3 * K)
            if any(TABLE.perturb(n, key) == published for key in range(TABLE.size))}


def hours_behind(published):
    """True hours (on a quarter-hour grid) that noise could have rounded to `published`:
    the noise is at least half an hour and at most a fifth of the largest contribution
    (at most the whole cell) or an hour, whichever is more; rounding moves it by at most
    a quarter of an hour."""
    out = set()
    for quarters in range(0, int(published * 4) + 4 * 40):
        truth = quarters / 4
        if 0.25 <= abs(published - truth) <= max(0.2 * truth, 1.0) + 0.25:
            out.add(truth)
    return out


def differences(first: set, second: set) -> set:
    return {a - b for a in first for b in second}


def assert_not_recovered(planted, guesses, possible):
    assert planted in possible, "the attack's model of the noise is wrong"
    assert len(possible) > 1, "the published figures pin the planted value down"
    assert any(guess != planted for guess in guesses), "the guess was right under every seed"


# --- the attacks -------------------------------------------------------------------------

def test_a_single_day_cant_be_asked_for(banks):
    for got in banks:
        assert set(got["one_day"]) == {"from", "to"}
        assert "first day of a month" in got["one_day"]["from"][0]


def test_differencing_months_doesnt_give_a_months_figures_exactly(banks):
    march_hours = BACKGROUND + PLANTED_HOURS + PROFESSIONAL_HOURS
    march_exchanges = BACKGROUND + 2
    hours_guesses, count_guesses = [], []
    for got in banks:
        after, before = got["to_april"]["metrics"], got["to_march"]["metrics"]
        hours_guesses.append(after["hours"] - before["hours"])
        count_guesses.append(after["exchanges"] - before["exchanges"])
        assert_not_recovered(march_hours, hours_guesses,
                             differences(hours_behind(after["hours"]), hours_behind(before["hours"])))
        assert_not_recovered(march_exchanges, count_guesses,
                             differences(counts_behind(after["exchanges"]),
                                         counts_behind(before["exchanges"])))
        march = got["to_april"]["monthly"][2]
        assert march["hours"] != march_hours  # never published exactly


@pytest.mark.parametrize(("whole", "part", "planted"), [
    ("all", "garden", PLANTED_HOURS),                    # the complement of a category
    ("all", "citizens_gave", PROFESSIONAL_HOURS),        # the complement of a group
])
def test_differencing_by_filters_doesnt_give_the_planted_hours(banks, whole, part, planted):
    guesses = []
    for got in banks:
        a, b = got[whole]["metrics"]["hours"], got[part]["metrics"]["hours"]
        guesses.append(a - b)
        assert_not_recovered(planted, guesses, differences(hours_behind(a), hours_behind(b)))


@pytest.mark.parametrize(("name", "planted"), [
    ("secret", PLANTED_HOURS), ("workshop", PLANTED_HOURS), ("co_design", PLANTED_HOURS),
    ("professionals_gave", PROFESSIONAL_HOURS)])
def test_a_filter_that_holds_one_person_gives_neither_their_hours_nor_their_count(
        banks, name, planted):
    for got in banks:
        metrics = got[name]["metrics"]
        assert metrics["hours"] != planted and planted in hours_behind(metrics["hours"])
        assert metrics["exchanges"] in (0, K)  # one exchange is never published as 1
        assert metrics["active_members"] in (0, K)
        for order in ("partners_median", "balance_ratio_median", "top10_given_share"):
            assert metrics[order] is None and order in got[name]["suppressed"]


def test_differencing_exchanges_by_filters_doesnt_count_the_planted_one(banks):
    guesses = []
    for got in banks:
        a, b = got["all"]["metrics"]["exchanges"], got["garden"]["metrics"]["exchanges"]
        guesses.append(a - b)
        assert_not_recovered(1, guesses, differences(counts_behind(a), counts_behind(b)))


def test_inert_share_times_members_gives_no_small_count(banks):
    """The planted inert members and the coordinator, who never exchanged."""
    for got in banks:
        m, exact = got["all"]["metrics"], got["exact"]["metrics"]
        inert = round(exact["inert_share"] * exact["members"])
        assert inert == INERT + 1
        guess = round(m["inert_share"] * m["members"])
        assert guess != inert and min(abs(guess), abs(guess - K)) <= 1


def test_complements_through_shares_dont_give_who_took_no_part(banks):
    guesses = []
    truth = (got := banks[0]["exact"]["metrics"])["members"] - got["active_members"]
    for got in banks:
        m = got["all"]["metrics"]
        guesses.append(round(m["members"] - m["active_share"] * m["members"]))
        possible = differences(counts_behind(m["members"]), counts_behind(m["active_members"]))
        assert_not_recovered(truth, guesses, possible)


def test_a_gini_cant_be_inverted_into_the_number_of_members(banks):
    """Only P gave in "Secret": G = (n − 1) / n over the n members would give n away."""
    guesses = []
    for got in banks:
        gini = got["secret"]["metrics"]["gini_given"]
        members_now = got["exact"]["metrics"]["members"]
        assert gini is not None and gini == round(gini, 2)
        guesses.append(round(1 / (1 - gini)))
        possible = {n for n in range(2, 500) if round((n - 1) / n, 2) == gini}
        assert_not_recovered(members_now, guesses, possible)


def test_asking_again_and_averaging_gains_nothing(banks):
    for got in banks:
        first = got["all"]
        for again in got["again"]:
            assert {k: v for k, v in again.items() if k != "generated_at"} == \
                {k: v for k, v in first.items() if k != "generated_at"}
        hours = [first["metrics"]["hours"]] + [a["metrics"]["hours"] for a in got["again"]]
        assert statistics.mean(hours) == first["metrics"]["hours"]
        assert first["metrics"]["hours"] != got["exact"]["metrics"]["hours"]
