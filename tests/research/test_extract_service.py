"""The member-level research extract: who may take it, and what it protects."""

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.reports import golden
from tests.research.extract_support import (
    MONTHS,
    NOW,
    candidates,
    combinations,
    crafted_bank,
    read_csv,
    smallest_class,
)
from timebank.extensions import db
from timebank.models import AuditEvent
from timebank.reports import export
from timebank.services import demo, research_extract, research_grants
from timebank.services.errors import Forbidden, NotFound, ValidationFailed

TODAY = NOW.date()


@pytest.fixture
def bank(app):
    return golden.build()


def grant(bank, evaluator=None, days=90):
    return research_grants.grant(bank.Q, evaluator_id=(evaluator or bank.V).id,
                                 purpose="Co-production review", now=NOW,
                                 ends_on=TODAY + dt.timedelta(days=days))


def extract(actor, now=NOW, **query):
    return read_csv(research_extract.members_csv(actor, now=now, **{**MONTHS, **query}))


def test_an_evaluator_without_a_grant_is_refused(bank):
    with pytest.raises(Forbidden):
        extract(bank.V)
    with pytest.raises(Forbidden):
        extract(bank.A)


def test_a_grant_opens_the_extract_until_it_is_revoked(bank):
    made = grant(bank)
    assert len(extract(bank.V)) == len(golden.PEOPLE) - 1
    research_grants.revoke(bank.Q, made.id, now=NOW)
    with pytest.raises(Forbidden):
        extract(bank.V)
    with pytest.raises(Forbidden):
        extract(bank.V, grant_id=made.id)


def test_a_grant_closes_the_day_after_its_last_day(bank):
    made = grant(bank, days=3)
    assert extract(bank.V, now=NOW + dt.timedelta(days=3))
    later = NOW + dt.timedelta(days=4)
    with pytest.raises(Forbidden):
        extract(bank.V, now=later)
    with pytest.raises(Forbidden):
        extract(bank.V, now=later, grant_id=made.id)


def test_someone_elses_grant_is_not_found_and_coordinators_need_none(bank):
    from timebank.services import members

    other = members.create_member(bank.bank, name="Wyn", email="w@golden.example.org",
                                  group="professional", role="evaluator", status="active",
                                  now=NOW)
    theirs = grant(bank, evaluator=other)
    with pytest.raises(NotFound):
        extract(bank.V, grant_id=theirs.id)
    assert extract(bank.Q)
    with pytest.raises(ValidationFailed) as error:
        extract(bank.Q, grant_id=theirs.id)
    assert set(error.value.errors) == {"grant"}


def test_every_download_is_audited_with_its_grant(bank):
    made = grant(bank)
    rows = extract(bank.V)
    extract(bank.Q, category="Gardening")
    events = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "research_extract.downloaded").order_by(AuditEvent.id)))
    assert [(e.actor_id, e.target_type, e.target_id) for e in events] == [
        (bank.V.id, "research_grant", made.id), (bank.Q.id, "bank", bank.bank.id)]
    assert events[0].details["rows"] == len(rows)
    assert events[0].details["from"] == "2026-01-01" and events[0].details["to"] == "2026-07-01"
    assert events[1].details["filters"] == {"category": "Gardening"}


def test_the_range_is_whole_months(bank):
    grant(bank)
    for field, day in (("date_from", dt.date(2026, 1, 2)), ("date_to", dt.date(2026, 6, 30))):
        with pytest.raises(ValidationFailed) as error:
            extract(bank.V, **{field: day})
        assert set(error.value.errors) == {field.removeprefix("date_")}
    rows = read_csv(research_extract.members_csv(bank.V, now=NOW))
    assert rows and research_extract.months_before(dt.date(2026, 7, 1), 12) == dt.date(2025, 7, 1)


MONTH, QUARTER = re.compile(r"^(\d{4}-\d{2})?$"), re.compile(r"^(\d{4}(-Q[1-4])?)?$")


def test_no_date_finer_than_a_month_and_hours_are_whole(bank):
    made = grant(bank)
    rows = extract(bank.V)
    key = export.scoped_key(made.pseudonym_secret, f"grant:{made.id}")
    facts = {export.pseudonym(key, f.member_id): f for f in export.member_facts(_scope(bank))}
    for row in rows:
        assert MONTH.match(row["first_exchange_month"]) and MONTH.match(row["last_exchange_month"])
        assert QUARTER.match(row["joined"])
        assert re.fullmatch(r"\d+", row["hours_given"]) and re.fullmatch(r"\d+", row["hours_received"])
        fact = facts[row["pseudonym"]]
        assert int(row["hours_given"]) == (fact.given + 30) // 60
        assert int(row["hours_received"]) == (fact.received + 30) // 60
    ann = facts_row(rows, facts, bank.A.id)
    assert (ann["hours_given"], ann["hours_received"]) == ("5", "3")  # 300 and 150 minutes
    assert (ann["first_exchange_month"], ann["last_exchange_month"]) == ("2026-01", "2026-06")
    assert "member_id" not in rows[0] and "first_exchange" not in rows[0]


def facts_row(rows, facts, member_id):
    [row] = [r for r in rows if facts[r["pseudonym"]].member_id == member_id]
    return row


def _scope(bank):
    from timebank.services.reports import resolve

    return resolve(bank.V, now=NOW, **MONTHS)[1]


def test_no_names_ids_or_contacts(bank):
    grant(bank)
    text = "".join(research_extract.members_csv(bank.V, now=NOW, **MONTHS))
    for person in bank.people.values():
        assert person.name not in text and person.email not in text
    rows = read_csv([text])
    ids = {str(p.id) for p in bank.people.values()}
    assert not ids & {row["pseudonym"] for row in rows}
    assert {row["pseudonym"] for row in rows}.isdisjoint(
        {export.pseudonym(bank.bank.pseudonym_key, p.id) for p in bank.people.values()})


def true_values(member, on, joined=None):
    joined = joined or member.joined_on
    return {"group": member.group, "role": member.role, "status": member.status,
            "joined": export.quarter(joined), "age_band": export.age_band(member.birth_year, on)}


def assert_k_anonymous(rows, k, people, on):
    assert rows, "an extract with rows"
    assert smallest_class(rows) >= k, combinations(rows)
    for member in people:
        assert len(candidates(rows, true_values(member, on))) >= k, member


def test_k_anonymous_on_the_golden_bank_for_evaluators_and_coordinators(bank):
    grant(bank)
    people = [p for key, p in bank.people.items() if key not in "VX"]
    for reader in (bank.V, bank.Q):
        assert_k_anonymous(extract(reader), 5, people, MONTHS["date_to"])


def test_k_anonymous_on_the_demo_bank(app):
    from timebank.models import Bank, Member

    demo.build(now=NOW)
    bank = db.session.scalar(select(Bank).where(Bank.slug == "riverside"))
    coordinator = db.session.scalar(select(Member).where(
        Member.bank_id == bank.id, Member.role == "coordinator"))
    evaluator = db.session.scalar(select(Member).where(
        Member.bank_id == bank.id, Member.role == "evaluator"))
    research_grants.grant(coordinator, evaluator_id=evaluator.id, purpose="Review",
                          ends_on=TODAY, now=NOW)
    rows = read_csv(research_extract.members_csv(evaluator, now=NOW))
    people = list(db.session.scalars(select(Member).where(
        Member.bank_id == bank.id, Member.role != "evaluator",
        Member.joined_on < dt.date(2026, 7, 1))))
    assert len(rows) == len(people) == 30 and bank.suppression_threshold == 10
    assert_k_anonymous(rows, 10, people, dt.date(2026, 7, 1))
    assert sum(row["role"] == "coordinator" for row in rows) == 0  # the one coordinator
    assert sum(row["group"] == "organisation" for row in rows) == 0  # only two of them


def test_k_anonymous_on_a_bank_of_people_who_stand_out(app):
    bank, people = crafted_bank()
    coordinator, evaluator = people["coordinator"], people["evaluator"]
    research_grants.grant(coordinator, evaluator_id=evaluator.id, purpose="Review",
                          ends_on=TODAY, now=NOW)
    everyone = [p for key, p in people.items() if key != "evaluator"]
    for reader in (evaluator, coordinator):
        rows = extract(reader)
        assert len(rows) == len(everyone)
        assert_k_anonymous(rows, 5, everyone, MONTHS["date_to"])
        for unique in ("coordinator", "organisation", "old"):
            assert len(candidates(rows, true_values(people[unique], MONTHS["date_to"]))) >= 5


def test_a_bank_smaller_than_k_gets_no_rows(app):
    bank, people = crafted_bank(threshold=20)
    assert extract(people["coordinator"]) == []


def test_the_facts_behind_the_rows_are_exact(bank):
    bank.A.birth_year, bank.B.birth_year = 1950, 2005
    db.session.commit()
    facts = {f.member_id: f for f in export.member_facts(_scope(bank))}
    ann = facts[bank.A.id]
    assert (ann.given, ann.received, ann.exchanges, ann.partners) == (300, 150, 7, 4)
    assert (ann.first_on, ann.last_on) == (dt.date(2026, 1, 10), dt.date(2026, 6, 5))
    assert export.age_band(ann.birth_year, MONTHS["date_to"]) == "75 and over"
    assert export.age_band(facts[bank.B.id].birth_year, MONTHS["date_to"]) == "under 25"
    assert (facts[bank.G.id].status, facts[bank.X.id].status) == ("left", "pending")
    assert bank.V.id not in facts and len(facts) == len(golden.PEOPLE) - 1
    assert export.quarter(dt.date(2026, 3, 31)) == "2026-Q1"
    assert [export.whole_hours(m) for m in (0, 29, 30, 89, 90)] == [0, 0, 1, 1, 2]
