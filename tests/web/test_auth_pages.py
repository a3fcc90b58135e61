"""Joining, approval, signing in and out, and what keeps a session safe."""

import re

import pytest
from limits import parse
from sqlalchemy import select

from tests.support.clients import FreshContextClient
from tests.support.world import PASSWORD, build_world
from timebank import create_app
from timebank.extensions import db
from timebank.models import Member
from timebank.services import members

NEW_PASSWORD = "a bench in the park"


def sign_in(client, email, password=PASSWORD, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs)


def session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def signed_in(client):
    return client.get("/home").status_code == 200


def register(client, **fields):
    form = {"name": "Rose Tyler", "email": "rose@example.org", "password": NEW_PASSWORD,
            "group": "citizen", "skills": "Reading aloud", "privacy": "1"} | fields
    return client.post("/join/riverside", data=form)


# --- joining ------------------------------------------------------------------------------

def test_joining_makes_a_pending_member_who_must_wait_for_approval(client, world):
    response = register(client)
    assert response.status_code == 200 and "Thank you, Rose Tyler" in response.text
    rose = db.session.scalar(select(Member).where(Member.name == "Rose Tyler"))
    assert (rose.status, rose.role, rose.group, rose.bank_id) == (
        "pending", "member", "citizen", world.bank.id)
    refused = sign_in(client, "rose@example.org", NEW_PASSWORD)
    assert refused.status_code == 403
    assert "waiting for a coordinator" in refused.text
    assert not signed_in(client)


@pytest.mark.parametrize("fields,words", [
    ({"password": "short"}, "at least 10 characters"),
    ({"email": ""}, "needs an email"),
    ({"group": "organisation"}, "Organisations are added by a coordinator"),
    ({"name": ""}, "Enter a name"),
])
def test_joining_explains_what_to_correct(client, world, fields, words):
    response = register(client, **fields)
    assert response.status_code == 422 and words in response.text
    assert 'class="error-summary"' in response.text
    assert db.session.scalar(select(Member).where(Member.name == "Rose Tyler")) is None


def test_joining_an_unknown_bank_is_404(client, world):
    assert client.get("/join/atlantis").status_code == 404


def test_a_coordinator_approves_and_then_the_member_can_sign_in(app, world):
    rose_client, cora_client = app.test_client(), app.test_client()
    register(rose_client)
    rose = db.session.scalar(select(Member).where(Member.name == "Rose Tyler"))
    assert sign_in(cora_client, "cora@example.org").status_code == 302
    waiting = cora_client.get("/coordinate")
    assert waiting.status_code == 200 and "Rose Tyler" in waiting.text and "Reading aloud" in waiting.text
    approved = cora_client.post(f"/coordinate/members/{rose.id}/approve", follow_redirects=True)
    assert "Rose Tyler is now an active member" in approved.text
    assert "Nothing is waiting" in cora_client.get("/coordinate").text
    db.session.expire_all()
    assert db.session.get(Member, rose.id).status == "active"
    assert sign_in(rose_client, "rose@example.org", NEW_PASSWORD).status_code == 302
    assert signed_in(rose_client)


@pytest.mark.parametrize("actor,status", [("member", 403), ("evaluator", 403),
                                          ("outsider", 200), ("admin", 200)])
def test_only_coordinators_see_and_approve_new_members(app, world, actor, status):
    register(app.test_client())
    rose = db.session.scalar(select(Member).where(Member.name == "Rose Tyler"))
    client = app.test_client()
    sign_in(client, world.email(actor))
    page = client.get("/coordinate")
    assert page.status_code == status
    assert ("Rose Tyler" in page.text) is (actor == "admin")
    response = client.post(f"/coordinate/members/{rose.id}/approve")
    db.session.expire_all()
    assert (db.session.get(Member, rose.id).status == "active") is (actor == "admin")
    if actor != "admin":
        assert response.status_code in (302, 403, 404)


def test_signing_in_needs_the_right_password(client, world):
    wrong = sign_in(client, world.email("member"), "not my password")
    assert wrong.status_code == 401 and "not right" in wrong.text
    unknown = sign_in(client, "nobody@example.org")
    assert unknown.status_code == 401 and "not right" in unknown.text
    empty = client.post("/sign-in", data={"email": "", "password": ""})
    assert empty.status_code == 422 and "Enter your email address" in empty.text
    assert not signed_in(client)


# --- the session --------------------------------------------------------------------------

def _set_cookie(response, name="session"):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def test_the_session_cookie_is_httponly_and_samesite_lax(client, world):
    header = _set_cookie(sign_in(client, world.email("member")))
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header  # development and tests run over plain http


def csrf_token(client, path="/sign-in", **kwargs):
    form = client.get(path, **kwargs).text
    return re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)


def test_in_production_the_session_cookie_is_also_secure(database_url, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("TIMEBANK_LEDGER_KEY", "k" * 40)
    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url)
    app.test_client_class = FreshContextClient
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.app_context():
        world = build_world()
        client = app.test_client()
        https = {"base_url": "https://localhost",  # over https the form must come from here
                 "headers": {"Referer": "https://localhost/sign-in"}}
        token = csrf_token(client, **https)
        response = client.post("/sign-in", data={"email": world.email("member"),
                                                 "password": PASSWORD, "csrf_token": token},
                               **https)
        assert response.status_code == 302
        header = _set_cookie(response)
        assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
        db.session.remove()
    with app.app_context():
        db.engine.dispose()


def test_signing_in_starts_a_new_session(client, world):
    client.get("/language/cy")  # an anonymous session, as an attacker could plant
    before = session_cookie(client)
    assert before
    sign_in(client, world.email("member"))
    after = session_cookie(client)
    assert after and after != before
    assert signed_in(client)
    with client.session_transaction() as session:
        assert session["language"] == "cy"  # the choice of language survives
    client.set_cookie("session", before)  # the old session is not signed in
    assert not signed_in(client)


def test_signing_out_ends_the_session_and_any_copy_of_it(client, world):
    sign_in(client, world.email("member"))
    copied = session_cookie(client)
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert not signed_in(client)
    client.set_cookie("session", copied)
    assert not signed_in(client)
    sign_in(client, world.email("member"))
    assert signed_in(client)


def test_a_suspended_members_session_stops_working(app, world):
    client = app.test_client()
    sign_in(client, world.email("member"))
    assert signed_in(client)
    members.update(world.people["coordinator"], world.id("member"), {"status": "suspended"},
                   reason="Missed three exchanges", now=world.people["member"].created_at)
    response = client.get("/home")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    again = sign_in(client, world.email("member"))
    assert again.status_code == 403 and "suspended" in again.text


def test_signed_out_visitors_are_sent_to_sign_in_and_back(client, world):
    response = client.get("/coordinate")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    back = sign_in(client, world.email("coordinator"), query_string={"next": "/coordinate"})
    assert back.headers["Location"] == "/coordinate"


@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "javascript:alert(1)", "http:/evil.example",
    "evil.example", " //evil.example", "/%2F/ok",
])
def test_sign_in_never_redirects_off_the_site(client, world, target):
    response = sign_in(client, world.email("member"), query_string={"next": target})
    location = response.headers["Location"]
    assert response.status_code == 302
    assert location in ("/home", "/%2F/ok") or location == "/%252F/ok"
    language = client.get("/language/en", query_string={"next": target})
    assert language.headers["Location"] in ("/", "/home", "/%2F/ok", "/%252F/ok")


def test_repeated_sign_in_failures_are_refused_with_429(app, client, world):
    app.config["SIGNIN_FAILURE_LIMIT"] = "3 per 15 minutes"
    for _ in range(parse(app.config["SIGNIN_FAILURE_LIMIT"]).amount):
        assert sign_in(client, world.email("member"), "guess").status_code == 401
    refused = sign_in(client, world.email("member"))
    assert refused.status_code == 429 and "Too many attempts" in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    elsewhere = sign_in(app.test_client(), world.email("other_member"),
                        environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert elsewhere.status_code == 302
    assert sign_in(app.test_client(), world.email("member"),
                   environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 429


# --- headers and forms --------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/sign-in", "/join/riverside", "/home", "/api/v1/me"])
def test_security_headers_on_every_answer(client, world, path):
    sign_in(client, world.email("coordinator"))
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    if response.mimetype == "text/html":
        assert not re.search(r"<script(?![^>]*\ssrc=)", response.text)  # no inline script
        assert not re.search(r"\son[a-z]+=", response.text)  # no inline event handlers
        assert "<style" not in response.text and " style=" not in response.text


def test_forms_are_refused_without_a_csrf_token(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True)
    app.test_client_class = FreshContextClient
    with app.app_context():
        world = build_world()
        client = app.test_client()
        refused = sign_in(client, world.email("member"))
        assert refused.status_code == 400 and "Nothing was saved" in refused.text
        assert not signed_in(client)
        wrong = client.post("/sign-in", data={"email": world.email("member"),
                                              "password": PASSWORD, "csrf_token": "forged"})
        assert wrong.status_code == 400 and not signed_in(client)
        accepted = client.post("/sign-in", data={"email": world.email("member"),
                                                 "password": PASSWORD,
                                                 "csrf_token": csrf_token(client)})
        assert accepted.status_code == 302 and signed_in(client)
        assert client.post("/sign-out").status_code == 400 and signed_in(client)
        db.session.remove()
    with app.app_context():
        db.engine.dispose()
