"""A demo time bank with a believable year: people, organisations, activities and exchanges.

Deterministic for a given seed, so screenshots and walkthroughs are repeatable.
"""

import datetime as dt
import random

from ..extensions import db
from ..ledger import CreditLimitExceeded, EntryKind, Posting, Transfer
from ..models import Activity, Category, Exchange
from . import accounts, banks, ledger, members
from .transaction import unit_of_work

DEMO_PASSWORD = "demo-time-bank"

CATEGORIES = (
    "Gardening", "Shopping and errands", "Lifts and transport", "Befriending and company",
    "Cooking and meals", "Computers and phones", "DIY and small repairs",
    "Reading and writing help", "Arts and crafts", "Health and wellbeing",
)

ACTIVITIES = (
    ("Day-centre redesign group", "co-design"),
    ("Community garden volunteers", "co-produce"),
    ("Health service user panel", "consult"),
    ("Digital skills drop-in", "educate"),
    ("Neighbourhood newsletter", "inform"),
    ("Carers' peer support circle", "engage"),
)

CITIZENS = (
    ("Margaret Ellis", "Gardening, baking, listening"), ("Tom Okafor", "Driving, DIY"),
    ("Aisha Rahman", "Arabic and English, cooking"), ("Glyn Davies", "Woodwork, Welsh lessons"),
    ("Irene Novak", "Sewing, knitting, company"), ("Sam Whitfield", "Computers, phones"),
    ("Bethan Price", "Dog walking, reading aloud"), ("Kwame Mensah", "Music, football coaching"),
    ("Joan Barker", "Letter writing, form filling"), ("Lena Fischer", "Painting, crafts"),
    ("Dylan Hughes", "Shopping trips, lifts"), ("Priya Shah", "Cooking, maths tutoring"),
    ("Frank Murphy", "Odd jobs, gardening"), ("Rosa Martinez", "Spanish, hairdressing"),
    ("Alan Pritchard", "Local history walks"), ("Chloe Evans", "Befriending, board games"),
    ("Hassan Ali", "Bike repairs"), ("Nia Roberts", "Yoga, relaxation"),
    ("Peter Clarke", "Phone calls, company"), ("Sophie Turner", "Childminding, baking"),
    ("Owen Jenkins", "Computers, photography"), ("Mary O'Neill", "Knitting, storytelling"),
)

PROFESSIONALS = (
    ("Nurse Carys Morgan", "Health checks, advice on medicines"),
    ("Dr Ravi Patel", "Health talks"),
    ("Siân Lewis (social worker)", "Benefits advice, advocacy"),
    ("Mark Bennett (council housing officer)", "Housing advice"),
    ("Helen Wood (librarian)", "Reading groups, digital help"),
)

ORGANISATIONS = (
    ("Riverside Day Centre", "Rooms, lunches, activities"),
    ("Brookside Housing Association", "Community room, tenant events"),
)


def _category_for(rng, categories):
    return rng.choice(categories)


def _posted_exchange(bank, provider, receiver, minutes, day, category, activity, when, coord):
    exchange = Exchange(
        bank_id=bank.id, status="posted", provider_id=provider.id, receiver_id=receiver.id,
        minutes=minutes, occurred_on=day, description=f"{category.name}",
        category_id=category.id, activity_id=activity.id if activity else None,
        logged_by_id=coord.id, created_at=when, updated_at=when,
    )
    db.session.add(exchange)
    db.session.flush()
    return ledger.record_posting(
        bank.id,
        Posting(kind=EntryKind.EXCHANGE, occurred_on=day, description=exchange.description,
                transfers=(Transfer(receiver.account.id, provider.account.id, minutes),),
                exchange_id=exchange.id, category_id=category.id,
                activity_id=exchange.activity_id),
        created_by_id=coord.id, now=when,
    )


def build(*, slug="riverside", seed=2026, now):
    rng = random.Random(seed)
    bank = banks.create_bank(slug=slug, name=f"{slug.replace('-', ' ').title()} Time Bank",
                             now=now)
    start = now - dt.timedelta(days=365)
    logins = []

    def person(name, group, role="member", skills="", login=None, joined=None):
        email = login or f"{name.split()[0].lower()}.{slug}@example.org"
        member = members.create_member(
            bank, name=name, email=email, group=group, role=role, status="active",
            password=DEMO_PASSWORD if login else None, skills=skills,
            now=joined or start,
        )
        if login:
            logins.append((role if role != "member" else group, email, DEMO_PASSWORD))
        return member

    coordinator = person("Gwen Thomas", "professional", "coordinator", "Time brokering",
                         login=f"coordinator@{slug}.example.org")
    person("Evelyn Shaw", "professional", "evaluator", "Programme evaluation",
           login=f"evaluator@{slug}.example.org")
    citizens = [person(n, "citizen", skills=s,
                       login=f"member@{slug}.example.org" if i == 0 else
                       (f"member2@{slug}.example.org" if i == 1 else None),
                       joined=start + dt.timedelta(days=rng.randrange(0, 300) if i > 3 else 0))
                for i, (n, s) in enumerate(CITIZENS)]
    professionals = [person(n, "professional", skills=s) for n, s in PROFESSIONALS]
    organisations = [person(n, "organisation", skills=s) for n, s in ORGANISATIONS]
    for organisation in organisations:
        accounts.set_limits(bank.id, organisation.account.id, floor_minutes=-12000,
                            ceiling_minutes=None, actor_id=coordinator.id, now=start,
                            reason="Organisations credit many people for group sessions")

    with unit_of_work() as session:
        categories = [Category(bank_id=bank.id, name=name, created_at=start)
                      for name in CATEGORIES]
        activities = [Activity(bank_id=bank.id, name=name, level=level, created_at=start)
                      for name, level in ACTIVITIES]
        session.add_all(categories + activities)
        session.flush()
        everyone = citizens + professionals + organisations
        for week in range(52):
            week_start = start + dt.timedelta(weeks=week)
            for _ in range(rng.randrange(6, 14)):
                when = week_start + dt.timedelta(days=rng.randrange(7), hours=rng.randrange(8, 19))
                if when > now:
                    continue
                provider = rng.choice(citizens if rng.random() < 0.7 else everyone)
                receiver = rng.choice([m for m in everyone if m is not provider])
                joined = max(provider.joined_on, receiver.joined_on)
                if when.date() < joined:
                    continue
                minutes = rng.choice((30, 45, 60, 60, 60, 90, 120, 180))
                activity = rng.choice(activities) if rng.random() < 0.2 else None
                try:
                    with session.begin_nested():
                        _posted_exchange(bank, provider, receiver, minutes, when.date(),
                                         _category_for(rng, categories), activity, when,
                                         coordinator)
                except CreditLimitExceeded:
                    continue
            if week % 6 == 2:
                day = week_start + dt.timedelta(days=2, hours=14)
                session_activity = activities[0] if week % 12 == 2 else activities[1]
                group = rng.sample(citizens, 6)
                with session.begin_nested():
                    ledger.record_posting(bank.id, Posting(
                        kind=EntryKind.GROUP_CREDIT, occurred_on=day.date(),
                        description=f"{session_activity.name} session",
                        transfers=tuple(Transfer(organisations[0].account.id, m.account.id, 120)
                                        for m in group),
                        activity_id=session_activity.id,
                    ), created_by_id=coordinator.id, now=day)
        pool = banks.pool_account(bank.id)
        donors = rng.sample(citizens[:10], 4)
        for i, donor in enumerate(donors):
            day = start + dt.timedelta(days=60 + 40 * i)
            ledger.record_posting(bank.id, Posting(
                kind=EntryKind.DONATION, occurred_on=day.date(), description="Gift to the pool",
                transfers=(Transfer(donor.account.id, pool.id, 60),),
            ), created_by_id=donor.id, now=day)
        day = start + dt.timedelta(days=250)
        ledger.record_posting(bank.id, Posting(
            kind=EntryKind.GRANT, occurred_on=day.date(),
            description="Help with shopping for a member recovering from an operation",
            transfers=(Transfer(pool.id, citizens[8].account.id, 120),),
        ), created_by_id=coordinator.id, now=day)
    return logins
