"""Service additions for the member pages: reciprocity totals, statement names, passwords."""

import pytest

from tests.support.factories import NOW, make_bank, make_member, post_exchange
from timebank.extensions import db
from timebank.models import ApiToken, User
from timebank.services import auth, exchanges, group_credits, pool, statements
from timebank.services.errors import Forbidden, ValidationFailed

PASSWORD = "an old familiar phrase"


@pytest.fixture
def bank(app):
    return make_bank()


def test_given_and_received_count_exchanges_and_group_sessions_only(bank):
    coordinator = make_member(bank, role="coordinator")
    alice, bob = make_member(bank, "Alice"), make_member(bank, "Bob")
    post_exchange(bank, alice, bob, 60)
    post_exchange(bank, bob, alice, 15)
    group_credits.record(coordinator, from_account=bob.id, member_ids=[alice.id], minutes=30,
                         occurred_on=NOW.date(), description="Session", now=NOW)
    pool.donate(alice, minutes=20, now=NOW)
    mistake = exchanges.log(coordinator, provider_id=alice.id, receiver_id=bob.id, minutes=45,
                            occurred_on=NOW.date(), now=NOW)
    exchanges.reverse(coordinator, mistake.id, reason="Twice", now=NOW)
    assert statements.given_and_received(alice, alice.id) == {
        "given_minutes": 90, "received_minutes": 15}
    assert statements.given_and_received(coordinator, bob.id) == {
        "given_minutes": 15, "received_minutes": 90}
    with pytest.raises(Forbidden):
        statements.given_and_received(bob, alice.id)


def test_statement_lines_name_the_other_member_or_none_for_the_pool(bank):
    alice, bob = make_member(bank, "Alice"), make_member(bank, "Bob")
    post_exchange(bank, alice, bob, 60)
    pool.donate(alice, minutes=20, now=NOW)
    rows = statements.statement(alice, alice.id, page=1, per_page=10).items
    assert [(r["counterparty_name"], r["minutes"]) for r in rows] == [(None, -20), ("Bob", 60)]


def test_changing_a_password_checks_the_old_one_and_the_rules(bank):
    member = make_member(bank, email="pat@example.org", password=PASSWORD)
    with pytest.raises(ValidationFailed) as refused:
        auth.change_password(member.user_id, current_password="not it",
                             new_password="pat@example.org", now=NOW)
    assert set(refused.value.errors) == {"current_password", "new_password"}
    assert auth.check_credentials("pat@example.org", PASSWORD, now=NOW)


def test_changing_a_password_ends_other_sessions_and_tokens(bank):
    member = make_member(bank, email="pat@example.org", password=PASSWORD)
    auth.create_token(member.user_id, hours=1, now=NOW)
    version = member.user.session_version
    auth.change_password(member.user_id, current_password=PASSWORD,
                         new_password="a brand new phrase", now=NOW)
    db.session.expire_all()
    user = db.session.get(User, member.user_id)
    assert user.session_version == version + 1
    assert all(token.revoked_at == NOW for token in db.session.query(ApiToken))
    assert auth.check_credentials("pat@example.org", "a brand new phrase", now=NOW)
