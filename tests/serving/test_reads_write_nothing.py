"""GET requests write nothing: exchanges and listings whose time ran out read as expired
(through a condition in the queries) until `flask exchanges expire` / `flask listings expire`
write it."""

import datetime as dt
import html
import re

from sqlalchemy import select

from tests.support.http import dump_database, problem
from tests.support.passwords import use_fast_hasher
from tests.support.world import token_for
from timebank.extensions import db
from timebank.models import Category, Exchange, Listing, Member, User
from timebank.models._types import utcnow
from timebank.services import demo, exchanges, listings

LINK = re.compile(r'href="(/[^"#]*)"')
# Downloads of personal data are audited on purpose (who took a copy of whose data): the
# one thing a GET writes. Their audit entries are tested where the downloads are.
AUDITED_DOWNLOADS = re.compile(r"/my-data\.json|/members/\d+/data\.json|/reports/members\.csv")
# The report summaries, windows and cache are derived from the ledger and brought up to
# date by the reports that read them (docs/report-methods.md): the other thing a GET may
# write.
DERIVED = ("report_watermarks", "report_pair_months", "report_account_months",
           "report_month_cells", "report_balance_months", "report_account_groups",
           "report_cache", "report_windows", "report_window_groups", "report_window_members",
           "report_window_givers", "report_window_tops", "report_window_balances",
           "report_window_sums", "report_asked")
PAGES_PER_PERSON = 60
MEMBER, COORDINATOR = "member@riverside.example.org", "coordinator@riverside.example.org"


def person(email):
    return db.session.scalar(select(Member).join(User).where(User.email == email))


def lapsed_items(now):
    """An exchange left unconfirmed past its window and a listing past its lifetime, both
    still written as open."""
    member, coordinator = person(MEMBER), person(COORDINATOR)
    other = db.session.scalars(select(Member).where(
        Member.bank_id == member.bank_id, Member.role == "member", Member.status == "active",
        Member.id != member.id)).first()
    long_ago = now - dt.timedelta(days=200)
    exchange = exchanges.log(member, provider_id=member.id, receiver_id=other.id, minutes=45,
                             occurred_on=long_ago.date(), description="Lapsed help",
                             now=long_ago)
    category = db.session.scalars(select(Category).where(
        Category.bank_id == member.bank_id)).first()
    listing = listings.create(member, kind="offer", title="An old offer",
                              description="Offered long ago", category=category.name,
                              now=long_ago)
    if listing.status == "pending":
        listings.approve(coordinator, listing.id, now=long_ago)
    return exchange.id, listing.id


def sign_in(client, email):
    response = client.post("/sign-in", data={"email": email, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 302


def walk(client, start="/home"):
    """The pages reachable from `start` by links, by GET only."""
    todo, seen = [start], set()
    while todo and len(seen) < PAGES_PER_PERSON:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code < 500, path
        if response.mimetype == "text/html":
            todo += [link for link in map(html.unescape, LINK.findall(response.text))
                     if link not in seen and "/language/" not in link
                     and "sign-out" not in link and not link.startswith("/static")
                     and not AUDITED_DOWNLOADS.search(link)]
    return seen


def stored_status(model, item_id):
    db.session.rollback()
    return db.session.scalar(select(model.status).where(model.id == item_id))


def test_get_requests_change_nothing_in_the_database(app, monkeypatch):
    use_fast_hasher(monkeypatch)
    app.config["RATELIMIT_ENABLED"] = False
    now = utcnow()
    demo.build(now=now)
    exchange_id, listing_id = lapsed_items(now)
    member, coordinator = person(MEMBER), person(COORDINATOR)
    tokens = {email: token_for(who) for email, who in ((MEMBER, member),
                                                       (COORDINATOR, coordinator))}
    browsers = {}
    for email in (MEMBER, COORDINATOR):
        browsers[email] = app.test_client()
        sign_in(browsers[email], email)
    db.session.rollback()
    before = dump_database(skip=DERIVED)

    for email, browser in browsers.items():
        assert len(walk(browser)) > 10
        headers = {"Authorization": f"Bearer {tokens[email]}"}
        for path in ("/api/v1/me", "/api/v1/exchanges", f"/api/v1/exchanges/{exchange_id}",
                     "/api/v1/exchanges?status=awaiting_confirmation", "/api/v1/listings",
                     f"/api/v1/listings/{listing_id}", "/api/v1/members", "/api/v1/bank",
                     f"/api/v1/members/{member.id}/statement",
                     "/healthz", "/readyz"):
            assert browser.get(path, headers=headers).status_code == 200, path

    db.session.rollback()
    assert dump_database(skip=DERIVED) == before
    assert stored_status(Exchange, exchange_id) == "awaiting_confirmation"
    assert stored_status(Listing, listing_id) == "approved"


def test_lapsed_items_read_as_expired_until_the_commands_write_it(app, client, runner,
                                                                  monkeypatch):
    now = utcnow()
    demo.build(now=now)
    exchange_id, listing_id = lapsed_items(now)
    other = db.session.get(Exchange, exchange_id).receiver
    headers = {"Authorization": f"Bearer {token_for(other)}"}

    shown = client.get(f"/api/v1/exchanges/{exchange_id}", headers=headers).get_json()
    assert shown["status"] == "expired"
    waiting = client.get("/api/v1/exchanges", headers=headers,
                         query_string={"status": "awaiting_confirmation"}).get_json()
    assert exchange_id not in [item["id"] for item in waiting["items"]]
    expired = client.get("/api/v1/exchanges", headers=headers,
                         query_string={"status": "expired"}).get_json()
    assert exchange_id in [item["id"] for item in expired["items"]]
    problem(client.post(f"/api/v1/exchanges/{exchange_id}/confirm", headers=headers), 409,
            "invalid_transition")
    assert client.get(f"/api/v1/listings/{listing_id}", headers=headers).status_code == 404
    published = client.get("/api/v1/listings", headers=headers).get_json()
    assert listing_id not in [item["id"] for item in published["items"]]
    assert stored_status(Exchange, exchange_id) == "awaiting_confirmation"
    assert stored_status(Listing, listing_id) == "approved"

    assert runner.invoke(args=["exchanges", "expire"]).output.startswith("1 exchange(s)")
    assert runner.invoke(args=["listings", "expire"]).output.startswith("1 listing(s)")
    assert stored_status(Exchange, exchange_id) == "expired"
    assert stored_status(Listing, listing_id) == "expired"
    assert runner.invoke(args=["exchanges", "expire"]).output.startswith("0 exchange(s)")
