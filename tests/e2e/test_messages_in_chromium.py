"""Writing to a member about their offer and replying, in Chromium; the message pages have no
serious accessibility problems at 360 and 1280 px."""

import re

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.member_world import PASSWORD, build
from tests.e2e.signing_in import sign_in

pytestmark = pytest.mark.e2e

WIDTHS = (360, 1280)


def _main_nav(page):
    return page.get_by_role("navigation", name="Main")


def _no_problems_at_both_widths(page, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert axe_violations(page) == [], (name, width)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            name, width)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_member_writes_about_an_offer_the_owner_replies_and_the_reply_arrives(live_app,
                                                                                page):
    world = build(live_app)
    sign_in(page, world.base, world.bob, PASSWORD)
    _main_nav(page).get_by_role("link", name="Offers and requests").click()
    page.get_by_role("link", name=re.compile(r"^Send a message\W+Help in your garden$")).click()
    assert page.locator("h1").inner_text() == "Write to Alice Jones"
    _no_problems_at_both_widths(page, "contact")
    page.get_by_role("button", name="Send the message").click()
    assert page.locator(".error-summary").is_visible()
    _no_problems_at_both_widths(page, "contact with an error")
    page.get_by_label("Your message").fill("Could you help me with the hedge on Saturday?")
    page.get_by_role("button", name="Send the message").click()
    assert "Your message is sent to Alice Jones." in page.get_by_role("status").inner_text()
    assert "alice@example.org" not in page.content()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.base, world.alice, PASSWORD)
    _main_nav(page).get_by_role("link", name="Waiting for you (1)").click()
    _no_problems_at_both_widths(page, "what waits")
    page.get_by_role("link", name="All your messages").click()
    assert "1 unread message" in page.locator("main").inner_text()
    _no_problems_at_both_widths(page, "inbox")
    page.get_by_role("link", name="With Bob Evans").click()
    main = page.locator("main").inner_text()
    assert "Could you help me with the hedge on Saturday?" in main
    assert "bob@example.org" not in page.content()
    _no_problems_at_both_widths(page, "conversation")
    page.get_by_label("Your message").fill("Yes, Saturday at ten suits me.")
    page.get_by_role("button", name="Send the reply").click()
    assert "Your reply is sent." in page.get_by_role("status").inner_text()
    assert _main_nav(page).get_by_role("link", name="Waiting for you (0)").is_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.base, world.bob, PASSWORD)
    _main_nav(page).get_by_role("link", name="Waiting for you (1)").click()
    page.get_by_role("link", name=re.compile("Alice Jones about")).click()
    assert "Yes, Saturday at ten suits me." in page.locator("main").inner_text()
    page.get_by_role("link", name=re.compile(r"^Report this message")).click()
    _no_problems_at_both_widths(page, "report a message")
    page.get_by_label("What is wrong with it? (optional)").fill("Just checking the page")
    page.get_by_role("button", name="Report the message").click()
    assert "Reported to the coordinators" in page.locator("main").inner_text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, world.base, world.coordinator, PASSWORD)
    page.goto(world.base + "/coordinate/messages")
    assert "Yes, Saturday at ten suits me." in page.locator("main").inner_text()
    _no_problems_at_both_widths(page, "reported messages")
    page.get_by_role("button", name="Suspend the conversation").click()
    assert page.locator(".error-summary").is_visible()
    _no_problems_at_both_widths(page, "reported messages with an error")
    page.get_by_role("button", name="Dismiss the report").click()
    assert "The report is dismissed." in page.get_by_role("status").inner_text()


def test_the_message_pages_in_welsh(live_app, browser):
    world = build(live_app)
    context = browser.new_context(locale="cy-GB", viewport={"width": 360, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, world.base, world.bob, PASSWORD)
        page.get_by_role("navigation", name="Prif ddewislen").get_by_role(
            "link", name="Cynigion a cheisiadau").click()
        page.get_by_role("link", name=re.compile(r"^Anfon neges\W+Help in your garden$")).click()
        assert page.locator("h1").inner_text() == "Ysgrifennu at Alice Jones"
        assert page.locator("html").get_attribute("lang") == "cy"
        page.get_by_label("Eich neges").fill("Helo Alice")
        page.get_by_role("button", name="Anfon y neges").click()
        assert "Mae eich neges wedi’i hanfon at Alice Jones." in page.get_by_role(
            "status").inner_text()
        assert page.locator("h1").inner_text() == "Sgwrs am “Help in your garden”"
        assert axe_violations(page) == []
        page.goto(world.base + "/messages")
        assert page.locator("h1").inner_text() == "Negeseuon"
        assert "Gyda Alice Jones" in page.locator("main").inner_text()
        assert axe_violations(page) == []
    finally:
        context.close()
