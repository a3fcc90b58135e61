"""Every member page renders, says who may see it, and offers the member navigation."""

import re

import pytest

from tests.web.conftest import published, sign_in, text
from timebank.models._types import utcnow
from timebank.services import exchanges

MEMBER_PAGES = ["/home", "/offers-and-requests", "/listings/new", "/listings", "/exchanges/new",
                "/exchanges", "/statement", "/profile", "/pool/donate", "/members"]


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_every_member_page_renders_with_one_h1_and_the_member_navigation(client, people, path):
    sign_in(client, people.alice)
    response = client.get(path)
    assert response.status_code == 200
    html = text(response)
    assert len(re.findall(r"<h1[ >]", html)) == 1
    nav = html[html.index('class="wrap main-nav"'):html.index("</nav>", html.index("main-nav"))]
    for label in ("Home", "Offers and requests", "Record time", "Statement", "Profile"):
        assert f">{label}</a>" in nav
    assert "Content-Security-Policy" in response.headers
    assert "<script" not in html and "style=" not in html


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_pages_ask_people_to_sign_in_first(client, people, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/sign-in" in response.location


def test_the_current_page_is_marked_in_the_navigation(client, people):
    sign_in(client, people.alice)
    html = text(client.get("/statement"))
    assert '<a href="/statement" aria-current="page">Statement</a>' in html


def test_coordinators_keep_their_own_navigation_entries(client, people):
    sign_in(client, people.coordinator)
    html = text(client.get("/home"))
    assert ">Queue (" in html and ">Record time</a>" in html and ">Record for others</a>" in html


def test_evaluators_get_a_short_home_page_and_no_member_pages(client, people, app):
    sign_in(client, people.evaluator)
    html = text(client.get("/home"))
    assert "never names or messages" in html
    assert "Record time" not in html and "Offers and requests" not in html
    assert 'href="/reports"' in html and "Read the reciprocity report" in html
    for path in ("/offers-and-requests", "/exchanges/new", "/members", "/pool/donate"):
        assert client.get(path).status_code == 403, path
    assert client.get("/profile").status_code == 200


def test_an_exchange_page_is_only_for_the_people_in_it(client, people):
    exchange = exchanges.log(people.alice, provider_id=people.alice.id,
                             receiver_id=people.bob.id, minutes=60,
                             occurred_on=utcnow().date(), description="Private", now=utcnow())
    sign_in(client, people.coordinator)
    assert client.get(f"/exchanges/{exchange.id}").status_code == 200
    client.post("/sign-out")
    from tests.support.factories import make_member
    from tests.web.conftest import PASSWORD

    carol = make_member(people.bank, "Carol", email="carol@example.org", password=PASSWORD)
    sign_in(client, carol)
    assert client.get(f"/exchanges/{exchange.id}").status_code == 404
    assert client.get(f"/exchanges/{exchange.id}/recorded").status_code == 404
    assert "Private" not in text(client.get("/exchanges"))
    client.post("/sign-out")
    sign_in(client, people.evaluator)
    assert client.get(f"/exchanges/{exchange.id}").status_code == 403
    assert client.get("/exchanges/99999999999").status_code == 404


def test_names_are_escaped_everywhere(client, people):
    from timebank.services import members

    members.update(people.bob, people.bob.id, {"name": "<b>Bob</b>"}, now=utcnow())
    published(people.bob, people.coordinator, title="<i>Lifts</i>", category="Lifts and transport")
    sign_in(client, people.alice)
    for path in ("/offers-and-requests", "/members", f"/exchanges/new?member={people.bob.id}"):
        html = text(client.get(path))
        assert "<b>Bob</b>" not in html and "&lt;b&gt;Bob&lt;/b&gt;" in html, path
    assert "<i>Lifts</i>" not in text(client.get("/offers-and-requests"))


def test_no_rates_or_prices_appear_on_member_pages(client, people):
    sign_in(client, people.alice)
    for path in MEMBER_PAGES:
        html = text(client.get(path)).lower()
        for word in ("£", "price", "rate ", "per hour", "credits posted"):
            assert word not in html, (path, word)
