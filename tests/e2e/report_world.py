"""A bank for the report pages in the browser: big enough that most figures are shown at a
threshold of 5, small enough to work them out by hand. Built through the service layer.

Everyone joined on 2025-06-01. The report range is the first half of 2026,
[2026-01-01, 2026-07-01).

    citizens       Ann Ben Cara Dev Ela Finn, and Gus (never exchanges)
    professionals  Pia Raj Sue Tom Uma, and Quinn (coordinator)
    evaluator      Val (signs in, holds a research grant; never counted)

Exchanges in the range (provider → receiver, minutes, category):

    January   a ring, Ann → Ben → Cara → Dev → Ela → Finn → Ann   60 each  Gardening
    March     Pia → Ann, Raj → Ben, Sue → Cara, Tom → Dev, Uma → Ela  90 each  Lifts
    May       the same pairs the other way round                    30 each  Computers
    June      Quinn → Finn                                          60       Health

Figures (worked out by hand):

    members at `to`  13 (7 citizens, 6 professionals); 12 took part (Gus did not): 92%
    hours            6 + 7.5 + 2.5 + 1 = 17 h in 6 + 5 + 5 + 1 = 17 exchanges
    months           January 6 h, 6 exchanges, 6 people; March 7 h 30 min, 5, 10;
                     May 2 h 30 min, 5, 10; June 1 h, 1, 2 people: hidden (fewer than 5),
                     and so is January, the smallest month left, or June could be worked
                     out from the total
    flows            citizens → citizens 6 h (6 people); professionals → citizens 8 h 30 min
                     (12 people); citizens → professionals 2 h 30 min (10 people)
    two-way          Quinn only gave (1 person: hidden), so "gave and received" (11) would
                     follow from the total: hidden too
    pairs            17 directed pairs, 10 of them both ways (the professionals' five): 59%
    professionals    gave citizens 510 minutes for the 150 citizens gave them: 3.40
    partners         Ann, Ben, Cara, Dev, Ela and Finn 3 each; the six professionals 1 each:
                     median 2
"""

import datetime as dt
from dataclasses import dataclass

from timebank.ledger import EntryKind, Posting, Transfer
from timebank.models import Member
from timebank.models._types import utcnow
from timebank.services import banks, catalogue, ledger, members, research_grants

PASSWORD = "a long walk by the river"
FROM, TO = dt.date(2026, 1, 1), dt.date(2026, 7, 1)
JOINED = dt.datetime(2025, 6, 1, 9, 0)
CITIZENS = ("Ann", "Ben", "Cara", "Dev", "Ela", "Finn")
PROFESSIONALS = ("Pia", "Raj", "Sue", "Tom", "Uma")


@dataclass
class ReportWorld:
    base: str
    evaluator: Member
    coordinator: Member
    members: dict


def exchanges():
    """(provider, receiver, minutes, day, category) for every exchange in the range."""
    ring = CITIZENS + CITIZENS[:1]
    found = [(ring[i], ring[i + 1], 60, dt.date(2026, 1, 5 + i), "Gardening")
             for i in range(len(CITIZENS))]
    pairs = list(zip(PROFESSIONALS, CITIZENS, strict=False))
    found += [(pro, citizen, 90, dt.date(2026, 3, 2 + i), "Lifts")
              for i, (pro, citizen) in enumerate(pairs)]
    found += [(citizen, pro, 30, dt.date(2026, 5, 4 + i), "Computers")
              for i, (pro, citizen) in enumerate(pairs)]
    found.append(("Quinn", "Finn", 60, dt.date(2026, 6, 10), "Health"))
    return found


def build(live_app, *, slug="millbrook"):
    bank = banks.create_bank(slug=slug, name="Millbrook Time Bank", suppression_threshold=5,
                             now=JOINED)

    def person(name, group, role="member", password=None):
        return members.create_member(bank, name=name, group=group, role=role, status="active",
                                     email=f"{name.lower()}@{slug}.example.org",
                                     password=password, now=JOINED)

    people = {name: person(name, "citizen") for name in (*CITIZENS, "Gus")}
    people.update({name: person(name, "professional") for name in PROFESSIONALS})
    coordinator = people["Quinn"] = person("Quinn", "professional", "coordinator", PASSWORD)
    evaluator = person("Val", "professional", "evaluator", PASSWORD)
    categories = {name: catalogue.create_category(coordinator, name=name, now=JOINED)
                  for name in ("Gardening", "Lifts", "Computers", "Health")}
    for provider, receiver, minutes, day, category in exchanges():
        ledger.post(bank.id, Posting(
            kind=EntryKind.EXCHANGE, occurred_on=day, category_id=categories[category].id,
            transfers=(Transfer(people[receiver].account.id, people[provider].account.id,
                                minutes),)),
            now=dt.datetime.combine(day, dt.time(18, 0)))
    research_grants.grant(coordinator, evaluator_id=evaluator.id, purpose="Programme review",
                          ends_on=utcnow().date(), now=utcnow())
    return ReportWorld(live_app.config["LIVE_URL"], evaluator, coordinator, people)
