"""Who may call what: every operation of the OpenAPI document × every kind of actor.

The actors (tests/support/world.py): nobody signed in; an ordinary member, who
owns the objects acted on; a second ordinary member acting on the first one's
objects; a coordinator; an evaluator; a platform admin (an ordinary member of the
bank whose user is an admin, so acts as a coordinator there); and a coordinator of
another bank, who has every right in their own bank and must not even learn that
the first bank's objects exist (404).

A row per operation (some operations have more than one, e.g. a profile change
and a coordinator's change); the document's operations must all have a row, so
a new endpoint can't be added without deciding who may call it.
"""

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from tests.support.factories import make_member
from tests.support.pictures import png
from tests.support.world import ACTORS, PASSWORD, build_world
from timebank.extensions import db
from timebank.models import Bank, Category, Member
from timebank.models._types import utcnow
from timebank.services import conversations, exchanges, listings, pool, research_grants


@dataclass
class Row:
    method: str
    path: str
    statuses: tuple  # in the order of ACTORS
    body: object = None  # a dict, or a function (world, actor) -> dict
    check: object = None  # a function (world, actor, response) -> None, for 2xx answers
    label: str = ""
    setup: object = None  # a function (world, actor) -> {path parameter: value}, per actor
    raw: tuple = ()  # (content type, bytes): a body sent as it is, not as JSON
    query: dict = field(default_factory=dict)
    expected: dict = field(init=False)

    def __post_init__(self):
        assert len(self.statuses) == len(ACTORS)
        self.expected = dict(zip(ACTORS, self.statuses, strict=True))

    @property
    def id(self):
        return f"{self.method} {self.path}" + (f" ({self.label})" if self.label else "")


def _token_request(world, actor):
    if actor == "anonymous":
        return {"email": world.email("member"), "password": "not the password at all"}
    return {"email": world.email(actor), "password": PASSWORD}


def _sees_own_bank(world, actor, response):
    expected = "hillside" if actor == "outsider" else "riverside"
    assert response.get_json()["slug"] == expected


def _someone_to_erase(world, actor):
    """A fresh riverside member for each actor to try to erase."""
    return {"member_id": make_member(world.bank, f"Leaving {actor}").id}


def _own_export(world, actor, response):
    assert response.get_json()["profile"]["id"] == world.id(actor)


def _me(world, actor, response):
    body = response.get_json()
    assert body["id"] == world.id(actor)
    assert body["bank"] == ("hillside" if actor == "outsider" else "riverside")
    assert body["is_admin"] is (actor == "admin")


def _riverside_name_unchanged_by_outsider(world, actor, response):
    _sees_own_bank(world, actor, response)
    if actor == "outsider":
        assert db.session.get(Bank, world.bank.id).name != "Renamed by outsider"


def _members_list(world, actor, response):
    ids = {item["id"] for item in response.get_json()["items"]}
    riverside = {m.id for a, m in world.people.items() if a != "outsider"}
    if actor == "outsider":
        assert ids == {world.id("outsider")}
    else:
        assert ids >= {world.id("member"), world.id("other_member")}
        assert world.id("outsider") not in ids
        assert ids <= riverside | {m.id for m in _created_members(world)}


def _created_members(world):
    return db.session.scalars(select(Member).where(Member.bank_id == world.bank.id)).all()


def _new_member(world, actor):
    return {"name": f"New person for {actor}", "email": f"new-{actor}@example.org",
            "group": "citizen"}


def _member_created_in_own_bank(world, actor, response):
    member = db.session.get(Member, response.get_json()["id"])
    assert member.bank_id == (world.other_bank if actor == "outsider" else world.bank).id
    assert member.status == "active"


def _member_view(world, actor, response):
    body = response.get_json()
    assert body["id"] == world.id("member") and body["name"]
    private = ("email", "balance_minutes", "floor_minutes", "ceiling_minutes")
    if actor == "other_member":
        assert body["email"] is None and body["balance_minutes"] is None
        assert all(body[key] is None for key in private)
    else:
        assert body["email"] == world.email("member")
        assert body["balance_minutes"] == 0 and body["floor_minutes"] == -600


def _category(world, actor):
    return {"name": f"Category of {actor}"}


def _activity(world, actor):
    return {"name": f"Activity of {actor}", "level": "co-design"}


def _in_own_bank(model):
    def check(world, actor, response):
        row = db.session.get(model, response.get_json()["id"])
        assert row.bank_id == (world.other_bank if actor == "outsider" else world.bank).id
    return check


def _verify(world, actor, response):
    body = response.get_json()
    assert body["ok"] is True
    details = " ".join(check["detail"] for check in body["checks"])
    scope = {"admin": "2 bank(s)", "outsider": "bank hillside", "coordinator": "bank riverside"}
    assert scope[actor] in details


ROWS = [
    #                                     anon member other coord  eval admin outsider
    Row("POST", "/tokens",               (401, 201,   201,  201,   201, 201,  201),
        body=_token_request),
    Row("DELETE", "/tokens/current",     (401, 204,   204,  204,   204, 204,  204)),
    Row("POST", "/password-reset",       (202, 202,   202,  202,   202, 202,  202),
        body=lambda world, actor: {"email": world.email("member")}),
    Row("POST", "/password-reset/confirm",
                                         (422, 422,   422,  422,   422, 422,  422),
        body={"token": "not-a-token", "password": "a brand new phrase"},
        label="a token that was never issued"),
    Row("GET", "/me",                    (401, 200,   200,  200,   200, 200,  200), check=_me),
    Row("GET", "/bank",                  (401, 200,   200,  200,   200, 200,  200),
        check=_sees_own_bank),
    Row("PATCH", "/bank",                (401, 403,   403,  200,   403, 200,  200),
        body=lambda world, actor: {"name": "Renamed by " + actor, "reason": "New name"},
        check=_riverside_name_unchanged_by_outsider),
    Row("PUT", "/bank/logo",             (401, 403,   403,  200,   403, 200,  200),
        raw=("image/png", png()), query={"reason": "Our logo"}, check=_sees_own_bank),
    Row("DELETE", "/bank/logo",          (401, 403,   403,  200,   403, 200,  200),
        query={"reason": "No logo"}, check=_sees_own_bank),
    Row("GET", "/members",               (401, 200,   200,  200,   403, 200,  200),
        check=_members_list),
    Row("POST", "/members",              (401, 403,   403,  201,   403, 201,  201),
        body=_new_member, check=_member_created_in_own_bank),
    Row("GET", "/members/{member_id}",   (401, 200,   200,  200,   403, 200,  404),
        check=_member_view),
    Row("PATCH", "/members/{member_id}", (401, 200,   403,  200,   403, 200,  404),
        body={"name": "Ann Baker", "skills": "baking bread"}, label="own profile"),
    Row("PATCH", "/members/{member_id}", (401, 403,   403,  200,   403, 200,  404),
        body={"floor_minutes": -900, "reason": "Regular helper at the day centre"},
        label="limits"),
    Row("PATCH", "/members/{member_id}", (401, 403,   403,  200,   403, 200,  404),
        body={"role": "member", "status": "active", "group": "citizen",
              "reason": "Checked the records"},
        label="role and status"),
    Row("GET", "/members/{member_id}/statement",
                                         (401, 200,   403,  200,   403, 200,  404)),
    Row("GET", "/me/export",             (401, 200,   200,  200,   200, 200,  200),
        check=lambda world, actor, response: _own_export(world, actor, response)),
    Row("GET", "/members/{member_id}/export",
                                         (401, 200,   403,  200,   403, 200,  404)),
    Row("POST", "/members/{member_id}/erase",
                                         (401, 403,   403,  200,   403, 200,  404),
        body={"reason": "member_request"}, setup=_someone_to_erase),
    Row("GET", "/categories",            (401, 200,   200,  200,   200, 200,  200)),
    Row("POST", "/categories",           (401, 403,   403,  201,   403, 201,  201),
        body=_category, check=_in_own_bank(Category)),
    Row("GET", "/activities",            (401, 200,   200,  200,   200, 200,  200)),
    Row("POST", "/activities",           (401, 403,   403,  201,   403, 201,  201),
        body=_activity),
    Row("GET", "/ledger/verify",         (401, 403,   403,  200,   403, 200,  200), check=_verify),
]

# --- objects of the workflow, made afresh for each actor so that every call finds them in
# --- the state it needs. The ordinary member owns or takes part in each of them.

def _today():
    return utcnow().date()


def _categories(world):
    for bank in (world.bank, world.other_bank):
        if not db.session.scalar(select(Category.id).where(Category.bank_id == bank.id)):
            db.session.add(Category(bank_id=bank.id, name="Gardening"))
    db.session.commit()


def _listing(state):
    def setup(world, actor):
        _categories(world)
        listing = listings.create(world.people["member"], kind="offer", title="Weeding",
                                  category="Gardening", now=utcnow())
        if state == "approved":
            listings.approve(world.people["coordinator"], listing.id, now=utcnow())
        return {"listing_id": listing.id}
    return setup


def _conversation(world, actor):
    """The other member writes about the member's published offer."""
    listing_id = _listing("approved")(world, actor)["listing_id"]
    message = conversations.contact(world.people["other_member"], listing_id,
                                    body="Is Saturday good?", now=utcnow(),
                                    link_for=lambda i: f"https://example.org/messages/{i}")
    return {"conversation_id": message.conversation_id}


def _exchange(state):
    """Logged by the other member, who gave time to the member."""
    def setup(world, actor):
        other, member = world.people["other_member"], world.people["member"]
        exchange = exchanges.log(other, provider_id=other.id, receiver_id=member.id,
                                 minutes=30, occurred_on=_today(), now=utcnow())
        if state == "disputed":
            exchanges.dispute(member, exchange.id, reason="It was shorter", now=utcnow())
        if state == "posted":
            exchanges.confirm(member, exchange.id, now=utcnow())
        return {"exchange_id": exchange.id}
    return setup


def _corrected_to(response, minutes):
    body = response.get_json()
    assert (body["status"], body["minutes"]) == ("posted", minutes)


def _new_listing(world, actor):
    _categories(world)
    return {"kind": "offer", "title": f"Offer of {actor}", "category": "Gardening"}


def _new_exchange(world, actor):
    member, other = world.id("member"), world.id("other_member")
    provider, receiver = (other, member) if actor == "other_member" else (member, other)
    return {"provider_id": provider, "receiver_id": receiver, "minutes": 45,
            "occurred_on": _today().isoformat()}


def _group_credit(world, actor):
    return {"from_account": "pool", "member_ids": [world.id("member"), world.id("other_member")],
            "minutes": 30, "occurred_on": _today().isoformat(), "direction": "members_received"}


def _research_grant(world, actor):
    return research_grants.grant(world.people["coordinator"], evaluator_id=world.id("evaluator"),
                                 purpose="Review", ends_on=_today(), now=utcnow())


def _pool_filled(world, actor):
    pool.donate(world.people["member"], minutes=60, now=utcnow())
    return {}


def _grant(world, actor):
    return {"member_id": world.id("member"), "minutes": 30, "description": "Help after a fall"}


def _report_of_own_bank(world, actor, response):
    assert response.get_json()["bank"] == ("hillside" if actor == "outsider" else "riverside")


ROWS += [
    #                                     anon member other coord  eval admin outsider
    Row("GET", "/listings",              (401, 200,   200,  200,   403, 200,  200)),
    Row("POST", "/listings",             (401, 201,   201,  201,   403, 201,  201),
        body=_new_listing),
    Row("GET", "/listings/{listing_id}", (401, 200,   200,  200,   403, 200,  404),
        setup=_listing("approved")),
    Row("POST", "/listings/{listing_id}/approve",
                                         (401, 403,   404,  200,   403, 200,  404),
        setup=_listing("pending")),
    Row("POST", "/listings/{listing_id}/reject",
                                         (401, 403,   404,  200,   403, 200,  404),
        setup=_listing("pending"), body={"reason": "Please say when you are free"}),
    Row("POST", "/listings/{listing_id}/withdraw",
                                         (401, 200,   404,  200,   403, 200,  404),
        setup=_listing("pending")),
    Row("GET", "/messages",              (401, 200,   200,  200,   403, 200,  200)),
    Row("POST", "/listings/{listing_id}/messages",
                                         (401, 409,   201,  201,   403, 201,  404),
        setup=_listing("approved"), body={"body": "Could you help on Saturday?"}),
    Row("GET", "/conversations/{conversation_id}",
                                         (401, 200,   200,  403,   403, 403,  404),
        setup=_conversation),
    Row("POST", "/conversations/{conversation_id}/messages",
                                         (401, 201,   201,  403,   403, 403,  404),
        setup=_conversation, body={"body": "Yes, Saturday at ten."}),
    Row("GET", "/exchanges",             (401, 200,   200,  200,   403, 200,  200)),
    Row("POST", "/exchanges",            (401, 201,   201,  201,   403, 201,  422),
        body=_new_exchange),
    Row("GET", "/exchanges/{exchange_id}",
                                         (401, 200,   200,  200,   403, 200,  404),
        setup=_exchange("awaiting_confirmation")),
    Row("POST", "/exchanges/{exchange_id}/confirm",
                                         (401, 200,   403,  403,   403, 403,  404),
        setup=_exchange("awaiting_confirmation")),
    Row("POST", "/exchanges/{exchange_id}/dispute",
                                         (401, 200,   403,  403,   403, 403,  404),
        setup=_exchange("awaiting_confirmation"), body={"reason": "It did not happen"}),
    Row("POST", "/exchanges/{exchange_id}/approve",
                                         (401, 403,   403,  200,   403, 200,  404),
        setup=_exchange("disputed")),
    Row("POST", "/exchanges/{exchange_id}/correct",
                                         (401, 403,   403,  200,   403, 200,  404),
        setup=_exchange("disputed"), body={"minutes": 15, "reason": "It was 15 minutes"},
        check=lambda world, actor, response: _corrected_to(response, 15)),
    Row("POST", "/exchanges/{exchange_id}/cancel",
                                         (401, 403,   200,  200,   403, 200,  404),
        setup=_exchange("awaiting_confirmation"), body={"reason": "Duplicate"}),
    Row("POST", "/exchanges/{exchange_id}/reverse",
                                         (401, 403,   403,  200,   403, 200,  404),
        setup=_exchange("posted"), body={"reason": "Recorded twice"}),
    Row("POST", "/group-credits",        (401, 403,   403,  201,   403, 201,  422),
        body=_group_credit),
    Row("GET", "/pool",                  (401, 200,   200,  200,   200, 200,  200)),
    Row("POST", "/pool/donations",       (401, 201,   201,  201,   403, 201,  201),
        body={"minutes": 15}),
    Row("POST", "/pool/grants",          (401, 403,   403,  201,   403, 201,  422),
        setup=_pool_filled, body=_grant),
    Row("GET", "/me/waiting",            (401, 200,   200,  200,   200, 200,  200)),
    Row("GET", "/reports/reciprocity",   (401, 403,   403,  200,   200, 200,  200),
        check=_report_of_own_bank),
    Row("GET", "/reports/reciprocity.csv",
                                         (401, 403,   403,  200,   200, 200,  200)),
    Row("GET", "/reports/members.csv",   (401, 403,   403,  200,   403, 200,  200)),
    Row("GET", "/reports/members.csv",   (401, 403,   403,  200,   200, 200,  200),
        setup=lambda world, actor: _research_grant(world, actor) and {}, label="with a grant"),
    Row("POST", "/research-grants",      (401, 403,   403,  201,   403, 201,  422),
        body=lambda world, actor: {"evaluator_id": world.id("evaluator"), "purpose": "Review",
                                   "ends_on": _today().isoformat()}),
    Row("GET", "/research-grants",       (401, 403,   403,  200,   200, 200,  200)),
    Row("POST", "/research-grants/{grant_id}/revoke",
                                         (401, 403,   403,  200,   403, 200,  404),
        setup=lambda world, actor: {"grant_id": _research_grant(world, actor).id}),
    Row("GET", "/reports/alerts",        (401, 403,   403,  200,   403, 200,  200)),
]

FORBIDDEN_CODES = {401: "unauthenticated", 403: "forbidden", 404: "not_found"}


def test_every_operation_in_the_document_has_a_row(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operations = {(method.upper(), path) for path, item in document["paths"].items()
                  for method in item}
    assert operations == {(row.method, row.path) for row in ROWS}


def test_the_document_itself_is_public(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"


def _call(client, world, row, actor):
    values = {"member_id": world.id("member")}
    if row.setup is not None:
        values.update(row.setup(world, actor))
        db.session.rollback()
    path = "/api/v1" + row.path.format(**values)
    body = row.body(world, actor) if callable(row.body) else row.body
    if row.raw:
        content_type, data = row.raw
        return client.open(path, method=row.method, query_string=row.query, data=data,
                           headers=world.headers(actor) | {"Content-Type": content_type})
    return client.open(path, method=row.method, headers=world.headers(actor), json=body,
                       query_string=row.query)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_authorization(app, client, row):
    world = build_world()
    answers = {}
    for actor in ACTORS:
        response = _call(client, world, row, actor)
        answers[actor] = response.status_code
        db.session.rollback()
        if response.status_code >= 400:
            code = response.get_json()["code"]
            assert response.mimetype == "application/problem+json"
            assert code == FORBIDDEN_CODES.get(response.status_code, code), (actor, code)
        elif row.check is not None and response.status_code == row.expected[actor]:
            row.check(world, actor, response)
    wrong = {actor: f"got {answers[actor]}, expected {row.expected[actor]}"
             for actor in ACTORS if answers[actor] != row.expected[actor]}
    assert not wrong, wrong
