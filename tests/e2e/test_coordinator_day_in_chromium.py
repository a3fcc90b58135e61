"""In a real Chromium: the coordinator's day page, the warning before an approval a limit
would refuse (and following its link to change the limit), correcting a dispute; and the
new and changed pages without serious accessibility problems at 360 px and 1280 px."""

import datetime as dt

import pytest

from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.signing_in import sign_in
from tests.support.factories import make_member, post_exchange
from tests.web.coordinator.support import (
    PASSWORD,
    disputed_exchange,
    exchange_to_approve,
    make_world,
)
from timebank.models._types import utcnow

pytestmark = pytest.mark.e2e


@pytest.fixture
def day(live_app):
    world = make_world()
    giver = make_member(world.bank, "Gina Giver", password=PASSWORD)
    post_exchange(world.bank, giver, world.bob, 60,
                  occurred_on=utcnow().date() - dt.timedelta(days=3), now=utcnow())
    too_much = exchange_to_approve(world, minutes=660)  # Alice's floor is −10 h
    dispute = disputed_exchange(world)
    return world, too_much, dispute


def test_the_day_page_shows_what_waits_and_who_to_call(live_app, page, day):
    world, _too_much, _dispute = day
    base = live_app.config["LIVE_URL"]
    sign_in(page, base, world.coordinator, PASSWORD)
    page.goto(base + "/coordinate")
    page.get_by_role("link", name="Today: what needs doing, and who may need a call").click()
    assert page.locator("h1").inner_text() == "Today"
    assert "Disputes: 1" in page.locator("main").inner_text()
    give_only = page.locator("section", has=page.locator("#call-give_only"))
    receive_only = page.locator("section", has=page.locator("#call-receive_only"))
    assert "Gina Giver" in give_only.inner_text()
    assert "Bob Baker" in receive_only.inner_text()
    assert "Gina Giver" not in receive_only.inner_text()
    page.get_by_role("link", name="Only gave: 1").click()
    assert page.locator("h1").inner_text() == "Members who may need a call"


def test_the_queue_warns_before_an_approval_and_links_to_the_limit(live_app, page, day):
    world, too_much, _dispute = day
    base = live_app.config["LIVE_URL"]
    sign_in(page, base, world.coordinator, PASSWORD)
    page.goto(base + "/coordinate")
    warning = page.locator(f"#limits-{too_much.id}")
    assert ("Alice Able's balance is 0 min; receiving 11 h would take it to −11 h, below the "
            "lowest allowed, −10 h.") in warning.inner_text()
    page.get_by_role("button", name="Approve and post").click()
    refusal = page.locator(".notice-error")
    assert "below the lowest allowed" in refusal.inner_text()
    refusal.get_by_role("link", name="Change Alice Able's limits").click()
    assert page.url.endswith(f"/coordinate/members/{world.alice.id}#change")
    page.fill("#below", "12")
    page.fill("#below-mins", "0")
    page.fill("#reason", "Agreed a longer limit while she recovers")
    page.get_by_role("button", name="Save changes").click()
    page.goto(base + "/coordinate")
    assert page.locator(f"#limits-{too_much.id}").count() == 0
    page.get_by_role("button", name="Approve and post").click()
    assert "Posted: Cara Carer gave 11 h to Alice Able." in page.locator(
        ".notice-success").inner_text()


def test_a_coordinator_corrects_a_dispute(live_app, page, day):
    world, _too_much, dispute = day
    base = live_app.config["LIVE_URL"]
    sign_in(page, base, world.coordinator, PASSWORD)
    page.goto(base + "/coordinate")
    page.get_by_role("link", name="Correct the time, then post it").click()
    assert page.url.endswith(f"/coordinate/exchanges/{dispute.id}#correct")
    assert page.locator("#minutes").input_value() == "3"
    page.fill("#minutes", "1")
    page.get_by_role("button", name="Correct and post").click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#correct-reason-error").is_visible()
    assert page.locator("#minutes").input_value() == "1"
    page.fill("#correct-reason", "Alice and Dan agree it was one hour")
    page.get_by_role("button", name="Correct and post").click()
    assert "Corrected and posted: Dan Driver gave 1 h to Alice Able." in page.locator(
        ".notice-success").inner_text()
    page.goto(base + f"/coordinate/audit?member_id={world.alice.id}")
    log = page.locator("main table").inner_text()
    assert "Corrected a disputed exchange" in log and "time: 3 h → 1 h" in log


def _pages(world, too_much, dispute):
    return {
        "today": "/coordinate/today",
        "queue-with-warning": "/coordinate",
        "exchange-with-warning": f"/coordinate/exchanges/{too_much.id}",
        "dispute-correction": f"/coordinate/exchanges/{dispute.id}",
        "audit-of-a-member": f"/coordinate/audit?member_id={world.alice.id}",
    }


@pytest.mark.parametrize("width", [360, 1280])
def test_the_new_pages_are_accessible_and_fit(live_app, browser, day, width):
    world, too_much, dispute = day
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, base, world.coordinator, PASSWORD)
        problems, overflowing = {}, {}
        for name, path in _pages(world, too_much, dispute).items():
            page.goto(base + path)
            for details in page.locator("details").all():
                details.evaluate("d => d.open = true")
            screenshot(page, f"coordinate-{name}-{width}")
            if found := axe_violations(page):
                problems[name] = found
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                overflowing[name] = overflow
        page.goto(base + f"/coordinate/exchanges/{dispute.id}")
        page.fill("#minutes", "")
        page.get_by_role("button", name="Correct and post").click()
        if found := axe_violations(page):
            problems["correction-errors"] = found
        page.fill("#minutes", "11")
        page.fill("#correct-reason", "It was longer")
        page.get_by_role("button", name="Correct and post").click()
        assert "below the lowest allowed" in page.locator("#minutes-error").inner_text()
        if found := axe_violations(page):
            problems["correction-refused-by-a-limit"] = found
        assert problems == {}
        assert overflowing == {}
    finally:
        context.close()
