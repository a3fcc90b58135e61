"""The coordinator's day page, the warning before an approval a limit would refuse, correcting
a dispute, and the audit log's before → after."""

import datetime as dt
import re

from flask.testing import FlaskClient

from tests.support.factories import make_member, post_exchange
from tests.web.coordinator.support import (
    PASSWORD,
    disputed_exchange,
    exchange_to_approve,
    sign_in,
    text_of,
)
from timebank.extensions import db
from timebank.models import Exchange, Member
from timebank.models._types import utcnow


def test_the_day_page_lists_who_may_need_a_call(coordinator, world):
    today = utcnow().date()
    giver = make_member(world.bank, "Gina Giver", password=PASSWORD)
    post_exchange(world.bank, giver, world.bob, 60, occurred_on=today - dt.timedelta(days=3),
                  now=utcnow())
    disputed = disputed_exchange(world)
    html = text_of(coordinator.get("/coordinate/today"))
    give_only = html.split('id="call-give_only"')[1].split("</section>")[0]
    receive_only = html.split('id="call-receive_only"')[1].split("</section>")[0]
    assert "Gina Giver" in give_only and f"mailto:{giver.email}" in give_only
    assert "Bob Baker" in receive_only and "No email address: not online" in receive_only
    assert "Gina Giver" not in receive_only and "Bob Baker" not in give_only
    assert "Disputes: 1" in html
    assert f'/coordinate/exchanges/{disputed.id}#correct' in html
    assert '/reports/alerts#alerts-dormant' in html
    assert 'href="/coordinate/queue' not in html and 'href="/coordinate#disputes"' in html


def test_the_day_page_is_for_coordinators_only(app, world):
    evaluator = make_member(world.bank, "Eva Evaluator", role="evaluator",
                            group="professional", password=PASSWORD)
    for person in (evaluator, world.alice):
        client = sign_in(FlaskClient(app, use_cookies=True), person)
        assert client.get("/coordinate/today").status_code == 403


def test_the_queue_warns_before_an_approval_a_limit_would_refuse(coordinator, world):
    fine = exchange_to_approve(world, minutes=600)  # exactly to Alice's floor of -10 h
    html = text_of(coordinator.get("/coordinate"))
    assert f'id="limits-{fine.id}"' not in html
    coordinator.post(f"/coordinate/exchanges/{fine.id}/approve")
    refused = exchange_to_approve(world, minutes=540)
    html = text_of(coordinator.get("/coordinate"))
    warning = html.split(f'id="limits-{refused.id}"')[1].split("</div>")[0]
    assert ("Alice Able&#39;s balance is −10 h; receiving 9 h would take it to −19 h, below "
            "the lowest allowed, −10 h.") in warning
    assert f'href="/coordinate/members/{world.alice.id}#change"' in warning
    page = text_of(coordinator.get(f"/coordinate/exchanges/{refused.id}"))
    assert 'id="limits"' in page and "would take it to −19 h" in page


def test_a_refused_approval_links_to_the_limit(coordinator, world):
    exchange = exchange_to_approve(world, minutes=660)
    response = coordinator.post(f"/coordinate/exchanges/{exchange.id}/approve",
                                follow_redirects=True)
    html = text_of(response)
    notice = re.search(r'<div class="notice notice-error"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "below the lowest allowed" in notice
    assert f'<a href="/coordinate/members/{world.alice.id}#change">' in notice
    assert db.session.get(Exchange, exchange.id).status == "awaiting_approval"


def correction(**changes):
    form = {"minutes_hours": "1", "minutes_mins": "0",
            "occurred_on": utcnow().date().isoformat(), "description": "One lift",
            "reason": "Alice says it was one hour"}
    return form | changes


def test_correcting_a_dispute_posts_the_corrected_time(coordinator, world):
    exchange = disputed_exchange(world)
    page = text_of(coordinator.get(f"/coordinate/exchanges/{exchange.id}"))
    assert 'id="correct"' in page and 'name="minutes_hours" value="3"' in page
    response = coordinator.post(f"/coordinate/exchanges/{exchange.id}/correct",
                                data=correction(), follow_redirects=True)
    assert "Corrected and posted: Dan Driver gave 1 h to Alice Able." in text_of(response)
    found = db.session.get(Exchange, exchange.id)
    assert (found.status, found.minutes, found.description) == ("posted", 60, "One lift")
    assert db.session.get(Member, world.alice.id).account.balance == -60
    audit = text_of(coordinator.get("/coordinate/audit?action=exchange.corrected"))
    assert "Corrected a disputed exchange" in audit
    assert "time: 3 h → 1 h" in audit and "status: Disputed → Recorded" in audit
    assert "description: Lifts → One lift" in audit
    assert "Alice says it was one hour" in audit


def test_a_correction_with_bad_input_names_the_fields(coordinator, world):
    exchange = disputed_exchange(world)
    response = coordinator.post(f"/coordinate/exchanges/{exchange.id}/correct",
                                data=correction(minutes_hours="", minutes_mins="",
                                                occurred_on="31/02/2026", reason=""))
    assert response.status_code == 422
    html = text_of(response)
    for field in ("minutes", "occurred_on"):
        assert f'href="#{field}"' in html and f'id="{field}-error"' in html
    assert 'value="31/02/2026"' in html
    reason = coordinator.post(f"/coordinate/exchanges/{exchange.id}/correct",
                              data=correction(reason="  "))
    assert reason.status_code == 422 and 'id="correct-reason-error"' in text_of(reason)
    assert db.session.get(Exchange, exchange.id).status == "disputed"


def test_a_correction_a_limit_refuses_changes_nothing(coordinator, world):
    exchange = disputed_exchange(world)
    response = coordinator.post(f"/coordinate/exchanges/{exchange.id}/correct",
                                data=correction(minutes_hours="11"))
    assert response.status_code == 409
    html = text_of(response)
    assert 'id="minutes-error"' in html and "below the lowest allowed" in html
    assert f'href="/coordinate/members/{world.alice.id}#change"' in html
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert "#change" not in summary  # no link inside the summary's link
    found = db.session.get(Exchange, exchange.id)
    assert (found.status, found.minutes, found.description) == ("disputed", 180, "Lifts")


def test_the_audit_log_shows_limit_changes_and_one_member(coordinator, world):
    coordinator.post(f"/coordinate/members/{world.alice.id}", data={
        "name": "Alice Able", "group": "citizen", "role": "member", "status": "active",
        "below_hours": "5", "below_mins": "0", "ceiling_hours": "", "ceiling_mins": "",
        "reason": "Asked for a lower limit"})
    html = text_of(coordinator.get(f"/coordinate/audit?member_id={world.alice.id}"))
    assert "Showing what was done about Alice Able" in html
    assert "lowest balance: −10 h → −5 h" in html
    other = text_of(coordinator.get(f"/coordinate/audit?member_id={world.bob.id}"))
    assert "lowest balance: −10 h → −5 h" not in other


def test_the_new_pages_speak_welsh(coordinator, world):
    disputed = disputed_exchange(world)
    too_much = exchange_to_approve(world, minutes=660)
    coordinator.get("/language/cy")
    day = text_of(coordinator.get("/coordinate/today"))
    assert "<h1>Heddiw</h1>" in day and "Yn rhoi yn unig" in day
    queue = text_of(coordinator.get("/coordinate"))
    assert "Byddai terfyn credyd yn gwrthod cofnodi hwn nawr." in queue
    assert f'id="limits-{too_much.id}"' in queue
    page = text_of(coordinator.get(f"/coordinate/exchanges/{disputed.id}"))
    assert "Ei gywiro, yna ei gofnodi" in page and "Cywiro a chofnodi" in page
