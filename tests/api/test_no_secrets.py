"""No password or token ever appears in a log record or in an answer (but the token's own).

The requests go through a real werkzeug server, so its access log is included, with
every logger at DEBUG and SQL statements logged with their parameters.
"""

import http.client
import json
import logging
import threading
import urllib.parse

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from tests.support.http import dump_database
from tests.support.world import PASSWORD
from timebank.extensions import db
from timebank.models import IdempotencyRecord
from timebank.services import idempotency

NEW_PASSWORD = "plum jam on thursdays"
WRONG_PASSWORD = "marmalade on mondays"


@pytest.fixture
def server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    thread.join()


class Client:
    def __init__(self, server):
        self.port = server.server_port
        self.answers = []

    def __call__(self, method, path, body=None, token=None, raw=None, content_type=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers["Content-Type"] = content_type or "application/json"
        connection.request(method, "/api/v1" + path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        answer = (response.status, str(response.headers), text)
        connection.close()
        self.answers.append(answer)
        return response.status, text


def test_no_password_or_token_in_logs_or_answers(app, server, world, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.DEBUG)
    logging.getLogger("werkzeug").setLevel(logging.DEBUG)
    app.logger.setLevel(logging.DEBUG)
    db.session.commit()
    call = Client(server)
    secrets = [*world.tokens.values(), PASSWORD, NEW_PASSWORD, WRONG_PASSWORD]

    status, text = call("POST", "/tokens", {"email": world.email("member"), "password": PASSWORD})
    assert status == 201
    issued = json.loads(text)["token"]
    token_answer = call.answers.pop()
    secrets.append(issued)

    coordinator = world.tokens["coordinator"]
    requests = [
        ("POST", "/tokens", {"email": world.email("member"), "password": WRONG_PASSWORD}, None),
        ("POST", "/tokens", {"email": "nobody@example.org", "password": PASSWORD}, None),
        ("POST", "/tokens", {"email": world.email("member"), "password": PASSWORD,
                             "extra": WRONG_PASSWORD}, None),
        ("POST", "/tokens", {"email": world.email("member"), "password": 12345}, None),
        ("GET", "/me", None, issued),
        ("GET", "/me", None, issued + "x"),
        ("POST", "/members", {"name": "Pat", "email": "pat@example.org", "group": "citizen",
                              "password": NEW_PASSWORD}, coordinator),
        ("POST", "/members", {"name": "Sam", "email": "sam@example.org", "group": "citizen",
                              "password": "short"}, coordinator),
        ("POST", "/members", {"name": "Kim", "email": "kim@example.org", "group": "citizen",
                              "password": "kim@example.org"}, coordinator),
        ("DELETE", "/tokens/current", None, issued),
        ("GET", "/me", None, issued),
    ]
    for method, path, body, token in requests:
        call(method, path, body, token)
    call("POST", "/tokens", raw='{"email": "ann@example.org", "password": "' + PASSWORD + '"',
         token=None)
    call("POST", "/tokens", raw=f"email=ann@example.org&password={PASSWORD}",
         content_type="application/x-www-form-urlencoded")
    for _ in range(6):  # until the failures are rate limited
        call("POST", "/tokens", {"email": world.email("member"), "password": WRONG_PASSWORD})
    assert call.answers[-1][0] == 429

    assert {answer[0] for answer in call.answers} >= {200, 201, 204, 400, 401, 415, 422, 429}
    for status, headers, text in call.answers:
        for secret in secrets:
            assert secret not in headers + text, (status, text)
    assert issued not in token_answer[1]  # not in headers: only in the body of its own answer

    messages = [record.getMessage() + (record.exc_text or "") for record in caplog.records]
    assert any("POST /api/v1/tokens" in message for message in messages)  # werkzeug's log
    assert any("api_tokens" in message for message in messages)  # SQL was logged
    for message in messages:
        for secret in secrets:
            assert secret not in message
            assert urllib.parse.quote(secret) not in message


def test_a_replayable_request_keeps_only_a_keyed_hash_of_its_body(app, client, world):
    body = {"name": "Pat", "email": "pat@example.org", "group": "citizen",
            "password": NEW_PASSWORD}
    headers = world.headers("coordinator") | {"Idempotency-Key": "add-pat"}
    assert client.post("/api/v1/members", headers=headers, json=body).status_code == 201
    [record] = db.session.scalars(select(IdempotencyRecord)).all()
    plain = idempotency.request_fingerprint("POST", "/api/v1/members", body)
    keyed = idempotency.request_fingerprint("POST", "/api/v1/members", body,
                                            secret=app.secret_key)
    assert record.request_hash == keyed != plain
    assert NEW_PASSWORD not in dump_database()
    replay = client.post("/api/v1/members", headers=headers, json=body)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
