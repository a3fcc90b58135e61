"""Members writing to each other about a listing: who may write and read, what mail says
(never an address), reports and coordinators' decisions, validation and rollback."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.support.factories import NOW, make_bank, make_member
from tests.support.mail import queued
from timebank.extensions import db
from timebank.models import AuditEvent, Conversation, ConversationMessage, OutboxMessage
from timebank.services import (
    catalogue,
    conversations,
    listings,
    members,
    notifications,
    retention,
    what_waits,
)
from timebank.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed


def link(conversation_id):
    return f"https://timebank.example.net/messages/{conversation_id}"


def later(minutes):
    return NOW + dt.timedelta(minutes=minutes)


@pytest.fixture
def bank(app):
    """Ann offers gardening; Bob and Cat are members, Cora coordinates, Eve evaluates."""
    bank = make_bank("riverside", moderate_listings=False)
    people = {
        "ann": make_member(bank, "Ann Ash", email="ann.ash@example.org"),
        "bob": make_member(bank, "Bob Birch", email="bob.birch@example.org"),
        "cat": make_member(bank, "Cat Cedar", email="cat.cedar@example.org"),
        "cora": make_member(bank, "Cora Dale", role="coordinator", email="cora@example.org"),
        "eve": make_member(bank, "Eve Elm", role="evaluator", email="eve@example.org"),
    }
    catalogue.create_category(people["cora"], name="Gardening", now=NOW)
    people["offer"] = listings.create(people["ann"], kind="offer", title="Weeding on Saturdays",
                                      category="Gardening", now=NOW)
    db.session.commit()
    return people


def contact(who, listing, body="Could you help with my garden?", minutes=1):
    return conversations.contact(who, listing.id, body=body, now=later(minutes), link_for=link)


def test_contacting_the_owner_stores_a_conversation_and_announces_it_without_addresses(bank):
    message = contact(bank["bob"], bank["offer"])
    conversation = db.session.get(Conversation, message.conversation_id)
    assert (conversation.listing_id, conversation.starter_id, conversation.owner_id) == (
        bank["offer"].id, bank["bob"].id, bank["ann"].id)
    assert (message.sender_id, message.body) == (bank["bob"].id, "Could you help with my garden?")
    mail = queued()
    assert [(m["to"], m["kind"]) for m in mail] == [("ann.ash@example.org", "message_received")]
    assert "Bob Birch" in mail[0]["body"] and "Weeding on Saturdays" in mail[0]["body"]
    assert link(conversation.id) in mail[0]["body"]
    assert "bob.birch@example.org" not in mail[0]["subject"] + mail[0]["body"]


def test_a_reply_goes_to_the_same_conversation_and_mail_waits_while_one_is_unread(bank):
    first = contact(bank["bob"], bank["offer"])
    again = contact(bank["bob"], bank["offer"], body="And hedges?", minutes=2)
    assert again.conversation_id == first.conversation_id
    assert [m["kind"] for m in queued()] == ["message_received"]  # Ann has not read yet
    assert conversations.unread_count(bank["ann"]) == 2
    answer = conversations.reply(bank["ann"], first.conversation_id, body="Yes, Saturday?",
                                 now=later(3), link_for=link)
    assert conversations.unread_count(bank["ann"]) == 0  # replying reads what came before
    assert conversations.unread_count(bank["bob"]) == 1
    mail = queued()
    assert [(m["to"], m["kind"]) for m in mail][-1] == ("bob.birch@example.org",
                                                        "message_received")
    assert "Ann Ash" in mail[-1]["body"]
    for message in mail:
        other = "bob.birch" if message["to"].startswith("ann") else "ann.ash"
        assert other not in message["subject"] + message["body"]
    conversation = conversations.get(bank["bob"], first.conversation_id)
    assert [m.id for m in conversation.messages] == [first.id, again.id, answer.id]


def test_the_inbox_is_newest_first_with_unread_counts_and_marking_read(bank):
    cat_offer = listings.create(bank["cat"], kind="request", title="Lift to the clinic",
                                category="Gardening", now=NOW)
    older = contact(bank["bob"], bank["offer"], minutes=1)
    newer = contact(bank["bob"], cat_offer, body="I can drive you", minutes=5)
    conversations.reply(bank["cat"], newer.conversation_id, body="Thank you!", now=later(6),
                        link_for=link)
    inbox = conversations.inbox(bank["bob"])
    assert [(c.id, c.unread) for c in inbox.items] == [(newer.conversation_id, 1),
                                                       (older.conversation_id, 0)]
    conversations.mark_read(bank["bob"], newer.conversation_id)
    assert [c.unread for c in conversations.inbox(bank["bob"]).items] == [0, 0]
    assert [c.id for c in conversations.inbox(bank["ann"]).items] == [older.conversation_id]


def test_only_the_two_members_read_a_conversation_and_coordinators_once_reported(bank):
    message = contact(bank["bob"], bank["offer"])
    for outsider in (bank["cat"], bank["cora"], bank["eve"]):
        with pytest.raises(Forbidden):
            conversations.get(outsider, message.conversation_id)
    elsewhere = make_member(make_bank("hillside"), "Hal Hill")
    with pytest.raises(NotFound):
        conversations.get(elsewhere, message.conversation_id)
    with pytest.raises(Forbidden):
        conversations.reply(bank["cat"], message.conversation_id, body="Me too", now=later(2),
                            link_for=link)
    conversations.report(bank["ann"], message.id, reason="Not about gardening", now=later(3))
    assert conversations.get(bank["cora"], message.conversation_id).id == message.conversation_id
    with pytest.raises(Forbidden):
        conversations.get(bank["eve"], message.conversation_id)
    with pytest.raises(Forbidden):
        conversations.reply(bank["cora"], message.conversation_id, body="Hello", now=later(4),
                            link_for=link)


@pytest.mark.parametrize("body, field_message", [
    ("", "Write your message."),
    ("   \n ", "Write your message."),
    ("x" * (conversations.BODY_MAX_LENGTH + 1), "2000 characters or fewer"),
    ("bell\x07", "control characters"),
])
def test_a_bad_body_is_refused_naming_the_field_and_nothing_is_written(bank, body,
                                                                     field_message):
    with pytest.raises(ValidationFailed) as refusal:
        contact(bank["bob"], bank["offer"], body=body)
    assert list(refusal.value.errors) == ["body"]
    assert field_message in refusal.value.errors["body"][0]
    assert db.session.scalar(select(func.count(Conversation.id))) == 0
    assert queued() == []


def test_nobody_writes_to_themselves_a_withdrawn_listing_or_a_member_who_is_away(bank):
    with pytest.raises(InvalidTransition, match="your own listing"):
        contact(bank["ann"], bank["offer"])
    with pytest.raises(Forbidden):
        contact(bank["eve"], bank["offer"])
    message = contact(bank["bob"], bank["offer"])
    members.update(bank["cora"], bank["ann"].id, {"status": "suspended"}, reason="Paused",
                   now=later(2))
    with pytest.raises(InvalidTransition, match="can't receive"):
        contact(bank["cat"], bank["offer"])
    with pytest.raises(InvalidTransition, match="can't receive"):
        conversations.reply(bank["bob"], message.conversation_id, body="Still there?",
                            now=later(3), link_for=link)
    members.update(bank["cora"], bank["ann"].id, {"status": "active"}, reason="Back",
                   now=later(4))
    listings.withdraw(bank["ann"], bank["offer"].id, now=later(5))
    with pytest.raises((InvalidTransition, NotFound)):
        contact(bank["cat"], bank["offer"])
    assert db.session.scalar(select(func.count(ConversationMessage.id))) == 1


def test_a_failure_while_announcing_leaves_no_conversation_message_or_mail(bank, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("mail template broke")

    monkeypatch.setattr(notifications, "to_member", broken)
    with pytest.raises(RuntimeError):
        contact(bank["bob"], bank["offer"])
    db.session.rollback()
    assert db.session.scalar(select(func.count(Conversation.id))) == 0
    assert db.session.scalar(select(func.count(ConversationMessage.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_reporting_then_dismissing_is_audited_and_the_conversation_goes_on(bank):
    message = contact(bank["bob"], bank["offer"])
    with pytest.raises(Forbidden):
        conversations.report(bank["bob"], message.id, now=later(2))  # one's own message
    with pytest.raises(Forbidden):
        conversations.dismiss_report(bank["ann"], message.id, now=later(2))
    conversations.report(bank["ann"], message.id, reason="Pushy", now=later(2))
    assert [m["kind"] for m in queued()][-1] == "message_reported"
    assert queued()[-1]["to"] == "cora@example.org"
    assert "Could you help" not in queued()[-1]["body"]
    with pytest.raises(InvalidTransition, match="already been reported"):
        conversations.report(bank["ann"], message.id, now=later(3))
    assert [m.id for m in conversations.reported(bank["cora"]).items] == [message.id]
    assert what_waits.for_member(bank["cora"], now=later(3)).reported_messages == 1
    conversations.dismiss_report(bank["cora"], message.id, reason="Fine", now=later(4))
    assert conversations.reported(bank["cora"]).items == []
    with pytest.raises(InvalidTransition, match="already been decided"):
        conversations.suspend(bank["cora"], message.id, reason="Late", now=later(5))
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "message.report_dismissed")).all()
    assert [(e.actor_id, e.target_id, e.facts) for e in events] == [
        (bank["cora"].id, message.conversation_id, {"message_id": message.id})]
    conversations.reply(bank["ann"], message.conversation_id, body="Sure", now=later(6),
                        link_for=link)


def test_suspending_stops_both_sides_and_is_audited_with_a_reason(bank):
    message = contact(bank["bob"], bank["offer"])
    conversations.report(bank["ann"], message.id, now=later(2))
    with pytest.raises(ValidationFailed) as refusal:
        conversations.suspend(bank["cora"], message.id, reason=" ", now=later(3))
    assert list(refusal.value.errors) == ["reason"]
    conversations.suspend(bank["cora"], message.id, reason="Harassment", now=later(3))
    for who in (bank["ann"], bank["bob"]):
        with pytest.raises(InvalidTransition, match="suspended"):
            conversations.reply(who, message.conversation_id, body="Hello?", now=later(4),
                                link_for=link)
    stored = db.session.get(ConversationMessage, message.id)
    assert (stored.report_state, stored.report_decided_by_id) == ("upheld", bank["cora"].id)
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "conversation.suspended"))
    assert (event.actor_id, event.target_id, event.reason) == (
        bank["cora"].id, message.conversation_id, "Harassment")


def test_what_waits_counts_confirmations_pending_things_and_unread_messages(bank):
    bank_row = bank["ann"].bank
    bank_row.moderate_listings = True
    db.session.commit()
    listings.create(bank["bob"], kind="request", title="Help with a shelf", category="Gardening",
                    now=NOW)
    contact(bank["cat"], bank["offer"])
    contact(bank["cat"], bank["offer"], body="Or Sunday", minutes=2)
    for_ann = what_waits.for_member(bank["ann"], now=later(3))
    assert [c.unread for c in for_ann.unread_conversations] == [2]
    assert for_ann.total == 2
    for_bob = what_waits.for_member(bank["bob"], now=later(3))
    assert [item.title for item in for_bob.listings_pending] == ["Help with a shelf"]
    assert for_bob.total == 1
    assert what_waits.for_member(bank["cora"], now=later(3)).queue == 1
    assert what_waits.for_member(bank["eve"], now=later(3)).total == 0


def test_retention_erases_the_messages_of_a_member_who_left_long_ago(bank):
    bank["ann"].bank.retention_days = 30
    db.session.commit()
    message = contact(bank["bob"], bank["offer"], body="Bob's private note about his hedge")
    conversations.reply(bank["ann"], message.conversation_id, body="Dear Bob Birch, yes",
                        now=later(2), link_for=link)
    members.update(bank["cora"], bank["bob"].id, {"status": "left"}, reason="Moved",
                   now=later(3))
    assert retention.apply(now=later(3) + dt.timedelta(days=31)) == ([bank["bob"].id], [])
    bodies = [m.body for m in db.session.scalars(
        select(ConversationMessage).order_by(ConversationMessage.id))]
    assert bodies == ["[erased]", "Dear [erased], yes"]


def test_a_first_message_sent_twice_at_once_joins_the_one_conversation(bank, monkeypatch):
    """The other copy's conversation is committed between the look-up and the insert: the
    unique constraint refuses the second conversation and the message joins the first."""
    first = contact(bank["bob"], bank["offer"])
    session = db.session()
    real_scalar, missed = session.scalar, []

    def scalar_missing_the_conversation_once(statement, *args, **kwargs):
        if not missed and "FROM conversations" in str(statement):
            missed.append(True)
            return None
        return real_scalar(statement, *args, **kwargs)

    monkeypatch.setattr(session, "scalar", scalar_missing_the_conversation_once)
    again = contact(bank["bob"], bank["offer"], body="Sent twice", minutes=2)
    assert missed and again.conversation_id == first.conversation_id
    assert db.session.scalar(select(func.count(Conversation.id))) == 1
