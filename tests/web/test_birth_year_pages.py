"""The optional year of birth on joining, on the profile and on a coordinator's pages."""

from sqlalchemy import select

from tests.web.conftest import PASSWORD, field_error, sign_in, text
from timebank.extensions import db
from timebank.models import Member
from timebank.models._types import utcnow

THIS_YEAR = utcnow().year


def fresh(member):
    db.session.expire_all()
    return db.session.get(Member, member.id)


def test_the_profile_asks_for_it_saying_why_and_keeps_it(client, people):
    sign_in(client, people.alice)
    html = text(client.get("/profile"))
    assert 'name="birth_year"' in html and "age band" in html
    response = client.post("/profile", data={"name": "Alice Jones", "skills": "Gardening",
                                             "language": "en", "birth_year": "1961"})
    assert response.status_code == 303
    assert fresh(people.alice).birth_year == 1961
    assert 'value="1961"' in text(client.get("/profile"))


def test_an_implausible_year_is_shown_at_its_field_and_nothing_is_saved(client, people):
    sign_in(client, people.alice)
    for typed in ("1850", str(THIS_YEAR), "sixty", "19588"):
        response = client.post("/profile", data={"name": "Alice Changed", "skills": "Gardening",
                                                 "language": "en", "birth_year": typed})
        assert response.status_code == 422, typed
        html = text(response)
        assert str(THIS_YEAR - 110) in field_error(html, "birth_year"), typed
        assert f'value="{typed}"' in html and 'href="#birth_year"' in html
        assert fresh(people.alice).name == "Alice Jones" and fresh(people.alice).birth_year is None


def test_joining_asks_for_it_and_keeps_it(client, people):
    html = text(client.get("/join/riverside"))
    assert 'name="birth_year"' in html and "age band" in html
    form = {"name": "Nia Evans", "email": "nia@example.org", "password": PASSWORD,
            "group": "citizen", "skills": "", "birth_year": "1990", "privacy": "1"}
    refused = client.post("/join/riverside", data=dict(form, birth_year="1492"))
    assert refused.status_code == 422 and field_error(text(refused), "birth_year")
    assert client.post("/join/riverside", data=form).status_code == 200
    nia = db.session.scalar(select(Member).where(Member.name == "Nia Evans"))
    assert nia.birth_year == 1990


def test_a_coordinator_sets_it_on_a_members_page(client, people):
    sign_in(client, people.coordinator)
    page = text(client.get(f"/coordinate/members/{people.bob.id}"))
    assert 'name="birth_year"' in page
    form = {"name": "Bob Evans", "birth_year": "1947", "group": "citizen", "role": "member",
            "status": "active", "below_hours": "10", "below_mins": "0", "ceiling_hours": "",
            "ceiling_mins": "", "reason": ""}
    done = client.post(f"/coordinate/members/{people.bob.id}", data=form)
    assert done.status_code == 302, text(done)
    assert fresh(people.bob).birth_year == 1947
    bad = client.post(f"/coordinate/members/{people.bob.id}", data=dict(form, birth_year="3000"))
    assert bad.status_code == 422 and field_error(text(bad), "birth_year")
    assert fresh(people.bob).birth_year == 1947


def test_a_coordinator_gives_it_when_adding_a_member(client, people):
    from tests.web.coordinator.support import token_in

    sign_in(client, people.coordinator)
    html = text(client.get("/coordinate/members/new"))
    assert 'name="birth_year"' in html
    form = {"form_token": token_in(html), "name": "Dai Jones", "group": "citizen",
            "role": "member", "email": "", "password": "", "skills": "", "birth_year": "190"}
    refused = client.post("/coordinate/members/new", data=form)
    assert refused.status_code == 422 and field_error(text(refused), "birth_year")
    assert db.session.scalar(select(Member).where(Member.name == "Dai Jones")) is None
    added = client.post("/coordinate/members/new", data=dict(form, birth_year="1939"))
    assert added.status_code == 302, text(added)
    assert db.session.scalar(select(Member).where(Member.name == "Dai Jones")).birth_year == 1939
