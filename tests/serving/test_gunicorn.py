"""The production line of the README, for real: `scripts/serve --production` runs gunicorn
with several workers against DATABASE_URL, and a client signs in, logs an exchange, has it
confirmed and reads the report over HTTP on loopback.

Run by the serving lane of .ci/run (`-m serving`), on the PostgreSQL of TEST_DATABASE_URL.
"""

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.serving

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")
PASSWORD = "a long walk by the river"
WORKERS = 3


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(base, method, path, body=None, token=None, headers=None):
    request = urllib.request.Request(base + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null"), error.headers


def wait_until_ready(base, server, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn stopped"
        try:
            if call(base, "GET", "/readyz")[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError):
            pass
        time.sleep(0.3)
    raise AssertionError("gunicorn did not become ready")


@pytest.fixture
def environment(test_databases, tmp_path):
    url = test_databases.empty_url()
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="s" * 48, TIMEBANK_LEDGER_KEY="l" * 48,
               TIMEBANK_ENV="production",
               TIMEBANK_INSTANCE_DIR=str(tmp_path), FLASK_APP="wsgi", WEB_CONCURRENCY=str(WORKERS),
               RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"))
    env.pop("TEST_DATABASE_URL", None)
    yield env
    test_databases.drop(url)


def flask(env, *args):
    done = subprocess.run([FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def server(environment, tmp_path):
    env = environment
    flask(env, "db", "upgrade")
    flask(env, "bank", "create", "--slug", "serving", "--name", "Serving Time Bank")
    for email, name, role in (("cora@example.org", "Cora Dale", "coordinator"),
                              ("ann@example.org", "Ann Baker", "member"),
                              ("bob@example.org", "Bob Carter", "member")):
        flask(env, "user", "create", "--bank", "serving", "--email", email, "--name", name,
              "--password", PASSWORD, "--role", role)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(ROOT / "scripts" / "serve"), "--production", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process)
        yield base, log, env
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_sign_in_log_confirm_and_report_over_http_with_several_workers(server):
    base, log, env = server
    assert call(base, "GET", "/healthz")[:2] == (200, {"status": "ok"})

    tokens = {}
    for who in ("cora", "ann", "bob"):
        status, body, _ = call(base, "POST", "/api/v1/tokens",
                               {"email": f"{who}@example.org", "password": PASSWORD})
        assert status == 201, body
        tokens[who] = body["token"]
    ids = {who: call(base, "GET", "/api/v1/me", token=token)[1]["id"]
           for who, token in tokens.items()}

    today = dt.date.today()
    exchange = {"provider_id": ids["ann"], "receiver_id": ids["bob"], "minutes": 45,
                "occurred_on": today.isoformat(), "description": "Fixed a bicycle"}
    status, logged, headers = call(base, "POST", "/api/v1/exchanges", exchange, tokens["ann"],
                                   headers={"Idempotency-Key": "serving-1",
                                            "X-Request-ID": "serving-lane-1"})
    assert status == 201 and logged["status"] == "awaiting_confirmation", logged
    assert headers["X-Request-ID"] == "serving-lane-1"
    replay = call(base, "POST", "/api/v1/exchanges", exchange, tokens["ann"],
                  headers={"Idempotency-Key": "serving-1"})
    assert replay[0] == 201 and replay[1]["id"] == logged["id"]

    status, confirmed, _ = call(base, "POST", f"/api/v1/exchanges/{logged['id']}/confirm",
                                token=tokens["bob"])
    assert status == 200 and confirmed["status"] == "posted", confirmed
    assert call(base, "GET", "/api/v1/me", token=tokens["ann"])[1]["balance_minutes"] == 45
    assert call(base, "GET", "/api/v1/me", token=tokens["bob"])[1]["balance_minutes"] == -45

    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    status, report, _ = call(base, "GET", f"/api/v1/reports/reciprocity?from={first}"
                             f"&to={following}", token=tokens["cora"])
    assert status == 200 and report["bank"] == "serving", report
    hours = report["metrics"]["hours"]
    assert hours == 0.75 or (hours is None and "hours" in report["suppressed"])

    flask(env, "ledger", "verify", "--bank", "serving")  # exits 0: the invariants hold
    text = log.read_text()
    assert text.count("Booting worker") >= WORKERS
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    exchange_lines = [line for line in lines if line["request_id"] == "serving-lane-1"]
    assert exchange_lines and exchange_lines[0]["path"] == "/api/v1/exchanges"
    assert exchange_lines[0]["status"] == 201
    assert PASSWORD not in text and not any(token in text for token in tokens.values())
