"""A year of birth: optional, plausible, the member's own and coordinators' to set, private,
in the member's export, gone on erasure; and it fills the report's age band."""

import pytest

from tests.support.http import problem
from timebank.extensions import db
from timebank.models import Member
from timebank.models._types import utcnow
from timebank.reports import export
from timebank.services import members

THIS_YEAR = utcnow().year


def patch_member(client, world, actor, member_id, body):
    return client.patch(f"/api/v1/members/{member_id}", headers=world.headers(actor), json=body)


def test_a_member_sets_their_own_year_of_birth_and_only_they_and_coordinators_see_it(
        client, world):
    me = world.id("member")
    response = patch_member(client, world, "member", me, {"birth_year": 1958})
    assert response.status_code == 200 and response.get_json()["birth_year"] == 1958
    assert db.session.get(Member, me).birth_year == 1958
    seen = client.get(f"/api/v1/members/{me}", headers=world.headers("other_member"))
    assert seen.get_json()["birth_year"] is None
    seen = client.get(f"/api/v1/members/{me}", headers=world.headers("coordinator"))
    assert seen.get_json()["birth_year"] == 1958
    assert client.get("/api/v1/me/export", headers=world.headers("member")).get_json()[
        "profile"]["birth_year"] == 1958


def test_a_coordinator_sets_it_when_adding_a_member_and_can_clear_it(client, world):
    added = client.post("/api/v1/members", headers=world.headers("coordinator"), json={
        "name": "Dai Jones", "group": "citizen", "birth_year": 1941})
    assert added.status_code == 201 and added.get_json()["birth_year"] == 1941
    member_id = added.get_json()["id"]
    cleared = patch_member(client, world, "coordinator", member_id, {"birth_year": None})
    assert cleared.get_json()["birth_year"] is None


@pytest.mark.parametrize("value", [1800, THIS_YEAR - 110 - 1, THIS_YEAR - 9, THIS_YEAR + 1,
                                   10**12, "1958", 1958.5, True])
def test_an_implausible_year_is_refused_naming_the_field(client, world, value):
    me = world.id("member")
    body = problem(patch_member(client, world, "member", me, {"birth_year": value,
                                                              "name": "Renamed"}),
                   422, "validation_error")
    assert list(body["errors"]) == ["birth_year"]
    member = db.session.get(Member, me)
    assert member.birth_year is None and member.name == "Ann Baker"


def test_the_edges_of_the_plausible_range_are_accepted(client, world):
    me = world.id("member")
    for year in (THIS_YEAR - 110, THIS_YEAR - 10):
        assert patch_member(client, world, "member", me, {"birth_year": year}).status_code == 200


def test_the_message_names_the_range(app):
    with pytest.raises(members.ValidationFailed) as refused:
        members.birth_year_from_text("19x8", utcnow().date())
    (message,) = refused.value.errors["birth_year"]
    assert str(THIS_YEAR - 110) in message and str(THIS_YEAR - 10) in message
    assert members.birth_year_from_text(" ", utcnow().date()) is None
    assert members.birth_year_from_text("1958", utcnow().date()) == 1958


def test_the_report_age_band_is_known_once_it_is_given(client, world):
    me = world.id("member")
    patch_member(client, world, "member", me, {"birth_year": THIS_YEAR - 30})
    assert export.age_band(db.session.get(Member, me).birth_year, utcnow().date()) != "unknown"


def test_erasure_removes_it(client, world):
    other = world.id("other_member")
    patch_member(client, world, "other_member", other, {"birth_year": 1970})
    erased = client.post(f"/api/v1/members/{other}/erase", headers=world.headers("coordinator"),
                         json={"reason": "member_request"})
    assert erased.status_code == 200, erased.get_json()
    db.session.expire_all()
    assert db.session.get(Member, other).birth_year is None
