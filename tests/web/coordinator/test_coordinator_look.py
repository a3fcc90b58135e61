"""A bank's own look on the settings page, and on the bank's pages (and not another's)."""

import io
import re

from tests.support.factories import make_bank, make_member
from tests.support.pictures import SVG, png
from tests.web.coordinator.support import PASSWORD, audited, sign_in, text_of
from timebank.extensions import db
from timebank.models import Bank, BankLogo

LOOK = {"colour": "#5A2D82", "welcome_text_en": "Welcome to Riverside!",
        "welcome_text_cy": "Croeso i Lan yr Afon!", "contact_phone": "01632 960 123",
        "contact_email": "hello@riverside.example", "contact_address": "1 High Street",
        "opening_hours": "Tuesdays 10am to 4pm", "look_reason": "Our own colours"}


def fresh_bank(world):
    db.session.expire_all()
    return db.session.get(Bank, world.bank.id)


def error_at(html, field):
    found = re.search(rf'id="{field}-error">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>|Error:", "", found.group(1)).strip() if found else None


def test_the_settings_page_sets_the_look_and_the_audit_log_says_what_changed(coordinator, world):
    html = text_of(coordinator.get("/coordinate/settings"))
    assert 'action="/coordinate/settings/look"' in html and 'name="welcome_text_cy"' in html
    done = coordinator.post("/coordinate/settings/look", data=LOOK, follow_redirects=True)
    assert "Saved the look of the time bank." in text_of(done)
    bank = fresh_bank(world)
    assert bank.colour == "#5a2d82" and bank.opening_hours == "Tuesdays 10am to 4pm"
    assert audited("bank.settings_changed", bank.id) == 1
    audit_page = text_of(coordinator.get("/coordinate/audit?action=bank.settings_changed"))
    assert "colour: none → #5a2d82" in audit_page and "Our own colours" in audit_page


def test_a_light_colour_is_refused_at_its_field_with_the_contrast(coordinator, world):
    refused = coordinator.post("/coordinate/settings/look", data=dict(LOOK, colour="#ffcc00"))
    assert refused.status_code == 422
    html = text_of(refused)
    message = error_at(html, "colour")
    assert "1.51:1" in message and "4.5:1" in message
    assert 'href="#colour"' in html and 'value="#ffcc00"' in html  # kept to correct
    assert fresh_bank(world).colour is None and fresh_bank(world).contact_phone is None


def test_a_change_of_look_needs_a_reason_named_at_its_own_field(coordinator, world):
    refused = coordinator.post("/coordinate/settings/look", data=dict(LOOK, look_reason=""))
    assert refused.status_code == 422
    assert error_at(text_of(refused), "look_reason")
    assert fresh_bank(world).colour is None


def test_the_bank_pages_carry_its_colour_logo_welcome_and_contact_details(client, world):
    sign_in(client, world.coordinator)
    client.post("/coordinate/settings/look", data=LOOK)
    client.post("/coordinate/settings/logo", data={
        "logo": (io.BytesIO(png()), "logo.png"), "logo_reason": "Our new logo"},
        content_type="multipart/form-data")
    client.post("/sign-out")
    sign_in(client, world.alice)
    home = text_of(client.get("/home"))
    stylesheet = re.search(r'<link rel="stylesheet" href="(/banks/[^"]+/bank\.css\?v=\w+)"',
                           home).group(1)
    assert "--brand: #5a2d82" in text_of(client.get(stylesheet))
    logo = re.search(r'<img class="brand-logo" src="([^"]+)" alt="([^"]+)"', home)
    assert logo.group(2) == world.bank.name
    assert client.get(logo.group(1).replace("&amp;", "&")).data == png()
    assert "Welcome to Riverside!" in home
    assert "01632 960 123" in home and "Tuesdays 10am to 4pm" in home
    assert 'style="' not in home  # the colour comes from a stylesheet, the CSP stays strict
    client.get("/language/cy")
    assert "Croeso i Lan yr Afon!" in text_of(client.get("/home"))


def test_another_banks_pages_carry_none_of_it(client, world):
    sign_in(client, world.coordinator)
    client.post("/coordinate/settings/look", data=LOOK)
    other = make_bank("hillside")
    hilda = make_member(other, "Hilda Hill", password=PASSWORD, email="hilda@example.org")
    client.post("/sign-out")
    sign_in(client, hilda)
    home = text_of(client.get("/home"))
    assert "bank.css" not in home and "brand-logo" not in home
    assert "Welcome to Riverside!" not in home and "01632 960 123" not in home
    assert f"<a class=\"brand brand-bank\" href=\"/\">{other.name}</a>" in home


def test_a_logo_that_is_not_png_or_jpeg_is_refused_at_its_field(coordinator, world):
    refused = coordinator.post("/coordinate/settings/logo", data={
        "logo": (io.BytesIO(SVG), "logo.svg"), "logo_reason": "Vector"},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "PNG or JPEG" in error_at(text_of(refused), "logo")
    assert db.session.get(BankLogo, world.bank.id) is None
    assert audited("bank.logo_changed") == 0


def test_the_logo_can_be_removed_on_the_settings_page(coordinator, world):
    coordinator.post("/coordinate/settings/logo", data={
        "logo": (io.BytesIO(png()), "logo.png"), "logo_reason": "New"},
        content_type="multipart/form-data")
    assert fresh_bank(world).logo_sha256
    assert 'name="remove_logo"' in text_of(coordinator.get("/coordinate/settings"))
    coordinator.post("/coordinate/settings/logo", data={"remove_logo": "y",
                                                        "logo_reason": "Plain again"})
    assert fresh_bank(world).logo_sha256 is None
    assert audited("bank.logo_changed") == 2


def test_printed_reports_carry_the_name_logo_and_contact_details(client, world):
    sign_in(client, world.coordinator)
    client.post("/coordinate/settings/look", data=LOOK)
    client.post("/coordinate/settings/logo", data={
        "logo": (io.BytesIO(png()), "logo.png"), "logo_reason": "New"},
        content_type="multipart/form-data")
    for path in ("/reports", "/reports/methods"):
        html = text_of(client.get(path))
        heading = html.split('class="print-only bank-print-heading"', 1)[1].split("</h1>")[0]
        assert world.bank.name in heading and "01632 960 123" in heading, path
        assert f'alt="{world.bank.name}"' in heading, path
