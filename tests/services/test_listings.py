"""Offers and requests: moderation, reasons, withdrawal, expiry and search."""

import datetime as dt

import pytest

from tests.support.factories import NOW, make_bank, make_member
from timebank.services import catalogue, listings
from timebank.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed


@pytest.fixture
def bank(app):
    bank = make_bank(listing_days=30)
    coordinator = make_member(bank, role="coordinator")
    for name in ("Gardening", "Lifts and transport"):
        catalogue.create_category(coordinator, name=name, now=NOW)
    bank.coordinator = coordinator
    return bank


def offer(member, title="Help with your garden", category="Gardening", kind="offer"):
    return listings.create(member, kind=kind, title=title, description="Weeding, mowing",
                           category=category, now=NOW)


def titles(page):
    return [item.title for item in page.items]


def test_a_listing_waits_for_approval_then_is_published_until_it_expires(bank):
    ann, bob = make_member(bank), make_member(bank)
    listing = offer(ann)
    assert listing.status == "pending"
    assert titles(listings.search(bob, now=NOW)) == []
    with pytest.raises(NotFound):
        listings.get(bob, listing.id, now=NOW)
    listings.approve(bank.coordinator, listing.id, now=NOW)
    assert titles(listings.search(bob, now=NOW)) == ["Help with your garden"]
    later = NOW + dt.timedelta(days=30, seconds=1)
    assert titles(listings.search(bob, now=later)) == []
    assert listings.get(ann, listing.id, now=later).status == "expired"


def test_a_rejected_listing_tells_its_owner_why(bank):
    ann = make_member(bank)
    listing = offer(ann)
    with pytest.raises(ValidationFailed) as error:
        listings.reject(bank.coordinator, listing.id, reason=" ", now=NOW)
    assert "reason" in error.value.errors
    listings.reject(bank.coordinator, listing.id, reason="Please add when you are free", now=NOW)
    mine = listings.get(ann, listing.id, now=NOW)
    assert (mine.status, mine.rejection_reason) == ("rejected", "Please add when you are free")
    with pytest.raises(InvalidTransition):
        listings.approve(bank.coordinator, listing.id, now=NOW)


def test_only_coordinators_moderate_and_only_owners_withdraw(bank):
    ann, bob = make_member(bank), make_member(bank)
    listing = offer(ann)
    with pytest.raises(Forbidden):
        listings.approve(ann, listing.id, now=NOW)
    listings.approve(bank.coordinator, listing.id, now=NOW)
    with pytest.raises(Forbidden):
        listings.withdraw(bob, listing.id, now=NOW)
    assert listings.withdraw(ann, listing.id, now=NOW).status == "withdrawn"
    with pytest.raises(InvalidTransition):
        listings.withdraw(ann, listing.id, now=NOW)


def test_banks_that_do_not_moderate_publish_at_once(app):
    bank = make_bank(moderate_listings=False)
    coordinator = make_member(bank, role="coordinator")
    catalogue.create_category(coordinator, name="Gardening", now=NOW)
    listing = offer(make_member(bank))
    assert listing.status == "approved"
    assert listing.expires_at == NOW + dt.timedelta(days=bank.listing_days)


def test_search_by_text_kind_and_category_newest_first(bank):
    ann = make_member(bank)
    made = [offer(ann, "Garden tidy"), offer(ann, "Lift to the hospital", "Lifts and transport"),
            offer(ann, "Need help with hedges", kind="request")]
    for i, listing in enumerate(made):
        listings.approve(bank.coordinator, listing.id, now=NOW + dt.timedelta(minutes=i))
    reader = make_member(bank)
    assert titles(listings.search(reader, now=NOW)) == [
        "Need help with hedges", "Lift to the hospital", "Garden tidy"]
    assert titles(listings.search(reader, q="HOSPITAL", now=NOW)) == ["Lift to the hospital"]
    assert titles(listings.search(reader, kind="request", now=NOW)) == ["Need help with hedges"]
    assert titles(listings.search(reader, category="gardening", now=NOW)) == [
        "Need help with hedges", "Garden tidy"]
    with pytest.raises(ValidationFailed) as error:
        listings.search(reader, category="Juggling", now=NOW)
    assert "category" in error.value.errors
    page = listings.search(reader, per_page=2, page=2, now=NOW)
    assert (titles(page), page.total) == (["Garden tidy"], 3)


def test_unknown_categories_and_empty_titles_are_refused(bank):
    ann = make_member(bank)
    with pytest.raises(ValidationFailed) as error:
        listings.create(ann, kind="offer", title="", category="Juggling", now=NOW)
    assert "title" in error.value.errors
    with pytest.raises(ValidationFailed) as error:
        listings.create(ann, kind="offer", title="Juggling lessons", category="Juggling",
                        now=NOW)
    assert "category" in error.value.errors


def test_evaluators_do_not_see_listings(bank):
    evaluator = make_member(bank, role="evaluator")
    with pytest.raises(Forbidden):
        listings.search(evaluator, now=NOW)


LISTING_STATES = ("pending", "approved", "rejected", "withdrawn", "expired")
LISTING_ACTIONS = ("approve", "reject", "withdraw")
LISTING_ALLOWED = {
    ("pending", "approve"): "approved",
    ("pending", "reject"): "rejected",
    ("pending", "withdraw"): "withdrawn",
    ("approved", "withdraw"): "withdrawn",
}


@pytest.mark.parametrize("state", LISTING_STATES)
@pytest.mark.parametrize("action", LISTING_ACTIONS)
def test_listing_transition(bank, state, action):
    owner = make_member(bank)
    listing = offer(owner)
    if state in ("approved", "expired"):
        listings.approve(bank.coordinator, listing.id, now=NOW)
    if state == "rejected":
        listings.reject(bank.coordinator, listing.id, reason="Too vague", now=NOW)
    if state == "withdrawn":
        listings.withdraw(owner, listing.id, now=NOW)
    when = NOW + dt.timedelta(days=31) if state == "expired" else NOW
    listings.expire_due(now=when)
    assert listings.get(owner, listing.id, now=when).status == state
    run = {
        "approve": lambda: listings.approve(bank.coordinator, listing.id, now=when),
        "reject": lambda: listings.reject(bank.coordinator, listing.id, reason="No", now=when),
        "withdraw": lambda: listings.withdraw(owner, listing.id, now=when),
    }[action]
    expected = LISTING_ALLOWED.get((state, action))
    if expected is None:
        with pytest.raises(InvalidTransition):
            run()
        assert listings.get(owner, listing.id, now=when).status == state
    else:
        assert run().status == expected
