"""Reports longer than five years: the month masks span more than one 62-bit word."""

import datetime as dt

from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.services import banks, ledger, members, reports

JOINED = dt.datetime(2019, 1, 2, 9)
NOW = dt.datetime(2026, 3, 1, 12)
FROM, TO = dt.date(2019, 1, 1), dt.date(2026, 1, 1)  # 84 months


def month_after(day, months):
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def test_every_month_of_a_seven_year_report_counts_its_own_people(app):
    """Month i has i % 5 + 1 people each giving an hour to one member and getting it back:
    month 62 onwards must not count the people of another month (or none)."""
    bank = banks.create_bank(slug="long", name="Long", now=JOINED)
    people = [members.create_member(bank, name=f"P{i}", group="citizen", status="active",
                                    now=JOINED) for i in range(6)]
    coordinator = members.create_member(bank, name="C", email="c@example.org",
                                        group="professional", role="coordinator",
                                        status="active", now=JOINED)
    months = 84
    for i in range(months):
        day = month_after(FROM, i) + dt.timedelta(days=3)
        for giver in people[1:i % 5 + 2]:
            for debit, credit in ((people[0], giver), (giver, people[0])):  # and back
                ledger.post(bank.id, Posting(kind=EntryKind.EXCHANGE, occurred_on=day,
                                             transfers=(Transfer(debit.account.id,
                                                                 credit.account.id, 60),)),
                            now=NOW)
    db.session.expire_all()
    report = reports.reciprocity_report(coordinator, now=NOW, date_from=FROM, date_to=TO)
    assert len(report["monthly"]) == months
    for i, row in enumerate(report["monthly"]):
        # the givers and the one who received
        assert row["active_members"] == i % 5 + 2, row["month"]
        assert row["exchanges"] == 2 * (i % 5 + 1), row["month"]


def test_people_joining_late_in_a_long_report_are_followed_across_mask_words(app):
    """Cohorts that join after month 62 and their retention a year on, from a range that
    starts mid-month; the members of each month are counted straight from the ledger."""
    bank = banks.create_bank(slug="late", name="Late", now=JOINED)
    coordinator = members.create_member(bank, name="C", email="c2@example.org",
                                        group="professional", role="coordinator",
                                        status="active", now=JOINED)
    start = dt.date(2018, 11, 20)
    joined = [dt.datetime(2024, 1, 10, 9), dt.datetime(2024, 2, 10, 9)]
    late = [members.create_member(bank, name=f"L{i}", group="citizen", status="active",
                                  now=when) for i, when in enumerate(joined * 3)]
    seen = {}
    for i, person in enumerate(late):
        partner = late[(i + 1) % len(late)]
        for month in (0, 3, 12 + i % 2 * 3):
            day = month_after(dt.date(2024, 2, 1), month) + dt.timedelta(days=i)
            for debit, credit in ((partner, person), (person, partner)):
                ledger.post(bank.id, Posting(kind=EntryKind.EXCHANGE, occurred_on=day,
                                             transfers=(Transfer(debit.account.id,
                                                                 credit.account.id, 30),)),
                            now=NOW)
            seen.setdefault(day.strftime("%Y-%m"), set()).update({person.id, partner.id})
    db.session.expire_all()
    end = dt.date(2025, 7, 3)
    report = reports.reciprocity_report(coordinator, now=NOW, date_from=start, date_to=end)
    monthly = {row["month"]: row["active_members"] for row in report["monthly"]}
    assert len(monthly) == 81
    assert monthly == {month: len(seen.get(month, ())) for month in monthly}
    retention = {row["cohort"]: row for row in report["retention"]}
    for n, months in ((1, ("2024-04", "2024-05", "2024-06")),
                      (4, ("2025-01", "2025-02", "2025-03"))):
        back = {person.id for person in late if any(person.id in seen.get(m, ()) for m in months)}
        assert retention["2024-Q1"][f"after_{n}q"] == round(len(back) / len(late), 3)
