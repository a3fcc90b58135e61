"""Notifications reach the right people, in their language, through the outbox."""

from tests.support.factories import NOW, make_bank, make_member
from tests.support.mail import queued
from timebank.extensions import db
from timebank.services import exchanges, members


def test_the_other_party_is_asked_to_confirm_and_the_logger_told_when_posted(app):
    bank = make_bank()
    ann, bob = make_member(bank, "Ann"), make_member(bank, "Bob")
    ex = exchanges.log(ann, provider_id=ann.id, receiver_id=bob.id, minutes=90,
                       occurred_on=NOW.date(), description="Gardening", now=NOW)
    outbox = queued()
    assert [(m["to"], m["kind"]) for m in outbox] == [(bob.email, "exchange_to_confirm")]
    assert "Ann recorded 1 h 30 min on 1 June 2026" in outbox[0]["body"]  # en_GB, not US
    exchanges.confirm(bob, ex.id, now=NOW)
    outbox = queued()
    assert (outbox[-1]["to"], outbox[-1]["kind"]) == (ann.email, "exchange_posted")


def test_disputes_go_to_coordinators(app):
    bank = make_bank()
    ann, bob = make_member(bank), make_member(bank)
    coordinator = make_member(bank, role="coordinator")
    members.set_language(coordinator.user_id, "cy", now=NOW)
    db.session.rollback()
    ex = exchanges.log(ann, provider_id=ann.id, receiver_id=bob.id, minutes=30,
                       occurred_on=NOW.date(), now=NOW)
    exchanges.dispute(bob, ex.id, reason="It did not happen", now=NOW)
    to_coordinator = [m for m in queued() if m["to"] == coordinator.email]
    assert [m["kind"] for m in to_coordinator] == ["exchange_needs_decision"]
    # the coordinator chose Welsh, so the email is in Welsh
    assert f"Statws cyfnewid {ex.id} (30 munud) yw “dan anghydfod”" in to_coordinator[0]["body"]


def test_an_approved_member_is_welcomed_once_the_approval_commits(app):
    bank = make_bank()
    coordinator = make_member(bank, role="coordinator")
    newcomer = make_member(bank, "Nia", status="pending")
    members.approve(coordinator, newcomer.id, now=NOW)
    assert [(m["to"], m["kind"]) for m in queued()] == [(newcomer.email, "member_approved")]
