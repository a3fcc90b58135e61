"""The outbox: mail is written with its change, leaves only after commit, and is retried."""

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.support.api import token_for
from tests.support.factories import NOW, make_bank, make_member
from tests.support.http import call
from tests.support.mail import queued
from tests.support.passwords import use_fast_hasher
from timebank import mail_delivery
from timebank.extensions import db
from timebank.models import Exchange, OutboxMessage
from timebank.models._types import utcnow
from timebank.services import exchanges, notifications, outbox
from timebank.services.errors import LimitExceeded
from timebank.services.mail_transports import MailNotSent, MemoryTransport
from timebank.services.transaction import unit_of_work


@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch):
    use_fast_hasher(monkeypatch)


@pytest.fixture
def pair(app):
    bank = make_bank()
    return make_member(bank, "Ann"), make_member(bank, "Bob")


def _body(ann, bob):
    return {"provider_id": ann.id, "receiver_id": bob.id, "minutes": 60,
            "occurred_on": utcnow().date().isoformat(), "description": "Gardening"}


class CommittedOnlyTransport(MemoryTransport):
    """Fails the test if it is called inside a transaction or before the message committed."""

    def send(self, envelope):
        assert not db.session().in_transaction(), "SMTP call inside a database transaction"
        with db.engine.connect() as other_connection:
            stored = other_connection.execute(
                sa.select(OutboxMessage.id).where(OutboxMessage.id == envelope.message_id)
            ).scalar()
        assert stored == envelope.message_id, "message sent before its transaction committed"
        super().send(envelope)


class RefusingTransport:
    def __init__(self):
        self.tries = 0

    def send(self, envelope):
        self.tries += 1
        raise MailNotSent("SMTPServerDisconnected")


def test_no_mail_leaves_for_a_change_that_rolls_back(pair):
    ann, bob = pair
    with pytest.raises(RuntimeError), unit_of_work():
        exchange = Exchange(
            bank_id=ann.bank_id, provider_id=ann.id, receiver_id=bob.id, minutes=30,
            occurred_on=NOW.date(), description="", logged_by_id=ann.id,
            status="awaiting_confirmation", created_at=NOW, updated_at=NOW)
        db.session.add(exchange)
        db.session.flush()
        notifications.to_member(bob, "exchange_to_confirm", exchange=exchange, now=NOW)
        raise RuntimeError("the change fails after its message was written")
    sender = MemoryTransport()
    assert queued() == []
    assert outbox.deliver_due(transport=sender, now=NOW) == outbox.Delivery()
    assert sender.sent == []


def test_a_refused_posting_sends_no_mail(app):
    bank = make_bank(default_floor_minutes=-60)
    coordinator = make_member(bank, role="coordinator")
    ann, bob = make_member(bank, "Ann"), make_member(bank, "Bob")
    with pytest.raises(LimitExceeded):
        exchanges.log(coordinator, provider_id=ann.id, receiver_id=bob.id, minutes=90,
                      occurred_on=NOW.date(), now=NOW)
    assert queued() == []


def test_messages_are_written_inside_a_unit_of_work_and_sent_outside_one(pair):
    ann, _ = pair
    with pytest.raises(RuntimeError):
        outbox.enqueue(recipient=ann.email, subject="s", body="b", kind="k", now=NOW)
    sender = MemoryTransport()
    with pytest.raises(RuntimeError), unit_of_work():
        outbox.enqueue(recipient=ann.email, subject="s", body="b", kind="k", now=NOW)
        outbox.deliver_due(transport=sender, now=NOW)
    assert sender.sent == [] and queued() == []


def test_a_request_sends_its_mail_after_commit_and_outside_any_transaction(app, client, pair):
    ann, bob = pair
    sender = app.extensions["timebank_mail_transport"] = CommittedOnlyTransport()
    response = client.post("/api/v1/exchanges", json=_body(ann, bob),
                           headers={"Authorization": f"Bearer {token_for(ann)}"})
    assert response.status_code == 201
    assert [(e.recipient, e.kind) for e in sender.sent] == [(bob.email, "exchange_to_confirm")]
    assert queued()[0]["sent_at"] is not None


def test_a_failing_mail_server_fails_no_request_and_mail_send_retries_later(app, client, pair,
                                                                            runner):
    ann, bob = pair
    refusing = app.extensions["timebank_mail_transport"] = RefusingTransport()
    response = client.post("/api/v1/exchanges", json=_body(ann, bob),
                           headers={"Authorization": f"Bearer {token_for(ann)}"})
    assert response.status_code == 201 and refusing.tries == 1
    [message] = queued()
    assert message["attempts"] == 1 and message["sent_at"] is None
    assert message["failed_at"] is None
    waiting = db.session.get(OutboxMessage, message["id"])
    assert waiting.next_attempt_at > utcnow() and waiting.last_error == "SMTPServerDisconnected"
    retry_at = waiting.next_attempt_at
    db.session.rollback()

    working = app.extensions["timebank_mail_transport"] = MemoryTransport()
    assert "0 sent" in runner.invoke(args=["mail", "send"]).output  # not due yet: backoff
    delivered = mail_delivery.deliver(app, now=retry_at)
    assert delivered == outbox.Delivery(sent=1)
    assert [(e.recipient, e.kind) for e in working.sent] == [(bob.email, "exchange_to_confirm")]
    assert queued()[0]["attempts"] == 2 and queued()[0]["sent_at"] is not None


def test_backoff_doubles_and_a_message_fails_for_good_after_the_last_attempt(pair):
    ann, _ = pair
    with unit_of_work():
        outbox.enqueue(recipient=ann.email, subject="Hello", body="Hi", kind="test", now=NOW,
                       bank_id=ann.bank_id)
    refusing, now, waits = RefusingTransport(), NOW, []
    for _ in range(3):
        result = outbox.deliver_due(transport=refusing, now=now, max_attempts=4,
                                    first_delay=dt.timedelta(minutes=1))
        assert result == outbox.Delivery(retrying=1)
        next_at = db.session.scalar(select(OutboxMessage.next_attempt_at))
        db.session.rollback()
        waits.append(next_at - now)
        assert outbox.deliver_due(transport=refusing, now=next_at - dt.timedelta(seconds=1)) \
            == outbox.Delivery()
        now = next_at
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)]
    assert outbox.deliver_due(transport=refusing, now=now, max_attempts=4) == outbox.Delivery(
        failed=1)
    assert queued()[0]["failed_at"] == now and refusing.tries == 4
    assert outbox.deliver_due(transport=refusing, now=now + dt.timedelta(days=1)) \
        == outbox.Delivery()


def test_a_message_is_sent_once_however_many_senders_run(pair):
    ann, _ = pair
    with unit_of_work():
        outbox.enqueue(recipient=ann.email, subject="Hello", body="Hi", kind="test", now=NOW)
    sender = MemoryTransport()
    outbox.deliver_due(transport=sender, now=NOW)
    outbox.deliver_due(transport=sender, now=NOW + dt.timedelta(days=1))
    assert len(sender.sent) == 1


def test_a_slow_mail_server_does_not_hold_up_the_answer(app, live_server, pair):
    """The answer arrives while the mail server is still stuck on its message."""
    ann, bob = pair
    token = token_for(ann)

    class StuckTransport:
        def __init__(self):
            self.started, self.release, self.finished = (threading.Event(), threading.Event(),
                                                         threading.Event())

        def send(self, envelope):
            self.started.set()
            self.release.wait(timeout=60)
            self.finished.set()
            raise MailNotSent("timeout")

    stuck = app.extensions["timebank_mail_transport"] = StuckTransport()
    status, body = call(live_server, "POST", "/exchanges", _body(ann, bob), token=token)
    assert status == 201 and body["status"] == "awaiting_confirmation"
    assert not stuck.finished.is_set()
    assert stuck.started.wait(timeout=60)
    stuck.release.set()
    assert stuck.finished.wait(timeout=60)


def test_without_a_mail_server_the_log_says_what_would_have_gone(app, pair, caplog):
    ann, _ = pair
    app.extensions.pop("timebank_mail_transport", None)
    app.config["MAIL_TRANSPORT"] = None
    with unit_of_work():
        outbox.enqueue(recipient=ann.email, subject="Reset", body="secret link", kind="test",
                       now=NOW)
    caplog.set_level("INFO", logger="timebank.mail")
    assert mail_delivery.deliver(app, now=NOW).sent == 1
    assert "mail test" in caplog.text and "secret link" not in caplog.text
