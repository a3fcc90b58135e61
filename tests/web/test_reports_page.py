"""The report page, its downloads and the coordinators' alerts, as signed-in people see them."""

import datetime as dt
import re

import pytest

from tests.reports import golden
from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.reports import reciprocity
from timebank.services import banks, ledger, members
from timebank.web.evaluate.reports import TILES

RANGE = "from=2026-01-01&to=2026-07-01"


@pytest.fixture
def bank(app):
    return golden.build()


def sign_in(client, person):
    response = client.post("/sign-in", data={"email": person.email, "password": golden.PASSWORD})
    assert response.status_code == 302
    return client


def page(client, query=RANGE):
    response = client.get(f"/reports?{query}")
    return response, response.get_data(as_text=True)


def test_the_evaluators_home_page_and_menu_lead_to_the_report(client, bank):
    sign_in(client, bank.V)
    home = client.get("/home").get_data(as_text=True)
    assert 'href="/reports"' in home
    assert "Read the reciprocity report" in home and ">Reciprocity report</a>" in home


def test_the_page_shows_the_report_with_its_filters_and_downloads(client, bank):
    sign_in(client, bank.V)
    response, html = page(client, RANGE + "&category=Gardening")
    assert response.status_code == 200
    assert "<h1>Reciprocity report</h1>" in html
    assert "1 January 2026 to 30 June 2026" in html  # British English, not "January 1, 2026"
    assert '<html lang="en">' in html
    assert "Protected figures, safe to publish" in html
    assert 'href="/reports/methods"' in html
    # Evaluators pick whole months or a quarter, not days; they can't turn protection off.
    assert '<select id="from" name="from">' in html and 'type="date"' not in html
    assert '<option value="2026-01-01" selected>' in html
    assert '<select id="quarter" name="quarter">' in html
    assert 'name="protected"' not in html
    # Downloads keep the filters.
    for path in ("/reports/reciprocity.csv", "/reports/reciprocity.json"):
        assert re.search(rf'href="{re.escape(path)}\?[^"]*category=Gardening', html), path
    assert 'value="Gardening" selected' in html
    assert "reports.css" in html


def test_every_chart_is_an_accessible_svg_followed_by_its_table(client, bank):
    sign_in(client, bank.V)
    _, html = page(client)
    charts = re.findall(r'<svg role="img" aria-labelledby="([\w-]+)-title \1-desc" '
                        r'viewBox="0 0 360 [\d.]+"', html)
    assert set(charts) >= {"chart-monthly", "chart-flows", "chart-two-way", "chart-ratio",
                           "chart-partners", "chart-levels", "chart-categories",
                           "chart-retention", "chart-balances"}
    for chart in charts:
        assert f'<title id="{chart}-title">' in html and f'<desc id="{chart}-desc">' in html
        after = html[html.index(f'id="{chart}-title"'):]
        assert after.index("</svg>") < after.index("<table")  # the data table comes next
    assert "<script" not in html
    assert ' style="' not in html  # the Content-Security-Policy allows no inline styles


def test_hidden_figures_say_so_in_words_and_names_never_appear(client, bank):
    sign_in(client, bank.V)
    _, html = page(client)
    assert "hidden" in html  # the median days to a first exchange: 3 people
    assert "15 h 45 min" not in html  # hours exchanged, protected
    for person in bank.people.values():
        assert not re.search(rf"\b{re.escape(person.name)}\b", html), person.name


def test_coordinators_see_exact_figures_for_any_days_or_the_evaluators_view(client, bank):
    sign_in(client, bank.Q)
    _, html = page(client)
    assert "15 h 45 min" in html and "Exact figures" in html
    assert 'type="date"' in html and 'name="protected" type="checkbox"' in html
    _, protected = page(client, RANGE + "&protected=true")
    assert "Protected figures, safe to publish" in protected and "15 h 45 min" not in protected
    assert 'name="protected" type="checkbox" value="true" checked' in protected
    response, html = page(client, "from=2026-01-02&to=2026-07-01&protected=true")
    assert response.status_code == 422
    assert "There is a problem" in html and 'href="#from"' in html
    assert "first day of a month" in html


def test_a_period_that_ends_before_it_starts_is_explained_in_words_not_parameters(client, bank):
    sign_in(client, bank.Q)
    response, html = page(client, "from=2026-07-01&to=2026-01-01")
    assert response.status_code == 422
    assert 'href="#to"' in html
    assert "The end of the period must be after its start." in html
    assert "&#39;to&#39;" not in html and "&#39;from&#39;" not in html and "'to'" not in html


def test_a_quarter_can_be_picked(client, bank):
    sign_in(client, bank.V)
    response, html = page(client, "quarter=2026-Q1")
    assert response.status_code == 200
    assert "1 January 2026 to 31 March 2026" in html
    for wrong in ("2026-Q9", "9999-Q4", "2026-Q", "Q1"):
        response, html = page(client, f"quarter={wrong}")
        assert response.status_code == 422 and "Choose a quarter from the list." in html


def test_evaluators_are_told_to_pick_whole_months(client, bank):
    sign_in(client, bank.V)
    response, html = page(client, "from=2026-03-12&to=2026-03-13")
    assert response.status_code == 422
    assert 'href="#from"' in html and 'href="#to"' in html
    assert client.get("/reports/reciprocity.json?from=2026-03-12&to=2026-04-01").status_code == 422


def test_the_methods_note_states_the_parameters(client, bank):
    sign_in(client, bank.V)
    response = client.get("/reports/methods")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "How the report&#39;s figures are protected" in html or \
        "How the report's figures are protected" in html
    assert "No count from 1 to 4 is published" in html
    assert "<dt>Threshold</dt><dd>5</dd>" in html
    client.post("/sign-out")
    sign_in(client, bank.A)
    assert client.get("/reports/methods").status_code == 403


def test_headline_tiles_compare_with_the_period_before(client, bank):
    sign_in(client, bank.Q)
    _, html = page(client, "from=2026-04-01&to=2026-07-01")
    assert "Compared with 1 January 2026 to 31 March 2026." in html
    # Jan-Mar 7.5 hours, Apr-Jun 8.25 hours (360 + 45 + 30 + 60 minutes).
    assert "8 h 15 min" in html and "Up from 7 h 30 min in the period before." in html


def test_no_comparison_with_a_period_before_the_bank_started(client, bank):
    """The first member joined on 1 June 2025: May 2025 is no "period before" to be up from."""
    sign_in(client, bank.Q)
    _, html = page(client, "from=2025-06-01&to=2025-07-01")
    assert "No comparison with the period before: the time bank started on 1 June 2025." in html
    assert "No comparison: the time bank had not started." in html
    assert "Compared with" not in html and "Up from" not in html
    _, html = page(client, "from=2025-07-01&to=2025-08-01")
    assert "Compared with 1 June 2025 to 30 June 2025." in html
    assert "the time bank had not started" not in html


def test_every_tile_is_a_figure_worked_out_for_the_period_before():
    assert {name for name, _label, _kind in TILES} <= set(reciprocity.COMPARED)


def test_a_page_with_enough_people_draws_bars(client, app):
    bank = banks.create_bank(slug="busy", name="Busy", suppression_threshold=5,
                             now=dt.datetime(2025, 1, 1))
    joined = dt.datetime(2025, 1, 1)
    people = [members.create_member(bank, name=f"P{i}", group="citizen", status="active",
                                    now=joined) for i in range(6)]
    coordinator = members.create_member(bank, name="Cai", email="cai@busy.example.org",
                                        group="professional", role="coordinator",
                                        status="active", password=golden.PASSWORD, now=joined)
    for i, giver in enumerate(people):
        for back in (0, 1):
            a, b = (giver, people[(i + 1) % 6]) if not back else (people[(i + 1) % 6], giver)
            ledger.post(bank.id, Posting(kind=EntryKind.EXCHANGE, occurred_on=dt.date(2026, 2, 1 + i),
                                         transfers=(Transfer(b.account.id, a.account.id, 90),)),
                        now=dt.datetime(2026, 3, 1))
    db.session.expire_all()
    sign_in(client, coordinator)  # exact figures: the bar's length is known
    response, html = page(client, "from=2026-02-01&to=2026-03-01")
    assert response.status_code == 200
    assert "18 h" in html  # 12 exchanges of 90 minutes
    bars = re.findall(r'<rect x="0" y="[\d.]+" width="([\d.]+)" height="18" '
                      r'fill="url\(#chart-monthly-p0\)"', html)
    # The only month, as wide as the scale allows: 360 less room for its value, "18 h".
    assert bars == [str(round(360 - 8 - 7.8 * len("18 h"), 1))]
    assert "100%" in html  # everyone gave and received


def test_bad_filters_are_explained_on_the_page(client, bank):
    sign_in(client, bank.V)
    response, html = page(client, "category=Knitting&from=2026-01-01")
    assert response.status_code == 422
    assert "There is a problem" in html and "There is no category called" in html
    response, html = page(client, "from=not-a-date")
    assert response.status_code == 422 and 'href="#from"' in html


def test_people_who_are_not_evaluators_or_coordinators_are_turned_away(client, bank):
    assert client.get("/reports").status_code == 302  # to sign in
    sign_in(client, bank.A)
    response, html = page(client)
    assert response.status_code == 403 and "You can't see this page" in html
    assert 'href="/reports"' not in client.get("/home").get_data(as_text=True)
    for path in ("/reports/reciprocity.csv", "/reports/reciprocity.json",
                 "/reports/members.csv", "/reports/alerts"):
        assert client.get(f"{path}?{RANGE}").status_code == 403, path


def test_downloads_for_signed_in_readers(client, bank):
    sign_in(client, bank.V)
    json_download = client.get(f"/reports/reciprocity.json?{RANGE}")
    assert json_download.status_code == 200 and json_download.mimetype == "application/json"
    hours = json_download.get_json()["metrics"]["hours"]
    assert hours != 15.75 and json_download.get_json()["protection"]["method"] == "cell-key"
    assert json_download.headers["Content-Disposition"] == \
        'attachment; filename="golden-reciprocity-2026-01-to-2026-06.json"'
    csv_download = client.get(f"/reports/reciprocity.csv?{RANGE}")
    assert csv_download.mimetype == "text/csv"
    assert csv_download.headers["Content-Disposition"] == \
        'attachment; filename="golden-reciprocity-2026-01-to-2026-06.csv"'
    assert f"metrics,,hours,{hours},false" in csv_download.get_data(as_text=True)  # the same
    assert client.get(f"/reports/members.csv?{RANGE}").status_code == 403  # no research grant


def test_alerts_are_for_coordinators(client, bank):
    sign_in(client, bank.V)
    refused = client.get(f"/reports/alerts?{RANGE}")
    assert refused.status_code == 403
    refusal = refused.get_data(as_text=True)
    assert "Only coordinators see alerts about members who may need a call" in refusal
    assert "for the time bank&#39;s coordinators and evaluators" not in refusal
    assert "Go to the reciprocity report" in refusal
    assert "members who may need a call" not in page(client)[1]
    client.post("/sign-out")
    sign_in(client, bank.Q)
    _, report_html = page(client)
    assert "See members who may need a call" in report_html
    response = client.get(f"/reports/alerts?{RANGE}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Stopped exchanging (2)" in html and "Bob" in html and "Pat" in html
    assert "Only gave (1)" in html and "Quinn" in html


def test_figures_nobody_can_know_are_not_called_hidden(client, bank):
    sign_in(client, bank.Q)
    _, html = page(client)
    # The 2026-Q1 joiners: a quarter later is shown; two and four quarters later haven't
    # come by 2026-07-01, so nobody knows yet.
    (row,) = re.findall(r'<th scope="row">2026-Q1</th>(.*?)</tr>', html)
    cells = re.findall(r'<td class="number">([^<]*)</td>', row)
    assert cells[0].endswith("%") and cells[1:] == ["not known", "not known"]
    client.post("/sign-out")
    sign_in(client, bank.V)
    # Before anyone joined there is nobody to take a share of: nothing is hidden.
    _, html = page(client, "from=2024-01-01&to=2024-07-01")
    assert "not known" in html
    tiles = re.findall(r'<li class="tile( tile-hidden)?">\s*<span class="tile-label">([^<]+)'
                       r'</span>\s*<strong class="tile-value">([^<]+)</strong>', html)
    assert ("", "Share of members who took part", "not known") in tiles
    assert all(hidden == "" and value != "hidden" for hidden, _, value in tiles)
