"""The demo: professional and organisation logins, and a second bank with its own look whose
members see nothing of the first (and the other way round)."""

import pytest
from sqlalchemy import select

from tests.support.passwords import use_fast_hasher
from tests.support.world import token_for
from timebank.extensions import db
from timebank.models import Bank, Exchange, Listing, Member, User
from timebank.models._types import utcnow
from timebank.services import demo, verification


@pytest.fixture
def both(app, monkeypatch):
    use_fast_hasher(monkeypatch)
    app.config.update(RATELIMIT_ENABLED=False)
    logins = demo.build_both(now=utcnow())
    return logins


def member_at(email):
    return db.session.scalar(select(Member).join(User).where(User.email == email))


def ids(model, slug):
    bank_id = db.session.scalar(select(Bank.id).where(Bank.slug == slug))
    return set(db.session.scalars(select(model.id).where(model.bank_id == bank_id)))


def test_professional_and_organisation_logins_and_a_second_bank_with_its_own_look(both, client):
    by_email = {email: role for role, email, _password in both}
    assert by_email["professional@riverside.example.org"] == "professional"
    assert by_email["organisation@riverside.example.org"] == "organisation"
    assert member_at("professional@riverside.example.org").group == "professional"
    assert member_at("organisation@riverside.example.org").group == "organisation"
    assert {"coordinator@hillside.example.org", "member@hillside.example.org"} <= set(by_email)
    for email in by_email:
        signed_in = client.post("/sign-in", data={"email": email,
                                                  "password": demo.DEMO_PASSWORD})
        assert signed_in.status_code == 302, email
        client.post("/sign-out")
    assert verification.verify().ok
    hillside = db.session.scalar(select(Bank).where(Bank.slug == "hillside"))
    assert hillside.colour == "#5a2d82" and hillside.logo_sha256
    assert hillside.welcome_text_cy and hillside.contact_phone
    assert len(ids(Member, "hillside")) >= 9 and len(ids(Listing, "hillside")) >= 3
    assert len(ids(Exchange, "hillside")) >= 20
    riverside = db.session.scalar(select(Bank).where(Bank.slug == "riverside"))
    assert riverside.colour is None and riverside.logo_sha256 is None


READERS = (("member@hillside.example.org", "riverside"),
           ("member@riverside.example.org", "hillside"),
           ("coordinator@hillside.example.org", "riverside"))


def test_a_member_of_one_demo_bank_sees_nothing_of_the_other(both, client):
    for reader, other in READERS:
        sees_nothing_of(client, reader, other)


def sees_nothing_of(client, reader, other):
    headers = {"Authorization": f"Bearer {token_for(member_at(reader))}"}
    theirs = {"members": ids(Member, other), "listings": ids(Listing, other),
              "exchanges": ids(Exchange, other)}
    for kind, other_ids in theirs.items():
        listed = client.get(f"/api/v1/{kind}", headers=headers,
                            query_string={"per_page": 100}).get_json()
        assert listed["items"], (kind, listed)
        assert not {item["id"] for item in listed["items"]} & other_ids
        some = min(other_ids)
        assert client.get(f"/api/v1/{kind}/{some}", headers=headers).status_code == 404, kind
    other_names = set(db.session.scalars(select(Member.name).where(
        Member.id.in_(theirs["members"]))))
    client.post("/sign-in", data={"email": reader, "password": demo.DEMO_PASSWORD})
    for path in ("/members", "/offers-and-requests", "/home"):
        html = client.get(path).get_data(as_text=True)
        assert not [name for name in other_names if name in html], path
    assert f"/banks/{other}/" not in client.get("/home").get_data(as_text=True)
    client.post("/sign-out")
