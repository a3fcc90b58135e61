"""The member journey in Welsh, in Chromium: the browser asks for Welsh, the language switch
keeps it, every page says lang="cy" and has no serious or critical accessibility problem."""

import re

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.member_world import PASSWORD, build

pytestmark = pytest.mark.e2e


def _check(page, heading):
    assert page.locator("html").get_attribute("lang") == "cy", page.url
    assert page.locator("h1").first.inner_text() == heading, page.url
    assert axe_violations(page) == [], page.url


def test_a_member_uses_the_main_pages_in_welsh(live_app, browser):
    world = build(live_app)
    context = browser.new_context(locale="cy-GB", viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        page.goto(world.base + "/sign-in")
        _check(page, "Mewngofnodi")
        page.get_by_label("Cyfeiriad e-bost").fill(world.bob.email)
        page.get_by_label("Cyfrinair").fill(PASSWORD)
        page.get_by_role("button", name="Mewngofnodi").click()
        page.wait_for_url("**/home")
        assert page.locator("html").get_attribute("lang") == "cy"
        assert axe_violations(page) == []

        main_nav = page.get_by_role("navigation", name="Prif ddewislen")
        main_nav.get_by_role("link", name="Cynigion a cheisiadau").click()
        _check(page, "Cynigion a cheisiadau")
        page.get_by_role("link", name=re.compile(
            r"^Cofnodi amser ar gyfer hwn\W+Help in your garden$")).click()
        _check(page, "Cofnodi amser gyda Alice Jones")
        page.get_by_label("Oriau").fill("1")
        page.get_by_label("Munudau").fill("30")
        page.get_by_role("button", name="Ei gofnodi").click()
        _check(page, "Amser wedi'i gofnodi")
        assert "Rhoddodd Alice Jones 1 awr 30 munud i chi" in page.locator("main").inner_text()

        main_nav.get_by_role("link", name="Cyfriflen").click()
        _check(page, "Eich cyfriflen")
        main_nav.get_by_role("link", name="Proffil").click()
        _check(page, "Eich proffil")

        # The switch on every page: English, then back to Cymraeg, remembered for the member.
        page.get_by_role("navigation", name="Iaith").get_by_role("link", name="English").click()
        assert page.locator("html").get_attribute("lang") == "en"
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Cymraeg").click()
        _check(page, "Eich proffil")
        page.get_by_role("button", name="Allgofnodi").click()
        assert page.locator("html").get_attribute("lang") == "cy"
    finally:
        context.close()
