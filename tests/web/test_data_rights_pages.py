"""Pages for members' data rights: accepting the privacy notice on joining and at sign-in,
downloading your data, and a coordinator's download, erasure and notice editor."""

import json

from sqlalchemy import select

from tests.support.factories import post_exchange
from tests.web.conftest import field_error, sign_in, text
from timebank.extensions import db
from timebank.models import Consent, Member, PrivacyNotice, User

JOIN = {"name": "Rose Tyler", "email": "rose@example.org", "password": "a long walk by the sea",
        "group": "citizen", "skills": "Reading aloud"}


def consents_of(email):
    member = db.session.scalar(select(Member).join(Member.user).where(User.email == email))
    return [version for (version,) in db.session.execute(
        select(PrivacyNotice.version).join(Consent, Consent.notice_id == PrivacyNotice.id)
        .where(Consent.member_id == member.id))]


def test_joining_needs_the_privacy_notice_accepted_and_records_its_version(client, people):
    page = text(client.get("/join/riverside"))
    assert "How we use your information" in page and 'name="privacy" value="1"' in page
    refused = client.post("/join/riverside", data=JOIN)
    assert refused.status_code == 422
    assert "tick the box" in field_error(text(refused), "privacy")
    assert db.session.scalar(select(Member).where(Member.name == "Rose Tyler")) is None
    assert client.post("/join/riverside", data=JOIN | {"privacy": "1"}).status_code == 200
    assert consents_of("rose@example.org") == [1]


def test_a_member_downloads_their_data_from_their_profile(client, people):
    sign_in(client, people.alice)
    profile = text(client.get("/profile"))
    assert 'href="/profile/my-data.json"' in profile and 'href="/statement.csv"' in profile
    response = client.get("/profile/my-data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    document = json.loads(response.get_data(as_text=True))
    assert document["profile"]["email"] == "alice@example.org"
    assert "bob@example.org" not in response.get_data(as_text=True)


def test_a_new_notice_is_read_at_the_next_sign_in(client, people):
    sign_in(client, people.coordinator)
    published = client.post("/coordinate/privacy", data={"text_en": "We keep less now.",
                                                         "text_cy": "Rydym yn cadw llai."})
    assert published.status_code == 303
    assert field_error(text(client.post("/coordinate/privacy", data={
        "text_en": "We keep less now.", "text_cy": ""})), "text_cy")
    client.post("/sign-out")
    response = sign_in(client, people.alice)
    assert response.headers["Location"].startswith("/privacy?next=")
    notice = text(client.get("/privacy?next=/home"))
    assert "We keep less now." in notice and 'name="version" value="2"' in notice
    accepted = client.post("/privacy", data={"version": "2", "next": "/home"})
    assert (accepted.status_code, accepted.headers["Location"]) == (303, "/home")
    assert consents_of("alice@example.org") == [2]
    client.post("/sign-out")
    assert sign_in(client, people.alice).headers["Location"] == "/home"


def test_a_coordinator_downloads_and_erases_a_member_from_their_page(client, people):
    post_exchange(people.bank, people.alice, people.bob, 30)
    alice = people.alice.id
    sign_in(client, people.coordinator)
    page = text(client.get(f"/coordinate/members/{alice}"))
    assert f'href="/coordinate/members/{alice}/data.json"' in page
    download = client.get(f"/coordinate/members/{alice}/data.json")
    assert json.loads(download.get_data(as_text=True))["profile"]["name"] == "Alice Jones"
    missing = client.post(f"/coordinate/members/{alice}/erase", data={})
    assert missing.status_code == 422
    assert 'href="#erase_reason"' in text(missing) and "Choose a reason" in text(missing)
    done = client.post(f"/coordinate/members/{alice}/erase",
                       data={"erase_reason": "member_request"})
    assert done.status_code == 303
    member = db.session.get(Member, alice)
    assert (member.name, member.user, member.account.balance) == (
        f"Erased member {alice}", None, 0)
    assert "was erased on" in text(client.get(f"/coordinate/members/{alice}"))


def test_a_refused_balance_is_explained_on_the_member_page(client, people):
    post_exchange(people.bank, people.alice, people.bob, 30)
    sign_in(client, people.coordinator)
    refused = client.post(f"/coordinate/members/{people.bob.id}/erase",
                          data={"erase_reason": "member_request"})
    assert refused.status_code == 422
    assert "Nothing was erased" in text(refused)
    assert db.session.get(Member, people.bob.id).name == "Bob Evans"
