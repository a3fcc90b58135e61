"""A member finds an offer, records the time, and the other member confirms it: in Chromium,
once with the mouse and once with the keyboard alone."""

import re

import pytest

from tests.e2e.keyboard import (
    field,
    focused,
    named,
    sign_in_from_link,
    sign_in_with_keyboard,
    sign_out_with_keyboard,
    tab_to,
)
from tests.e2e.member_world import PASSWORD, build
from tests.e2e.signing_in import sign_in

pytestmark = pytest.mark.e2e


def _balance(page):
    return page.locator(".balance-figure").inner_text()




def test_a_member_finds_an_offer_records_time_and_the_other_confirms(live_app, page):
    world = build(live_app)
    sign_in(page, world.base, world.bob, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Offers and requests").click()
    page.get_by_label("Search").fill("garden")
    page.get_by_role("button", name="Search").click()
    assert "1 offer or request found" in page.locator("h2.results-heading").inner_text()
    page.get_by_role("link", name=re.compile(r"^Record time for this\W+Help in your garden$")).click()
    assert page.locator("h1").inner_text() == "Record time with Alice Jones"
    assert page.get_by_label("I received time from Alice Jones").is_checked()
    page.get_by_label("Hours").fill("1")
    page.get_by_label("Minutes").fill("30")
    page.get_by_role("button", name="Record it").click()
    assert page.locator("h1").inner_text() == "Time recorded"
    assert "Alice Jones gave you 1 h 30 min" in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.base, world.alice, PASSWORD)
    assert _balance(page) == "0 min"
    page.get_by_role("button", name=re.compile(r"^Yes, confirm")).click()
    page.wait_for_url("**/home")
    assert "1 h 30 min is now in both time accounts" in page.get_by_role("status").inner_text()
    assert _balance(page) == "1 h 30 min"
    assert "Nothing needs your confirmation." in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.base, world.bob, PASSWORD)
    assert _balance(page) == "−1 h 30 min"


def test_the_same_journey_with_the_keyboard_alone(live_app, page):
    world = build(live_app)
    page.goto(world.base + "/")
    sign_in_from_link(page, world.bob.email, PASSWORD)

    tab_to(page, named("a", "Offers and requests"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/offers-and-requests")
    tab_to(page, field("q"))
    page.keyboard.type("garden")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=garden**")
    tab_to(page, named("a", "Record time for this"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/exchanges/new?listing=*")
    tab_to(page, field("hours"))
    page.keyboard.type("1")
    tab_to(page, field("minutes"))
    page.keyboard.type("30")
    tab_to(page, named("button", "Record it"))
    page.keyboard.press("Space")
    page.wait_for_url("**/recorded")
    assert page.locator("h1").inner_text() == "Time recorded"
    sign_out_with_keyboard(page, world.base)

    sign_in_from_link(page, world.alice.email, PASSWORD)
    tab_to(page, named("button", "Yes, confirm"))
    page.keyboard.press("Space")
    # The confirmation comes back to /home, where Alice already is: wait for its message,
    # not for the address, or the balance may be read from the page before.
    assert "is now in both time accounts" in page.get_by_role("status").inner_text()
    assert _balance(page) == "1 h 30 min"
    sign_out_with_keyboard(page, world.base)

    sign_in_from_link(page, world.bob.email, PASSWORD)
    assert _balance(page) == "−1 h 30 min"


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(live_app, page):
    world = build(live_app)
    page.goto(world.base + "/sign-in")
    sign_in_with_keyboard(page, world.alice.email, PASSWORD)
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"


def test_sending_the_same_form_twice_records_the_time_once(live_app, page):
    """A double click, then the very same form sent again over HTTP with the browser's
    session (as a second click that got through would): one exchange, the same answer."""
    from timebank.extensions import db
    from timebank.models import Exchange

    world = build(live_app)
    sign_in(page, world.base, world.bob, PASSWORD)
    page.goto(world.base + f"/exchanges/new?member={world.alice.id}")
    page.get_by_label("I received time from Alice Jones").check()
    page.get_by_label("Hours").fill("2")
    sent = page.evaluate("() => Object.fromEntries(new FormData("
                         "document.querySelector('main form[method=post]')))")
    assert sent["form_token"] and sent["csrf_token"]
    page.get_by_role("button", name="Record it").dblclick()
    page.wait_for_url("**/recorded")
    again = page.request.post(world.base + "/exchanges/new", form=sent)
    assert again.ok and again.url == page.url
    db.session.rollback()  # end this thread's read snapshot; the server wrote meanwhile
    assert db.session.query(Exchange).count() == 1
