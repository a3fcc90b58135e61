"""A small time bank for the browser tests: Alice offers help in the garden, Bob needs it."""

from dataclasses import dataclass

from tests.support.factories import make_bank, make_member
from timebank.models import Member
from timebank.models._types import utcnow
from timebank.services import catalogue, exchanges, listings

PASSWORD = "a long walk by the river"


@dataclass
class World:
    base: str
    coordinator: Member
    alice: Member
    bob: Member
    evaluator: Member


def build(live_app, *, history=False):
    bank = make_bank(slug="riverside")
    coordinator = make_member(bank, "Gwen Thomas", role="coordinator", group="professional",
                              email="gwen@example.org", password=PASSWORD)
    for name in ("Gardening", "Lifts and transport"):
        catalogue.create_category(coordinator, name=name, now=utcnow())
    alice = make_member(bank, "Alice Jones", email="alice@example.org", password=PASSWORD,
                        skills="Gardening, baking")
    bob = make_member(bank, "Bob Evans", email="bob@example.org", password=PASSWORD,
                      skills="Lifts, computers")
    evaluator = make_member(bank, "Eve Shaw", role="evaluator", group="professional",
                            email="eve@example.org", password=PASSWORD)
    offer = listings.create(alice, kind="offer", title="Help in your garden",
                            description="Weeding, mowing and a cup of tea", category="Gardening",
                            now=utcnow())
    listings.approve(coordinator, offer.id, now=utcnow())
    if history:
        lift = listings.create(bob, kind="request", title="A lift to the hospital",
                               category="Lifts and transport", now=utcnow())
        listings.reject(coordinator, lift.id, reason="Please say which day", now=utcnow())
        done = exchanges.log(coordinator, provider_id=bob.id, receiver_id=alice.id, minutes=45,
                             occurred_on=utcnow().date(), description="Set up the tablet",
                             now=utcnow())
        assert done.status == "posted"
        exchanges.log(bob, provider_id=bob.id, receiver_id=alice.id, minutes=90,
                      occurred_on=utcnow().date(), description="Shopping trip", now=utcnow())
    return World(live_app.config["LIVE_URL"], coordinator, alice, bob, evaluator)
