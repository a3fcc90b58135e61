"""The golden bank: small enough to work every report figure out by hand.

Built through the service layer only. The report range is the first half of
2026: [2026-01-01, 2026-07-01). dormant_days is 90, so "dormant" means no
exchange on or after 2026-04-02 (2026-07-01 − 90 days).

People (group, role, joined, status):

    A Ann    citizen       member       2025-06-01  active
    B Bob    citizen       member       2025-06-01  active
    C Cat    citizen       member       2026-01-15  active
    D Dan    citizen       member       2026-02-01  active
    E Eve    citizen       member       2026-03-20  active
    F Fay    citizen       member       2026-02-10  active   never exchanges; gets a grant
    G Gus    citizen       member       2025-06-01  active, left on 2026-06-20
    L Lin    citizen       member       2025-06-01  active   exchanged only before the range
    P Pat    professional  member       2025-06-01  active
    Q Quinn  professional  coordinator  2025-06-01  active
    O Oak    organisation  member       2025-06-01  active   (a day centre)
    V Val    professional  evaluator    2025-06-01  active   never counted
    X Xan    citizen       member       2026-06-01  pending  never counted

Members at `to` (active then, evaluators out): A B C D E F L P Q O = 10.

Exchanges in the range (provider → receiver, minutes, day, category, activity):

     1  A → B   60  01-10  Gardening
     2  B → A   30  01-20  Gardening
     3  A → P  120  02-05  Shopping
     4  P → A   60  02-15  Health
     5  G → B   60  02-20  Gardening
     6  C → D   90  03-01  Gardening
     7  P → A   30  03-20  Health
     8  A → O  120  04-15  —          Redesign group (co-design)  } one group credit:
     9  C → O  120  04-15  —          Redesign group (co-design)  } Oak credits three
    10  E → O  120  04-15  —          Redesign group (co-design)  } citizens
    11  D → E   45  05-10  Shopping
    12  E → A   30  06-05  —
    13  Q → C   60  06-10  Health     Health panel (consult)

Left out: B → D 200 on 03-10 (reversed, with its reversal); B → A 60 on
2025-12-15 and L → P 30 on 2025-11-20 (before the range); A → B 60 on
2026-07-01 (the range is half-open); B's donation of 90 to the pool on 03-05 and
the pool's grant of 60 to F on 05-01 (reported apart).
"""

import datetime as dt

from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.models import Activity, Category
from timebank.services import banks, ledger, members
from timebank.services.transaction import unit_of_work

PASSWORD = "golden hours of help"  # for the people who sign in: A, Q and V
FROM = dt.date(2026, 1, 1)
TO = dt.date(2026, 7, 1)
OLD = dt.datetime(2025, 6, 1, 9, 0)

PEOPLE = {
    # key: (name, group, role, joined, status)
    "A": ("Ann", "citizen", "member", OLD, "active"),
    "B": ("Bob", "citizen", "member", OLD, "active"),
    "C": ("Cat", "citizen", "member", dt.datetime(2026, 1, 15, 9), "active"),
    "D": ("Dan", "citizen", "member", dt.datetime(2026, 2, 1, 9), "active"),
    "E": ("Eve", "citizen", "member", dt.datetime(2026, 3, 20, 9), "active"),
    "F": ("Fay", "citizen", "member", dt.datetime(2026, 2, 10, 9), "active"),
    "G": ("Gus", "citizen", "member", OLD, "active"),
    "L": ("Lin", "citizen", "member", OLD, "active"),
    "P": ("Pat", "professional", "member", OLD, "active"),
    "Q": ("Quinn", "professional", "coordinator", OLD, "active"),
    "O": ("Oak Day Centre", "organisation", "member", OLD, "active"),
    "V": ("Val", "professional", "evaluator", OLD, "active"),
    "X": ("Xan", "citizen", "member", dt.datetime(2026, 6, 1, 9), "pending"),
}

EXCHANGES = (
    # provider, receiver, minutes, day, category, activity
    ("A", "B", 60, dt.date(2026, 1, 10), "Gardening", None),
    ("B", "A", 30, dt.date(2026, 1, 20), "Gardening", None),
    ("A", "P", 120, dt.date(2026, 2, 5), "Shopping", None),
    ("P", "A", 60, dt.date(2026, 2, 15), "Health", None),
    ("G", "B", 60, dt.date(2026, 2, 20), "Gardening", None),
    ("C", "D", 90, dt.date(2026, 3, 1), "Gardening", None),
    ("P", "A", 30, dt.date(2026, 3, 20), "Health", None),
    ("D", "E", 45, dt.date(2026, 5, 10), "Shopping", None),
    ("E", "A", 30, dt.date(2026, 6, 5), None, None),
    ("Q", "C", 60, dt.date(2026, 6, 10), "Health", "Health panel"),
)


class Golden:
    """Handles on the golden bank's rows, by the letters above."""

    def __init__(self, bank, people, categories, activities):
        self.bank = bank
        self.people = people
        self.categories = categories
        self.activities = activities

    def __getattr__(self, key):
        people = self.__dict__.get("people", {})
        if key in people:
            return people[key]
        raise AttributeError(key)

    def account(self, key):
        return self.people[key].account.id


def _post(bank, kind, day, transfers, *, category=None, activity=None):
    return ledger.post(bank.id, Posting(
        kind=kind, occurred_on=day, transfers=tuple(transfers),
        category_id=category.id if category else None,
        activity_id=activity.id if activity else None,
    ), now=dt.datetime.combine(day, dt.time(18, 0)))


def build(*, slug="golden", threshold=5) -> Golden:
    bank = banks.create_bank(slug=slug, name="Golden Time Bank", suppression_threshold=threshold,
                             now=OLD)
    people = {}
    for key, (name, group, role, joined, status) in PEOPLE.items():
        people[key] = members.create_member(
            bank, name=name, group=group, role=role, status=status,
            email=f"{key.lower()}@{slug}.example.org", now=joined,
            password=PASSWORD if key in "AQV" else None)
    members.update(None, people["G"].id, {"status": "left"}, reason="Moved away",
                   now=dt.datetime(2026, 6, 20, 10))
    with unit_of_work() as session:
        categories = {n: Category(bank_id=bank.id, name=n, created_at=OLD)
                      for n in ("Gardening", "Shopping", "Health", "Music")}
        activities = {"Redesign group": Activity(bank_id=bank.id, name="Redesign group",
                                                 level="co-design", created_at=OLD),
                      "Health panel": Activity(bank_id=bank.id, name="Health panel",
                                               level="consult", created_at=OLD)}
        session.add_all([*categories.values(), *activities.values()])
    golden = Golden(bank, people, categories, activities)

    def acc(key):
        return people[key].account.id

    pool = banks.pool_account(bank.id).id
    # Before the range: they make L and B non-inert, and move balances.
    _post(bank, EntryKind.EXCHANGE, dt.date(2025, 11, 20), [Transfer(acc("P"), acc("L"), 30)])
    _post(bank, EntryKind.EXCHANGE, dt.date(2025, 12, 15), [Transfer(acc("A"), acc("B"), 60)])
    for provider, receiver, minutes, day, category, activity in EXCHANGES:
        _post(bank, EntryKind.EXCHANGE, day, [Transfer(acc(receiver), acc(provider), minutes)],
              category=categories.get(category), activity=activities.get(activity))
    # Oak credits three citizens for a co-design session: one entry, three exchanges.
    _post(bank, EntryKind.GROUP_CREDIT, dt.date(2026, 4, 15),
          [Transfer(acc("O"), acc(k), 120) for k in ("A", "C", "E")],
          activity=activities["Redesign group"])
    # A mistake, reversed: neither it nor its reversal counts.
    wrong = _post(bank, EntryKind.EXCHANGE, dt.date(2026, 3, 10), [Transfer(acc("D"), acc("B"), 200)],
                  category=categories["Gardening"])
    ledger.reverse(bank.id, wrong.id, reason="Logged twice", now=dt.datetime(2026, 3, 11, 9))
    # The pool: reported apart.
    _post(bank, EntryKind.DONATION, dt.date(2026, 3, 5), [Transfer(acc("B"), pool, 90)])
    _post(bank, EntryKind.GRANT, dt.date(2026, 5, 1), [Transfer(pool, acc("F"), 60)])
    # On `to` itself: outside the half-open range.
    _post(bank, EntryKind.EXCHANGE, TO, [Transfer(acc("B"), acc("A"), 60)])
    db.session.expire_all()
    return golden
