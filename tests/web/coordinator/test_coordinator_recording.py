"""Recording time for members, group sessions and grants from the pool: posted at once,
refused clearly, and never twice for one form."""

import datetime as dt

from sqlalchemy import func, select

from tests.support.factories import make_member
from tests.web.coordinator.support import audited, text_of, token_in
from timebank.extensions import db
from timebank.models import Exchange, JournalEntry, Member
from timebank.models._types import utcnow
from timebank.services import banks, pool


def count(model, *where):
    return db.session.scalar(select(func.count(model.id)).where(*where))


def balance(member):
    db.session.expire_all()
    return db.session.get(Member, member.id).account.balance


def record_form(world, token, **overrides):
    form = {"form_token": token, "provider_id": str(world.alice.id),
            "receiver_id": str(world.bob.id), "minutes_hours": "1", "minutes_mins": "30",
            "occurred_on": (utcnow().date() - dt.timedelta(days=60)).isoformat(),
            "category": "Gardening", "activity_id": str(world.activity.id),
            "description": "Cleared the back garden"}
    form.update(overrides)
    return form


def test_recording_for_members_posts_at_once_even_for_an_old_date(coordinator, world):
    page = coordinator.get("/coordinate/record")
    assert page.status_code == 200
    html = text_of(page)
    assert "Bob Baker" in html and "Garden group (Co-produce)" in html
    response = coordinator.post("/coordinate/record", data=record_form(world, token_in(html)),
                                follow_redirects=True)
    assert "Recorded and posted." in text_of(response)
    exchange = db.session.scalar(select(Exchange))
    assert response.request.path == f"/coordinate/exchanges/{exchange.id}"
    assert exchange.status == "posted" and exchange.minutes == 90
    assert exchange.category.name == "Gardening" and exchange.activity_id == world.activity.id
    assert exchange.occurred_on == utcnow().date() - dt.timedelta(days=60)
    assert balance(world.alice) == 90 and balance(world.bob) == -90
    assert audited("exchange.logged_for", exchange.id) == 1


def test_the_same_form_sent_twice_records_one_exchange(coordinator, world):
    token = token_in(text_of(coordinator.get("/coordinate/record")))
    first = coordinator.post("/coordinate/record", data=record_form(world, token))
    second = coordinator.post("/coordinate/record", data=record_form(world, token),
                              follow_redirects=True)
    assert first.status_code == 302
    assert "has not been recorded twice" in text_of(second)
    assert count(Exchange) == 1 and count(JournalEntry) == 1
    assert balance(world.alice) == 90
    changed = coordinator.post("/coordinate/record",
                               data=record_form(world, token, minutes_hours="3"))
    assert changed.status_code == 409 and "already sent" in text_of(changed)
    assert count(Exchange) == 1
    fresh = token_in(text_of(coordinator.get("/coordinate/record")))
    assert fresh != token
    coordinator.post("/coordinate/record", data=record_form(world, fresh))
    assert count(Exchange) == 2


def test_mistakes_are_shown_at_the_field_with_the_values_kept(coordinator, world):
    token = token_in(text_of(coordinator.get("/coordinate/record")))
    response = coordinator.post("/coordinate/record", data=record_form(
        world, token, receiver_id="", minutes_hours="two", minutes_mins="",
        occurred_on="2026-02-30", description="Kept text"))
    assert response.status_code == 422
    html = text_of(response)
    assert 'class="error-summary"' in html
    for field in ("receiver_id", "minutes", "occurred_on"):
        assert f'href="#{field}"' in html and f'id="{field}-error"' in html
    assert 'value="two"' in html and "Kept text" in html and 'value="2026-02-30"' in html
    assert f'<option value="{world.alice.id}" selected>' in html
    assert token_in(html) == token
    assert count(Exchange) == 0


def test_the_service_rules_come_back_at_their_fields(coordinator, world):
    token = token_in(text_of(coordinator.get("/coordinate/record")))
    future = (utcnow().date() + dt.timedelta(days=3)).isoformat()
    response = coordinator.post("/coordinate/record", data=record_form(
        world, token, receiver_id=str(world.alice.id), occurred_on=future))
    assert response.status_code == 422
    html = text_of(response)
    assert "with themselves" in html and "in the future" in html
    too_long = coordinator.post("/coordinate/record", data=record_form(
        world, token, minutes_hours="13", minutes_mins="0"))
    assert too_long.status_code == 422 and 'id="minutes-error"' in text_of(too_long)
    assert count(Exchange) == 0


def test_a_credit_limit_is_explained_at_the_field_and_nothing_is_recorded(coordinator, world):
    token = token_in(text_of(coordinator.get("/coordinate/record")))
    response = coordinator.post("/coordinate/record", data=record_form(
        world, token, minutes_hours="10", minutes_mins="30"))
    assert response.status_code == 409
    html = text_of(response)
    assert 'id="receiver_id-error"' in html
    assert "Bob Baker&#39;s balance is 0 min" in html or "Bob Baker's balance is 0 min" in html
    assert "below the lowest allowed, −10 h" in html and "Nothing was changed" in html
    assert 'value="10"' in html and 'value="30"' in html
    assert count(Exchange) == 0 and count(JournalEntry) == 0
    assert audited("exchange.logged_for") == 0


def group_form(world, token, members, **overrides):
    form = {"form_token": token, "activity_id": str(world.activity.id), "from_account": "pool",
            "direction": "members_gave", "minutes_hours": "2", "minutes_mins": "0",
            "occurred_on": utcnow().date().isoformat(), "description": "Planting day",
            "member_ids": [str(m.id) for m in members], "action": "record"}
    form.update(overrides)
    return form


def test_a_group_session_is_one_entry_and_posts_once(coordinator, world):
    carol = make_member(world.bank, "Carol Cook")
    pool.donate(make_member(world.bank, "Generous Giver"), minutes=400, now=utcnow())
    html = text_of(coordinator.get("/coordinate/group-credit"))
    assert "The community pool" in html and 'type="checkbox"' in html
    token = token_in(html)
    people = [world.alice, world.bob, carol]
    first = coordinator.post("/coordinate/group-credit", data=group_form(world, token, people),
                             follow_redirects=True)
    assert "Recorded one entry: 3 members, 2 h each." in text_of(first)
    second = coordinator.post("/coordinate/group-credit", data=group_form(world, token, people),
                              follow_redirects=True)
    assert "has not been recorded twice" in text_of(second)
    assert count(JournalEntry, JournalEntry.kind == "group_credit") == 1
    entry = db.session.scalar(select(JournalEntry).where(JournalEntry.kind == "group_credit"))
    assert len(entry.transfers) == 3
    assert entry.activity_id == world.activity.id
    assert [balance(m) for m in people] == [120, 120, 120]
    assert banks.pool_account(world.bank.id).balance == 40
    assert audited("group_credit.recorded", entry.id) == 1


def test_members_received_time_from_an_organisation(coordinator, world):
    centre = make_member(world.bank, "Day Centre", group="organisation")
    token = token_in(text_of(coordinator.get("/coordinate/group-credit")))
    coordinator.post("/coordinate/group-credit", data=group_form(
        world, token, [world.alice], from_account=str(centre.id), direction="members_received",
        minutes_hours="1"))
    assert balance(world.alice) == -60 and balance(centre) == 60


def test_searching_the_members_keeps_the_ticks_and_the_form(coordinator, world):
    carol = make_member(world.bank, "Carol Cook")
    token = token_in(text_of(coordinator.get("/coordinate/group-credit")))
    response = coordinator.post("/coordinate/group-credit", data=group_form(
        world, token, [world.alice], q="carol", action="search", description="Kept"))
    assert response.status_code == 200
    html = text_of(response)
    assert f'id="member-{world.alice.id}" name="member_ids" value="{world.alice.id}" checked' \
        in html
    assert f'id="member-{carol.id}"' in html
    assert f'id="member-{world.bob.id}"' not in html
    assert "Kept" in html and 'value="carol"' in html and "1 ticked." in html
    assert count(JournalEntry) == 0


def test_a_group_session_without_members_is_refused_with_the_values_kept(coordinator, world):
    token = token_in(text_of(coordinator.get("/coordinate/group-credit")))
    response = coordinator.post("/coordinate/group-credit", data=group_form(
        world, token, [], minutes_hours="", minutes_mins=""))
    assert response.status_code == 422
    html = text_of(response)
    assert 'href="#member_ids"' in html and 'href="#minutes"' in html
    assert "Planting day" in html
    assert count(JournalEntry) == 0


def test_a_group_session_that_breaks_a_limit_records_nothing(coordinator, world):
    token = token_in(text_of(coordinator.get("/coordinate/group-credit")))
    response = coordinator.post("/coordinate/group-credit", data=group_form(
        world, token, [world.alice, world.bob], minutes_hours="1"))
    assert response.status_code == 409
    html = text_of(response)
    assert "The community pool" in html and "below the lowest allowed, 0 min" in html
    assert 'id="member_ids-error"' in html
    assert count(JournalEntry) == 0


def test_a_grant_from_the_pool_is_made_once(coordinator, world):
    pool.donate(world.alice, minutes=100, now=utcnow())
    html = text_of(coordinator.get("/coordinate/pool"))
    assert "In the pool now" in html
    token = token_in(html)
    form = {"form_token": token, "member_id": str(world.bob.id), "minutes_hours": "1",
            "minutes_mins": "15", "description": "Help while he is unwell"}
    first = coordinator.post("/coordinate/pool", data=form, follow_redirects=True)
    assert "Granted 1 h 15 min from the pool." in text_of(first)
    second = coordinator.post("/coordinate/pool", data=form, follow_redirects=True)
    assert "has not been made twice" in text_of(second)
    assert count(JournalEntry, JournalEntry.kind == "grant") == 1 and balance(world.bob) == 75
    assert audited("pool.granted", world.bob.id) == 1
    assert "<strong>25 min</strong>" in text_of(coordinator.get("/coordinate/pool"))
    more = dict(form, form_token=token_in(text_of(coordinator.get("/coordinate/pool"))))
    refused = coordinator.post("/coordinate/pool", data=more)
    assert refused.status_code == 409 and 'id="minutes-error"' in text_of(refused)
    assert "The community pool" in text_of(refused)
    assert count(JournalEntry, JournalEntry.kind == "grant") == 1


def test_a_grant_needs_a_reason_and_a_member(coordinator, world):
    token = token_in(text_of(coordinator.get("/coordinate/pool")))
    response = coordinator.post("/coordinate/pool", data={
        "form_token": token, "member_id": "", "minutes_hours": "1", "minutes_mins": "0",
        "description": ""})
    assert response.status_code == 422
    html = text_of(response)
    assert 'href="#member_id"' in html and 'href="#description"' in html
    assert count(JournalEntry) == 0


def test_exchanges_list_filters_by_status(coordinator, world):
    token = token_in(text_of(coordinator.get("/coordinate/record")))
    coordinator.post("/coordinate/record", data=record_form(world, token))
    posted = text_of(coordinator.get("/coordinate/exchanges?status=posted"))
    assert "Alice Able" in posted and "Recorded</strong>" in posted
    disputed = text_of(coordinator.get("/coordinate/exchanges?status=disputed"))
    assert "No exchanges to show." in disputed


def test_a_form_without_its_token_is_sent_back_and_records_nothing(coordinator, world):
    response = coordinator.post("/coordinate/record", data=record_form(world, ""))
    assert response.status_code == 422
    assert "This form is out of date. Check the details and send it again." in text_of(response)
    assert count(Exchange) == 0 and count(JournalEntry) == 0
