"""API tokens: issued for a password, stored hashed, expiring, revocable, rate-limited."""

import datetime as dt
import hashlib

import pytest
from limits import parse
from sqlalchemy import func, select

from tests.support.http import dump_database, problem
from tests.support.world import PASSWORD
from timebank.api import endpoint
from timebank.extensions import db
from timebank.models import ApiToken
from timebank.services import auth, members
from timebank.services.errors import Forbidden, Unauthenticated

T0 = dt.datetime(2026, 6, 1, 9, 0, 0)


def issue(client, email, password=PASSWORD, **kwargs):
    return client.post("/api/v1/tokens", json={"email": email, "password": password}, **kwargs)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_issued_for_the_right_password_and_opens_the_api(app, client, world):
    response = issue(client, "  ANN@example.org ")
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    expires_at = dt.datetime.fromisoformat(body["expires_at"])
    assert expires_at.utcoffset() == dt.timedelta(0)
    lifetime = expires_at.replace(tzinfo=None) - dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert dt.timedelta(hours=app.config["API_TOKEN_HOURS"] - 1) < lifetime
    assert lifetime <= dt.timedelta(hours=app.config["API_TOKEN_HOURS"])
    me = client.get("/api/v1/me", headers=bearer(body["token"]))
    assert me.status_code == 200 and me.get_json()["id"] == world.id("member")


def test_wrong_password_and_unknown_email_get_the_same_401(client, world):
    wrong = problem(issue(client, world.email("member"), "not the password"), 401, "unauthenticated")
    unknown = problem(issue(client, "nobody@example.org"), 401, "unauthenticated")
    assert wrong["detail"] == unknown["detail"]
    assert issue(client, "nobody@example.org").headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Basic YW5uOnBhc3N3b3Jk", "Bearer tb_not-a-real-token",
    "Bearer " + "x" * 500, "Token abc",
])
def test_requests_without_a_valid_token_are_401(client, world, header):
    headers = {} if header is None else {"Authorization": header}
    response = client.get("/api/v1/me", headers=headers)
    problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="timebank"'


def test_a_token_expires_after_its_lifetime(world):
    token, expires_at = auth.issue_token(world.email("member"), PASSWORD, hours=2, now=T0)
    assert expires_at == T0 + dt.timedelta(hours=2)
    member = auth.member_for_token(token, now=T0 + dt.timedelta(hours=2) - dt.timedelta(seconds=1))
    assert member.id == world.id("member")
    with pytest.raises(Unauthenticated, match="expired"):
        auth.member_for_token(token, now=T0 + dt.timedelta(hours=2))
    with pytest.raises(Unauthenticated, match="expired"):
        auth.member_for_token(token, now=T0 + dt.timedelta(days=40))


def test_the_api_refuses_an_expired_token(app, client, world, monkeypatch):
    clock = {"now": T0}
    monkeypatch.setattr(endpoint, "utcnow", lambda: clock["now"])
    app.config["API_TOKEN_HOURS"] = 3
    response = issue(client, world.email("member"))
    token = response.get_json()["token"]
    assert response.get_json()["expires_at"] == "2026-06-01T12:00:00+00:00"
    clock["now"] = T0 + dt.timedelta(hours=3) - dt.timedelta(microseconds=1)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    clock["now"] = T0 + dt.timedelta(hours=3)
    body = problem(client.get("/api/v1/me", headers=bearer(token)), 401, "unauthenticated")
    assert "expired" in body["detail"]


def test_revoking_the_current_token_ends_it_and_only_it(client, world):
    first = issue(client, world.email("member")).get_json()["token"]
    second = issue(client, world.email("member")).get_json()["token"]
    response = client.delete("/api/v1/tokens/current", headers=bearer(first))
    assert response.status_code == 204 and response.get_data() == b""
    problem(client.get("/api/v1/me", headers=bearer(first)), 401, "unauthenticated")
    problem(client.delete("/api/v1/tokens/current", headers=bearer(first)), 401, "unauthenticated")
    assert client.get("/api/v1/me", headers=bearer(second)).status_code == 200
    row = db.session.scalar(select(ApiToken).where(
        ApiToken.token_hash == hashlib.sha256(first.encode()).hexdigest()))
    assert row.revoked_at is not None


def test_tokens_are_stored_as_sha256_hashes_only(client, world):
    token = issue(client, world.email("member")).get_json()["token"]
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id
                                                     == world.people["member"].user_id)).all()
    # one minted by the test world, one just issued
    hashes = {row.token_hash for row in rows}
    assert hashlib.sha256(token.encode()).hexdigest() in hashes
    assert all(len(h) == 64 and int(h, 16) >= 0 for h in hashes)
    assert token not in dump_database()


def test_passwords_are_stored_as_argon2id_hashes_only(world):
    user = world.people["member"].user
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in dump_database()


def _limit(app):
    return parse(app.config["TOKEN_FAILURE_LIMIT"]).amount


def test_repeated_failures_for_one_email_are_refused_with_429(app, client, world):
    app.config["TOKEN_FAILURE_LIMIT"] = "3 per 15 minutes"
    for n in range(_limit(app)):
        address = {"REMOTE_ADDR": f"192.0.2.{n + 1}"}  # from different places
        problem(issue(client, world.email("member"), "guess", environ_base=address), 401,
                "unauthenticated")
    response = issue(client, world.email("member"), environ_base={"REMOTE_ADDR": "192.0.2.99"})
    body = problem(response, 429, "rate_limited")
    assert "Wait" in body["detail"] and int(response.headers["Retry-After"]) > 0
    # the right password does not unlock the email while it is limited; others are not affected
    assert issue(client, world.email("other_member"),
                 environ_base={"REMOTE_ADDR": "192.0.2.99"}).status_code == 201


def test_repeated_failures_from_one_address_are_refused_with_429(app, client, world):
    app.config["TOKEN_FAILURE_LIMIT"] = "4 per 15 minutes"
    here = {"REMOTE_ADDR": "198.51.100.7"}
    for n in range(_limit(app)):
        problem(issue(client, f"guess{n}@example.org", environ_base=here), 401, "unauthenticated")
    problem(issue(client, world.email("member"), environ_base=here), 429, "rate_limited")
    elsewhere = {"REMOTE_ADDR": "198.51.100.8"}
    assert issue(client, world.email("member"), environ_base=elsewhere).status_code == 201


def test_successes_and_invalid_requests_do_not_count_as_failures(app, client, world):
    app.config["TOKEN_FAILURE_LIMIT"] = "2 per 15 minutes"
    for _ in range(4):
        assert issue(client, world.email("member")).status_code == 201
        problem(client.post("/api/v1/tokens", json={"email": world.email("member")}), 422,
                "validation_error")
    problem(issue(client, world.email("member"), "guess"), 401, "unauthenticated")
    assert issue(client, world.email("member")).status_code == 201


@pytest.mark.parametrize("status", ["pending", "suspended", "left"])
def test_members_who_are_not_active_get_no_token(client, world, status):
    coordinator = world.people["coordinator"]
    members.update(coordinator, world.id("member"), {"status": status},
                   reason="Testing refusals", now=T0)
    body = problem(issue(client, world.email("member")), 403, "forbidden")
    assert {"pending": "approval", "suspended": "suspended", "left": "ended"}[status] in body["detail"]
    with pytest.raises(Forbidden):
        auth.issue_token(world.email("member"), PASSWORD, hours=1, now=T0)


def test_a_token_is_refused_while_its_member_is_pending_and_works_again_after(client, world):
    token = world.tokens["member"]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    members.update(world.people["coordinator"], world.id("member"), {"status": "pending"},
                   reason="Testing refusals", now=T0)
    for method, path in [("GET", "/api/v1/me"), ("GET", "/api/v1/bank"),
                         ("GET", f"/api/v1/members/{world.id('member')}"),
                         ("PATCH", f"/api/v1/members/{world.id('member')}")]:
        response = client.open(path, method=method, headers=bearer(token),
                               json={"name": "Still me"} if method == "PATCH" else None)
        body = problem(response, 403, "forbidden")
        assert "not active" in body["detail"]
    members.update(world.people["coordinator"], world.id("member"), {"status": "active"},
                   reason="Back again", now=T0)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200


@pytest.mark.parametrize("status", ["suspended", "left"])
def test_suspending_or_leaving_revokes_every_token_at_once(client, world, status):
    token = world.tokens["member"]
    second = issue(client, world.email("member")).get_json()["token"]
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    members.update(world.people["coordinator"], world.id("member"), {"status": status},
                   reason="Testing revocation", now=T0)
    for each in (token, second):
        problem(client.get("/api/v1/me", headers=bearer(each)), 401, "unauthenticated")
    user_id = world.people["member"].user_id
    assert db.session.scalar(select(func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))) == 0
    members.update(world.people["coordinator"], world.id("member"), {"status": "active"},
                   reason="Back again", now=T0)
    for each in (token, second):  # coming back doesn't bring old tokens back
        problem(client.get("/api/v1/me", headers=bearer(each)), 401, "unauthenticated")
    assert issue(client, world.email("member")).status_code == 201


def test_a_suspended_admin_keeps_admin_access(client, world):
    members.update(world.people["coordinator"], world.id("admin"), {"status": "suspended"},
                   reason="Admins run the platform", now=T0)
    assert issue(client, world.email("admin")).status_code == 201
    assert client.get("/api/v1/ledger/verify", headers=world.headers("admin")).status_code == 200
