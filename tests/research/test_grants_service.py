"""Research grants: who may make them, what they must say, and the audit trail."""

import datetime as dt

import pytest
from sqlalchemy import select

from tests.reports import golden
from timebank.extensions import db
from timebank.models import AuditEvent
from timebank.services import research_grants
from timebank.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed

NOW = dt.datetime(2026, 7, 2, 9, 0)
TODAY = NOW.date()


@pytest.fixture
def bank(app):
    return golden.build()


def grant(bank, **overrides):
    fields = {"evaluator_id": bank.V.id, "purpose": "Co-production review 2026",
              "ends_on": TODAY + dt.timedelta(days=90)}
    return research_grants.grant(bank.Q, now=NOW, **{**fields, **overrides})


def errors_of(call):
    with pytest.raises(ValidationFailed) as raised:
        call()
    return raised.value.errors


def audit_events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_coordinator_grants_an_evaluator_until_a_day_and_it_is_audited(bank):
    made = grant(bank)
    assert (made.evaluator_id, made.starts_on, made.ends_on) == (
        bank.V.id, TODAY, TODAY + dt.timedelta(days=90))
    assert made.is_live(TODAY) and made.is_live(made.ends_on)
    assert not made.is_live(made.ends_on + dt.timedelta(days=1))
    [event] = audit_events("research_grant.granted")
    assert (event.actor_id, event.target_id, event.reason) == (
        bank.Q.id, made.id, "Co-production review 2026")
    assert event.details["evaluator_id"] == bank.V.id


def test_the_grant_must_name_an_evaluator_of_this_bank(bank):
    other = golden.build(slug="elsewhere")
    for someone in (bank.A.id, bank.Q.id, other.V.id, 999_999):
        assert set(errors_of(lambda s=someone: grant(bank, evaluator_id=s))) == {"evaluator_id"}


def test_purpose_and_end_are_checked_and_name_their_field(bank):
    assert set(errors_of(lambda: grant(bank, purpose="   "))) == {"purpose"}
    assert set(errors_of(lambda: grant(bank, purpose="x" * 1001))) == {"purpose"}
    yesterday = TODAY - dt.timedelta(days=1)
    assert set(errors_of(lambda: grant(bank, ends_on=yesterday))) == {"ends_on"}
    too_late = research_grants.latest_end(TODAY) + dt.timedelta(days=1)
    assert set(errors_of(lambda: grant(bank, ends_on=too_late))) == {"ends_on"}
    assert grant(bank, ends_on=research_grants.latest_end(TODAY)).ends_on == dt.date(2027, 7, 2)
    assert grant(bank, ends_on=TODAY).is_live(TODAY)
    assert len(audit_events("research_grant.granted")) == 2


def test_only_coordinators_grant_and_revoke(bank):
    made = grant(bank)
    for someone in (bank.V, bank.A):
        with pytest.raises(Forbidden):
            research_grants.grant(someone, evaluator_id=bank.V.id, purpose="Mine", ends_on=TODAY,
                                  now=NOW)
        with pytest.raises(Forbidden):
            research_grants.revoke(someone, made.id, now=NOW)


def test_revoking_ends_the_grant_once_and_is_audited(bank):
    made = grant(bank)
    revoked = research_grants.revoke(bank.Q, made.id, now=NOW)
    assert revoked.revoked_at == NOW and not revoked.is_live(TODAY)
    with pytest.raises(InvalidTransition):
        research_grants.revoke(bank.Q, made.id, now=NOW)
    [event] = audit_events("research_grant.revoked")
    assert (event.actor_id, event.target_id) == (bank.Q.id, made.id)


def test_another_banks_grant_is_not_found(bank):
    other = golden.build(slug="elsewhere")
    theirs = research_grants.grant(other.Q, evaluator_id=other.V.id, purpose="Theirs",
                                   ends_on=TODAY, now=NOW)
    with pytest.raises(NotFound):
        research_grants.revoke(bank.Q, theirs.id, now=NOW)
    assert research_grants.list_grants(bank.Q).items == []


def test_coordinators_list_the_banks_grants_and_an_evaluator_their_own(bank):
    from timebank.services import members

    second = members.create_member(bank.bank, name="Wyn", email="w@golden.example.org",
                                   group="professional", role="evaluator", status="active",
                                   now=NOW)
    mine, theirs = grant(bank), grant(bank, evaluator_id=second.id)
    assert [g.id for g in research_grants.list_grants(bank.Q).items] == [theirs.id, mine.id]
    assert [g.id for g in research_grants.list_grants(bank.V).items] == [mine.id]
    with pytest.raises(Forbidden):
        research_grants.list_grants(bank.A)


def test_the_live_grant_is_the_newest_unrevoked_unexpired_one(bank):
    older, newer = grant(bank), grant(bank, ends_on=TODAY + dt.timedelta(days=10))
    assert research_grants.live_grant(bank.V, today=TODAY).id == newer.id
    assert research_grants.live_grant(bank.V, today=TODAY + dt.timedelta(days=11)).id == older.id
    research_grants.revoke(bank.Q, newer.id, now=NOW)
    assert research_grants.live_grant(bank.V, today=TODAY).id == older.id
    with pytest.raises(Forbidden):
        research_grants.live_grant(bank.V, today=TODAY, grant_id=newer.id)
    assert research_grants.live_grant(bank.V, today=TODAY + dt.timedelta(days=91)) is None
