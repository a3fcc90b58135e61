"""Shared set-up for the coordinator page tests: a bank with people, signed-in clients."""

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from tests.support.factories import make_bank, make_member
from timebank.extensions import db
from timebank.models import AuditEvent
from timebank.models._types import utcnow
from timebank.services import catalogue, exchanges, listings

PASSWORD = "a long enough phrase"


@dataclass
class World:
    bank: object
    coordinator: object
    alice: object
    bob: object
    category: object
    activity: object


def make_world(slug=None):
    bank = make_bank(slug)
    coordinator = make_member(bank, "Gwen Coordinator", role="coordinator",
                              group="professional", password=PASSWORD)
    alice = make_member(bank, "Alice Able", password=PASSWORD)
    bob = make_member(bank, "Bob Baker", email="")
    now = utcnow()
    category = catalogue.create_category(coordinator, name="Gardening", now=now)
    activity = catalogue.create_activity(coordinator, name="Garden group", level="co-produce",
                                         now=now)
    return World(bank, coordinator, alice, bob, category, activity)


def sign_in(client, member, password=PASSWORD):
    response = client.post("/sign-in", data={"email": member.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def token_in(html):
    found = re.search(r'name="form_token" value="([^"]+)"', html)
    assert found, "the form carries a one-time token"
    return found.group(1)


def audited(action, target_id=None):
    query = select(func.count(AuditEvent.id)).where(AuditEvent.action == action)
    if target_id is not None:
        query = query.where(AuditEvent.target_id == target_id)
    return db.session.scalar(query)


def pending_listing(world, title="Help with hedges"):
    return listings.create(world.alice, kind="offer", title=title, description="Any weekend",
                           category="Gardening", now=utcnow())


def recorded(world, provider, receiver, minutes, **fields):
    """An exchange the coordinator records for today: posted at once."""
    return exchanges.log(world.coordinator, provider_id=provider.id, receiver_id=receiver.id,
                         minutes=minutes, occurred_on=utcnow().date(), now=utcnow(), **fields)


def exchange_to_approve(world, minutes=600):
    """A new member logs 10 h given to Alice; she confirms; it waits for approval (over 8 h)."""
    giver = make_member(world.bank, "Cara Carer", password=PASSWORD)
    logged = exchanges.log(giver, provider_id=giver.id, receiver_id=world.alice.id,
                           minutes=minutes, occurred_on=utcnow().date(), description="Long day",
                           now=utcnow())
    return exchanges.confirm(world.alice, logged.id, now=utcnow())


def disputed_exchange(world, reason="It was one hour, not three"):
    giver = make_member(world.bank, "Dan Driver", password=PASSWORD)
    logged = exchanges.log(giver, provider_id=giver.id, receiver_id=world.alice.id,
                           minutes=180, occurred_on=utcnow().date(), description="Lifts",
                           now=utcnow())
    return exchanges.dispute(world.alice, logged.id, reason=reason, now=utcnow())


def text_of(response):
    return response.get_data(as_text=True)
