"""Posting, finding and withdrawing offers and requests on the web."""

from sqlalchemy import func, select

from tests.web.conftest import field_error, published, sign_in, text, token
from timebank.extensions import db
from timebank.models import Listing
from timebank.models._types import utcnow
from timebank.services import listings


def _count():
    return db.session.scalar(select(func.count(Listing.id)))


def test_posting_an_offer_waits_for_a_coordinator(client, people):
    sign_in(client, people.alice)
    response = client.post("/listings/new", data={
        "form_token": token(), "kind": "offer", "title": "Help in your garden",
        "category": "Gardening", "description": "Weekday mornings"})
    assert response.status_code == 303 and response.location.endswith("/listings")
    page = text(client.get(response.location))
    assert "A coordinator will look at “Help in your garden”" in page
    assert "Waiting for a coordinator" in page
    listing = db.session.scalar(select(Listing))
    assert (listing.kind, listing.status, listing.member_id) == ("offer", "pending",
                                                                 people.alice.id)


def test_a_double_submitted_listing_is_posted_once(client, people):
    sign_in(client, people.alice)
    form = {"form_token": token(), "kind": "request", "title": "A lift to the hospital",
            "category": "Lifts and transport"}
    first = client.post("/listings/new", data=form)
    second = client.post("/listings/new", data=form)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert _count() == 1
    again = client.post("/listings/new", data=dict(form, form_token=token()))
    assert again.status_code == 303 and _count() == 2


def test_errors_are_shown_at_the_fields_and_the_values_are_kept(client, people):
    sign_in(client, people.alice)
    response = client.post("/listings/new", data={
        "form_token": token(), "kind": "offer", "title": "", "category": "",
        "description": "Kept text"})
    assert response.status_code == 422
    html = text(response)
    assert 'class="error-summary"' in html and 'href="#title"' in html
    assert field_error(html, "title") == "Say in a few words what you offer or need."
    assert "Kept text</textarea>" in html
    assert 'value="offer" checked' in html
    assert _count() == 0
    response = client.post("/listings/new", data={
        "form_token": token(), "kind": "offer", "title": "Gardening", "category": ""})
    assert field_error(text(response), "category") == "Choose a category."
    assert 'value="Gardening"' in text(response)


def test_a_title_too_long_or_with_control_characters_is_refused_not_stored(client, people):
    sign_in(client, people.alice)
    response = client.post("/listings/new", data={
        "form_token": token(), "kind": "offer", "title": "x" * 121, "category": "Gardening"})
    assert response.status_code == 422
    assert field_error(text(response), "title") == "Use at most 120 characters."
    response = client.post("/listings/new", data={
        "form_token": token(), "kind": "offer", "title": "Bell\x07", "category": "Gardening"})
    assert response.status_code == 422 and field_error(text(response), "title")
    response = client.post("/listings/new", data={
        "form_token": token(), "kind": "offer", "title": "Nul\x00", "category": "Gardening"})
    assert response.status_code == 400 and "The field “title” holds characters" in text(response)
    assert _count() == 0


def test_a_form_without_its_token_is_not_posted(client, people):
    sign_in(client, people.alice)
    response = client.post("/listings/new", data={"kind": "offer", "title": "Hedges",
                                                   "category": "Gardening"})
    assert response.status_code == 422
    assert "Please check the details and send it again" in text(response)
    assert _count() == 0


def test_the_same_token_with_other_details_is_refused_kindly(client, people):
    sign_in(client, people.alice)
    form = {"form_token": token(), "kind": "offer", "title": "Hedges", "category": "Gardening"}
    client.post("/listings/new", data=form)
    response = client.post("/listings/new", data=dict(form, title="Hedges and lawns"))
    assert response.status_code == 422
    assert "This form was already sent, with other details" in text(response)
    assert 'value="Hedges and lawns"' in text(response)
    assert _count() == 1


def test_my_listings_show_status_in_words_and_the_coordinators_reason(client, people):
    pending = listings.create(people.alice, kind="offer", title="Knitting lessons",
                              category="Gardening", now=utcnow())
    listings.reject(people.coordinator, pending.id, reason="Please choose Arts and crafts",
                    now=utcnow())
    published(people.alice, people.coordinator, title="Help in your garden")
    sign_in(client, people.alice)
    for path in ("/listings", "/home"):
        html = text(client.get(path))
        assert "Not published" in html and "Published" in html
        assert "The coordinator said: Please choose Arts and crafts" in html


def test_withdrawing_a_listing(client, people):
    listing = published(people.alice, people.coordinator, title="Help in your garden")
    sign_in(client, people.alice)
    form = {"form_token": token()}
    response = client.post(f"/listings/{listing.id}/withdraw", data=form)
    assert response.status_code == 303
    assert "“Help in your garden” is withdrawn." in text(client.get("/listings"))
    assert db.session.get(Listing, listing.id).status == "withdrawn"
    again = client.post(f"/listings/{listing.id}/withdraw", data=form)
    assert again.status_code == 303
    refused = client.post(f"/listings/{listing.id}/withdraw", data={"form_token": token()})
    assert refused.status_code == 303
    assert "This listing is withdrawn" in text(client.get(refused.location))


def test_someone_else_cannot_withdraw_my_listing(client, people):
    listing = published(people.alice, people.coordinator, title="Help in your garden")
    sign_in(client, people.bob)
    response = client.post(f"/listings/{listing.id}/withdraw", data={"form_token": token()})
    assert response.status_code == 403
    assert db.session.get(Listing, listing.id).status == "approved"


def test_the_directory_searches_by_text_category_and_kind(client, people):
    published(people.alice, people.coordinator, title="Help in your garden",
              description="Weeding and mowing")
    published(people.bob, people.coordinator, title="Lifts to appointments",
              category="Lifts and transport")
    published(people.bob, people.coordinator, title="Someone to mow my lawn", kind="request")
    listings.create(people.bob, kind="offer", title="Not yet approved", category="Gardening",
                    now=utcnow())
    sign_in(client, people.alice)
    html = text(client.get("/offers-and-requests"))
    assert "3 offers and requests found" in html and "Not yet approved" not in html
    assert html.index("Someone to mow my lawn") < html.index("Help in your garden")
    assert "Offered by Bob Evans" in html and "Asked for by Bob Evans" in html
    html = text(client.get("/offers-and-requests?q=MOW"))
    assert "2 offers and requests found" in html
    html = text(client.get("/offers-and-requests?q=mow&kind=request"))
    assert "1 offer or request found" in html and "Someone to mow my lawn" in html
    html = text(client.get("/offers-and-requests?category=Lifts+and+transport"))
    assert "1 offer or request found" in html and "Lifts to appointments" in html
    assert '<option value="Lifts and transport" selected>' in html
    html = text(client.get(f"/offers-and-requests?member={people.alice.id}"))
    assert "1 offer or request found" in html


def test_each_listing_offers_to_record_time_except_my_own(client, people):
    mine = published(people.alice, people.coordinator, title="Help in your garden")
    theirs = published(people.bob, people.coordinator, title="Lifts to appointments",
                       category="Lifts and transport")
    sign_in(client, people.alice)
    html = text(client.get("/offers-and-requests"))
    assert f'/exchanges/new?listing={theirs.id}"' in html
    assert f'/exchanges/new?listing={mine.id}"' not in html
    assert "This is yours." in html
    assert 'href="/members"' in html and "See who else offers what" in html


def test_the_directory_pages_ten_at_a_time(client, people):
    for number in range(12):
        published(people.bob, people.coordinator, title=f"Offer number {number:02d}")
    sign_in(client, people.alice)
    first = text(client.get("/offers-and-requests"))
    assert "Page 1 of 2" in first and "Offer number 11" in first and "Offer number 01" not in first
    assert 'href="/offers-and-requests?page=2" rel="next"' in first
    second = text(client.get("/offers-and-requests?page=2&q=offer"))
    assert "Offer number 01" in second and "Offer number 00" in second
    assert "Offer number 11" not in second and 'rel="prev"' in second
    assert client.get("/offers-and-requests?page=-4").status_code == 200
    assert client.get("/offers-and-requests?page=99999999999999").status_code == 200


def test_strange_search_input_is_an_error_not_a_crash(client, people):
    sign_in(client, people.alice)
    response = client.get("/offers-and-requests?category=Knitting")
    assert response.status_code == 422
    assert field_error(text(response), "category") == "There is no category called 'Knitting'."
    response = client.get("/offers-and-requests?q=" + "a" * 101)
    assert response.status_code == 422
    assert field_error(text(response), "q") == "Use at most 100 characters."
    assert client.get("/offers-and-requests?q=%01").status_code == 422
    assert client.get("/offers-and-requests?q=%00").status_code == 400
    assert client.get("/offers-and-requests?kind=nonsense&q=%25_").status_code == 200
