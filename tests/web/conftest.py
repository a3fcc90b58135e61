"""A small time bank with people who can sign in, for the page tests."""

import html as html_module
import re
import secrets
from dataclasses import dataclass

import pytest
from argon2 import PasswordHasher
from flask import g

from tests.support.factories import make_bank, make_member
from timebank.models import Bank, Member
from timebank.models._types import utcnow
from timebank.services import catalogue, listings, passwords

PASSWORD = "a long walk by the river"


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch):
    """Page tests sign people in a lot; a light Argon2 keeps them quick (the real one is
    exercised by the sign-in and API tests)."""
    monkeypatch.setattr(passwords, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """In production each request has its own application context, so Flask-Login loads the
    signed-in user, and Flask-WTF the CSRF token, afresh. The test app context spans the
    whole test, so forget what they cache in `g` when a request starts; otherwise a second
    client would see the first one's user, and a renewed session would get a stale token."""

    def forget():
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget)


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
