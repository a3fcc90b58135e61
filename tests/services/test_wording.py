"""Refusals that put a status into words read the same in English and Welsh now that the words
come from timebank.wording (the Welsh is read from the catalogue, not from the code)."""

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale

from tests.support.factories import NOW
from tests.support.passwords import use_fast_hasher
from tests.support.world import PASSWORD, build_world
from timebank.models import ExchangeStatus, ListingStatus, MemberStatus
from timebank.services import auth, exchanges, members
from timebank.services.errors import Forbidden, InvalidTransition
from timebank.wording import statuses

WELSH = Path(__file__).resolve().parents[2] / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
REFUSAL = "This exchange is %(status)s, so it can't be confirmed now."


@pytest.fixture
def world(app, monkeypatch):
    use_fast_hasher(monkeypatch)
    return build_world()


def _welsh(message):
    with WELSH.open("rb") as source:
        return read_po(source, locale="cy")[message].string


def _cancelled_exchange(world):
    member, other = world.people["member"], world.people["other_member"]
    exchange = exchanges.log(member, provider_id=member.id, receiver_id=other.id, minutes=60,
                             occurred_on=dt.date(2026, 5, 31), description="Gardening", now=NOW)
    exchanges.cancel(member, exchange.id, now=NOW)
    return exchange


def test_a_refused_confirmation_says_the_status_in_english(app, world):
    exchange = _cancelled_exchange(world)
    with app.test_request_context(), pytest.raises(InvalidTransition) as refused:
        exchanges.confirm(world.people["other_member"], exchange.id, now=NOW)
    assert refused.value.message == "This exchange is cancelled, so it can't be confirmed now."


def test_a_refused_confirmation_says_the_status_in_welsh(app, world):
    exchange = _cancelled_exchange(world)
    with app.test_request_context(), force_locale("cy"), pytest.raises(InvalidTransition) as refused:
        exchanges.confirm(world.people["other_member"], exchange.id, now=NOW)
    assert refused.value.message == _welsh(REFUSAL) % {"status": _welsh("cancelled")}


@pytest.mark.parametrize("status,english", [
    (MemberStatus.PENDING, "Your membership is waiting for a coordinator's approval."),
    (MemberStatus.SUSPENDED, "Your membership is suspended. Please talk to your coordinator."),
    (MemberStatus.LEFT, "Your membership has ended."),
])
def test_signing_in_with_a_membership_that_is_not_active_says_why(app, world, status, english):
    member = world.people["member"]
    members.update(world.people["coordinator"], member.id, {"status": status}, reason="Testing",
                   now=NOW)
    for locale, expected in (("en", english), ("cy", _welsh(english))):
        with app.test_request_context(), force_locale(locale), pytest.raises(Forbidden) as refused:
            auth.check_credentials(member.email, PASSWORD, now=NOW)
        assert refused.value.message == expected


def test_every_status_has_words_of_its_own_in_both_languages(app):
    for words, enum in ((statuses.exchange_status, ExchangeStatus),
                        (statuses.listing_status, ListingStatus),
                        (statuses.member_status, MemberStatus)):
        with app.test_request_context():
            english = [words(status) for status in enum]
        with app.test_request_context(), force_locale("cy"):
            welsh = [words(status) for status in enum]
        assert len(set(english)) == len(enum), english
        assert welsh == [_welsh(word) for word in english]
    with app.test_request_context():
        assert statuses.membership_refusal(None) == "You have no active membership."
