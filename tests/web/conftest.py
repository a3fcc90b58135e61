"""A small time bank with people who can sign in, for the page tests."""

import html as html_module
import re
import secrets
from dataclasses import dataclass

import pytest

from tests.support.factories import make_bank, make_member
from tests.support.passwords import use_fast_hasher
from tests.support.world import build_world
from timebank.models import Bank, Member
from timebank.models._types import utcnow
from timebank.services import catalogue, listings

PASSWORD = "a long walk by the river"


@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch):
    """Page tests sign people in a lot; a light Argon2 keeps them quick (the real parameters
    are tested apart)."""
    use_fast_hasher(monkeypatch)


@pytest.fixture
def world(app):
    return build_world()


@dataclass
class People:
    bank: Bank
    coordinator: Member
    alice: Member
    bob: Member
    evaluator: Member


@pytest.fixture
def people(app):
    bank = make_bank(slug="riverside")
    coordinator = make_member(bank, "Gwen Thomas", role="coordinator",
                              email="gwen@example.org", password=PASSWORD,
                              group="professional")
    for name in ("Gardening", "Lifts and transport", "Computers and phones"):
        catalogue.create_category(coordinator, name=name, now=utcnow())
    return People(
        bank=bank, coordinator=coordinator,
        alice=make_member(bank, "Alice Jones", email="alice@example.org", password=PASSWORD,
                          skills="Gardening, baking"),
        bob=make_member(bank, "Bob Evans", email="bob@example.org", password=PASSWORD,
                        skills="Lifts, computers"),
        evaluator=make_member(bank, "Eve Shaw", role="evaluator", group="professional",
                              email="eve@example.org", password=PASSWORD))


def sign_in(client, member, password=PASSWORD):
    response = client.post("/sign-in", data={"email": member.email, "password": password})
    assert response.status_code == 302, response.data
    return response


def token():
    """A fresh form token, as a page would put in a form."""
    return secrets.token_urlsafe(24)


def published(owner, coordinator, *, title, kind="offer", category="Gardening",
              description=""):
    listing = listings.create(owner, kind=kind, title=title, description=description,
                              category=category, now=utcnow())
    return listings.approve(coordinator, listing.id, now=utcnow())


def text(response):
    return response.get_data(as_text=True)


def field_error(html, field):
    """The error message shown at a field, or None."""
    match = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', html, re.S)
    if not match:
        return None
    return html_module.unescape(re.sub(r"<[^>]+>", "", match.group(1)).replace("Error:", "")).strip()
