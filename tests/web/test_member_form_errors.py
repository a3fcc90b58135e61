"""Each member and account form, sent with a mistake: 422 (or the page's own status), the
message at the field it is about, linked from the summary, the value kept, nothing saved."""

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from tests.web.conftest import field_error, sign_in, text, token
from timebank.extensions import db
from timebank.models import Exchange, Listing, Member


def count(model):
    return db.session.scalar(select(func.count(model.id)))


def shown_at(response, field, message, status=422):
    html = text(response)
    assert response.status_code == status, html
    assert f'<a href="#{field}">{escape(message)}</a>' in html, "linked from the summary"
    assert field_error(html, field) in (message, None), "by the field (radios: in the group)"
    assert html.count(str(escape(message))) == 2
    return html


def test_profile_name_too_long(client, people):
    sign_in(client, people.alice)
    response = client.post("/profile", data={"name": "N" * 121, "skills": "Baking",
                                             "language": "en"})
    html = shown_at(response, "name", "Use at most 120 characters.")
    assert "Baking" in html
    assert db.session.get(Member, people.alice.id).name == "Alice Jones"


def test_profile_language_not_offered(client, people):
    sign_in(client, people.alice)
    response = client.post("/profile", data={"name": "Alice Jones", "skills": "",
                                             "language": "fr"})
    shown_at(response, "language", "Choose English or Cymraeg.")


def test_password_change_without_the_current_one(client, people):
    sign_in(client, people.alice)
    response = client.post("/profile/password", data={
        "current_password": "", "new_password": "a new long phrase here",
        "new_password_again": "another long phrase"})
    shown_at(response, "current_password", "Enter your current password.")
    assert field_error(text(response), "new_password_again") == \
        "The two new passwords are not the same."


def test_new_listing_with_a_control_character(client, people):
    sign_in(client, people.alice)
    before = count(Listing)
    response = client.post("/listings/new", data={
        "kind": "offer", "title": "Hedge\x07 trimming", "description": "Weekends",
        "category": "Gardening", "form_token": token()})
    html = shown_at(response, "title", "Remove unusual characters (such as control "
                                       "characters) from this text.")
    assert "Weekends" in html
    assert count(Listing) == before


def test_recording_time_with_hours_that_are_not_a_number(client, people):
    sign_in(client, people.alice)
    before = count(Exchange)
    response = client.post("/exchanges/new", data={
        "member_id": str(people.bob.id), "direction": "gave", "hours": "two",
        "minutes": "", "occurred_on": "2026-01-05", "description": "Lift to town",
        "category": "", "form_token": token()})
    html = shown_at(response, "hours", "Enter the hours as a whole number, like 2.")
    assert 'value="two"' in html and "Lift to town" in html
    assert count(Exchange) == before


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"direction": "", "hours": "1"}, "direction", "Say whether you gave time or received it."),
    ({"hours": "", "minutes": ""}, "hours", "Enter how long: hours, minutes or both."),
    ({"hours": "0", "minutes": "0"}, "hours", "Enter the time given, in minutes, more than 0."),
    ({"occurred_on": ""}, "occurred_on", "Enter the date the time was given."),
])
def test_recording_time_says_what_is_missing(client, people, data, field, message):
    sign_in(client, people.alice)
    form = {"member_id": str(people.bob.id), "direction": "gave", "hours": "1",
            "minutes": "", "occurred_on": "2026-01-05", "description": "", "category": "",
            "form_token": token()}
    shown_at(client.post("/exchanges/new", data=form | data), field, message)


def test_giving_minutes_past_59(client, people):
    sign_in(client, people.alice)
    response = client.post("/pool/donate", data={"hours": "", "minutes": "75",
                                                 "description": "", "form_token": token()})
    html = shown_at(response, "hours", "Enter the minutes as a number from 0 to 59.")
    assert 'value="75"' in html


def test_statement_period_ending_before_it_starts(client, people):
    sign_in(client, people.alice)
    response = client.get("/statement?from=2026-03-01&to=2026-02-01")
    shown_at(response, "to", "The end date must be the same as the start date or after it.")


def test_searches_with_too_many_words(client, people):
    sign_in(client, people.alice)
    shown_at(client.get("/members?q=" + "w" * 101), "q", "Use at most 100 characters.")
    shown_at(client.get("/offers-and-requests?category=" + "c" * 81), "category",
             "Use at most 80 characters.")


def test_sign_in_with_nothing_typed(client, people):
    response = client.post("/sign-in", data={"email": "", "password": ""})
    shown_at(response, "email", "Enter your email address.")
    assert field_error(text(response), "password") == "Enter your password."
