"""Single-use account links: stored hashed, spent once, gone when they expire."""

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.support.api import token_for
from tests.support.factories import NOW, make_bank, make_member
from tests.support.http import dump_database
from tests.support.passwords import use_fast_hasher
from timebank.extensions import db
from timebank.models import AccountLink, ApiToken, User
from timebank.services import account_links, auth, outbox
from timebank.services.errors import ValidationFailed
from timebank.services.mail_transports import MemoryTransport

LINK = f"https://bank.example/reset-password/{outbox.TOKEN_MARK}"
NEW_PASSWORD = "a brand new phrase"


@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch):
    use_fast_hasher(monkeypatch)


@pytest.fixture
def ann(app):
    return make_member(make_bank(), "Ann", password="the first password")


def _mailed_token(now=NOW):
    sender = MemoryTransport()
    outbox.deliver_due(transport=sender, now=now)
    [envelope] = sender.sent
    return re.search(r"/reset-password/([\w-]+)", envelope.body).group(1)


def test_a_reset_link_sets_a_new_password_once(ann):
    account_links.request_password_reset(ann.email, link=LINK, now=NOW)
    token = _mailed_token()
    api_token = token_for(ann)
    account_links.reset_password(token, NEW_PASSWORD, now=NOW + dt.timedelta(minutes=5))
    user = db.session.get(User, ann.user_id)
    assert auth.check_credentials(ann.email, NEW_PASSWORD, now=NOW).id == user.id
    assert user.email_verified_at is not None
    assert db.session.scalar(select(ApiToken.revoked_at)
                             .where(ApiToken.token_hash == auth.token_digest(api_token)))
    with pytest.raises(ValidationFailed) as used:
        account_links.reset_password(token, "yet another phrase", now=NOW + dt.timedelta(minutes=6))
    assert "token" in used.value.errors
    assert auth.check_credentials(ann.email, NEW_PASSWORD, now=NOW)


def test_a_reset_link_expires(ann):
    account_links.request_password_reset(ann.email, link=LINK, now=NOW,
                                         lifetime=dt.timedelta(minutes=30))
    token = _mailed_token()
    with pytest.raises(ValidationFailed) as expired:
        account_links.reset_password(token, NEW_PASSWORD, now=NOW + dt.timedelta(minutes=30))
    assert "token" in expired.value.errors
    assert auth.check_credentials(ann.email, "the first password", now=NOW)


def test_the_token_is_stored_only_as_a_hash_and_only_once_mailed(ann):
    account_links.request_password_reset(ann.email, link=LINK, now=NOW)
    assert db.session.scalar(select(AccountLink.token_hash)) is None
    db.session.rollback()
    token = _mailed_token()
    everything = dump_database()
    assert token not in everything
    assert outbox.link_digest(token) in everything


def test_a_weak_new_password_is_refused_and_the_link_still_works(ann):
    account_links.request_password_reset(ann.email, link=LINK, now=NOW)
    token = _mailed_token()
    with pytest.raises(ValidationFailed) as weak:
        account_links.reset_password(token, "short", now=NOW)
    assert set(weak.value.errors) == {"password"}
    account_links.reset_password(token, NEW_PASSWORD, now=NOW)


def test_an_unknown_address_gets_nothing_and_no_error(ann):
    account_links.request_password_reset("nobody@example.org", link=LINK, now=NOW)
    sender = MemoryTransport()
    outbox.deliver_due(transport=sender, now=NOW)
    assert sender.sent == []


def test_a_newer_reset_spends_the_older_links_when_used(ann):
    account_links.request_password_reset(ann.email, link=LINK, now=NOW)
    first = _mailed_token()
    account_links.request_password_reset(ann.email, link=LINK, now=NOW)
    second = _mailed_token()
    account_links.reset_password(second, NEW_PASSWORD, now=NOW)
    with pytest.raises(ValidationFailed):
        account_links.reset_password(first, "yet another phrase", now=NOW)
