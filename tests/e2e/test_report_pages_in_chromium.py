"""The report pages in Chromium: no serious accessibility problems (axe-core) with figures,
with filters that hide them, and with nothing to show; no sideways scrolling on a 360 px
phone; screenshots for people to look at; and a handout when printed."""

import pytest

from tests.e2e import report_world
from tests.e2e.conftest import axe_violations, screenshot
from tests.e2e.report_world import PASSWORD
from tests.e2e.signing_in import sign_in

pytestmark = pytest.mark.e2e

RANGE = "from=2026-01-01&to=2026-07-01"
REPORTS = {
    "report": f"/reports?{RANGE}",
    # June alone: Quinn and Finn, so every count is 0 or 5 and the statistics are hidden.
    "report-suppressed": "/reports?from=2026-06-01&to=2026-07-01",
    "report-one-category": f"/reports?{RANGE}&category=Health",
    # Before anyone joined: nothing to show.
    "report-empty": "/reports?from=2024-01-01&to=2024-07-01",
    "report-not-whole-months": "/reports?from=2026-01-05&to=2026-07-01",
    "methods": "/reports/methods",
    "report-bad-filters": "/reports?from=2026-07-01&to=2026-01-01&category=Knitting",
}
ALERTS = {
    "alerts": f"/reports/alerts?{RANGE}",
    "alerts-empty": "/reports/alerts?from=2024-01-01&to=2024-07-01",
}


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def check(page, name, problems, overflowing):
    if not no_sideways_scroll(page):
        overflowing.append(name)
    if found := axe_violations(page):
        problems[name] = found


@pytest.mark.parametrize("width", [360, 1280])
def test_the_report_and_alerts_pages_fit_the_screen_and_are_photographed(live_app, browser,
                                                                         width):
    world = report_world.build(live_app)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    problems, overflowing = {}, []
    try:
        sign_in(page, world.base, world.coordinator, PASSWORD)
        for name, path in (("report", REPORTS["report"]), ("alerts", ALERTS["alerts"])):
            page.goto(world.base + path)
            screenshot(page, f"{name}-{width}")
            check(page, name, problems, overflowing)
    finally:
        context.close()
    assert problems == {}
    assert overflowing == [], f"scrolls sideways at {width} px"


def test_every_state_of_the_report_pages_is_accessible_on_a_phone(live_app, browser):
    """With figures hidden, with nothing to show, with mistakes in the filters. On a phone,
    where the tables scroll on their own (so they must take the keyboard's focus)."""
    world = report_world.build(live_app)
    context = browser.new_context(viewport={"width": 360, "height": 900})
    page = context.new_page()
    problems, overflowing = {}, []
    try:
        sign_in(page, world.base, world.evaluator, PASSWORD)
        check(page, "evaluator-home", problems, overflowing)
        for name, path in REPORTS.items():
            if name != "report":
                page.goto(world.base + path)
                check(page, name, problems, overflowing)
        assert page.locator(".error-summary").is_visible()  # the bad filters, last
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(world.base + "/")
        sign_in(page, world.base, world.coordinator, PASSWORD)
        page.goto(world.base + ALERTS["alerts-empty"])
        assert page.locator("main").get_by_text("Nobody.").count() == 4
        check(page, "alerts-empty", problems, overflowing)
    finally:
        context.close()
    assert problems == {}
    assert overflowing == []


def test_the_report_prints_as_a_handout_without_navigation_or_forms(live_app, page):
    world = report_world.build(live_app)
    sign_in(page, world.base, world.evaluator, PASSWORD)
    page.goto(world.base + REPORTS["report"])
    page.emulate_media(media="print")
    for hidden in ("nav[aria-label=Main]", "nav[aria-label=Language]", ".skip-link",
                   "form.report-filters", "nav.report-downloads", "footer"):
        assert not page.locator(hidden).is_visible(), hidden
    charts = page.locator("figure.chart svg[role=img]")
    # Monthly, flows, two-way, balance ratio, partners, categories, balances; nobody gave time
    # in an activity or joined in the period, so those two sections say so in words.
    assert charts.count() == 7
    for chart in charts.all():
        assert chart.is_visible()
    tables = page.locator("main table")
    assert tables.count() == 9  # one beside each chart, all the figures, the pool
    for table in tables.all():
        assert table.is_visible()
    assert page.locator(".tiles").is_visible()
    assert page.locator("h1").is_visible() and page.locator("p.lead").is_visible()
    screenshot(page, "report-print")
