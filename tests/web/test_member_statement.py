"""The statement page and its CSV download: the same rows, a running balance, dates."""

import csv
import datetime as dt
import io
import re

from tests.support.factories import post_exchange
from tests.web.conftest import PASSWORD, field_error, sign_in, text, token
from timebank.models._types import utcnow
from timebank.services import pool


def _history(people):
    """Alice gives Bob 1 h (Jan), receives 30 min (Feb), gives 2 h (Mar), gives 15 min to the pool."""
    post_exchange(people.bank, people.alice, people.bob, 60, occurred_on=dt.date(2026, 1, 10))
    post_exchange(people.bank, people.bob, people.alice, 30, occurred_on=dt.date(2026, 2, 10))
    post_exchange(people.bank, people.alice, people.bob, 120, occurred_on=dt.date(2026, 3, 10))
    pool.donate(people.alice, minutes=15, description="=cmd|' /C calc'!A0", now=utcnow())


def _csv(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_statement_shows_each_line_with_the_running_balance(client, people):
    _history(people)
    sign_in(client, people.alice)
    html = text(client.get("/statement"))
    assert "Balance now: 2 h 15 min" in html
    for words in ("You gave time to Bob Evans", "Bob Evans gave you time",
                  "Gift to the community pool"):
        assert words in html
    balances = re.findall(r'data-label="Balance after" class="number">(.*?)</td>', html)
    assert balances == [
        "2 h 15 min", "2 h 30 min", "30 min", "1 h"]


def test_the_csv_has_the_same_rows_and_defuses_formulas(client, people):
    _history(people)
    sign_in(client, people.alice)
    response = client.get("/statement.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="riverside-statement-{people.alice.id}-all.csv"'
    rows = _csv(response)
    assert rows[0] == ["Date", "What", "With", "Description", "Minutes",
                       "Balance after (minutes)", "Time", "Balance after"]
    assert [(r[0], r[4], r[5]) for r in rows[1:]] == [
        (utcnow().date().isoformat(), "-15", "135"), ("2026-03-10", "120", "150"),
        ("2026-02-10", "-30", "30"), ("2026-01-10", "60", "60")]
    assert rows[1][2] == "Community pool" and rows[2][2] == "Bob Evans"
    assert rows[1][3] == "'=cmd|' /C calc'!A0"
    assert rows[2][6] == "+2 h" and rows[3][6] == "−30 min"


def test_page_and_csv_follow_the_date_of_the_exchange_not_the_posting(client, people):
    """Bob's 45 minutes of 20 February are recorded last: they show under 20 February."""
    _history(people)
    post_exchange(people.bank, people.bob, people.alice, 45, occurred_on=dt.date(2026, 2, 20))
    sign_in(client, people.alice)
    assert [(r[0], r[4], r[5]) for r in _csv(client.get("/statement.csv"))[1:]] == [
        (utcnow().date().isoformat(), "-15", "90"), ("2026-03-10", "120", "105"),
        ("2026-02-20", "-45", "-15"), ("2026-02-10", "-30", "30"), ("2026-01-10", "60", "60")]
    html = text(client.get("/statement"))
    balances = re.findall(r'data-label="Balance after" class="number">(.*?)</td>', html)
    assert balances == ["1 h 30 min", "1 h 45 min", "−15 min", "30 min", "1 h"]


def test_a_date_filter_narrows_both_page_and_csv(client, people):
    _history(people)
    sign_in(client, people.alice)
    html = text(client.get("/statement?from=2026-02-01&to=2026-03-10"))
    named = client.get("/statement.csv?from=2026-02-01&to=2026-03-10")
    assert named.headers["Content-Disposition"] == ('attachment; filename="riverside-statement-'
                                                    f'{people.alice.id}-2026-02-01-to-2026-03-10.csv"')
    whole_months = client.get("/statement.csv?from=2026-01-01&to=2026-06-30")
    assert f'riverside-statement-{people.alice.id}-2026-01-to-2026-06.csv"' in \
        whole_months.headers["Content-Disposition"]
    assert "Bob Evans gave you time" in html and "You gave time to Bob Evans" in html
    assert "Gift to the community pool" not in html
    assert 'href="/statement.csv?from=2026-02-01&amp;to=2026-03-10"' in html
    rows = _csv(client.get("/statement.csv?from=2026-02-01&to=2026-03-10"))
    assert [r[0] for r in rows[1:]] == ["2026-03-10", "2026-02-10"]
    assert [r[5] for r in rows[1:]] == ["150", "30"]


def test_wrong_dates_are_shown_at_the_fields(client, people):
    sign_in(client, people.alice)
    response = client.get("/statement?from=2026-13-01&to=2026-01-01")
    assert response.status_code == 422
    html = text(response)
    assert field_error(html, "from") == "Enter a real date, like 2026-06-01."
    assert 'value="2026-13-01"' in html
    response = client.get("/statement?from=2026-03-01&to=2026-02-01")
    assert field_error(text(response), "to") == ("The end date must be the same as the start "
                                                 "date or after it.")
    response = client.get("/statement.csv?from=nonsense")
    assert response.status_code == 302 and "/statement?from=nonsense" in response.location


def test_the_statement_pages_twenty_lines_at_a_time(client, people):
    for day in range(1, 26):
        post_exchange(people.bank, people.alice, people.bob, 10,
                      occurred_on=dt.date(2026, 1, day))
    sign_in(client, people.alice)
    first = text(client.get("/statement"))
    assert first.count('data-label="Balance after"') == 20 and "Page 1 of 2" in first
    second = text(client.get("/statement?page=2"))
    assert second.count('data-label="Balance after"') == 5
    assert len(_csv(client.get("/statement.csv"))) == 26


def test_nobody_else_reads_my_statement(client, people):
    _history(people)
    from tests.support.factories import make_member

    carol = make_member(people.bank, "Carol", email="carol@example.org", password=PASSWORD)
    for member in (carol, people.evaluator):
        sign_in(client, member)
        assert "Bob Evans" not in text(client.get("/statement"))
        assert len(_csv(client.get("/statement.csv"))) == 1
        assert "Bob Evans" not in text(client.get(f"/statement?member_id={people.alice.id}"))
        client.post("/sign-out")


def test_the_statement_prints_without_the_navigation_and_forms(client, people):
    css = client.get("/static/site.css").get_data(as_text=True)
    print_rules = css[css.index("@media print"):]
    assert "form" in print_rules and ".site-header nav" in print_rules
    assert "table.statement" in css[css.rindex("@media print"):]
    sign_in(client, people.alice)
    html = text(client.get("/statement?from=2026-01-01"))
    assert 'class="period-form no-print"' in html and 'class="print-only"' in html


def test_giving_to_the_pool_once_even_if_sent_twice(client, people):
    post_exchange(people.bank, people.alice, people.bob, 120)
    sign_in(client, people.alice)
    form = {"form_token": token(), "hours": "1", "minutes": "", "description": "For anyone"}
    first = client.post("/pool/donate", data=form)
    second = client.post("/pool/donate", data=form)
    assert first.status_code == second.status_code == 303
    assert first.location.endswith("/statement")
    html = text(client.get("/statement"))
    assert "Thank you. You gave 1 h to the community pool." in html
    assert html.count("Gift to the community pool") == 1
    assert "Balance now: 1 h" in html


def test_giving_more_than_the_limit_allows_is_explained_at_the_field(client, people):
    sign_in(client, people.alice)
    response = client.post("/pool/donate", data={"form_token": token(), "hours": "11"})
    assert response.status_code == 422
    assert "your balance would go below the lowest it can be" in field_error(text(response),
                                                                            "hours")
    response = client.post("/pool/donate", data={"form_token": token(), "hours": "",
                                                  "minutes": "x"})
    assert field_error(text(response), "hours") == "Enter the minutes as a number from 0 to 59."
    assert 'value="x"' in text(response)
