"""Coordinator pages in a real Chromium: the main journey, accessibility, and layouts at
360 px and 1280 px without horizontal scrolling."""

import pytest

from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.signing_in import sign_in
from tests.support.factories import make_member
from tests.web.coordinator.support import (
    PASSWORD,
    disputed_exchange,
    exchange_to_approve,
    make_world,
    pending_listing,
)
from timebank.models._types import utcnow
from timebank.services import exchanges

pytestmark = pytest.mark.e2e




def horizontal_overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture
def busy_bank(live_app):
    world = make_world()
    make_member(world.bank, "Nina Newcomer", status="pending", skills="Baking")
    pending_listing(world, "Hedge cutting")
    exchange_to_approve(world)
    disputed_exchange(world)
    posted = exchanges.log(world.coordinator, provider_id=world.alice.id,
                           receiver_id=world.bob.id, minutes=90, occurred_on=utcnow().date(),
                           description="Weeding", now=utcnow())
    make_member(world.bank, "Riverside Day Centre", group="organisation")
    return world, posted


def test_a_coordinator_approves_a_member_and_a_listing_and_records_a_group_credit(
        live_app, page, busy_bank):
    world, _posted = busy_bank
    base = live_app.config["LIVE_URL"]
    sign_in(page, base, world.coordinator, PASSWORD)

    page.get_by_role("link", name="Queue (4)").click()
    assert page.locator("h1").inner_text() == "Waiting for a decision"
    page.get_by_role("button", name="Approve Nina Newcomer").click()
    assert "Nina Newcomer is now an active member" in page.locator(".notice-success").inner_text()

    page.get_by_role("button", name="Publish this offer").click()
    assert "Published: “Hedge cutting”" in page.locator(".notice-success").inner_text()
    assert page.get_by_role("link", name="Queue (2)").is_visible()

    page.get_by_role("link", name="Group credit").click()
    page.select_option("#activity_id", label="Garden group (Co-produce)")
    page.select_option("#from_account", label="Riverside Day Centre")
    page.get_by_label("The members gave their time to it").check()
    page.fill("#q", "alice")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Alice Able").check()
    page.fill("#q", "nina")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_label("Alice Able").is_checked()
    page.get_by_label("Nina Newcomer").check()
    page.fill("#minutes", "2")
    page.fill("#minutes-mins", "30")
    page.fill("#description", "Planting the beds")
    page.get_by_role("button", name="Record the session").click()
    assert ("Recorded one entry: 2 members, 2 h 30 min each."
            in page.locator(".notice-success").inner_text())

    page.goto(base + "/coordinate/audit")
    log = page.locator("main table").inner_text()
    assert "Recorded a group session" in log and "Published an offer or request" in log
    assert "Changed a member" in log


def test_errors_are_summarised_and_shown_at_the_field_in_the_browser(live_app, page, busy_bank):
    world, _posted = busy_bank
    base = live_app.config["LIVE_URL"]
    sign_in(page, base, world.coordinator, PASSWORD)
    page.goto(base + "/coordinate/record")
    page.select_option("#provider_id", label="Alice Able – Local resident")
    page.fill("#minutes", "lots")
    page.get_by_role("button", name="Record and post").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible() and "There is a problem" in summary.inner_text()
    assert page.locator("#receiver_id-error").is_visible()
    assert page.locator("#minutes").input_value() == "lots"
    assert axe_violations(page) == []
    page.goto(base + "/coordinate")
    page.get_by_text("Decline instead").click()
    page.get_by_role("button", name="Decline Nina Newcomer").click()
    assert page.locator(".error-summary").is_visible()
    assert axe_violations(page) == []


PAGES = {
    "queue": "/coordinate",
    "members": "/coordinate/members",
    "member": "/coordinate/members/{alice}",
    "new-member": "/coordinate/members/new",
    "record": "/coordinate/record",
    "group-credit": "/coordinate/group-credit",
    "exchanges": "/coordinate/exchanges",
    "exchange": "/coordinate/exchanges/{posted}",
    "pool": "/coordinate/pool",
    "categories": "/coordinate/categories",
    "activities": "/coordinate/activities",
    "settings": "/coordinate/settings",
    "audit": "/coordinate/audit",
    "ledger": "/coordinate/ledger?check=1",
}


def test_every_coordinator_page_has_no_serious_accessibility_problems(live_app, page,
                                                                      busy_bank):
    world, posted = busy_bank
    base = live_app.config["LIVE_URL"]
    sign_in(page, base, world.coordinator, PASSWORD)
    problems = {}
    for name, path in PAGES.items():
        page.goto(base + path.format(alice=world.alice.id, posted=posted.id))
        for details in page.locator("details").all():
            details.evaluate("d => d.open = true")
        found = axe_violations(page)
        if found:
            problems[name] = found
    assert problems == {}


def test_admin_page_has_no_serious_accessibility_problems(live_app, page, busy_bank):
    world, _posted = busy_bank
    admin = make_member(world.bank, "Ada Admin", role="coordinator", password=PASSWORD,
                        is_admin=True)
    base = live_app.config["LIVE_URL"]
    sign_in(page, base, admin, PASSWORD)
    page.goto(base + "/admin/banks")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [360, 1280])
def test_main_coordinator_pages_fit_the_screen(live_app, browser, busy_bank, width):
    world, posted = busy_bank
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, base, world.coordinator, PASSWORD)
        overflowing, problems = {}, {}
        for name, path in PAGES.items():
            page.goto(base + path.format(alice=world.alice.id, posted=posted.id))
            screenshot(page, f"coordinate-{name}-{width}")
            if horizontal_overflow(page) > 0:
                overflowing[name] = horizontal_overflow(page)
            # axe at 1280 px is above; on a phone, tables that scroll must take the focus.
            if width == 360 and (found := axe_violations(page)):
                problems[name] = found
        assert overflowing == {}
        assert problems == {}
    finally:
        context.close()
