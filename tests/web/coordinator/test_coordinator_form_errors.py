"""Each coordinator form, sent with a mistake: 422, the message at the field it is about
(linked from the summary), the values kept, and nothing saved."""

import datetime as dt

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from tests.web.conftest import field_error
from tests.web.coordinator.support import text_of, token_in
from timebank.extensions import db
from timebank.models import Activity, Category, Exchange, Member
from timebank.models._types import utcnow


def count(model):
    return db.session.scalar(select(func.count(model.id)))


def shown_at(response, field, message):
    html = text_of(response)
    assert response.status_code == 422, html
    assert f'<a href="#{field}">{escape(message)}</a>' in html, "linked from the summary"
    assert field_error(html, field) in (message, None), "by the field (radios: in the group)"
    assert html.count(str(escape(message))) == 2
    return html


def test_a_member_limit_that_is_not_a_time(coordinator, world):
    response = coordinator.post(f"/coordinate/members/{world.alice.id}", data={
        "name": world.alice.name, "group": "citizen", "role": "member", "status": "active",
        "below_hours": "ten", "below_mins": "0", "ceiling_hours": "", "ceiling_mins": "",
        "reason": "Asked"})
    html = shown_at(response, "below", "Enter whole hours, and minutes from 0 to 59.")
    assert 'value="ten"' in html


def test_a_member_group_that_is_not_offered(coordinator, world):
    response = coordinator.post(f"/coordinate/members/{world.alice.id}", data={
        "name": world.alice.name, "group": "alien", "role": "member", "status": "active",
        "below_hours": "10", "below_mins": "0", "reason": "Asked"})
    shown_at(response, "group", "Choose one of the options.")
    assert db.session.get(Member, world.alice.id).group == "citizen"


def test_adding_a_member_with_an_address_of_the_wrong_shape(coordinator, world):
    before = count(Member)
    page = text_of(coordinator.get("/coordinate/members/new"))
    response = coordinator.post("/coordinate/members/new", data={
        "name": "Nia Owen", "email": "nia at example.org", "group": "citizen",
        "role": "member", "skills": "Knitting", "form_token": token_in(page)})
    html = shown_at(response, "email", "Enter an email address like name@example.org.")
    assert "Knitting" in html and "nia at example.org" in html
    assert count(Member) == before


def test_recording_without_a_giver_or_a_real_date(coordinator, world):
    before = count(Exchange)
    page = text_of(coordinator.get("/coordinate/record"))
    response = coordinator.post("/coordinate/record", data={
        "provider_id": "", "receiver_id": str(world.bob.id), "minutes_hours": "1",
        "minutes_mins": "30", "occurred_on": "2026-02-30", "description": "Shopping",
        "form_token": token_in(page)})
    html = shown_at(response, "provider_id", "Choose who gave the time.")
    assert field_error(html, "occurred_on").startswith("Enter a real date, for example ")
    assert "Shopping" in html
    assert count(Exchange) == before


def test_recording_more_time_than_an_exchange_can_hold(coordinator, world):
    page = text_of(coordinator.get("/coordinate/record"))
    response = coordinator.post("/coordinate/record", data={
        "provider_id": str(world.alice.id), "receiver_id": str(world.bob.id),
        "minutes_hours": "2000", "minutes_mins": "0", "occurred_on": "2026-01-05",
        "form_token": token_in(page)})
    shown_at(response, "minutes", "Enter at most 1,666 h 40 min.")


def test_recording_a_day_still_to_come(coordinator, world):
    page = text_of(coordinator.get("/coordinate/record"))
    tomorrow = (utcnow().date() + dt.timedelta(days=1)).isoformat()
    response = coordinator.post("/coordinate/record", data={
        "provider_id": str(world.alice.id), "receiver_id": str(world.bob.id),
        "minutes_hours": "1", "minutes_mins": "0", "occurred_on": tomorrow,
        "form_token": token_in(page)})
    html = shown_at(response, "occurred_on", "The date can't be in the future.")
    assert f'value="{tomorrow}"' in html


def test_group_credit_with_no_one_ticked(coordinator, world):
    page = text_of(coordinator.get("/coordinate/group-credit"))
    response = coordinator.post("/coordinate/group-credit", data={
        "from_account": "pool", "direction": "members_gave", "minutes_hours": "2",
        "minutes_mins": "0", "occurred_on": "2026-01-05", "activity_id": "",
        "description": "Garden day", "form_token": token_in(page)})
    html = shown_at(response, "member_ids", "Tick at least one member.")
    assert "Garden day" in html


def test_a_pool_grant_without_saying_what_for(coordinator, world):
    page = text_of(coordinator.get("/coordinate/pool"))
    response = coordinator.post("/coordinate/pool", data={
        "member_id": str(world.bob.id), "minutes_hours": "1", "minutes_mins": "0",
        "description": "", "form_token": token_in(page)})
    shown_at(response, "description", "Say what the time is for; it is kept in the audit log.")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("confirmation_days", "0", "Enter a number from 1 to 365."),
    ("retention_days", "soon", "Enter a whole number of days, or leave it empty."),
    ("erased_balance_to", "elsewhere", "Choose one of the options."),
])
def test_settings_out_of_range(coordinator, world, field, value, message):
    form = {"name": "Test Time Bank", "default_below_hours": "10", "default_below_mins": "0",
            "approval_threshold_hours": "8", "approval_threshold_mins": "0",
            "approval_required": "no", "moderate_listings": "yes", "confirmation_days": "14",
            "listing_days": "90", "dormant_days": "90", "suppression_threshold": "10",
            "max_exchange_hours": "12", "max_exchange_mins": "0", "erased_balance_to": "pool",
            "retention_days": "", "reason": "Members asked"}
    shown_at(coordinator.post("/coordinate/settings", data=form | {field: value}), field,
             message)


def test_a_category_or_activity_without_a_name(coordinator, world):
    categories, activities = count(Category), count(Activity)
    shown_at(coordinator.post("/coordinate/categories", data={"name": "  "}), "name",
             "Enter a name.")
    shown_at(coordinator.post("/coordinate/activities", data={"name": "", "level": "consult"}),
             "name", "Enter a name of up to 120 characters.")
    shown_at(coordinator.post("/coordinate/activities", data={"name": "Walks", "level": "x"}),
             "level", "Choose how much people take part.")
    assert (count(Category), count(Activity)) == (categories, activities)
