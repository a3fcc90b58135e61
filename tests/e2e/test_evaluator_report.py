"""An evaluator opens the reciprocity report, narrows it and takes the figures away, in
Chromium: once with the mouse and once with the keyboard alone. A coordinator goes on from
the report to the members who may need a call.

The bank and its figures are in tests/e2e/report_world.py (threshold 5)."""

import csv
import io
import re
from pathlib import Path

import pytest

from tests.e2e import report_world
from tests.e2e.keyboard import field, named, sign_in_from_link, tab_to
from tests.e2e.report_world import PASSWORD
from tests.e2e.signing_in import sign_in

pytestmark = pytest.mark.e2e

RANGE = "from=2026-01-01&to=2026-07-01"
TILES = {
    "Hours exchanged": "17 h",
    "Exchanges": "17",
    "Members who took part": "12",
    "Share of members who took part": "92%",
    "Gave and received": "hidden",  # Quinn alone only gave: it would follow from the rest
    "Pairs who helped each other both ways": "59%",
    "Hours professionals gave citizens for each hour citizens gave them": "3.40",
    "Typical number of partners": "2",
}
MONTHS = [
    ["Jan 2026", "hidden", "hidden", "hidden"],  # 6 people, hidden so June can't be worked out
    ["Feb 2026", "0 min", "0", "0"],
    ["Mar 2026", "7 h 30 min", "5", "10"],
    ["Apr 2026", "0 min", "0", "0"],
    ["May 2026", "2 h 30 min", "5", "10"],
    ["Jun 2026", "hidden", "hidden", "hidden"],  # Quinn and Finn: 2 people
]
FLOWS = [
    ["Citizens", "Citizens", "6 h", "6"],
    ["Citizens", "Professionals", "2 h 30 min", "5"],
    ["Citizens", "Organisations", "0 min", "0"],
    ["Professionals", "Citizens", "8 h 30 min", "6"],
]


def tiles(page):
    return {tile.locator(".tile-label").inner_text(): tile.locator(".tile-value").inner_text()
            for tile in page.locator(".tiles .tile").all()}


def table_rows(page, caption):
    table = page.get_by_role("table", name=caption)
    return [[cell.inner_text() for cell in row.locator("th, td").all()]
            for row in table.locator("tbody tr").all()]


def check_the_page(page):
    assert page.locator("p.lead").inner_text() == (
        "Millbrook Time Bank · January 1, 2026 to June 30, 2026")
    assert tiles(page) == TILES
    assert table_rows(page, "Hours, exchanges and people each month") == MONTHS
    assert table_rows(page, "Hours and exchanges by who gave and who received")[:4] == FLOWS
    # The chart says what its table says, and is an image with a name.
    chart = page.get_by_role("img", name=re.compile(r"^Hours exchanged each month"))
    assert chart.is_visible()
    words = chart.locator("text").all_text_contents()
    assert words == [part for row in MONTHS for part in row[:2]]


def downloaded(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return info.value


def read_csv(download):
    return list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))


def check_the_figures_csv(download, **filters):
    assert download.suggested_filename == "reciprocity.csv"
    header, *rows = read_csv(download)
    assert header == ["section", "dimension", "field", "value", "suppressed"]
    figures = {(section, dimension, name): (value, hidden)
               for section, dimension, name, value, hidden in rows}
    assert figures[("report", "", "from")][0] == "2026-01-01"
    assert figures[("report", "", "to")][0] == "2026-07-01"
    assert figures[("report", "", "suppression_threshold")][0] == "5"
    for name in ("provider_group", "receiver_group", "category", "activity", "level"):
        assert figures[("filter", "", name)][0] == filters.get(name, ""), name
    # A hidden figure has no value. (An empty value that is not hidden is a figure nobody
    # can know, such as the typical days to a first exchange when nobody joined.)
    for key, (value, hidden) in figures.items():
        assert hidden != "true" or value == "", key
    return figures


def check_the_whole_range_csv(download):
    """The rows hold the figures the page shows, and hide the ones it hides."""
    figures = check_the_figures_csv(download)
    metrics = {name: value for (section, _, name), (value, _) in figures.items()
               if section == "metrics"}
    assert metrics["hours"] == "17.0" and metrics["exchanges"] == "17"
    assert metrics["active_members"] == "12" and metrics["active_share"] == "0.923"
    assert metrics["two_way_share"] == "" and metrics["direct_reciprocity"] == "0.588"
    assert metrics["citizen_professional_ratio"] == "3.4" and metrics["partners_median"] == "2"
    months = {dimension: (figures[("monthly", dimension, "hours")],
                          figures[("monthly", dimension, "exchanges")][0],
                          figures[("monthly", dimension, "active_members")][0])
              for (section, dimension, name) in figures if section == "monthly"}
    assert months == {
        "month=2026-01": (("", "true"), "", ""),
        "month=2026-02": (("0.0", "false"), "0", "0"),
        "month=2026-03": (("7.5", "false"), "5", "10"),
        "month=2026-04": (("0.0", "false"), "0", "0"),
        "month=2026-05": (("2.5", "false"), "5", "10"),
        "month=2026-06": (("", "true"), "", ""),
    }
    flows = figures[("flows", "provider_group=professional;receiver_group=citizen", "hours")]
    assert flows == ("8.5", "false")
    return figures


def check_the_page_says_what_the_csv_says(page, figures):
    """Every headline figure, in the same order: "hidden" on the page exactly when the CSV
    marks it suppressed, "not known" when it has no value for another reason."""
    shown = [row[1] for row in table_rows(page, "Every headline figure")]
    metrics = [figure for (section, _, _), figure in figures.items() if section == "metrics"]
    assert len(shown) == len(metrics) == 26
    for words, (value, hidden) in zip(shown, metrics, strict=True):
        assert (words == "hidden") == (hidden == "true")
        assert (words == "not known") == (value == "" and hidden == "false")
    # Hidden: the share who never exchanged (Gus), who only gave (Quinn), who gave and
    # received (it would follow), and the top 10 % of givers' share (one person). Not known:
    # the three first-exchange figures, as nobody joined in the period.
    assert shown.count("hidden") == 4 and shown.count("not known") == 3


def check_the_members_csv(download, world):
    assert download.suggested_filename == "members.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    for person in (*world.members.values(), world.evaluator):
        assert not re.search(rf"\b{re.escape(person.name)}\b", text, re.IGNORECASE), person.name
        assert person.email not in text
    assert "@" not in text
    header, *rows = read_csv(download)
    assert header[:3] == ["pseudonym", "group", "role"] and "name" not in header
    assert len(rows) == 13  # every member but the evaluator
    assert all(re.fullmatch(r"[0-9a-f]{16}", row[0]) for row in rows)
    assert len({row[0] for row in rows}) == 13
    # Whole hours per person, half an hour rounding up: 90 minutes given is 2 h, 150
    # received is 3 h, so the 17 hours exchanged add up to 22 on each side.
    given = header.index("hours_given")
    assert sum(int(row[given]) for row in rows) == 22
    assert sum(int(row[given + 1]) for row in rows) == 22
    assert sorted(row[header.index("exchanges")] for row in rows).count("0") == 1  # Gus


def test_an_evaluator_opens_the_report_and_downloads_the_csv(live_app, page):
    world = report_world.build(live_app)
    sign_in(page, world.base, world.evaluator, PASSWORD)
    page.get_by_role("link", name="Read the reciprocity report").click()
    page.wait_for_url("**/reports")
    assert page.locator("h1").inner_text() == "Reciprocity report"

    page.get_by_label("From (first day)").fill("2026-01-01")
    page.get_by_label("Up to (the day after the last day)").fill("2026-07-01")
    page.get_by_role("button", name="Show report").click()
    page.wait_for_url(f"**/reports?{RANGE}&*")
    check_the_page(page)
    figures = check_the_whole_range_csv(downloaded(page, "Download the figures as CSV"))
    check_the_page_says_what_the_csv_says(page, figures)
    check_the_members_csv(
        downloaded(page, "Download the member-level research extract (CSV)"), world)

    # Only the time professionals gave: March and Quinn's hour in June.
    page.get_by_label("Who gave time", exact=True).select_option(label="Professionals")
    page.get_by_role("button", name="Show report").click()
    page.wait_for_url("**provider_group=professional*")
    assert page.get_by_label("Who gave time", exact=True).input_value() == "professional"
    shown = tiles(page)
    assert (shown["Hours exchanged"], shown["Exchanges"]) == ("8 h 30 min", "6")
    figures = check_the_figures_csv(downloaded(page, "Download the figures as CSV"),
                                    provider_group="professional")
    assert figures[("metrics", "", "hours")] == ("8.5", "false")
    # June (2 people) is hidden, so March goes too, or June would follow from the total.
    assert figures[("monthly", "month=2026-03", "hours")] == ("", "true")


def test_the_same_evaluator_journey_with_the_keyboard_alone(live_app, browser):
    world = report_world.build(live_app)
    # The order of a date field's parts (month, day, year) follows the browser's locale.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(world.base + "/")
        sign_in_from_link(page, world.evaluator.email, PASSWORD)

        tab_to(page, named("a", "Read the reciprocity report"))
        page.keyboard.press("Enter")
        page.wait_for_url("**/reports")
        tab_to(page, field("from"))
        page.keyboard.type("01012026")
        tab_to(page, field("to"))
        page.keyboard.type("07012026")
        tab_to(page, named("button", "Show report"))
        page.keyboard.press("Space")
        page.wait_for_url(f"**/reports?{RANGE}&*")
        check_the_page(page)

        tab_to(page, named("a", "Download the figures as CSV"))
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        check_the_whole_range_csv(info.value)
        tab_to(page, named("a", "Download the member-level research extract"))
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        check_the_members_csv(info.value, world)
    finally:
        context.close()


def test_a_coordinator_goes_from_the_report_to_the_members_who_may_need_a_call(live_app,
                                                                              page):
    world = report_world.build(live_app)
    sign_in(page, world.base, world.coordinator, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Reciprocity report").click()
    page.wait_for_url("**/reports")
    page.get_by_label("From (first day)").fill("2026-01-01")
    page.get_by_label("Up to (the day after the last day)").fill("2026-07-01")
    page.get_by_role("button", name="Show report").click()
    page.wait_for_url(f"**/reports?{RANGE}&*")

    page.get_by_role("link", name="See members who may need a call").click()
    page.wait_for_url(f"**/reports/alerts?{RANGE}*")
    assert page.locator("h1").inner_text() == "Members who may need a call"
    assert page.locator("p.lead").inner_text() == "January 1, 2026 to June 30, 2026"
    headings = page.locator("main h2").all_inner_texts()
    assert headings == ["Only gave (1)", "Only received (0)", "Near their lowest balance (0)",
                        "Stopped exchanging (0)"]
    assert table_rows(page, "Only gave") == [
        ["Quinn", "Professionals", "1 h", "0 min", "+1 h", "June 10, 2026"]]

    page.get_by_role("link", name="Back to the reciprocity report").click()
    page.wait_for_url(f"**/reports?{RANGE}")
    assert tiles(page)["Hours exchanged"] == "17 h"
