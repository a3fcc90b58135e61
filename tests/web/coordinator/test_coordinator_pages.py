"""Every coordinator page renders for a coordinator, and nobody else gets in."""

import pytest

from tests.support.factories import make_member
from tests.web.coordinator.support import (
    PASSWORD,
    disputed_exchange,
    exchange_to_approve,
    make_world,
    pending_listing,
    recorded,
    sign_in,
    text_of,
)
from timebank import create_app
from timebank.models._types import utcnow
from timebank.services import exchanges

PAGES = ["/coordinate", "/coordinate/members", "/coordinate/members/new", "/coordinate/record",
         "/coordinate/group-credit", "/coordinate/exchanges", "/coordinate/pool",
         "/coordinate/categories", "/coordinate/activities", "/coordinate/settings",
         "/coordinate/audit", "/coordinate/ledger", "/coordinate/ledger?check=1"]


def test_every_coordinator_page_renders(coordinator, world):
    pending_listing(world)
    exchange_to_approve(world)
    disputed_exchange(world)
    posted = recorded(world, world.alice, world.bob, 90)
    for path in PAGES + [f"/coordinate/members/{world.alice.id}",
                         f"/coordinate/exchanges/{posted.id}",
                         "/coordinate/exchanges?status=posted",
                         f"/coordinate/exchanges?member_id={world.bob.id}",
                         "/coordinate/members?q=ali&group=citizen&status=active&page=1",
                         "/coordinate/audit?action=exchange.logged_for"]:
        response = coordinator.get(path)
        assert response.status_code == 200, path
        html = text_of(response)
        assert "<h1>" in html and '<main id="main"' in html, path


def test_the_queue_shows_every_kind_of_decision(coordinator, world):
    listing = pending_listing(world, "Hedge cutting")
    waiting = exchange_to_approve(world)
    disputed = disputed_exchange(world, reason="It was one hour, not three")
    newcomer = make_member(world.bank, "Nina Newcomer", status="pending")
    html = text_of(coordinator.get("/coordinate"))
    assert "Approve Nina Newcomer" in html
    assert "Offer: Hedge cutting" in html
    assert f"/coordinate/listings/{listing.id}/approve" in html
    assert f"/coordinate/exchanges/{waiting.id}/approve" in html
    assert "It was one hour, not three" in html
    assert f"/coordinate/exchanges/{disputed.id}/cancel" in html
    assert f"/coordinate/members/{newcomer.id}/decline" in html
    assert "4 decisions wait for you." in html


def test_navigation_has_the_coordinator_entries_with_the_queue_count(coordinator, world):
    pending_listing(world)
    html = text_of(coordinator.get("/coordinate/members"))
    for label in ("Queue (1)", "Members", "Record for others", "Group credit", "Settings"):
        assert f">{label}</a>" in html
    assert 'href="/coordinate/members" aria-current="page"' in html


def test_members_list_shows_balance_floor_and_alerts(coordinator, world):
    recorded(world, world.alice, world.bob, 570)
    html = text_of(coordinator.get("/coordinate/members"))
    assert "9 h 30 min" in html and "−9 h 30 min" in html
    assert "−10 h" in html
    assert "near floor" in html and "only gives" in html and "only receives" in html
    filtered = text_of(coordinator.get("/coordinate/members?q=alice"))
    assert "Alice Able" in filtered and "Bob Baker" not in filtered


def test_members_list_pages(coordinator, world):
    for n in range(30):
        make_member(world.bank, f"Zed {n:02d}")
    first = text_of(coordinator.get("/coordinate/members"))
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = text_of(coordinator.get("/coordinate/members?page=2"))
    assert "Zed 29" in second and 'rel="prev"' in second


@pytest.mark.parametrize("role", ["member", "evaluator"])
def test_members_and_evaluators_get_a_friendly_403(client, world, role):
    person = make_member(world.bank, "Not A Coordinator", role=role, password=PASSWORD)
    sign_in(client, person)
    for path in PAGES + ["/admin/banks", f"/coordinate/members/{world.alice.id}"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "see this page" in text_of(response) and "for the coordinators" in text_of(response)
    for path in (f"/coordinate/members/{world.bob.id}/approve", "/coordinate/record",
                 "/coordinate/group-credit", "/coordinate/pool", "/coordinate/settings"):
        assert client.post(path, data={}).status_code == 403, path


def test_signed_out_visitors_are_sent_to_sign_in(client, world):
    for path in ("/coordinate", "/coordinate/members", "/coordinate/record"):
        response = client.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_objects_of_another_bank_are_not_found(coordinator, world):
    other = make_world()
    stranger_exchange = exchanges.log(other.coordinator, provider_id=other.alice.id,
                                      receiver_id=other.bob.id, minutes=60,
                                      occurred_on=utcnow().date(), now=utcnow())
    assert coordinator.get(f"/coordinate/members/{other.alice.id}").status_code == 404
    assert coordinator.get(f"/coordinate/exchanges/{stranger_exchange.id}").status_code == 404
    for path in (f"/coordinate/members/{other.alice.id}/approve",
                 f"/coordinate/exchanges/{stranger_exchange.id}/reverse",
                 f"/coordinate/exchanges/{stranger_exchange.id}/approve"):
        assert coordinator.post(path, data={"reason": "x"}).status_code == 404, path
    assert coordinator.get("/coordinate/members/999999").status_code == 404
    listed = text_of(coordinator.get("/coordinate/members"))
    assert f"/coordinate/members/{world.alice.id}\"" in listed
    assert f"/coordinate/members/{other.alice.id}\"" not in listed


def test_forms_refuse_a_post_without_the_csrf_token(database_url, world):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/sign-in")
    token = text_of(page).split('name="csrf_token" value="')[1].split('"')[0]
    client.post("/sign-in", data={"email": world.coordinator.email, "password": PASSWORD,
                                  "csrf_token": token})
    html = text_of(client.get("/coordinate/record"))
    assert 'name="csrf_token"' in html
    for path in ("/coordinate/record", "/coordinate/group-credit", "/coordinate/settings",
                 f"/coordinate/members/{world.alice.id}", "/coordinate/categories",
                 f"/coordinate/members/{world.alice.id}/approve"):
        assert client.post(path, data={"reason": "x"}).status_code == 400, path
    listing_form = text_of(client.get("/coordinate/categories"))
    token = listing_form.split('name="csrf_token" value="')[1].split('"')[0]
    ok = client.post("/coordinate/categories", data={"name": "Lifts", "csrf_token": token})
    assert ok.status_code == 302


def test_every_post_form_carries_a_csrf_token(coordinator, world):
    pending_listing(world)
    exchange_to_approve(world)
    for path in PAGES + [f"/coordinate/members/{world.alice.id}", "/coordinate"]:
        html = text_of(coordinator.get(path))
        assert html.count('method="post"') == html.count('name="csrf_token"'), path


def test_an_admin_coordinates_their_own_bank_only(client, world):
    admin = make_member(world.bank, "Ada Admin", role="member", password=PASSWORD,
                        is_admin=True)
    sign_in(client, admin)
    assert client.get("/coordinate").status_code == 200
    assert client.get(f"/coordinate/members/{world.alice.id}").status_code == 200
    other = make_world()
    assert client.get(f"/coordinate/members/{other.alice.id}").status_code == 404
