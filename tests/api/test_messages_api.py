"""Messages through the API: write about a listing, reply, list and read conversations;
validation names the field, nothing is half-written, no address is ever in an answer."""

import json

from sqlalchemy import func, select

from tests.support.api import ApiClient
from timebank.extensions import db
from timebank.models import Category, ConversationMessage
from timebank.models._types import utcnow
from timebank.services import conversations, listings


def _offer(world):
    db.session.add(Category(bank_id=world.bank.id, name="Gardening"))
    db.session.commit()
    listing = listings.create(world.people["member"], kind="offer", title="Weeding",
                              category="Gardening", now=utcnow())
    return listings.approve(world.people["coordinator"], listing.id, now=utcnow())


def _messages():
    return db.session.scalar(select(func.count(ConversationMessage.id)))


def test_writing_replying_and_reading_without_addresses(client, world):
    offer = _offer(world)
    owner, writer = (ApiClient(client, world.people[a]) for a in ("member", "other_member"))
    sent = writer.post(f"/listings/{offer.id}/messages", json={"body": "Saturday?"})
    assert sent.status_code == 201
    conversation_id = sent.get_json()["conversation_id"]
    listed = owner.get("/messages").get_json()
    assert [(c["id"], c["unread"], c["other_member_id"]) for c in listed["items"]] == [
        (conversation_id, 1, world.id("other_member"))]
    replied = owner.post(f"/conversations/{conversation_id}/messages", json={"body": "Yes!"})
    assert replied.status_code == 201
    read = writer.get(f"/conversations/{conversation_id}").get_json()
    assert [m["body"] for m in read["messages"]] == ["Saturday?", "Yes!"]
    assert read["unread"] == 1 and read["listing_title"] == "Weeding"
    for answer in (listed, read, sent.get_json(), replied.get_json()):
        text = json.dumps(answer)
        assert world.email("member") not in text and world.email("other_member") not in text


def test_a_bad_body_names_the_field_and_writes_nothing(client, world):
    offer = _offer(world)
    writer = ApiClient(client, world.people["other_member"])
    for body in ({"body": ""}, {"body": "x" * 2001}, {}, {"body": "hi", "extra": 1}):
        refused = writer.post(f"/listings/{offer.id}/messages", json=body)
        assert refused.status_code == 422, body
        assert set(refused.get_json()["errors"]) & {"body", "extra"}, body
    assert _messages() == 0


def test_sending_is_rate_limited(app, client, world):
    app.config["MESSAGE_LIMIT"] = "2 per hour"
    offer = _offer(world)
    writer = ApiClient(client, world.people["other_member"])
    statuses = [writer.post(f"/listings/{offer.id}/messages", json={"body": f"Note {n}"})
                .status_code for n in range(3)]
    assert statuses == [201, 201, 429]
    assert _messages() == 2


def test_what_waits_counts_unread_and_reported_messages(client, world):
    offer = _offer(world)
    owner, writer, coordinator = (ApiClient(client, world.people[a])
                                  for a in ("member", "other_member", "coordinator"))
    sent = writer.post(f"/listings/{offer.id}/messages", json={"body": "Saturday?"}).get_json()
    waiting = owner.get("/me/waiting").get_json()
    assert (waiting["unread_messages"], waiting["reported_messages"]) == (1, 0)
    assert writer.get("/me/waiting").get_json()["unread_messages"] == 0
    conversations.report(world.people["member"], sent["id"], now=utcnow())
    assert coordinator.get("/me/waiting").get_json()["reported_messages"] == 1
