"""The message pages in the test client (no JavaScript): writing about a listing, replying,
the inbox, what waits, reporting and the coordinators' decisions; CSRF and the rate limit;
never an e-mail address of the other member."""

import re

from sqlalchemy import func, select

from tests.web.conftest import field_error, published, sign_in, text
from timebank.extensions import db
from timebank.models import AuditEvent, ConversationMessage, OutboxMessage


def _csrf(html):
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def write(client, listing, body="Could you help with my hedge?"):
    return client.post(f"/listings/{listing.id}/contact", data={"body": body})


def conversation_path(response):
    return re.match(r"(?:https?://[^/]+)?(/messages/\d+)$", response.headers["Location"]).group(1)


def test_a_member_writes_about_an_offer_and_the_owner_replies(app, people):
    offer = published(people.alice, people.coordinator, title="Hedge trimming")
    bob, alice = app.test_client(), app.test_client()
    sign_in(bob, people.bob)
    listing_page = text(bob.get("/offers-and-requests"))
    assert f'href="/listings/{offer.id}/contact"' in listing_page
    form = text(bob.get(f"/listings/{offer.id}/contact"))
    assert "Write to Alice Jones" in form and 'name="body"' in form
    sent = write(bob, offer)
    assert sent.status_code == 303
    path = conversation_path(sent)
    page = text(bob.get(path))
    assert "Could you help with my hedge?" in page and "alice@example.org" not in page

    sign_in(alice, people.alice)
    assert "Waiting for you (1)" in text(alice.get("/home"))
    inbox = text(alice.get("/messages"))
    assert "With Bob Evans" in inbox and "1 unread message" in inbox and "Hedge trimming" in inbox
    waiting = text(alice.get("/waiting"))
    assert f'href="{path}"' in waiting and "Bob Evans about “Hedge trimming”" in waiting
    conversation = text(alice.get(path))
    assert "Could you help with my hedge?" in conversation and "Mark as read" in conversation
    assert "bob@example.org" not in conversation + inbox + waiting
    assert alice.post(path, data={"body": "Yes, on Saturday."}).status_code == 303
    assert "Waiting for you (0)" in text(alice.get("/home"))
    assert "Yes, on Saturday." in text(bob.get(path))
    assert "1 unread message" in text(bob.get("/messages"))
    assert bob.post(f"{path}/read").status_code == 303
    assert "unread" not in text(bob.get("/messages")).replace("card unread", "")
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.recipient, m.kind) for m in mail if m.kind == "message_received"] == [
        ("alice@example.org", "message_received"), ("bob@example.org", "message_received")]
    for message in mail:
        other = "bob@" if message.recipient.startswith("alice") else "alice@"
        assert other not in message.subject + message.body


def test_an_empty_or_too_long_message_is_refused_at_its_field(app, client, people):
    offer = published(people.alice, people.coordinator, title="Hedge trimming")
    sign_in(client, people.bob)
    empty = write(client, offer, body="   ")
    assert empty.status_code == 422
    assert field_error(text(empty), "body") == "Write your message."
    long = write(client, offer, body="x" * 2001)
    assert long.status_code == 422
    assert "2000 characters or fewer" in field_error(text(long), "body")
    assert "x" * 2001 in text(long)  # what was typed is kept
    assert db.session.scalar(select(func.count(ConversationMessage.id))) == 0


def test_nobody_writes_to_their_own_listing_and_outsiders_cannot_read(app, people):
    offer = published(people.alice, people.coordinator, title="Hedge trimming")
    alice, bob, eve, gwen = (app.test_client() for _ in range(4))
    sign_in(alice, people.alice)
    own = write(alice, offer)
    assert own.status_code == 422
    assert "your own listing" in field_error(text(own), "body")
    sign_in(bob, people.bob)
    path = conversation_path(write(bob, offer))
    sign_in(eve, people.evaluator)
    assert eve.get(path).status_code == 403
    assert eve.get("/messages").status_code == 403
    assert eve.get(f"/listings/{offer.id}/contact").status_code == 403
    sign_in(gwen, people.coordinator)
    assert gwen.get(path).status_code == 403  # nothing reported yet
    assert gwen.post(path, data={"body": "Hello"}).status_code == 403
    assert bob.get("/messages/999999").status_code == 404


def test_a_reported_message_reaches_the_coordinators_who_can_suspend_the_conversation(
        app, people):
    offer = published(people.alice, people.coordinator, title="Hedge trimming")
    alice, bob, gwen = (app.test_client() for _ in range(3))
    sign_in(bob, people.bob)
    path = conversation_path(write(bob, offer, body="Send me your bank details"))
    sign_in(alice, people.alice)
    message_id = db.session.scalar(select(ConversationMessage.id))
    report_page = text(alice.get(f"{path}/report/{message_id}"))
    assert "Send me your bank details" in report_page
    assert bob.get(f"{path}/report/{message_id}").status_code == 404  # one's own message
    assert alice.post(f"{path}/report/{message_id}",
                      data={"reason": "Asks for money"}).status_code == 303
    assert "Reported to the coordinators" in text(alice.get(path))

    sign_in(gwen, people.coordinator)
    assert "Waiting for you (1)" in text(gwen.get("/home"))
    assert "1 reported message" in text(gwen.get("/coordinate"))
    reported = text(gwen.get("/coordinate/messages"))
    assert "Send me your bank details" in reported and "Asks for money" in reported
    assert "Send me your bank details" in text(gwen.get(path))
    refused = gwen.post(f"/coordinate/messages/{message_id}/suspend", data={"reason": ""})
    assert refused.status_code == 422
    assert field_error(text(refused), "reason")
    assert gwen.post(f"/coordinate/messages/{message_id}/suspend",
                     data={"reason": "Scam attempt"}).status_code == 303
    assert "No reported messages wait" in text(gwen.get("/coordinate/messages"))
    assert bob.post(path, data={"body": "Hello?"}).status_code == 303
    assert "no more messages can be sent" in text(bob.get(path))
    assert db.session.scalar(select(func.count(ConversationMessage.id))) == 1
    assert 'name="body"' not in text(alice.get(path))
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "conversation.suspended"))
    assert (event.actor_id, event.reason) == (people.coordinator.id, "Scam attempt")


def test_a_report_can_be_dismissed_and_members_cannot_decide(app, people):
    offer = published(people.alice, people.coordinator, title="Hedge trimming")
    alice, bob, gwen = (app.test_client() for _ in range(3))
    sign_in(bob, people.bob)
    path = conversation_path(write(bob, offer))
    sign_in(alice, people.alice)
    message_id = db.session.scalar(select(ConversationMessage.id))
    alice.post(f"{path}/report/{message_id}", data={"reason": ""})
    assert alice.post(f"/coordinate/messages/{message_id}/dismiss").status_code == 403
    sign_in(gwen, people.coordinator)
    assert gwen.post(f"/coordinate/messages/{message_id}/dismiss",
                     data={"reason": ""}).status_code == 303
    assert db.session.get(ConversationMessage, message_id).report_state == "dismissed"
    assert bob.post(path, data={"body": "Still keen"}).status_code == 303


def test_message_forms_need_the_csrf_token(app, client, people):
    offer = published(people.alice, people.coordinator, title="Hedge trimming")
    sign_in(client, people.bob)
    app.config["WTF_CSRF_ENABLED"] = True
    page = text(client.get(f"/listings/{offer.id}/contact"))
    assert write(client, offer).status_code == 400
    assert db.session.scalar(select(func.count(ConversationMessage.id))) == 0
    sent = client.post(f"/listings/{offer.id}/contact",
                       data={"body": "With a token", "csrf_token": _csrf(page)})
    assert sent.status_code == 303
    path = conversation_path(sent)
    assert client.post(path, data={"body": "No token"}).status_code == 400
    assert client.post(f"{path}/read").status_code == 400
    assert db.session.scalar(select(func.count(ConversationMessage.id))) == 1


def test_sending_is_rate_limited_per_member(app, client, people):
    app.config["MESSAGE_LIMIT"] = "2 per hour"
    offer = published(people.alice, people.coordinator, title="Hedge trimming")
    sign_in(client, people.bob)
    assert write(client, offer, body="One").status_code == 303
    assert write(client, offer, body="").status_code == 422  # refusals do not count
    assert write(client, offer, body="Two").status_code == 303
    assert write(client, offer, body="Three").status_code == 429
    assert db.session.scalar(select(func.count(ConversationMessage.id))) == 2
