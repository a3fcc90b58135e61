"""Categories and activities: listed for everyone in the bank, added by coordinators."""

import pytest
from sqlalchemy import select

from tests.support.http import problem
from timebank.extensions import db
from timebank.models import Activity, AuditEvent, Category
from timebank.services import catalogue


def add(client, world, kind, body, actor="coordinator"):
    return client.post(f"/api/v1/{kind}", headers=world.headers(actor), json=body)


def listed(client, world, kind, actor="member", **query):
    return client.get(f"/api/v1/{kind}", headers=world.headers(actor), query_string=query)


def test_categories_are_added_and_listed_by_name(client, world, frozen_now):
    for name in ["Gardening", "Befriending", " Lifts  "]:
        assert add(client, world, "categories", {"name": name}).status_code == 201
    body = listed(client, world, "categories").get_json()
    assert [c["name"] for c in body["items"]] == ["Befriending", "Gardening", "Lifts"]
    assert (body["page"], body["per_page"], body["total"]) == (1, 100, 3)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "category.created",
                                                       AuditEvent.details["name"].as_string()
                                                       == "Lifts"))
    assert (event.actor_id, event.created_at) == (world.id("coordinator"), frozen_now)
    assert listed(client, world, "categories", "outsider").get_json()["items"] == []


def test_activities_carry_a_participation_level(client, world):
    response = add(client, world, "activities", {"name": "Day-centre redesign group",
                                                 "level": "co-design"})
    assert response.status_code == 201
    activity = response.get_json()
    assert activity | {"id": 0} == {"id": 0, "name": "Day-centre redesign group",
                                    "level": "co-design"}
    assert listed(client, world, "activities", "evaluator").get_json()["items"] == [activity]
    assert db.session.get(Activity, activity["id"]).bank_id == world.bank.id


@pytest.mark.parametrize("kind,body,field", [
    ("categories", {"name": ""}, "name"), ("categories", {"name": "   "}, "name"),
    ("categories", {"name": "x" * 81}, "name"), ("categories", {}, "name"),
    ("categories", {"name": "Café\x00"}, "name"), ("categories", {"name": 7}, "name"),
    ("categories", {"name": "Ok", "colour": "red"}, "colour"),
    ("activities", {"name": "Group"}, "level"),
    ("activities", {"name": "Group", "level": "co-operate"}, "level"),
    ("activities", {"name": "", "level": "inform"}, "name"),
])
def test_bad_catalogue_entries_are_422_naming_the_field(client, world, kind, body, field):
    errors = problem(add(client, world, kind, body), 422, "validation_error")["errors"]
    assert list(errors) == [field]


@pytest.mark.parametrize("first,second", [
    ("Gardening", "gardening"), ("Gardening", "  GARDENING "), ("Éducation", "éDUCATION"),
    ("Straße", "STRASSE"),
])
def test_names_are_unique_in_a_bank_whatever_the_case(client, world, first, second):
    assert add(client, world, "categories", {"name": first}).status_code == 201
    errors = problem(add(client, world, "categories", {"name": second}), 422,
                     "validation_error")["errors"]
    assert "already exists" in errors["name"][0]
    assert add(client, world, "categories", {"name": first}, actor="outsider").status_code == 201
    assert catalogue.find_category(world.bank.id, second).name == first


def test_an_unknown_category_name_is_a_validation_error(world):
    with pytest.raises(Exception, match="no category called") as raised:
        catalogue.find_category(world.bank.id, "Nothing")
    assert raised.value.errors == {"category": ["There is no category called 'Nothing'."]}


def test_a_replayed_idempotent_request_adds_once(client, world):
    headers = world.headers("coordinator") | {"Idempotency-Key": "add-gardening-1"}
    first = client.post("/api/v1/categories", headers=headers, json={"name": "Gardening"})
    again = client.post("/api/v1/categories", headers=headers, json={"name": "Gardening"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.get_json() == first.get_json() and again.headers["Idempotent-Replayed"] == "true"
    assert len(db.session.scalars(select(Category)).all()) == 1
    other = client.post("/api/v1/categories", headers=headers, json={"name": "Lifts"})
    problem(other, 409, "idempotency_key_reused")
    for key in ["", "k" * 256, "tab\there", "caf\u00e9"]:
        body = problem(client.post("/api/v1/categories", json={"name": "Shopping"},
                                   headers=world.headers("coordinator") | {"Idempotency-Key": key}),
                       422, "validation_error")
        assert list(body["errors"]) == ["Idempotency-Key"]


@pytest.mark.parametrize("kind,body", [("categories", {"name": "Gardening"}),
                                       ("activities", {"name": "Gardening", "level": "inform"})])
def test_a_name_taken_by_a_concurrent_request_is_still_a_422(client, world, monkeypatch, kind,
                                                            body):
    assert add(client, world, kind, body).status_code == 201
    monkeypatch.setattr(catalogue, "_same_name", lambda *args: None)  # the check came too early
    errors = problem(add(client, world, kind, body), 422, "validation_error")["errors"]
    assert errors == {"name": ["This name already exists in this time bank."]}
    assert listed(client, world, kind).get_json()["total"] == 1
