"""Recording time on the web, and confirming, disputing or cancelling it."""

import datetime as dt

from sqlalchemy import func, select

from tests.web.conftest import field_error, published, sign_in, text, token
from timebank.extensions import db
from timebank.models import Exchange, JournalEntry
from timebank.models._types import utcnow
from timebank.services import exchanges


def _days_ago(days):
    return (utcnow().date() - dt.timedelta(days=days)).isoformat()


def _form(other, **changes):
    form = {"form_token": token(), "member_id": str(other.id), "direction": "gave",
            "hours": "1", "minutes": "30", "occurred_on": _days_ago(2),
            "description": "Walk and a chat", "category": ""}
    form.update(changes)
    return form


def _exchanges():
    return list(db.session.scalars(select(Exchange).order_by(Exchange.id)))


def _balance(member):
    db.session.expire_all()
    return member.account.balance


def test_finding_the_other_person_by_name_without_javascript(client, people):
    sign_in(client, people.alice)
    html = text(client.get("/exchanges/new"))
    assert 'method="get"' in html and "Choose Bob Evans" in html
    assert "Choose Alice Jones" not in html and "Choose Eve Shaw" not in html
    html = text(client.get("/exchanges/new?q=bob"))
    assert "Choose Bob Evans" in html and "Choose Gwen Thomas" not in html
    assert f'href="/exchanges/new?member={people.bob.id}"' in html
    html = text(client.get("/exchanges/new?q=nobody"))
    assert "Nobody matches" in html
    html = text(client.get(f"/exchanges/new?member={people.bob.id}"))
    assert "Record time with Bob Evans" in html
    assert f'name="member_id" value="{people.bob.id}"' in html
    assert f'value="{utcnow().date().isoformat()}"' in html


def test_people_who_cannot_be_chosen_send_you_back_to_the_search(client, people):
    sign_in(client, people.alice)
    for member_id in (people.alice.id, people.evaluator.id, 999999, 2**40):
        response = client.get(f"/exchanges/new?member={member_id}")
        assert "Their name" in text(response), member_id
    assert field_error(text(client.get(f"/exchanges/new?member={people.alice.id}")), "q")


def test_recording_time_i_gave_then_a_confirmation_page(client, people):
    sign_in(client, people.alice)
    response = client.post("/exchanges/new", data=_form(people.bob))
    assert response.status_code == 303
    [exchange] = _exchanges()
    assert response.location.endswith(f"/exchanges/{exchange.id}/recorded")
    assert (exchange.provider_id, exchange.receiver_id, exchange.minutes) == (
        people.alice.id, people.bob.id, 90)
    assert exchange.status == "awaiting_confirmation"
    assert exchange.description == "Walk and a chat"
    html = text(client.get(response.location))
    assert "Time recorded" in html and "You gave 1 h 30 min to Bob Evans" in html
    assert "We have asked Bob Evans to confirm it" in html


def test_recording_time_i_received_from_a_listing(client, people):
    offer = published(people.bob, people.coordinator, title="Lifts to appointments",
                      category="Lifts and transport")
    sign_in(client, people.alice)
    html = text(client.get(f"/exchanges/new?listing={offer.id}"))
    assert "Record time with Bob Evans" in html and "For: Lifts to appointments" in html
    assert 'value="received" checked' in html
    assert '<option value="Lifts and transport" selected>' in html
    assert f'name="listing_id" value="{offer.id}"' in html
    response = client.post("/exchanges/new", data=_form(
        people.bob, direction="received", hours="2", minutes="", listing_id=str(offer.id),
        category="Lifts and transport"))
    assert response.status_code == 303
    [exchange] = _exchanges()
    assert (exchange.provider_id, exchange.receiver_id, exchange.minutes) == (
        people.bob.id, people.alice.id, 120)
    assert exchange.listing_id == offer.id and exchange.category.name == "Lifts and transport"


def test_my_own_listing_cannot_be_used_to_record_time(client, people):
    mine = published(people.alice, people.coordinator, title="Help in your garden")
    sign_in(client, people.alice)
    html = text(client.get(f"/exchanges/new?listing={mine.id}"))
    assert "it is your own" in html


def test_a_double_submitted_exchange_is_recorded_once(client, people):
    sign_in(client, people.alice)
    form = _form(people.bob)
    first = client.post("/exchanges/new", data=form)
    second = client.post("/exchanges/new", data=form)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert len(_exchanges()) == 1


def test_errors_at_the_fields_with_the_values_kept(client, people):
    sign_in(client, people.alice)
    response = client.post("/exchanges/new", data=_form(
        people.bob, direction="", hours="two", minutes="75",
        occurred_on=_days_ago(-3), description="Kept words"))
    assert response.status_code == 422
    html = text(response)
    assert 'href="#direction"' in html and "Say whether you gave time or received it." in html
    assert field_error(html, "hours") == ("Enter the hours as a whole number, like 2. "
                                          "Enter the minutes as a number from 0 to 59.")
    assert 'value="two"' in html and 'value="75"' in html and "Kept words</textarea>" in html
    assert _exchanges() == []
    response = client.post("/exchanges/new", data=_form(people.bob, occurred_on=_days_ago(-3)))
    assert field_error(text(response), "occurred_on") == "The date can't be in the future."
    response = client.post("/exchanges/new", data=_form(people.bob, hours="", minutes=""))
    assert field_error(text(response), "hours") == "Enter how long: hours, minutes or both."
    response = client.post("/exchanges/new", data=_form(people.bob, hours="0", minutes="0"))
    assert field_error(text(response), "hours") == "Enter the time given, in minutes, more than 0."
    response = client.post("/exchanges/new", data=_form(people.bob, hours="13"))
    assert "at most 720 minutes" in field_error(text(response), "hours")
    response = client.post("/exchanges/new", data=_form(people.bob, occurred_on="31/02/2026"))
    assert field_error(text(response), "occurred_on") == "Enter a real date, like 2026-06-01."
    response = client.post("/exchanges/new", data=_form(people.bob, occurred_on=_days_ago(40)))
    assert "can only be recorded by a coordinator" in field_error(text(response), "occurred_on")
    response = client.post("/exchanges/new", data=_form(people.bob, category="Knitting"))
    assert field_error(text(response), "category") == "There is no category called 'Knitting'."
    response = client.post("/exchanges/new", data=_form(people.bob, description="x" * 2001))
    assert field_error(text(response), "description") == "Use at most 2000 characters."
    assert _exchanges() == []


def test_a_vanished_other_person_sends_you_back_to_choose(client, people):
    sign_in(client, people.alice)
    response = client.post("/exchanges/new", data=_form(people.bob, member_id="abc"))
    assert response.status_code == 422
    assert "Choose the person you exchanged time with." in text(response)
    assert _exchanges() == []


def _logged_by_bob(people, minutes=60):
    return exchanges.log(people.bob, provider_id=people.bob.id, receiver_id=people.alice.id,
                         minutes=minutes, occurred_on=utcnow().date(),
                         description="Set up the tablet", now=utcnow())


def test_confirming_from_the_home_page_moves_both_balances_once(client, people):
    exchange = _logged_by_bob(people)
    sign_in(client, people.alice)
    home = text(client.get("/home"))
    assert "Bob Evans gave you 1 h" in home and "Yes, confirm" in home
    assert f'/exchanges/{exchange.id}#dispute' in home
    form = {"form_token": token(), "next": "/home"}
    first = client.post(f"/exchanges/{exchange.id}/confirm", data=form)
    second = client.post(f"/exchanges/{exchange.id}/confirm", data=form)
    assert first.status_code == second.status_code == 303
    assert first.location.endswith("/home")
    assert "Thank you. 1 h is now in both time accounts." in text(client.get("/home"))
    assert _balance(people.alice) == -60 and _balance(people.bob) == 60
    assert db.session.scalar(select(func.count(JournalEntry.id))) == 1
    assert db.session.get(Exchange, exchange.id).status == "posted"


def test_confirming_a_long_exchange_waits_for_a_coordinator(client, people):
    exchange = _logged_by_bob(people, minutes=600)
    sign_in(client, people.alice)
    response = client.post(f"/exchanges/{exchange.id}/confirm", data={"form_token": token()})
    assert "A coordinator will approve it next" in text(client.get(response.location))
    assert "Waiting for a coordinator" in text(client.get(f"/exchanges/{exchange.id}"))
    assert _balance(people.alice) == 0


def test_confirming_twice_with_two_pages_says_what_happened(client, people):
    exchange = _logged_by_bob(people)
    sign_in(client, people.alice)
    client.post(f"/exchanges/{exchange.id}/confirm", data={"form_token": token()})
    response = client.post(f"/exchanges/{exchange.id}/confirm", data={"form_token": token()})
    assert response.status_code == 303
    assert "This exchange is recorded, so it can&#39;t be confirmed now." in text(
        client.get(response.location))
    assert _balance(people.bob) == 60


def test_the_one_who_recorded_it_cannot_confirm_it(client, people):
    exchange = _logged_by_bob(people)
    sign_in(client, people.bob)
    html = text(client.get(f"/exchanges/{exchange.id}"))
    assert "Yes, confirm" not in html and "Cancel this exchange" in html
    response = client.post(f"/exchanges/{exchange.id}/confirm", data={"form_token": token()})
    assert response.status_code == 403
    assert _balance(people.bob) == 0


def test_confirming_past_a_limit_is_explained(client, people):
    from timebank.services import accounts

    accounts.set_limits(people.bank.id, people.alice.account.id, floor_minutes=-30,
                        ceiling_minutes=None, actor_id=people.coordinator.id, reason="test",
                        now=utcnow())
    exchange = _logged_by_bob(people)
    sign_in(client, people.alice)
    response = client.post(f"/exchanges/{exchange.id}/confirm", data={"form_token": token()})
    assert "it would take a time account past its limit" in text(client.get(response.location))
    assert db.session.get(Exchange, exchange.id).status == "awaiting_confirmation"


def test_disputing_needs_a_reason_and_then_waits_for_a_coordinator(client, people):
    exchange = _logged_by_bob(people)
    sign_in(client, people.alice)
    response = client.post(f"/exchanges/{exchange.id}/dispute",
                           data={"form_token": token(), "reason": "  "})
    assert response.status_code == 422
    assert field_error(text(response), "reason") == ("Say what is wrong, so a coordinator can "
                                                     "help.")
    response = client.post(f"/exchanges/{exchange.id}/dispute",
                           data={"form_token": token(), "reason": "It was half an hour"})
    assert response.status_code == 303
    html = text(client.get(response.location))
    assert "A coordinator will look at it" in html
    assert "Being checked by a coordinator" in html and "It was half an hour" in html
    assert db.session.get(Exchange, exchange.id).status == "disputed"


def test_cancelling_an_exchange_i_recorded_while_it_waits(client, people):
    sign_in(client, people.alice)
    client.post("/exchanges/new", data=_form(people.bob))
    [exchange] = _exchanges()
    home = text(client.get("/home"))
    assert "Waiting for the other person" in home and "You gave 1 h 30 min to Bob Evans" in home
    response = client.post(f"/exchanges/{exchange.id}/cancel", data={"form_token": token()})
    assert response.status_code == 303
    html = text(client.get(response.location))
    assert "The exchange is cancelled." in html and "Cancel this exchange" not in html
    assert db.session.get(Exchange, exchange.id).status == "cancelled"


def test_my_exchanges_list_pages_and_shows_status_in_words(client, people):
    for _ in range(22):
        _logged_by_bob(people, minutes=15)
    sign_in(client, people.alice)
    html = text(client.get("/exchanges"))
    assert html.count("Waiting for confirmation") == 20 and "Page 1 of 2" in html
    assert text(client.get("/exchanges?page=2")).count("Waiting for confirmation") == 2
