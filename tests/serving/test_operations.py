"""Production operation: HSTS, health checks, 503 while the database is away, request logs,
and purging kept idempotency answers."""

import datetime as dt
import json
import logging

import pytest
from sqlalchemy import func, select

from tests.support.http import problem
from tests.support.world import build_world
from timebank import create_app
from timebank.extensions import db
from timebank.models import IdempotencyRecord
from timebank.models._types import utcnow
from timebank.serving import request_log

UNREACHABLE = {
    "sqlite": "sqlite:////nonexistent-folder/timebank.db",
    "postgresql": "postgresql+psycopg://timebank@127.0.0.1:9/timebank?connect_timeout=3",
}


@pytest.fixture
def production_app(database_url, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    monkeypatch.setenv("TIMEBANK_LEDGER_KEY", "l" * 48)
    app = create_app("production", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


# --- headers -------------------------------------------------------------------------------

def test_production_sends_hsts_and_secure_cookies(production_app):
    client = production_app.test_client()
    for path in ("/", "/sign-in", "/api/v1/openapi.json", "/healthz"):
        response = client.get(path, base_url="https://timebank.example")
        hsts = response.headers["Strict-Transport-Security"]
        assert hsts.startswith("max-age=31536000") and "includeSubDomains" in hsts
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    assert production_app.config["REMEMBER_COOKIE_SECURE"] is True
    chosen = client.get("/language/cy", base_url="https://timebank.example")
    (cookie,) = chosen.headers.getlist("Set-Cookie")
    assert "; Secure" in cookie and "; HttpOnly" in cookie


def test_development_and_tests_send_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert client.application.config["SESSION_COOKIE_SECURE"] is False


# --- health --------------------------------------------------------------------------------

def test_healthz_and_readyz_answer_when_all_is_well(client):
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.get_json() == {"status": "ok"}
    ready = client.get("/readyz")
    body = ready.get_json()
    assert ready.status_code == 200 and body["status"] == "ready"
    assert body["migrations_current"] is True and body["applied"] == body["expected"]


def test_readyz_refuses_a_database_whose_migrations_are_not_applied(test_databases):
    url = test_databases.empty_url()
    try:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            response = app.test_client().get("/readyz")
            body = response.get_json()
            assert response.status_code == 503 and body["migrations_current"] is False
            assert body["applied"] == [] and body["expected"]
            db.engine.dispose()
    finally:
        test_databases.drop(url)


@pytest.fixture(params=sorted(UNREACHABLE))
def outage_app(request):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=UNREACHABLE[request.param])
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_an_unreachable_database_gives_503_with_retry_after(outage_app):
    client = outage_app.test_client()
    assert client.get("/healthz").status_code == 200  # the process itself is alive
    for response in (
        client.get("/api/v1/me", headers={"Authorization": "Bearer tb_whatever"}),
        client.post("/api/v1/tokens", json={"email": "ann@example.org", "password": "x" * 12}),
        client.get("/readyz"),
    ):
        body = problem(response, 503, "service_unavailable")
        assert int(response.headers["Retry-After"]) > 0 and "database" in body["detail"]
    welsh = client.get("/api/v1/me", headers={"Authorization": "Bearer tb_whatever",
                                              "Accept-Language": "cy"})
    assert problem(welsh, 503, "service_unavailable")["title"] == "Gwasanaeth ddim ar gael"
    page = client.get("/join/riverside")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert int(page.headers["Retry-After"]) > 0
    assert "Service unavailable" in page.text and "Gwasanaeth ddim ar gael" in page.text


def test_a_connection_lost_mid_request_gives_503_not_500(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from timebank.services import banks

    def lost(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    build_world()
    monkeypatch.setattr(banks, "get_bank", lost)
    response = client.get("/join/riverside")
    assert response.status_code == 503 and response.headers["Retry-After"]


# --- request logs --------------------------------------------------------------------------

class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(record.getMessage()))


@pytest.fixture
def request_lines():
    handler = Lines()
    request_log.logger.addHandler(handler)
    yield handler.lines
    request_log.logger.removeHandler(handler)


def test_each_request_logs_one_json_line_with_its_id(app, client, request_lines):
    world = build_world()
    token = world.tokens["member"]
    response = client.get("/api/v1/members?q=hush-secret",
                          headers={"Authorization": f"Bearer {token}",
                                   "X-Request-ID": "proxy-42.abc"})
    assert response.headers["X-Request-ID"] == "proxy-42.abc"
    (line,) = request_lines
    assert line["request_id"] == "proxy-42.abc" and line["method"] == "GET"
    assert line["path"] == "/api/v1/members" and line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert token not in json.dumps(line) and "hush-secret" not in json.dumps(line)


def test_a_request_id_that_does_not_look_like_one_is_replaced(client, request_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "no spaces <allowed>"})
    made = response.headers["X-Request-ID"]
    assert made != "no spaces <allowed>" and len(made) == 32 and int(made, 16) >= 0
    assert request_lines[-1]["request_id"] == made
    other = client.get("/healthz").headers["X-Request-ID"]
    assert other != made


def test_token_like_path_segments_are_not_logged(client, request_lines):
    secret = "Zk3v0Q1xYp9Lr2Ws8Tt4Uu6Vv7Nn5Mm"
    client.get(f"/reset/{secret}")
    assert secret not in json.dumps(request_lines) and request_lines[-1]["path"] == "/reset/[redacted]"


def test_a_failed_sign_in_logs_neither_password_nor_email(app, client, request_lines):
    build_world()
    client.post("/api/v1/tokens", json={"email": "ann@example.org", "password": "wrong-guess-99"})
    text = json.dumps(request_lines)
    assert request_lines[-1]["status"] == 401
    assert "wrong-guess-99" not in text and "ann@example.org" not in text


# --- idempotency purge ---------------------------------------------------------------------

def test_idempotency_purge_deletes_old_answers_only_and_can_run_twice(app, runner):
    world = build_world()
    user_id = world.people["member"].user_id
    now = utcnow()
    for key, age in (("old-1", 40), ("old-2", 31), ("recent", 29), ("today", 0)):
        db.session.add(IdempotencyRecord(user_id=user_id, key=key, request_hash="0" * 64,
                                         status_code=201, response_body="{}",
                                         created_at=now - dt.timedelta(days=age)))
    db.session.commit()
    first = runner.invoke(args=["idempotency", "purge"])
    assert first.exit_code == 0 and first.output.startswith("2 idempotency record(s)")
    kept = db.session.scalars(select(IdempotencyRecord.key).order_by(IdempotencyRecord.key)).all()
    assert kept == ["recent", "today"]
    again = runner.invoke(args=["idempotency", "purge"])
    assert again.exit_code == 0 and again.output.startswith("0 idempotency record(s)")
    shorter = runner.invoke(args=["idempotency", "purge", "--older-than-days", "1"])
    assert shorter.output.startswith("1 idempotency record(s)")
    assert db.session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
    refused = runner.invoke(args=["idempotency", "purge", "--older-than-days", "0"])
    assert refused.exit_code == 2
