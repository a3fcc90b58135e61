"""GET /members/{id}/statement: every posting, newest first, with the balance after it."""

import datetime as dt

import pytest

from tests.support.factories import NOW, post_exchange
from tests.support.http import problem
from timebank.extensions import db
from timebank.models import JournalEntry


def statement(client, world, actor, member, **query):
    return client.get(f"/api/v1/members/{world.id(member)}/statement",
                      headers=world.headers(actor), query_string=query)


def rows(response):
    return [(i["kind"], i["minutes"], i["balance_after"], i["occurred_on"])
            for i in response.get_json()["items"]]


def test_a_statement_runs_the_balance_newest_first(client, history):
    world = history
    response = statement(client, world, "member", "member")
    assert response.status_code == 200
    assert rows(response) == [
        ("donation", -20, 85, "2026-06-05"),
        ("exchange", 45, 105, "2026-06-03"),
        ("exchange", -30, 60, "2026-06-02"),
        ("exchange", 90, 90, "2026-06-01"),
    ]
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 4)
    newest = body["items"][0]
    entry = db.session.get(JournalEntry, newest["entry_id"])
    assert (entry.kind, entry.description) == ("donation", "A donation")
    assert newest["counterparty_id"] is None  # the community pool is nobody's account
    assert newest["description"] == "A donation"
    posted_at = dt.datetime.fromisoformat(newest["posted_at"])
    assert posted_at == (NOW + dt.timedelta(days=4)).replace(tzinfo=dt.UTC)
    assert body["items"][1]["counterparty_id"] == world.id("other_member")
    assert rows(statement(client, world, "coordinator", "other_member"))[0] == (
        "grant", 20, -85, "2026-06-06")


def test_an_exchange_recorded_late_sits_on_its_own_date_with_the_balance_of_that_order(
        client, history):
    """Bob's 15 minutes of 2 June are posted after everything else: the statement puts them on
    2 June (after his 30 minutes posted earlier that day) and runs the balance in that order."""
    world = history
    post_exchange(world.bank, world.people["other_member"], world.people["member"], 15,
                  occurred_on=dt.date(2026, 6, 2), now=NOW + dt.timedelta(days=10))
    assert rows(statement(client, world, "member", "member")) == [
        ("donation", -20, 70, "2026-06-05"),
        ("exchange", 45, 90, "2026-06-03"),
        ("exchange", -15, 45, "2026-06-02"),
        ("exchange", -30, 60, "2026-06-02"),
        ("exchange", 90, 90, "2026-06-01"),
    ]


def test_dates_filter_the_rows_but_not_the_running_balance(client, history):
    world = history
    window = statement(client, world, "member", "member", **{"from": "2026-06-02", "to": "2026-06-04"})
    assert rows(window) == [("exchange", 45, 105, "2026-06-03"), ("exchange", -30, 60, "2026-06-02")]
    assert window.get_json()["total"] == 2
    assert rows(statement(client, world, "member", "member", to="2026-06-02")) == [
        ("exchange", 90, 90, "2026-06-01")]
    assert rows(statement(client, world, "member", "member", **{"from": "2026-06-04"})) == [
        ("donation", -20, 85, "2026-06-05")]
    assert rows(statement(client, world, "member", "member", **{"from": "2027-01-01"})) == []


def test_statements_are_paged(client, history):
    world = history
    page = statement(client, world, "member", "member", per_page=3, page=2).get_json()
    assert (page["page"], page["per_page"], page["total"]) == (2, 3, 4)
    assert [i["balance_after"] for i in page["items"]] == [90]


def test_an_empty_statement(client, world):
    body = statement(client, world, "member", "member").get_json()
    assert body == {"items": [], "page": 1, "per_page": 20, "total": 0}


@pytest.mark.parametrize("query,field", [
    ({"from": "2026-06-04", "to": "2026-06-04"}, "to"),
    ({"from": "2026-06-05", "to": "2026-06-01"}, "to"),
    ({"from": "yesterday"}, "from"), ({"to": "2026-02-30"}, "to"),
    ({"per_page": 101}, "per_page"), ({"page": -1}, "page"),
])
def test_bad_dates_and_pages_are_422_naming_them(client, history, query, field):
    body = problem(statement(client, history, "member", "member", **query), 422, "validation_error")
    assert list(body["errors"]) == [field]


def test_only_the_member_and_coordinators_read_a_statement(client, history):
    problem(statement(client, history, "other_member", "member"), 403, "forbidden")
    problem(statement(client, history, "evaluator", "member"), 403, "forbidden")
    problem(statement(client, history, "outsider", "member"), 404, "not_found")
    assert statement(client, history, "admin", "member").status_code == 200
