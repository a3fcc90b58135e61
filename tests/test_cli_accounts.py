"""The command line keeps passwords off the command line, and sends the outbox's mail."""

import datetime as dt

import pytest
from sqlalchemy import select

from tests.support.mail import queued, transport
from timebank.extensions import db
from timebank.models import User
from timebank.services import outbox
from timebank.services.passwords import check_password
from timebank.services.transaction import unit_of_work


def invoke(runner, *args, input=None):
    result = runner.invoke(args=list(args), input=input)
    db.session.rollback()
    return result


@pytest.fixture
def bank(runner):
    assert invoke(runner, "bank", "create", "--slug", "riverside", "--name", "R").exit_code == 0


def _user(email):
    user = db.session.scalar(select(User).where(User.email == email))
    db.session.rollback()
    return user


def test_user_create_reads_the_password_from_standard_input(runner, bank):
    result = invoke(runner, "user", "create", "--bank", "riverside", "--email", "a@example.org",
                    "--name", "Ann", "--password", "-", input="a long pass phrase\n")
    assert result.exit_code == 0, result.output
    assert check_password(_user("a@example.org").password_hash, "a long pass phrase")
    assert "a long pass phrase" not in result.output


def test_user_create_asks_for_the_password_twice_without_showing_it(runner, bank):
    result = invoke(runner, "user", "create", "--bank", "riverside", "--email", "b@example.org",
                    "--name", "Bob", input="first attempt typed\nsomething else\n"
                                           "a long pass phrase\na long pass phrase\n")
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert "a long pass phrase" not in result.output and "first attempt" not in result.output
    assert check_password(_user("b@example.org").password_hash, "a long pass phrase")


def test_a_short_password_from_standard_input_is_refused(runner, bank):
    result = invoke(runner, "user", "create", "--bank", "riverside", "--email", "c@example.org",
                    "--name", "Cai", "--password", "-", input="short\n")
    assert result.exit_code == 2 and "password: Use at least 10 characters" in result.output
    assert _user("c@example.org") is None


def test_mail_send_sends_what_is_due_and_says_how_it_went(runner, app):
    with unit_of_work():
        outbox.enqueue(recipient="a@example.org", subject="Hello", body="Hi", kind="test",
                       now=dt.datetime(2026, 1, 1))
    result = invoke(runner, "mail", "send")
    assert result.exit_code == 0 and "1 sent, 0 to retry later, 0 failed for good." in result.output
    assert [e.recipient for e in transport().sent] == ["a@example.org"]
    assert queued()[0]["sent_at"] is not None
    assert "0 sent" in invoke(runner, "mail", "send").output


def test_the_demo_bank_leaves_nothing_to_send(runner):
    assert invoke(runner, "demo").exit_code == 0
    messages = queued()
    assert messages and all(m["sent_at"] is not None for m in messages)
    assert "0 sent" in invoke(runner, "mail", "send").output
    assert transport().sent == []
