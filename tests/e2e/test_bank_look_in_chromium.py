"""A bank's own look in Chromium: a coordinator sets a colour and a logo on the settings page;
the bank's pages show them, another bank's pages don't. And the coordinator's menu on a phone:
at most two rows, opened and closed with the keyboard."""

import pytest

from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.signing_in import sign_in
from tests.support.factories import make_bank, make_member
from tests.support.pictures import png
from tests.web.coordinator.support import PASSWORD, make_world

pytestmark = pytest.mark.e2e

PURPLE = "rgb(90, 45, 130)"       # #5a2d82, the colour the coordinator chooses
DEFAULT_BLUE = "rgb(29, 79, 145)"  # #1d4f91, site.css's --brand


def style(page, selector, prop):
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


def logo_loaded(page):
    return page.eval_on_selector(".brand-logo", "img => img.complete && img.naturalWidth > 0")


@pytest.fixture
def two_banks(live_app):
    world = make_world("riverside")
    other = make_bank("hillside")
    hilda = make_member(other, "Hilda Hill", email="hilda@example.org", password=PASSWORD)
    return world, hilda


def test_a_banks_colour_and_logo_are_on_its_pages_and_not_on_anothers(live_app, browser,
                                                                       two_banks):
    world, hilda = two_banks
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, base, world.coordinator, PASSWORD)
        page.goto(base + "/coordinate/settings")
        assert axe_violations(page) == []
        assert style(page, ".site-header", "backgroundColor") == DEFAULT_BLUE

        page.fill("#colour", "#ffcc00")
        page.fill("#look_reason", "Our own colours")
        page.get_by_role("button", name="Save the look").click()
        summary = page.locator(".error-summary")
        assert "1.51:1" in summary.inner_text() and "4.5:1" in summary.inner_text()
        assert axe_violations(page) == []

        page.fill("#colour", "#5a2d82")
        page.fill("#welcome_text_en", "Welcome to Riverside!")
        page.fill("#welcome_text_cy", "Croeso i Lan yr Afon!")
        page.fill("#contact_phone", "01632 960 123")
        page.fill("#look_reason", "Our own colours")
        page.get_by_role("button", name="Save the look").click()
        assert "Saved the look" in page.locator(".notice-success").inner_text()
        page.set_input_files("#logo", files=[{"name": "logo.png", "mimeType": "image/png",
                                              "buffer": png(40, 20, (90, 45, 130))}])
        page.fill("#logo_reason", "Our new logo")
        page.get_by_role("button", name="Save the logo").click()
        assert "Saved the logo" in page.locator(".notice-success").inner_text()

        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900})
            for path in ("/coordinate/settings", "/home"):
                page.goto(base + path)
                assert style(page, ".site-header", "backgroundColor") == PURPLE, path
                assert logo_loaded(page), path
                assert page.get_attribute(".brand-logo", "alt") == world.bank.name
                assert axe_violations(page) == [], (path, width)
                screenshot(page, f"bank-look-{path.strip('/').replace('/', '-')}-{width}")
        assert style(page, "main .bank-welcome", "borderLeftColor") == PURPLE
        assert style(page, "main a", "color") == PURPLE
        assert "01632 960 123" in page.locator("footer").inner_text()

        page.get_by_role("button", name="Sign out").click()
        sign_in(page, base, world.alice, PASSWORD)
        assert style(page, ".site-header", "backgroundColor") == PURPLE and logo_loaded(page)
        assert "Welcome to Riverside!" in page.locator("main").inner_text()
        page.goto(base + "/language/cy?next=/home")
        assert "Croeso i Lan yr Afon!" in page.locator("main").inner_text()
        assert axe_violations(page) == []
        page.locator("button.link-button[type=submit]").last.click()

        sign_in(page, base, hilda, PASSWORD)
        assert style(page, ".site-header", "backgroundColor") == DEFAULT_BLUE
        assert page.locator(".brand-logo").count() == 0
        assert "riverside" not in page.content()
        assert "Welcome to Riverside!" not in page.content()
        assert axe_violations(page) == []
    finally:
        context.close()


def rows_of(page, selector):
    """How many rows the visible items of a list take."""
    tops = page.eval_on_selector_all(
        selector, "items => items.filter(i => i.offsetParent !== null)"
                  ".map(i => Math.round(i.getBoundingClientRect().top))")
    return len(set(tops))


def test_the_coordinators_menu_on_a_phone_is_two_rows_and_opens_and_closes(live_app, browser,
                                                                           two_banks):
    world, _hilda = two_banks
    base = live_app.config["LIVE_URL"]
    context = browser.new_context(viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, base, world.coordinator, PASSWORD)
        nav = page.get_by_role("navigation", name="Main")
        assert rows_of(page, "nav.main-nav > ul > li") <= 2
        members = nav.get_by_role("link", name="Members")
        assert not members.is_visible()
        summary = nav.locator("summary")
        summary.focus()
        page.keyboard.press("Enter")
        assert members.is_visible()
        assert page.eval_on_selector("nav.main-nav details", "d => d.open")
        assert axe_violations(page) == []
        screenshot(page, "coordinator-menu-open-360")
        page.keyboard.press("Enter")
        assert not members.is_visible()
        summary.click()
        members.click()
        page.wait_for_url(base + "/coordinate/members")
        assert rows_of(page, "nav.main-nav > ul > li") <= 2

        page.set_viewport_size({"width": 1280, "height": 800})
        assert nav.locator("summary").is_hidden()
        assert nav.get_by_role("link", name="Settings").is_visible()  # the full menu
    finally:
        context.close()
