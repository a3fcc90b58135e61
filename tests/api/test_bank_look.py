"""A bank's own look through the API: colour (checked for contrast), welcome texts, contact
details, and a logo that must be a small PNG or JPEG."""

import hashlib

import pytest
from sqlalchemy import select

from tests.support.http import problem
from tests.support.pictures import SVG, jpeg_start, png
from timebank.extensions import db
from timebank.models import AuditEvent, Bank, BankLogo
from timebank.services import bank_look

LOOK = {"colour": "#1D4F91", "welcome_text_en": "Welcome to Riverside.",
        "welcome_text_cy": "Croeso i Lan yr Afon.", "contact_phone": "01632 960 123",
        "contact_email": "hello@riverside.example", "contact_address": "1 High Street\nRiverside",
        "opening_hours": "Monday to Friday, 10am to 4pm"}


def patch(client, world, body, actor="coordinator"):
    return client.patch("/api/v1/bank", headers=world.headers(actor), json=body)


def put_logo(client, world, data, content_type="image/png", reason="Our new logo",
             actor="coordinator"):
    headers = world.headers(actor) | {"Content-Type": content_type}
    return client.put("/api/v1/bank/logo", headers=headers, data=data,
                      query_string={"reason": reason} if reason is not None else {})


def events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_contrast_with_white_follows_wcag():
    assert bank_look.contrast_with_white("#ffffff") == pytest.approx(1.0)
    assert bank_look.contrast_with_white("#000000") == pytest.approx(21.0)
    # #767676 is the lightest grey with 4.5:1 on white; #777777 falls just short
    assert bank_look.contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)
    assert bank_look.contrast_with_white("#777777") < 4.5


def test_a_coordinator_sets_the_look_and_it_is_audited(client, world):
    response = patch(client, world, LOOK | {"reason": "Our own colours"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["colour"] == "#1d4f91"
    assert {k: body[k] for k in LOOK if k != "colour"} == {k: v for k, v in LOOK.items()
                                                           if k != "colour"}
    (event,) = events("bank.settings_changed")
    assert event.reason == "Our own colours"
    assert event.details["after"]["colour"] == "#1d4f91"
    assert event.details["before"]["contact_phone"] is None
    assert client.get("/api/v1/bank", headers=world.headers("member")).get_json()[
        "welcome_text_cy"] == "Croeso i Lan yr Afon."


@pytest.mark.parametrize("colour,ratio", [("#ffcc00", "1.51"), ("#777777", "4.48"),
                                          ("#00a0e0", "2.96")])
def test_a_colour_too_light_for_white_text_is_refused_with_its_contrast(client, world, colour,
                                                                        ratio):
    body = problem(patch(client, world, {"colour": colour, "reason": "Brighter"}), 422,
                   "validation_error")
    assert list(body["errors"]) == ["colour"]
    (message,) = body["errors"]["colour"]
    found = f"{bank_look.contrast_with_white(colour):.2f}"
    assert found == ratio and f"{ratio}:1" in message and "4.5:1" in message
    assert db.session.get(Bank, world.bank.id).colour is None
    assert events("bank.settings_changed") == []


@pytest.mark.parametrize("body,field", [
    ({"colour": "1d4f91"}, "colour"), ({"colour": "#1d4f9"}, "colour"),
    ({"colour": "navy"}, "colour"), ({"colour": "#12345g"}, "colour"),
    ({"contact_email": "not an address"}, "contact_email"),
    ({"contact_phone": "call me <b>"}, "contact_phone"),
    ({"welcome_text_en": "x" * 2001}, "welcome_text_en"),
    ({"welcome_text_cy": "a\x00b"}, "welcome_text_cy"),
    ({"opening_hours": "x" * 501}, "opening_hours"),
    ({"contact_address": 12}, "contact_address"),
])
def test_bad_look_is_422_naming_the_field_and_nothing_is_written(client, world, body, field):
    response = patch(client, world, body | {"name": "Renamed", "reason": "Testing"})
    assert list(problem(response, 422, "validation_error")["errors"]) == [field]
    bank = db.session.get(Bank, world.bank.id)
    assert bank.name == "Test Time Bank" and bank.colour is None
    assert events("bank.settings_changed") == []


def test_members_cannot_change_the_look(client, world):
    problem(patch(client, world, {"colour": "#000000", "reason": "Mine"}, actor="member"), 403,
            "forbidden")
    problem(put_logo(client, world, png(), actor="member"), 403, "forbidden")


def test_a_png_logo_is_stored_served_with_its_type_and_a_cache_header_and_audited(client, world):
    picture = png()
    response = put_logo(client, world, picture)
    assert response.status_code == 200, response.get_json()
    url = response.get_json()["logo_url"]
    assert url.startswith("/banks/riverside/logo?v=")
    served = client.get(url)
    assert served.status_code == 200 and served.data == picture
    assert served.mimetype == "image/png"
    assert "max-age=" in served.headers["Cache-Control"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    (event,) = events("bank.logo_changed")
    assert event.reason == "Our new logo"
    assert event.details["after"]["logo"] == hashlib.sha256(picture).hexdigest()
    assert event.details["content_type"] == "image/png"


def test_a_jpeg_logo_is_recognised_by_its_first_bytes(client, world):
    assert put_logo(client, world, jpeg_start(), content_type="image/jpeg").status_code == 200
    assert db.session.get(BankLogo, world.bank.id).content_type == "image/jpeg"


@pytest.mark.parametrize("data,content_type,status", [
    (SVG, "image/png", 422),                                # an SVG sent as PNG
    (b"GIF89a" + b"\x00" * 20, "image/png", 422),           # another picture type
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * (200 * 1024), "image/png", 422),  # too large
    (png(), "image/svg+xml", 415),
])
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(client, world, data, content_type,
                                                           status):
    response = put_logo(client, world, data, content_type=content_type)
    assert response.status_code == status, response.get_json()
    if status == 422:
        assert list(problem(response, 422, "validation_error")["errors"]) == ["logo"]
    assert db.session.get(BankLogo, world.bank.id) is None
    assert db.session.get(Bank, world.bank.id).logo_sha256 is None
    assert events("bank.logo_changed") == []


def test_the_size_limit_is_named_in_the_refusal(client, world):
    too_big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (250 * 1024)
    (message,) = problem(put_logo(client, world, too_big), 422,
                         "validation_error")["errors"]["logo"]
    assert "251 kB" in message and "200 kB" in message


def test_a_logo_change_needs_a_reason(client, world):
    body = problem(put_logo(client, world, png(), reason=None), 422, "validation_error")
    assert list(body["errors"]) == ["reason"]


def test_the_logo_can_be_removed(client, world):
    put_logo(client, world, png())
    response = client.delete("/api/v1/bank/logo", headers=world.headers("coordinator"),
                             query_string={"reason": "Back to plain"})
    assert response.status_code == 200 and response.get_json()["logo_url"] is None
    assert client.get("/banks/riverside/logo").status_code == 404
    assert len(events("bank.logo_changed")) == 2


def test_the_stylesheet_carries_the_colour_and_nothing_else_of_the_bank(client, world):
    patch(client, world, {"colour": "#5a2d82", "reason": "Purple"})
    css = client.get("/banks/riverside/bank.css")
    assert css.mimetype == "text/css" and "max-age=" in css.headers["Cache-Control"]
    assert "--brand: #5a2d82" in css.get_data(as_text=True)
    assert client.get("/banks/nowhere/bank.css").status_code == 404


def test_the_openapi_document_describes_the_look_and_the_logo_upload(client):
    document = client.get("/api/v1/openapi.json").get_json()
    settings = document["components"]["schemas"]["BankSettings"]["properties"]
    assert {"colour", "welcome_text_cy", "contact_email", "logo_url"} <= set(settings)
    put = document["paths"]["/bank/logo"]["put"]
    assert set(put["requestBody"]["content"]) == {"image/png", "image/jpeg"}
    assert "delete" in document["paths"]["/bank/logo"]
