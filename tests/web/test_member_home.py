"""The home page: balance, what waits, my listings, recent exchanges, and gentle nudges."""

import datetime as dt
import re

from tests.support.factories import post_exchange
from tests.web.conftest import published, sign_in, text
from timebank.models._types import utcnow
from timebank.services import exchanges


def test_the_balance_is_shown_in_hours_and_minutes(client, people):
    post_exchange(people.bank, people.alice, people.bob, 90)
    sign_in(client, people.alice)
    html = text(client.get("/home"))
    assert '<p class="balance-figure">1 h 30 min</p>' in html


def test_someone_who_has_only_given_is_invited_to_ask_for_help(client, people):
    post_exchange(people.bank, people.alice, people.bob, 600)
    post_exchange(people.bank, people.alice, people.coordinator, 120)
    sign_in(client, people.alice)
    html = text(client.get("/home"))
    assert ("You have given 12 h — thank you. Is there something you would like help with?"
            in html)
    assert "/offers-and-requests?kind=offer" in html


def test_someone_who_has_only_received_is_asked_what_they_could_bring(client, people):
    post_exchange(people.bank, people.alice, people.bob, 45)
    sign_in(client, people.bob)
    html = text(client.get("/home"))
    assert "You have received 45 min from your neighbours." in html
    assert "Everyone has something to bring: what could you offer in return?" in html
    words = re.sub(r"<[^>]+>", " ", html).lower()  # what is read, not the forms' random tokens
    for unkind in ("needy", "in debt", "owe", "deficit"):
        assert not re.search(rf"\b{unkind}", words), unkind


def test_no_nudge_once_time_flows_both_ways_and_a_welcome_before(client, people):
    sign_in(client, people.alice)
    assert "Everyone has something to bring, and everyone needs a hand" in text(
        client.get("/home"))
    post_exchange(people.bank, people.alice, people.bob, 60)
    post_exchange(people.bank, people.bob, people.alice, 30)
    html = text(client.get("/home"))
    assert 'class="nudge"' not in html


def test_reversed_exchanges_and_gifts_to_the_pool_do_not_count_for_the_nudge(client, people):
    exchange = exchanges.log(people.coordinator, provider_id=people.bob.id,
                             receiver_id=people.alice.id, minutes=60,
                             occurred_on=utcnow().date(), now=utcnow())
    exchanges.reverse(people.coordinator, exchange.id, reason="Mistake", now=utcnow())
    post_exchange(people.bank, people.alice, people.bob, 60)
    sign_in(client, people.alice)
    assert "You have given 1 h — thank you." in text(client.get("/home"))


def test_home_lists_what_waits_my_listings_and_recent_exchanges(client, people):
    waiting = exchanges.log(people.bob, provider_id=people.bob.id, receiver_id=people.alice.id,
                            minutes=60, occurred_on=utcnow().date(),
                            description="Set up the tablet", now=utcnow())
    exchanges.log(people.alice, provider_id=people.alice.id, receiver_id=people.bob.id,
                  minutes=45, occurred_on=utcnow().date() - dt.timedelta(days=1), now=utcnow())
    published(people.alice, people.coordinator, title="Help in your garden")
    sign_in(client, people.alice)
    html = text(client.get("/home"))
    assert "Bob Evans gave you 1 h" in html and "“Set up the tablet”" in html
    assert f'action="/exchanges/{waiting.id}/confirm"' in html
    assert "No, something is wrong" in html
    assert "Waiting for the other person" in html and "You gave 45 min to Bob Evans" in html
    assert "Help in your garden" in html and "Published" in html
    assert "Recent exchanges" in html and 'href="/exchanges"' in html


def test_the_member_directory_shows_what_people_can_bring(client, people):
    sign_in(client, people.alice)
    html = text(client.get("/members"))
    assert "Bob Evans" in html and "Lifts, computers" in html
    assert f'/exchanges/new?member={people.bob.id}"' in html
    assert f'/exchanges/new?member={people.evaluator.id}"' not in html
    html = text(client.get("/members?q=COMPUTERS"))
    assert "1 member" in html and "Bob Evans" in html and "Alice Jones" not in html
    assert client.get("/members?q=" + "x" * 101).status_code == 422
