"""/members: listing with search and paging, adding people, reading and changing them."""

import pytest
from sqlalchemy import select

from tests.support.factories import make_member
from tests.support.http import problem
from timebank.extensions import db
from timebank.models import AuditEvent, Member, MemberStatusChange
from timebank.plain_text import REASON_MAX_LENGTH
from timebank.services import members


def get(client, world, actor, path, **query):
    return client.get("/api/v1" + path, headers=world.headers(actor), query_string=query)


def patch(client, world, actor, member_id, body):
    return client.patch(f"/api/v1/members/{member_id}", headers=world.headers(actor), json=body)


def names(response):
    return [item["name"] for item in response.get_json()["items"]]


# --- listing ------------------------------------------------------------------------------

def test_the_list_is_paged_by_name(client, world):
    for n in range(23):
        make_member(world.bank, f"Person {n:02d}")
    first = get(client, world, "coordinator", "/members", per_page=10)
    body = first.get_json()
    assert (body["page"], body["per_page"], body["total"]) == (1, 10, 28)
    assert names(first)[:5] == ["Ada Green", "Ann Baker", "Bob Carter", "Cora Dale", "Eve Fisher"]
    third = get(client, world, "coordinator", "/members", per_page=10, page=3).get_json()
    assert [i["name"] for i in third["items"]] == [f"Person {n:02d}" for n in range(15, 23)]
    beyond = get(client, world, "coordinator", "/members", per_page=10, page=4).get_json()
    assert beyond["items"] == [] and beyond["total"] == 28
    default = get(client, world, "coordinator", "/members").get_json()
    assert default["per_page"] == 20 and len(default["items"]) == 20
    assert len(get(client, world, "coordinator", "/members", per_page=100).get_json()["items"]) == 28


@pytest.mark.parametrize("query,field", [
    ({"per_page": 101}, "per_page"), ({"per_page": 0}, "per_page"), ({"page": 0}, "page"),
    ({"page": "two"}, "page"), ({"per_page": "1.5"}, "per_page"), ({"status": "asleep"}, "status"),
    ({"group": "robot"}, "group"), ({"q": "x" * 101}, "q"), ({"pages": 2}, "pages"),
])
def test_bad_list_parameters_are_422_naming_them(client, world, query, field):
    body = problem(get(client, world, "member", "/members", **query), 422, "validation_error")
    assert list(body["errors"]) == [field]


def test_search_finds_names_and_skills_whatever_the_case(client, world):
    make_member(world.bank, "Dan Evans", skills="Knitting and BAKING cakes")
    assert names(get(client, world, "member", "/members", q="BAKING")) == ["Ann Baker", "Dan Evans"]
    assert names(get(client, world, "member", "/members", q="carter")) == ["Bob Carter"]
    assert names(get(client, world, "member", "/members", q="lifts to")) == ["Bob Carter"]
    assert names(get(client, world, "member", "/members", q="nobody at all")) == []
    found = get(client, world, "member", "/members", q="an", group="professional").get_json()
    assert found["total"] == 0
    assert names(get(client, world, "member", "/members", role="coordinator")) == ["Cora Dale"]


def test_search_text_is_literal_not_a_pattern(client, world):
    make_member(world.bank, "Per Cent", skills="100% reliable")
    assert names(get(client, world, "member", "/members", q="%")) == ["Per Cent"]
    assert names(get(client, world, "member", "/members", q="_")) == []
    assert names(get(client, world, "member", "/members", q="0% r")) == ["Per Cent"]


def test_members_see_active_members_and_coordinators_see_everyone(client, world):
    make_member(world.bank, "Pam Pending", status="pending")
    make_member(world.bank, "Sid Suspended", status="suspended")
    seen = names(get(client, world, "member", "/members"))
    assert "Pam Pending" not in seen and "Sid Suspended" not in seen and "Ann Baker" in seen
    assert names(get(client, world, "member", "/members", status="pending")) == []
    assert names(get(client, world, "coordinator", "/members", status="pending")) == ["Pam Pending"]
    assert "Sid Suspended" in names(get(client, world, "coordinator", "/members"))


def test_private_details_are_only_for_the_member_and_coordinators(client, history):
    world = history
    ann = world.id("member")
    items = {i["id"]: i for i in get(client, world, "other_member", "/members").get_json()["items"]}
    assert items[ann]["email"] is None and items[ann]["balance_minutes"] is None
    assert items[world.id("other_member")]["email"] == "bob@example.org"
    assert items[world.id("other_member")]["balance_minutes"] == -85
    mine = get(client, world, "coordinator", f"/members/{ann}").get_json()
    assert mine == {"id": ann, "name": "Ann Baker", "group": "citizen", "role": "member",
                    "status": "active", "skills": "baking, gardening", "balance_minutes": 85,
                    "floor_minutes": -600, "ceiling_minutes": None, "email": "ann@example.org",
                    "birth_year": None}


def test_another_banks_members_do_not_exist_for_you(client, world):
    otto = world.id("outsider")
    listing = get(client, world, "coordinator", "/members", q="Otto").get_json()
    assert listing["total"] == 0
    for response in [get(client, world, "coordinator", f"/members/{otto}"),
                     get(client, world, "coordinator", f"/members/{otto}/statement"),
                     patch(client, world, "coordinator", otto, {"name": "Taken over"}),
                     get(client, world, "member", "/members/999999"),
                     get(client, world, "member", "/members/2147483648")]:
        problem(response, 404, "not_found")
    assert db.session.get(Member, otto).name == "Otto Hill"


# --- adding people ------------------------------------------------------------------------

def test_a_coordinator_adds_an_active_member_who_can_sign_in(client, world, frozen_now):
    response = client.post("/api/v1/members", headers=world.headers("coordinator"), json={
        "name": "  Pat Quinn ", "email": "Pat@Example.org", "group": "organisation",
        "role": "member", "password": "the day centre on the hill", "skills": "a meeting room"})
    assert response.status_code == 201
    body = response.get_json()
    assert body | {"id": None} == {
        "id": None, "name": "Pat Quinn", "group": "organisation", "role": "member",
        "status": "active", "skills": "a meeting room", "balance_minutes": 0,
        "floor_minutes": -600, "ceiling_minutes": None, "email": "pat@example.org",
        "birth_year": None}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.created",
                                                       AuditEvent.target_id == body["id"]))
    assert (event.actor_id, event.created_at) == (world.id("coordinator"), frozen_now)
    token = client.post("/api/v1/tokens", json={"email": "pat@example.org",
                                                "password": "the day centre on the hill"})
    assert token.status_code == 201


def test_members_without_a_login_need_no_email(client, world):
    response = client.post("/api/v1/members", headers=world.headers("coordinator"),
                           json={"name": "Mrs Jones", "group": "citizen"})
    assert response.status_code == 201 and response.get_json()["email"] is None


@pytest.mark.parametrize("body,field,words", [
    ({"email": "ann@example.org"}, "email", "already uses"),
    ({"email": "ANN@EXAMPLE.ORG"}, "email", "already uses"),
    ({"email": "not an email"}, "email", "email"),
    ({"password": "short"}, "password", "at least 10 characters"),
    ({"password": "password123"}, "password", "too easy to guess"),
    ({"password": "aaaaaaaaaaaa"}, "password", "too easy to guess"),
    ({"password": "pat@example.org"}, "password", "not be your email"),
    ({"email": None, "password": "a perfectly good one"}, "email", "needs an email"),
    ({"group": "alien"}, "group", "one of"),
    ({"role": "admin"}, "role", "one of"),
    ({"name": "   "}, "name", "name"),
    ({"name": "x" * 121}, "name", "120"),
    ({"status": "active"}, "status", "Unknown field"),
])
def test_adding_a_member_names_the_field_to_correct(client, world, body, field, words):
    base = {"name": "Pat Quinn", "email": "pat@example.org", "group": "citizen"}
    response = client.post("/api/v1/members", headers=world.headers("coordinator"),
                           json=base | body)
    errors = problem(response, 422, "validation_error")["errors"]
    assert field in errors and words.lower() in " ".join(errors[field]).lower(), errors
    assert db.session.scalar(select(Member).where(Member.name == "Pat Quinn")) is None


def test_long_passphrases_are_welcome_without_symbols(client, world):
    response = client.post("/api/v1/members", headers=world.headers("coordinator"), json={
        "name": "Pat", "email": "pat@example.org", "group": "citizen",
        "password": "my allotment has the best leeks"})
    assert response.status_code == 201


# --- changing people ----------------------------------------------------------------------

def test_members_change_their_own_name_and_skills(client, world):
    response = patch(client, world, "member", world.id("member"),
                     {"name": " Ann B. ", "skills": "sourdough"})
    assert response.status_code == 200
    assert (response.get_json()["name"], response.get_json()["skills"]) == ("Ann B.", "sourdough")
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "member.changed")).all() == []


@pytest.mark.parametrize("body,fields", [
    ({"role": "coordinator"}, ["role"]),
    ({"status": "left", "reason": "Moving away"}, ["status"]),
    ({"floor_minutes": -6000, "ceiling_minutes": 6000, "reason": "I asked"},
     ["ceiling_minutes", "floor_minutes"]),
    ({"name": "Ann", "group": "professional", "reason": "New job"}, ["group"]),
])
def test_members_can_not_change_their_role_status_group_or_limits(client, world, body, fields):
    response = patch(client, world, "member", world.id("member"), body)
    errors = problem(response, 403, "forbidden")["errors"]
    assert sorted(errors) == fields
    ann = db.session.get(Member, world.id("member"))
    assert (ann.name, ann.role, ann.status, ann.group) == ("Ann Baker", "member", "active",
                                                           "citizen")
    assert ann.account.floor_minutes == -600


def test_coordinator_changes_are_audited_with_who_when_and_why(client, world, frozen_now):
    ann = world.id("member")
    response = patch(client, world, "coordinator", ann, {
        "role": "coordinator", "group": "professional", "floor_minutes": -1200,
        "ceiling_minutes": 3000, "reason": "  Runs the Tuesday lunch club  "})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["role"], body["group"], body["floor_minutes"], body["ceiling_minutes"]) == (
        "coordinator", "professional", -1200, 3000)
    events = {e.action: e for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["member.changed", "account.limits_changed"])))}
    changed, limits = events["member.changed"], events["account.limits_changed"]
    for event in (changed, limits):
        assert event.actor_id == world.id("coordinator")
        assert event.created_at == frozen_now
        assert event.reason == "Runs the Tuesday lunch club"
    assert changed.target_id == ann
    assert changed.details == {"before": {"role": "member", "group": "citizen"},
                               "after": {"role": "coordinator", "group": "professional"}}
    assert limits.details == {
        "before": {"floor_minutes": -600, "ceiling_minutes": None},
        "after": {"floor_minutes": -1200, "ceiling_minutes": 3000}}


def test_status_changes_are_audited_and_kept_as_history(client, world, frozen_now):
    ann = world.id("member")
    assert patch(client, world, "coordinator", ann,
                 {"status": "suspended", "reason": "Missed three exchanges"}).status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.changed"))
    assert event.details == {"before": {"status": "active"}, "after": {"status": "suspended"}}
    history = db.session.scalars(select(MemberStatusChange.status).where(
        MemberStatusChange.member_id == ann).order_by(MemberStatusChange.id)).all()
    assert history == ["active", "suspended"]
    assert db.session.get(Member, ann).user.session_version == 2


@pytest.mark.parametrize("body", [
    {"role": "evaluator"}, {"status": "suspended", "reason": "  "}, {"floor_minutes": -60},
    {"group": "organisation", "reason": ""},
])
def test_coordinator_changes_need_a_reason(client, world, body):
    errors = problem(patch(client, world, "coordinator", world.id("member"), body), 422,
                     "validation_error")["errors"]
    assert list(errors) == ["reason"]
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action != "member.created", AuditEvent.action != "bank.created")).all() == []


def test_a_reason_as_long_as_the_pages_take_is_kept_and_a_longer_one_refused(client, world):
    """The API and the member page hold a reason to the same length."""
    ann, longest = world.id("member"), "r" * REASON_MAX_LENGTH
    errors = problem(patch(client, world, "coordinator", ann,
                           {"status": "suspended", "reason": longest + "r"}), 422,
                     "validation_error")["errors"]
    assert list(errors) == ["reason"]
    assert db.session.get(Member, ann).status == "active"
    assert patch(client, world, "coordinator", ann,
                 {"status": "suspended", "reason": longest}).status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.changed"))
    assert event.reason == longest


def test_limits_can_not_be_set_past_the_current_balance(client, history):
    world = history  # Ann's balance is +85 minutes, Bob's -85
    ann, bob = world.id("member"), world.id("other_member")
    errors = problem(patch(client, world, "coordinator", bob, {
        "floor_minutes": -60, "role": "coordinator", "reason": "Tighter limit"}), 422,
        "validation_error")["errors"]
    assert list(errors) == ["floor_minutes"] and "-85" in errors["floor_minutes"][0]
    errors = problem(patch(client, world, "coordinator", ann, {
        "ceiling_minutes": 60, "reason": "Cap"}), 422, "validation_error")["errors"]
    assert list(errors) == ["ceiling_minutes"]
    bob_row = db.session.get(Member, bob)
    assert (bob_row.role, bob_row.account.floor_minutes) == ("member", -600)  # nothing half-done
    assert db.session.get(Member, ann).account.ceiling_minutes is None
    assert patch(client, world, "coordinator", bob, {"floor_minutes": -85, "reason": "At balance"}
                 ).status_code == 200
    assert patch(client, world, "coordinator", ann, {"ceiling_minutes": 85, "reason": "At balance"}
                 ).status_code == 200


@pytest.mark.parametrize("body,field", [
    ({"floor_minutes": 10}, "floor_minutes"), ({"ceiling_minutes": -10}, "ceiling_minutes"),
    ({"floor_minutes": 1.5}, "floor_minutes"), ({"floor_minutes": "-60"}, "floor_minutes"),
    ({"floor_minutes": None}, "floor_minutes"), ({"name": None}, "name"), ({"name": ""}, "name"),
    ({"name": "   "}, "name"), ({"status": "asleep"}, "status"), ({"email": "a@b.org"}, "email"),
])
def test_bad_changes_are_422_naming_the_field(client, world, body, field):
    errors = problem(patch(client, world, "coordinator", world.id("member"),
                           body | {"reason": "Testing"}), 422, "validation_error")["errors"]
    assert list(errors) == [field]


def test_the_bank_keeps_an_active_coordinator(client, world):
    cora = world.id("coordinator")
    for body, field in [({"role": "member"}, "role"), ({"status": "suspended"}, "status"),
                        ({"status": "left", "role": "coordinator"}, "status")]:
        errors = problem(patch(client, world, "coordinator", cora, body | {"reason": "Stepping down"}),
                         422, "validation_error")["errors"]
        assert list(errors) == [field] and "at least one active coordinator" in errors[field][0]
    assert patch(client, world, "coordinator", world.id("other_member"),
                 {"role": "coordinator", "reason": "Taking over"}).status_code == 200
    response = patch(client, world, "coordinator", cora, {"role": "member", "reason": "Retiring"})
    assert response.status_code == 200 and response.get_json()["role"] == "member"
    # Cora is no longer a coordinator: she can't undo it herself
    problem(patch(client, world, "coordinator", cora, {"role": "coordinator", "reason": "Oops"}),
            403, "forbidden")


def test_an_email_taken_by_a_concurrent_request_is_still_a_422(client, world, monkeypatch):
    monkeypatch.setattr(members, "email_taken", lambda email: False)  # the check came too early
    response = client.post("/api/v1/members", headers=world.headers("coordinator"),
                           json={"name": "Ann Again", "email": "ann@example.org",
                                 "group": "citizen"})
    assert problem(response, 422, "validation_error")["errors"] == {
        "email": ["Someone already uses this email address."]}
    assert db.session.scalar(select(Member).where(Member.name == "Ann Again")) is None
