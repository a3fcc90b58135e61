"""An evaluator opens the reciprocity report, narrows it and takes the figures away, in
Chromium: once with the mouse and once with the keyboard alone. A coordinator reads the
exact figures and goes on from the report to the members who may need a call.

The bank and its exact figures are in tests/e2e/report_world.py (threshold 5). The
evaluator's figures are protected (random record keys): the page must say what the CSV
download says, withhold nothing but statistics of fewer than 5 people, and stay close
to the exact figures."""

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
TILES = {  # the coordinator's, exact
    "Hours exchanged": "17 h",
    "Exchanges": "17",
    "Members who took part": "12",
    "Share of members who took part": "92%",
    "Gave and received": "92%",  # all but Quinn, who only gave
    "Pairs who helped each other both ways": "59%",
    "Hours professionals gave citizens for each hour citizens gave them": "3.40",
    "Typical number of partners": "2",
}
MONTHS = [
    ["Jan 2026", "6 h", "6", "6"],
    ["Feb 2026", "0 min", "0", "0"],
    ["Mar 2026", "7 h 30 min", "5", "10"],
    ["Apr 2026", "0 min", "0", "0"],
    ["May 2026", "2 h 30 min", "5", "10"],
    ["Jun 2026", "1 h", "1", "2"],  # Quinn and Finn
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


def check_the_page(page, months=MONTHS):
    assert page.locator("p.lead").inner_text() == (
        "Millbrook Time Bank · 1 January 2026 to 30 June 2026")
    # The chart says what its table says, and is an image with a name.
    chart = page.get_by_role("img", name=re.compile(r"^Hours exchanged each month"))
    assert chart.is_visible()
    words = chart.locator("text").all_text_contents()
    assert words == [part for row in months for part in row[:2]]


def check_the_exact_page(page):
    check_the_page(page)
    assert tiles(page) == TILES
    assert table_rows(page, "Hours, exchanges and people each month") == MONTHS
    assert table_rows(page, "Hours and exchanges by who gave and who received")[:4] == FLOWS


def check_the_protected_page(page):
    """Every month is shown (none withheld), zero stays zero, and no count from 1 to 4."""
    months = table_rows(page, "Hours, exchanges and people each month")
    check_the_page(page, months)
    assert [row[0] for row in months] == [row[0] for row in MONTHS]
    assert "hidden" not in str(months)
    for mine, exact in zip(months, MONTHS, strict=True):
        if exact[2] == "0":
            assert mine[1:] == exact[1:]
        assert mine[2] not in ("1", "2", "3", "4") and mine[3] not in ("1", "2", "3", "4")
    assert set(tiles(page)) == set(TILES)
    assert "Protected figures, safe to publish" in page.locator(".report-facts").inner_text()


def pick_months(page):
    page.get_by_label("From the start of").select_option("2026-01-01")
    page.get_by_label("Up to", exact=True).select_option("2026-07-01")


def downloaded(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return info.value


def read_csv(download):
    return list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))


def check_the_figures_csv(download, **filters):
    assert download.suggested_filename == "millbrook-reciprocity-2026-01-to-2026-06.csv"
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


def check_the_whole_range_csv(download, page=None):
    """The rows hold the figures the page shows: protected, close to the exact ones."""
    figures = check_the_figures_csv(download)
    assert figures[("report", "", "protection")][0] == "cell-key"
    metrics = {name: value for (section, _, name), (value, _) in figures.items()
               if section == "metrics"}
    hours = float(metrics["hours"])
    assert hours != 17.0 and abs(hours - 17.0) <= 1.5 and (hours * 2).is_integer()
    assert abs(int(metrics["exchanges"]) - 17) <= 2
    assert abs(int(metrics["active_members"]) - 12) <= 2
    months = {dimension: (figures[("monthly", dimension, "hours")][1],
                          figures[("monthly", dimension, "exchanges")][0])
              for (section, dimension, name) in figures if section == "monthly"}
    assert set(months) == {f"month=2026-0{m}" for m in range(1, 7)}
    assert {hidden for hidden, _ in months.values()} == {"false"}  # no cell withheld
    assert months["month=2026-02"] == ("false", "0")
    if page is not None:
        shown = table_rows(page, "Hours, exchanges and people each month")
        assert [row[2] for row in shown] == [months[f"month=2026-0{m}"][1] for m in range(1, 7)]
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
    # Hidden: only the top 10 % of givers' share (one person). Not known: the three
    # first-exchange figures, as nobody joined in the period.
    assert shown.count("hidden") == 1 and shown.count("not known") == 3


def check_the_members_csv(download, world):
    assert download.suggested_filename == "millbrook-members-2026-01-to-2026-06.csv"
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

    pick_months(page)
    page.get_by_role("button", name="Show report").click()
    page.wait_for_url(f"**/reports?{RANGE}&*")
    check_the_protected_page(page)
    figures = check_the_whole_range_csv(downloaded(page, "Download the figures as CSV"), page)
    check_the_page_says_what_the_csv_says(page, figures)
    check_the_members_csv(
        downloaded(page, "Download the member-level research extract (CSV)"), world)

    # Only the time professionals gave: March and Quinn's hour in June.
    page.get_by_label("Who gave time", exact=True).select_option(label="Professionals")
    page.get_by_role("button", name="Show report").click()
    page.wait_for_url("**provider_group=professional*")
    assert page.get_by_label("Who gave time", exact=True).input_value() == "professional"
    shown = tiles(page)
    figures = check_the_figures_csv(downloaded(page, "Download the figures as CSV"),
                                    provider_group="professional")
    assert shown["Exchanges"] == figures[("metrics", "", "exchanges")][0]
    assert abs(int(shown["Exchanges"]) - 6) <= 2
    assert figures[("metrics", "", "hours")][0] != "8.5"
    # June (Quinn's one exchange) is perturbed, not withheld, and March stays.
    assert figures[("monthly", "month=2026-06", "exchanges")][0] in ("0", "5")
    assert figures[("monthly", "month=2026-03", "hours")][1] == "false"


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
        page.keyboard.type("January 2026")
        tab_to(page, field("to"))
        page.keyboard.type("End of June 2026")
        tab_to(page, named("button", "Show report"))
        page.keyboard.press("Space")
        page.wait_for_url(f"**/reports?{RANGE}&*")
        check_the_protected_page(page)

        tab_to(page, named("a", "Download the figures as CSV"))
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        check_the_whole_range_csv(info.value, page)
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
    check_the_exact_page(page)

    page.get_by_role("link", name="See members who may need a call").click()
    page.wait_for_url(f"**/reports/alerts?{RANGE}*")
    assert page.locator("h1").inner_text() == "Members who may need a call"
    assert page.locator("p.lead").inner_text() == "1 January 2026 to 30 June 2026"
    headings = page.locator("main h2").all_inner_texts()
    assert headings == ["Only gave (1)", "Only received (0)", "Near their lowest balance (0)",
                        "Stopped exchanging (0)"]
    assert table_rows(page, "Only gave") == [
        ["Quinn", "Professionals", "1 h", "0 min", "+1 h", "10 June 2026"]]

    page.get_by_role("link", name="Back to the reciprocity report").click()
    page.wait_for_url(f"**/reports?{RANGE}")
    assert tiles(page)["Hours exchanged"] == "17 h"
