"""The Welsh interface has no untranslated strings, and the pages really speak Welsh.

The messages are extracted from the source the way scripts/translations does it
(babel.cfg, the script's keywords), so a string added to the code or a template
without a Welsh translation fails here, named. Run scripts/translations, translate
it in translations/cy/LC_MESSAGES/messages.po, and this passes again.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import select

from tests.support.factories import NOW
from tests.support.mail import queued
from tests.support.passwords import use_fast_hasher
from tests.support.world import PASSWORD, build_world
from timebank.extensions import db
from timebank.ledger import CreditLimitExceeded
from timebank.models import User
from timebank.models._types import utcnow
from timebank.services import exchanges
from timebank.services.errors import from_ledger_error

ROOT = Path(__file__).resolve().parent.parent
WELSH = ROOT / "translations" / "cy" / "LC_MESSAGES" / "messages.po"
TEMPLATE = ROOT / "translations" / "messages.pot"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def _keywords():
    """Babel's keywords and the ones scripts/translations adds with -k (lazy_gettext, _l)."""
    script = (ROOT / "scripts" / "translations").read_text()
    return {**DEFAULT_KEYWORDS, **{name: None for name in re.findall(r"-k (\w+)", script)}}


def _extracted():
    """{msgid: where it was found}; a plural message's id is (singular, plural)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=_keywords()):
        found.setdefault(message, f"{filename}:{lineno}")
    return found


def _placeholders(text):
    return {a or b for a, b in PLACEHOLDER.findall(text)}


@pytest.fixture(scope="module")
def extracted():
    return _extracted()


@pytest.fixture(scope="module")
def welsh():
    with WELSH.open("rb") as source:
        return read_po(source, locale="cy")


def test_every_string_in_the_code_and_templates_is_in_the_welsh_catalogue(extracted, welsh):
    missing = [f"{where}: {msgid!r}" for msgid, where in extracted.items()
               if welsh.get(msgid[0] if isinstance(msgid, tuple) else msgid) is None]
    assert not missing, "run scripts/translations, then translate:\n" + "\n".join(missing)


def test_every_welsh_message_is_translated_and_not_fuzzy(extracted, welsh):
    untranslated = []
    for msgid, where in extracted.items():
        message = welsh.get(msgid[0] if isinstance(msgid, tuple) else msgid)
        if message is None:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(form.strip() for form in forms) or (
                message.pluralizable and len(forms) != welsh.num_plurals):
            untranslated.append(f"{where}: {msgid!r}")
    assert welsh.num_plurals == 6
    assert not untranslated, "translate in translations/cy/…/messages.po:\n" + "\n".join(untranslated)


def test_welsh_messages_keep_the_placeholders_of_the_english(welsh):
    wrong = []
    for message in welsh:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*(_placeholders(i) for i in ids))
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wrong += [f"{ids[0]!r} → {form!r}" for form in forms if _placeholders(form) != wanted]
    assert not wrong, "\n".join(wrong)


def test_the_catalogue_holds_nothing_the_code_no_longer_says(extracted, welsh):
    wanted = {msgid[0] if isinstance(msgid, tuple) else msgid for msgid in extracted}
    stale = [message.id for message in welsh if message.id and (
        message.id[0] if isinstance(message.id, tuple) else message.id) not in wanted]
    assert not welsh.obsolete and not stale, stale


def test_the_template_is_up_to_date(extracted):
    with TEMPLATE.open("rb") as source:
        template = {message.id for message in read_po(source) if message.id}
    assert template == set(extracted), "run scripts/translations"


# --- the pages in Welsh ---------------------------------------------------------------------

WELSH_BROWSER = {"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"}


@pytest.fixture
def world(app, monkeypatch):
    use_fast_hasher(monkeypatch)
    return build_world()


def _sign_in(client, email, headers=None):
    response = client.post("/sign-in", data={"email": email, "password": PASSWORD},
                           headers=headers or {})
    assert response.status_code == 302, response.data
    return response


def _speaks_welsh(user_id, language="cy"):
    user = db.session.get(User, user_id)
    user.language = language
    db.session.commit()


def test_the_sign_in_page_follows_the_browsers_language(client):
    html = client.get("/sign-in", headers=WELSH_BROWSER).get_data(as_text=True)
    assert '<html lang="cy">' in html and "Mewngofnodi" in html
    assert "Neidio i'r prif gynnwys" in html
    english = client.get("/sign-in", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in english and "Sign in" in english and "Mewngofnodi" not in english


def test_a_member_who_chose_welsh_sees_welsh_navigation_and_dates(client, world):
    member = world.people["member"]
    _speaks_welsh(member.user_id)
    _sign_in(client, member.email, headers={"Accept-Language": "en"})
    html = client.get("/home", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="cy">' in html
    for words in ("Hafan", "Cynigion a cheisiadau", "Cofnodi amser", "Cyfriflen", "Allgofnodi"):
        assert words in html, words
    assert "Sign out" not in html
    profile = client.get("/profile").get_data(as_text=True)
    assert "Eich proffil" in profile


def test_switching_to_cymraeg_is_saved_on_the_member_and_the_next_page_is_welsh(client, world):
    member = world.people["member"]
    _sign_in(client, member.email)
    assert 'lang="en"' in client.get("/home").get_data(as_text=True)
    response = client.get("/language/cy?next=/home")
    assert response.status_code == 302 and response.location.endswith("/home")
    db.session.expire_all()
    assert db.session.get(User, member.user_id).language == "cy"
    html = client.get(response.location).get_data(as_text=True)
    assert '<html lang="cy">' in html and "Allgofnodi" in html
    client.get("/language/en?next=/home")
    db.session.expire_all()
    assert db.session.get(User, member.user_id).language == "en"


def test_a_service_refusal_is_in_welsh_on_a_page(client, world):
    member, other = world.people["member"], world.people["other_member"]
    _speaks_welsh(member.user_id)
    _sign_in(client, member.email)
    tomorrow = utcnow().date() + dt.timedelta(days=1)
    response = client.post("/exchanges/new", data={
        "form_token": "t" * 32, "member_id": str(other.id), "direction": "gave", "hours": "1",
        "minutes": "0", "occurred_on": tomorrow.isoformat(), "description": "Tro a sgwrs",
        "category": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Does dim modd i&#39;r dyddiad fod yn y dyfodol." in html
    assert "Mae problem" in html and "Gwall:" in html


def test_api_problems_follow_accept_language(client, world):
    headers = {**world.headers("member"), "Accept-Language": "cy"}
    member = world.people["member"]
    body = {"provider_id": member.id, "receiver_id": member.id, "minutes": 30,
            "occurred_on": utcnow().date().isoformat()}
    problem = client.post("/api/v1/exchanges", json=body, headers=headers).get_json()
    assert problem["code"] == "validation_error"
    assert problem["title"] == "Mae angen cywiro rhai manylion"
    assert problem["errors"]["receiver_id"] == [
        "Does dim modd i rywun gyfnewid amser gyda nhw eu hunain."]
    too_long = client.post("/api/v1/categories", json={"name": "x" * 81},
                           headers={**world.headers("coordinator"), "Accept-Language": "cy"})
    assert too_long.get_json()["errors"]["name"] == ["Rhaid i'r hyd fod rhwng 1 a 80."]
    english = client.post("/api/v1/exchanges", json=body, headers=world.headers("member"))
    assert english.get_json()["errors"]["receiver_id"] == [
        "Someone can't exchange time with themselves."]


def test_a_credit_limit_refusal_is_translated_where_the_service_meets_the_ledger(app):
    with app.test_request_context(), force_locale("cy"):
        error = from_ledger_error(CreditLimitExceeded(7, -590, -30, -600, None))
    assert error.code == "credit_limit_exceeded" and isinstance(error.message, str)
    assert error.message == ("Byddai cyfrif 7 yn mynd o dan ei isafswm o -600 munud "
                             "(balans -590 munud, newid -30 munud).")


def test_emails_are_in_the_recipients_language_with_welsh_dates(app, world):
    member, other = world.people["member"], world.people["other_member"]
    _speaks_welsh(other.user_id)
    exchanges.log(member, provider_id=member.id, receiver_id=other.id, minutes=90,
                  occurred_on=dt.date(2026, 5, 31), description="Garddio", now=NOW)
    sent = queued()[-1]
    assert sent["to"] == other.email and sent["subject"] == "Cadarnhewch gyfnewid"
    assert "1 awr 30 munud ar 31 Mai 2026" in sent["body"], sent["body"]


def test_an_address_that_matches_no_page_gets_a_page_in_welsh(client):
    response = client.get("/dim-tudalen-fan-hyn", headers=WELSH_BROWSER)
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and '<html lang="cy">' in html
    assert "Heb ddod o hyd i&#39;r dudalen" in html
    api = client.get("/api/v1/nowhere", headers={"Accept-Language": "cy"})
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    assert api.get_json()["title"] == "Heb ei ganfod"


def test_someone_who_asks_to_join_in_welsh_gets_welsh_from_then_on(client, world):
    form = {"name": "Nia Roberts", "email": "nia@example.org", "password": PASSWORD,
            "group": "citizen", "skills": "Canu", "privacy": "1"}
    page = client.post("/join/riverside", data=form, headers=WELSH_BROWSER)
    assert page.status_code == 200 and '<html lang="cy">' in page.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "nia@example.org"))
    assert user.language == "cy"
