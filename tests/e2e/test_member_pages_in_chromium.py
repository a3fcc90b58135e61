"""Every member page in Chromium: no serious accessibility problems (axe-core), no sideways
scrolling on a 360 px phone, screenshots for people to look at, and a printable statement."""

import re

import pytest

from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.member_world import PASSWORD, build
from tests.e2e.signing_in import sign_in
from timebank.extensions import db
from timebank.models import Exchange

pytestmark = pytest.mark.e2e

WIDTHS = (360, 1280)




def _member_pages(world):
    waiting = db.session.query(Exchange).filter_by(status="awaiting_confirmation").one()
    return {
        "home": "/home",
        "offers-and-requests": "/offers-and-requests",
        "offers-none-found": "/offers-and-requests?q=zebra",
        "listing-new": "/listings/new",
        "my-listings": "/listings",
        "record-choose": "/exchanges/new",
        "record-form": f"/exchanges/new?member={world.bob.id}",
        "exchange": f"/exchanges/{waiting.id}",
        "exchange-recorded": f"/exchanges/{waiting.id}/recorded",
        "my-exchanges": "/exchanges",
        "statement": "/statement",
        "profile": "/profile",
        "donate": "/pool/donate",
        "members": "/members",
    }


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_member_pages_have_no_serious_accessibility_problems(live_app, page):
    world = build(live_app, history=True)
    sign_in(page, world.base, world.alice, PASSWORD)
    for name, path in _member_pages(world).items():
        page.goto(world.base + path)
        assert axe_violations(page) == [], name


def test_pages_with_errors_have_no_serious_accessibility_problems(live_app, page):
    world = build(live_app, history=True)
    sign_in(page, world.base, world.alice, PASSWORD)
    forms = [("/listings/new", "Post it"), (f"/exchanges/new?member={world.bob.id}", "Record it"),
             ("/pool/donate", "Give these hours"), ("/profile", "Change password")]
    for path, button in forms:
        page.goto(world.base + path)
        page.get_by_role("button", name=button).click()
        summary = page.locator(".error-summary")
        assert summary.is_visible(), path
        assert page.title().startswith("Error:") or button == "Change password"
        assert axe_violations(page) == [], path
    page.goto(world.base + "/statement?from=2026-02-30")
    assert axe_violations(page) == []
    waiting = db.session.query(Exchange).filter_by(status="awaiting_confirmation").one()
    page.goto(world.base + f"/exchanges/{waiting.id}")
    page.get_by_role("button", name="Send to a coordinator").click()
    assert page.locator("#reason-error").is_visible()
    assert axe_violations(page) == []


def test_the_evaluator_home_has_no_serious_accessibility_problems(live_app, page):
    world = build(live_app)
    sign_in(page, world.base, world.evaluator, PASSWORD)
    assert axe_violations(page) == []
    assert "Record time" not in page.locator("nav[aria-label=Main]").inner_text()


@pytest.mark.parametrize("width", WIDTHS)
def test_member_pages_fit_the_screen_and_are_photographed(live_app, page, width):
    world = build(live_app, history=True)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, world.base, world.alice, PASSWORD)
    problems = {}
    for name, path in _member_pages(world).items():
        page.goto(world.base + path)
        assert _no_sideways_scroll(page), f"{name} scrolls sideways at {width} px"
        screenshot(page, f"member-{name}-{width}")
        # axe at 1280 px is above; on a phone, tables that scroll must take the focus.
        if width == 360 and (found := axe_violations(page)):
            problems[name] = found
    assert problems == {}


def test_the_statement_prints_without_navigation_or_forms(live_app, page):
    world = build(live_app, history=True)
    sign_in(page, world.base, world.alice, PASSWORD)
    page.goto(world.base + "/statement")
    page.emulate_media(media="print")
    assert not page.locator("nav[aria-label=Main]").is_visible()
    assert not page.locator("form.period-form").is_visible()
    assert page.locator("table.statement").is_visible()
    assert re.search(r"Set up the tablet", page.locator("table.statement").inner_text())
    screenshot(page, "member-statement-print")
