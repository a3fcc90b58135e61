"""Notifications reach the right people, in their language, through the log when no SMTP."""

import pytest
from flask import current_app

from tests.support.factories import NOW, make_bank, make_member
from timebank.extensions import db
from timebank.services import exchanges, members


@pytest.fixture
def outbox(app):
    box = current_app.extensions.setdefault("timebank_outbox", [])
    box.clear()
    return box


def test_the_other_party_is_asked_to_confirm_and_the_logger_told_when_posted(outbox, caplog):
    bank = make_bank()
    ann, bob = make_member(bank, "Ann"), make_member(bank, "Bob")
    caplog.set_level("INFO", logger="timebank")
    ex = exchanges.log(ann, provider_id=ann.id, receiver_id=bob.id, minutes=90,
                       occurred_on=NOW.date(), description="Gardening", now=NOW)
    assert [(m["to"], m["kind"]) for m in outbox] == [(bob.email, "exchange_to_confirm")]
    assert "Ann recorded 1 h 30 min" in outbox[0]["body"]
    assert "notification exchange_to_confirm" in caplog.text
    exchanges.confirm(bob, ex.id, now=NOW)
    assert (outbox[-1]["to"], outbox[-1]["kind"]) == (ann.email, "exchange_posted")


def test_disputes_go_to_coordinators(outbox):
    bank = make_bank()
    ann, bob = make_member(bank), make_member(bank)
    coordinator = make_member(bank, role="coordinator")
    members.set_language(coordinator.user_id, "cy", now=NOW)
    db.session.rollback()
    ex = exchanges.log(ann, provider_id=ann.id, receiver_id=bob.id, minutes=30,
                       occurred_on=NOW.date(), now=NOW)
    exchanges.dispute(bob, ex.id, reason="It did not happen", now=NOW)
    to_coordinator = [m for m in outbox if m["to"] == coordinator.email]
    assert [m["kind"] for m in to_coordinator] == ["exchange_needs_decision"]
    # the coordinator chose Welsh, so the email is in Welsh
    assert f"Statws cyfnewid {ex.id} (30 munud) yw “dan anghydfod”" in to_coordinator[0]["body"]
