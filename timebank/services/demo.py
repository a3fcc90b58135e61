"""A demo time bank with a believable year: people, organisations, activities and exchanges;
and a second, smaller bank with its own look, to show that banks are kept apart.

Deterministic for a given seed, so screenshots and walkthroughs are repeatable.
"""

import datetime as dt
import random

from sqlalchemy import select

from ..extensions import db
from ..models import Activity, Category
from ..models.statuses import MemberStatus
from . import (
    accounts,
    bank_look,
    banks,
    exchanges,
    group_credits,
    listings,
    members,
    outbox,
    pool,
    privacy,
)
from .errors import LimitExceeded
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


OFFERS = (
    ("Help in your garden", "Gardening"), ("Lifts to appointments", "Lifts and transport"),
    ("A cuppa and a chat", "Befriending and company"), ("Batch cooking for the freezer",
                                                      "Cooking and meals"),
    ("Setting up your phone or tablet", "Computers and phones"),
    ("Putting up shelves, small repairs", "DIY and small repairs"),
    ("Help with letters and forms", "Reading and writing help"),
    ("Knitting lessons", "Arts and crafts"), ("Gentle chair yoga", "Health and wellbeing"),
)

REQUESTS = (
    ("Someone to walk my dog on Tuesdays", "Befriending and company"),
    ("Lift to the hospital once a month", "Lifts and transport"),
    ("Help understanding my bills", "Reading and writing help"),
    ("Hedge needs cutting", "Gardening"),
    ("Learn to video call my grandchildren", "Computers and phones"),
)


def _listings(coordinator, people, now):
    for i, (title, category) in enumerate(OFFERS + REQUESTS):
        owner = people[i % len(people)]
        when = now - dt.timedelta(days=70 - 4 * i)
        listing = listings.create(owner, kind="offer" if i < len(OFFERS) else "request",
                                  title=title, description=f"{title}. Just ask!",
                                  category=category, now=when)
        listings.approve(coordinator, listing.id, now=when + dt.timedelta(hours=3))


def build(*, slug="riverside", seed=2026, now):
    rng = random.Random(seed)
    bank = banks.create_bank(slug=slug, name=f"{slug.replace('-', ' ').title()} Time Bank",
                             now=now)
    start = now - dt.timedelta(days=365)
    logins = []

    def person(name, group, role="member", skills="", login=None, joined=None):
        email = login or f"{name.split()[0].lower()}.{slug}@example.org"
        member = members.create_member(
            bank, name=name, email=email, group=group, role=role, status=MemberStatus.ACTIVE,
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
    professionals = [person(n, "professional", skills=s,
                            login=f"professional@{slug}.example.org" if i == 0 else None)
                     for i, (n, s) in enumerate(PROFESSIONALS)]
    organisations = [person(n, "organisation", skills=s,
                            login=f"organisation@{slug}.example.org" if i == 0 else None)
                     for i, (n, s) in enumerate(ORGANISATIONS)]
    for organisation in organisations:
        accounts.set_limits(bank.id, organisation.account.id, floor_minutes=-12000,
                            ceiling_minutes=None, actor_id=coordinator.id, now=start,
                            reason="Organisations credit many people for group sessions")

    with unit_of_work() as session:
        session.add_all([Category(bank_id=bank.id, name=name, created_at=start)
                         for name in CATEGORIES])
        session.add_all([Activity(bank_id=bank.id, name=name, level=level, created_at=start)
                         for name, level in ACTIVITIES])
    activities = list(db.session.scalars(select(Activity).where(Activity.bank_id == bank.id)
                                         .order_by(Activity.id)))
    _listings(coordinator, citizens + professionals, now)
    everyone = citizens + professionals + organisations
    for week in range(52):
        week_start = start + dt.timedelta(weeks=week)
        for _ in range(rng.randrange(6, 14)):
            when = week_start + dt.timedelta(days=rng.randrange(7), hours=rng.randrange(8, 19))
            provider = rng.choice(citizens if rng.random() < 0.7 else everyone)
            receiver = rng.choice([m for m in everyone if m is not provider])
            if when > now or when.date() < max(provider.joined_on, receiver.joined_on):
                continue
            activity = rng.choice(activities) if rng.random() < 0.2 else None
            try:
                exchanges.log(coordinator, provider_id=provider.id, receiver_id=receiver.id,
                              minutes=rng.choice((30, 45, 60, 60, 60, 90, 120, 180)),
                              occurred_on=when.date(), category=rng.choice(CATEGORIES),
                              description="", activity_id=activity.id if activity else None,
                              now=when)
            except LimitExceeded:
                continue
        if week % 6 == 2:
            day = week_start + dt.timedelta(days=2, hours=14)
            session_activity = activities[week // 6 % len(activities)]
            group_credits.record(
                coordinator, from_account=organisations[week % 2].id,
                member_ids=[m.id for m in rng.sample(citizens[:4] + citizens[4:8], 6)],
                minutes=120, occurred_on=day.date(), activity_id=session_activity.id,
                description=f"{session_activity.name} session", now=day)
    _pool(bank, coordinator, citizens, rng, start)
    _corrections_and_pending(bank, coordinator, citizens, professionals, now)
    banks.update_settings(coordinator, {
        "welcome_text_en": "Welcome to Riverside Time Bank: every hour you give is an hour "
                           "someone else can give back.",
        "welcome_text_cy": "Croeso i Fanc Amser Glan yr Afon: mae pob awr a roddwch yn awr y "
                           "gall rhywun arall ei rhoi'n ôl.",
        "contact_phone": "01632 960 123", "contact_email": f"hello@{slug}.example.org",
        "contact_address": "Riverside Day Centre\n1 Mill Lane",
        "opening_hours": "Monday to Friday, 10am to 4pm"},
        reason="Our welcome and how to reach us", now=now)
    outbox.settle_bank(bank.id, now=now)  # made-up people at example.org get no e-mail
    return logins


def _pool(bank, coordinator, citizens, rng, start):
    for i, donor in enumerate(rng.sample(citizens[:10], 4)):
        when = start + dt.timedelta(days=60 + 40 * i, hours=11)
        try:
            pool.donate(donor, minutes=60, description="For someone who needs it", now=when)
        except LimitExceeded:
            continue
    pool.grant(coordinator, member_id=citizens[8].id, minutes=120,
               description="Shopping while recovering from an operation",
               now=start + dt.timedelta(days=250, hours=10))


def _corrections_and_pending(bank, coordinator, citizens, professionals, now):
    """A reversal, a dispute, items to approve, and things waiting for the demo members."""
    yesterday = now - dt.timedelta(days=1)
    mistake = exchanges.log(coordinator, provider_id=citizens[2].id, receiver_id=citizens[3].id,
                            minutes=60, occurred_on=(now - dt.timedelta(days=20)).date(),
                            category="Gardening", description="Recorded twice by mistake",
                            now=now - dt.timedelta(days=20))
    exchanges.reverse(coordinator, mistake.id, reason="Recorded twice by mistake",
                      now=now - dt.timedelta(days=19))
    member, member2 = citizens[0], citizens[1]
    disputed = exchanges.log(citizens[5], provider_id=citizens[5].id, receiver_id=citizens[6].id,
                             minutes=180, occurred_on=(now - dt.timedelta(days=3)).date(),
                             category="DIY and small repairs", description="Shelves",
                             now=now - dt.timedelta(days=3))
    exchanges.dispute(citizens[6], disputed.id, reason="It took about an hour, not three",
                      now=now - dt.timedelta(days=2))
    big = exchanges.log(member2, provider_id=member2.id, receiver_id=professionals[0].id,
                        minutes=bank.approval_threshold_minutes + 60,
                        occurred_on=(now - dt.timedelta(days=2)).date(),
                        category="Cooking and meals", description="Cooked for the ward party",
                        now=now - dt.timedelta(days=2))
    exchanges.confirm(professionals[0], big.id, now=now - dt.timedelta(days=1))
    exchanges.log(member2, provider_id=member2.id, receiver_id=member.id, minutes=60,
                  occurred_on=yesterday.date(), category="Computers and phones",
                  description="Set up video calls on your tablet", now=yesterday)
    exchanges.log(member, provider_id=member.id, receiver_id=citizens[4].id, minutes=45,
                  occurred_on=yesterday.date(), category="Befriending and company",
                  description="Walk and a chat", now=yesterday)
    listings.create(citizens[7], kind="offer", title="Guitar lessons for beginners",
                    description="Bring your own guitar", category="Arts and crafts", now=yesterday)
    members.register(bank, name="Rhiannon Bowen", email=f"rhiannon.{bank.slug}@example.org",
                     password="a pending member", skills="Gardening, baking",
                     privacy_version=privacy.current(bank.id).version, now=yesterday)


SECOND_CITIZENS = (
    ("Alys Parry", "Baking, company"), ("Bryn Howells", "Lifts, DIY"),
    ("Ceri Watkins", "Gardening"), ("Deio Rees", "Computers"),
    ("Elin Vaughan", "Welsh lessons, reading aloud"), ("Ffion Lloyd", "Shopping trips"),
    ("Gareth Pugh", "Odd jobs"), ("Heledd Owen", "Knitting, sewing"),
)
SECOND_CATEGORIES = ("Gardening", "Lifts and transport", "Befriending and company",
                     "Computers and phones", "DIY and small repairs")
SECOND_LOOK = {
    "colour": "#5a2d82",
    "welcome_text_en": "Welcome to Hillside Time Bank, up the valley: share an hour, make a "
                       "friend.",
    "welcome_text_cy": "Croeso i Fanc Amser Pen y Bryn, i fyny'r cwm: rhannwch awr, gwnewch "
                       "ffrind.",
    "contact_phone": "01632 960 456",
    "contact_address": "Hillside Chapel Vestry\nChapel Row",
    "opening_hours": "Tuesdays and Thursdays, 9:30am to 12:30pm",
}


def build_second(*, slug="hillside", seed=2027, now):
    """A smaller bank with its own colour, logo and members: nobody in either demo bank sees
    anything of the other."""
    rng = random.Random(seed)
    bank = banks.create_bank(slug=slug, name=f"{slug.replace('-', ' ').title()} Time Bank",
                             now=now)
    start = now - dt.timedelta(days=120)
    logins = []

    def person(name, group, role="member", skills="", login=None):
        email = login or f"{name.split()[0].lower()}.{slug}@example.org"
        member = members.create_member(
            bank, name=name, email=email, group=group, role=role, status=MemberStatus.ACTIVE,
            password=DEMO_PASSWORD if login else None, skills=skills, now=start)
        if login:
            logins.append((role if role != "member" else group, email, DEMO_PASSWORD))
        return member

    coordinator = person("Rhys Morgan", "professional", "coordinator", "Time brokering",
                         login=f"coordinator@{slug}.example.org")
    citizens = [person(n, "citizen", skills=s,
                       login=f"member@{slug}.example.org" if i == 0 else None)
                for i, (n, s) in enumerate(SECOND_CITIZENS)]
    with unit_of_work() as session:
        session.add_all([Category(bank_id=bank.id, name=name, created_at=start)
                         for name in SECOND_CATEGORIES])
    for i, (title, category) in enumerate((("Lifts to the surgery", "Lifts and transport"),
                                           ("Help with a tablet", "Computers and phones"),
                                           ("Weeding the allotment", "Gardening"))):
        when = now - dt.timedelta(days=30 - 5 * i, hours=10)
        listing = listings.create(citizens[i], kind="offer" if i < 2 else "request",
                                  title=title, description=f"{title}. Just ask!",
                                  category=category, now=when)
        listings.approve(coordinator, listing.id, now=when + dt.timedelta(hours=2))
    for week in range(16):
        for _ in range(rng.randrange(2, 5)):
            when = start + dt.timedelta(weeks=week, days=rng.randrange(7),
                                        hours=rng.randrange(9, 18))
            if when > now:
                continue
            provider, receiver = rng.sample(citizens, 2)
            try:
                exchanges.log(coordinator, provider_id=provider.id, receiver_id=receiver.id,
                              minutes=rng.choice((30, 60, 60, 90)), occurred_on=when.date(),
                              category=rng.choice(SECOND_CATEGORIES), description="",
                              now=when)
            except LimitExceeded:
                continue
    banks.update_settings(coordinator, SECOND_LOOK, reason="Our own colours and welcome",
                          now=now)
    bank_look.set_logo(coordinator, logo_png(), reason="Our logo", now=now)
    outbox.settle_bank(bank.id, now=now)
    return logins


def build_both(*, slug="riverside", seed=2026, second_slug="hillside", now):
    """The demo bank and the second one; the logins of both."""
    return build(slug=slug, seed=seed, now=now) + build_second(slug=second_slug, now=now)


def logo_png(size=48) -> bytes:
    """The second bank's logo: a white hill on a purple disc, drawn here as a PNG."""
    import struct
    import zlib

    purple, white = (90, 45, 130), (255, 255, 255)
    rows = []
    centre = (size - 1) / 2
    for y in range(size):
        row = bytearray(b"\x00")
        for x in range(size):
            inside = (x - centre) ** 2 + (y - centre) ** 2 <= (size / 2 - 1) ** 2
            hill = y > size * 0.55 + abs(x - centre) * -0.6 + (x - centre) ** 2 / (size * 0.9)
            row += bytes(purple if inside and not hill else white)
        rows.append(bytes(row))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
