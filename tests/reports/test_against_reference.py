"""The report's SQL against a plain-Python reading of the same definitions, on random banks.

The golden bank (test_golden.py) checks every figure against values worked out by
hand; this checks the same figures on banks hypothesis makes up: people of every
group and role who join, leave and come back; exchanges, group credits, donations
and grants, some reversed; categories (sometimes more than one 62-bit mask word
holds), activities at every level; ranges from a day to six years (more months than
one mask word holds); and each filter. Each bank is built through the service layer,
in one database shared by all the examples (banks don't see each other), and read
back twice: by `reciprocity.compute`, `compare` and the coordinator alerts, and by
tests/reports/reference.py from the bank as generated. Any difference fails with the
smallest bank hypothesis finds.
"""

import datetime as dt
import itertools
import math

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, event, given, settings
from sqlalchemy import update

from tests.reports import reference
from timebank import create_app
from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.models import GROUPS, LEVELS, Account, Activity, Category
from timebank.reports import alerts as alert_queries
from timebank.reports import export, reciprocity
from timebank.reports.scope import Scope
from timebank.reports.workspace import workspace
from timebank.services import banks, ledger, members
from timebank.services.transaction import unit_of_work

START = dt.date(2024, 1, 1)
SPAN = 900  # days of data
WORD = 62
# Round figures most of the time, so that ratios land on the bands' edges (½, ¼, ¾).
MINUTES = st.sampled_from((30, 60, 90, 120)) | st.integers(1, 48).map(lambda n: n * 15)
FILTERS = ("provider_group", "receiver_group", "category", "activity", "level")
banks_made = itertools.count()

# --- banks ------------------------------------------------------------------------------------


def days(low=0, high=SPAN):
    return st.integers(low, high).map(lambda n: START + dt.timedelta(days=n))


@st.composite
def people(draw):
    count = draw(st.integers(2, 9))
    # A bank keeps an active coordinator: the others may come and go.
    made = {"boss": reference.Person(
        "professional", "coordinator", dt.datetime.combine(START - dt.timedelta(days=300),
                                                           dt.time(9)),
        [(dt.datetime.combine(START - dt.timedelta(days=300), dt.time(9)), "active")])}
    for i in range(count):
        role = draw(st.sampled_from(("member", "member", "member", "member", "evaluator")))
        joined = dt.datetime.combine(draw(days(-200, SPAN)), dt.time(9))
        statuses = [(joined, draw(st.sampled_from(("active", "active", "pending"))))]
        for _ in range(draw(st.integers(0, 2))):
            at = statuses[-1][0] + dt.timedelta(days=draw(st.integers(1, 400)), hours=1)
            statuses.append((at, draw(st.sampled_from(("active", "suspended", "left")))))
        made[f"p{i}"] = reference.Person(draw(st.sampled_from(GROUPS)), role, joined, statuses)
    return made


@st.composite
def bank_specs(draw):
    crowd = draw(people())
    doers = [k for k, p in crowd.items() if p.role != "evaluator"]
    if len(doers) < 2:
        doers = list(crowd)
    many = draw(st.integers(0, 9)) == 9
    categories = tuple(f"Category {i:02d}" for i in range(WORD + 3 if many else
                                                           draw(st.integers(0, 3))))
    levels = {f"Activity {i}": draw(st.sampled_from(LEVELS)) for i in range(draw(st.integers(0, 3)))}
    entries = []
    for _ in range(draw(st.integers(4, 40))):
        kind = draw(st.sampled_from(("exchange",) * 6 + ("group_credit", "donation", "grant")))
        day = draw(days())
        if kind == "exchange":
            provider, receiver = draw(st.lists(st.sampled_from(doers), min_size=2, max_size=2,
                                               unique=True))
            transfers = [(provider, receiver, draw(MINUTES))]
        elif kind == "group_credit":
            receiver = draw(st.sampled_from(doers))
            providers = draw(st.lists(st.sampled_from([k for k in doers if k != receiver]),
                                      min_size=1, max_size=3, unique=True))
            minutes = draw(MINUTES)
            transfers = [(p, receiver, minutes) for p in providers]
        else:
            member = draw(st.sampled_from(doers))
            minutes = draw(st.integers(1, 6)) * 30
            transfers = [("pool", member, minutes) if kind == "donation" else (member, "pool", minutes)]
        member_entry = kind in ("exchange", "group_credit")
        category = draw(st.none() | st.sampled_from(categories)) if categories and member_entry else None
        activity = draw(st.none() | st.sampled_from(sorted(levels))) if levels and member_entry else None
        entries.append(reference.Entry(kind, day, transfers, category, activity,
                                       reversed=draw(st.integers(0, 9)) == 9))
    spec = reference.Bank(crowd, entries, levels, categories)
    for key, person in crowd.items():  # a floor at or below the balance, some of them close
        balance = reference.balance(spec, key)
        person.floor = min(0, balance - draw(st.sampled_from((0, 30, 60, 90, 200, 10**6))))
    return spec


@st.composite
def queries(draw, spec):
    """A range around the bank's exchanges: starting on or before one, ending on one
    (which `to` leaves out), ending so that one falls on the first dormant day, or
    ending on the day someone joined."""
    exchanged = {e.day for e in spec.entries if e.kind in ("exchange", "group_credit")}
    anchor = draw(st.sampled_from(sorted(exchanged or {e.day for e in spec.entries})))
    length = dt.timedelta(days=draw(
        st.sampled_from((1, 31, 92, 6 * 366)) | st.sampled_from((365, 730)) | st.integers(1, 900)))
    dormant_days = draw(st.sampled_from((30, 90, 365)))
    edge = draw(st.sampled_from(("from", "from", "to", "dormant", "joined")))
    if edge == "from":
        start = anchor - dt.timedelta(days=draw(st.integers(0, 120)))
        end = start + length
    elif edge == "joined":  # `to` on the day someone joined, who is not in the range then
        end = draw(st.sampled_from(sorted({p.joined.date() for p in spec.people.values()})))
        start = end - length
    else:
        end = anchor + dt.timedelta(days=dormant_days if edge == "dormant" else 0)
        start = min(end - length, anchor - dt.timedelta(days=draw(st.integers(1, 120))))
    query = reference.Query(start, end, dormant_days=dormant_days)
    kind = draw(st.sampled_from(("none", "none", "provider_group", "receiver_group", "category",
                                 "activity", "level")))
    if kind in ("provider_group", "receiver_group"):
        setattr(query, kind, draw(st.sampled_from(GROUPS)))
    elif kind == "category" and spec.categories:
        query.category = draw(st.sampled_from(spec.categories))
    elif kind == "activity" and spec.levels:
        query.activity = draw(st.sampled_from(sorted(spec.levels)))
    elif kind == "level":
        query.level = draw(st.sampled_from(LEVELS))
    return query


def bank_of(spec, *, slug, name):
    """A bank with the people, categories and activities of `spec`, made through the service
    layer, every floor out of the way of the entries: the bank, its accounts and members' ids
    by the spec's names, and its categories and activities by name."""
    bank = banks.create_bank(slug=slug, name=name,
                             now=dt.datetime.combine(START - dt.timedelta(days=400), dt.time(8)))
    accounts, member_ids = {"pool": banks.pool_account(bank.id).id}, {}
    for key, person in spec.people.items():
        joined, status = person.statuses[0]
        member = members.create_member(bank, name=key, group=person.group, role=person.role,
                                       status=status, now=joined)
        for at, status in person.statuses[1:]:
            members.update(None, member.id, {"status": status}, reason="Changed", now=at)
        accounts[key] = member.account.id
        member_ids[key] = member.id
    with unit_of_work() as session:
        session.execute(update(Account).where(Account.bank_id == bank.id).values(
            floor_minutes=-10**9, ceiling_minutes=None))
        categories = {name: Category(bank_id=bank.id, name=name, created_at=dt.datetime(2020, 1, 1))
                      for name in spec.categories}
        activities = {name: Activity(bank_id=bank.id, name=name, level=level,
                                     created_at=dt.datetime(2020, 1, 1))
                      for name, level in spec.levels.items()}
        session.add_all([*categories.values(), *activities.values()])
    return bank, accounts, member_ids, categories, activities


def posting_of(entry, accounts, categories, activities):
    """The ledger posting of one of the spec's entries."""
    return Posting(
        kind=EntryKind(entry.kind), occurred_on=entry.day,
        transfers=tuple(Transfer(accounts[r], accounts[p], m) for p, r, m in entry.transfers),
        category_id=categories[entry.category].id if entry.category else None,
        activity_id=activities[entry.activity].id if entry.activity else None)


def build(spec):
    """The bank of `spec`, through the service layer; its categories, activities and
    members' ids by the spec's names."""
    bank, accounts, member_ids, categories, activities = bank_of(
        spec, slug=f"random-{next(banks_made)}", name="Random Time Bank")
    for entry in spec.entries:
        posted = ledger.post(bank.id, posting_of(entry, accounts, categories, activities),
                             now=dt.datetime.combine(entry.day, dt.time(18)))
        if entry.reversed:
            ledger.reverse(bank.id, posted.id, reason="A mistake",
                           now=dt.datetime.combine(entry.day, dt.time(19)))
    with unit_of_work() as session:  # the alerts' floors, set once the entries are in
        for key, person in spec.people.items():
            session.execute(update(Account).where(Account.id == accounts[key]).values(
                floor_minutes=person.floor))
    db.session.expire_all()
    return bank, categories, activities, member_ids


def scope_of(bank, query, categories, activities):
    return Scope(
        bank_id=bank.id, pool_id=banks.pool_account(bank.id).id, date_from=query.date_from,
        date_to=query.date_to, dormant_days=query.dormant_days,
        provider_group=query.provider_group, receiver_group=query.receiver_group,
        category_id=categories[query.category].id if query.category else None,
        activity_id=activities[query.activity].id if query.activity else None, level=query.level)


# --- comparing -------------------------------------------------------------------------------

def same(found, expected):
    if isinstance(expected, list):
        return found == expected
    if found is None or expected is None:
        return found is None and expected is None
    return math.isclose(float(found), float(expected), rel_tol=1e-9, abs_tol=1e-9)


def differences(figures, reading, *, headline_only=False):
    """Where the figures and the reference disagree, as readable lines."""
    wrong = []

    def check(what, found, expected):
        if not same(found, expected):
            wrong.append(f"{what}: SQL {found!r}, reference {expected!r}")

    expected = reading.metrics()
    for name, figure in figures.metrics.items():
        check(name, figure.value, expected[name])
    split = reading.two_way()
    for cell in figures.tables["two_way"].cells:
        check(f"two_way {cell.key}", cell.values["members"], split[cell.key[0]])
    flows = reading.flows()
    for cell in figures.tables["flows"].cells:
        want = flows[cell.key]
        for name in ("minutes", "exchanges"):
            check(f"flows {cell.key} {name}", cell.values[name], want[name])
        check(f"flows {cell.key} people", cell.people, want["people"])
    if headline_only:
        return wrong
    months = reading.monthly()
    found = {c.key[0]: (c.values["hours"], c.values["exchanges"], c.values["active_members"])
             for c in figures.tables["monthly"].cells}
    check("months", sorted(found), sorted(months))
    for month in set(found) & set(months):
        for i, name in enumerate(("hours", "exchanges", "active_members")):
            check(f"monthly {month} {name}", found[month][i], months[month][i])
    rows = reading.categories()
    found = {c.key[0]: (c.values["hours"], c.values["exchanges"], c.people)
             for c in figures.tables["categories"].cells}
    check("categories", sorted(map(str, found)), sorted(map(str, rows)))
    for name in set(found) & set(rows):
        for i, what in enumerate(("hours", "exchanges", "people")):
            check(f"category {name} {what}", found[name][i], rows[name][i])
    levels = reading.levels()
    found = {c.key: (c.values["hours"], c.values["members"]) for c in figures.tables["levels"].cells}
    check("levels", sorted(found), sorted(levels))
    for key in set(found) & set(levels):
        check(f"level {key} hours", found[key][0], levels[key][0])
        check(f"level {key} members", found[key][1], levels[key][1])
    cohorts = reading.retention()
    check("cohorts", [r.cohort for r in figures.retention], list(cohorts))
    for row in figures.retention:
        size, after = cohorts.get(row.cohort, (None, {}))
        check(f"cohort {row.cohort} size", row.size, size)
        for n in (1, 2, 4):
            figure = row.after[f"after_{n}q"]
            check(f"cohort {row.cohort} after {n}q", None if figure is None else figure.value,
                  after.get(n))
    for table, counts in reading.bands().items():
        for cell in figures.tables[table].cells:
            check(f"{table} {cell.key[0]}", cell.values["members"], counts.get(cell.key[0], 0))
    pool = reading.pool()
    for name, figure in figures.pool.items():
        check(f"pool {name}", figure.value, pool[name])
    return wrong


def export_differences(rows, reading, key, member_ids):
    """members.csv's rows against the reference, by the pseudonym of each member's id."""
    people, q = reading.took_part, reading.q
    expected = {}
    for name, person in reading.bank.people.items():
        if person.role == "evaluator" or person.joined.date() >= q.date_to:
            continue
        p = people.get(name)
        days = sorted(p["days"]) if p else []
        expected[export.pseudonym(key, member_ids[name])] = (
            person.group, person.role, reading.status_at_to(person) or "",
            person.joined.strftime("%Y-%m"), "unknown",
            p["given"] if p else 0, p["received"] if p else 0, len(days),
            len(p["partners"]) if p else 0,
            days[0].isoformat() if days else "", days[-1].isoformat() if days else "")
    found = {row[0]: tuple(row[1:]) for row in rows}
    if len(found) != len(rows):
        return ["members.csv: a pseudonym twice"]
    return [f"members.csv {name}: SQL {found.get(name)}, reference {expected.get(name)}"
            for name in sorted(set(found) | set(expected)) if found.get(name) != expected.get(name)]


def exact_rows(scope, key):
    """The extract's facts, unprotected, in the reference's form: the SQL is checked here;
    the protection applied to them is tested in tests/research."""
    return [(export.pseudonym(key, f.member_id), f.group, f.role, f.status,
             f.joined_on.strftime("%Y-%m"), export.age_band(f.birth_year, scope.date_to),
             f.given, f.received, f.exchanges, f.partners,
             f.first_on.isoformat() if f.first_on else "",
             f.last_on.isoformat() if f.last_on else "")
            for f in export.member_facts(scope)]


@pytest.fixture(scope="module")
def shared_app(test_databases):
    """One database for every example: each makes a bank of its own in it."""
    url = test_databases.fresh()
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    test_databases.drop(url)


@settings(max_examples=250, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_figure_agrees_with_the_reference(shared_app, data):
    spec = data.draw(bank_specs(), label="bank")
    query = data.draw(queries(spec), label="query")
    bank, categories, activities, member_ids = build(spec)
    scope = scope_of(bank, query, categories, activities)
    reading = reference.Reading(spec, query)
    shown = len(reading.exchanges)
    event(f"exchanges in the range: {shown if shown < 10 else '10 or more'}")
    event(f"filter: {next((k for k in FILTERS if getattr(query, k)), 'none')}")
    with workspace(scope) as ws:
        figures = reciprocity.compute(ws)
    with workspace(scope, detail=False) as ws:
        headline = reciprocity.compare(ws)
        alerts = alert_queries.member_alerts(ws)
    rows = exact_rows(scope, bank.pseudonym_key)
    db.session.rollback()
    wrong = differences(figures, reading)
    wrong += export_differences(rows, reading, bank.pseudonym_key, member_ids)
    expected = reading.alerts()
    wrong += [f"alerts {kind}: SQL {sorted(found)}, reference {sorted(expected[kind])}"
              for kind, found in ((k, {row["name"] for row in rows}) for k, rows in alerts.items())
              if found != expected[kind]]
    wrong += [f"compared, {line}" for line in differences(headline, reading, headline_only=True)]
    assert not wrong, "\n".join(wrong)
