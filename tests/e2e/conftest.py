"""A live server and a real Chromium (Debian's), driven by Playwright."""

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.passwords import use_fast_hasher
from timebank import create_app
from timebank.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / ".ci" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / ".ci" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch):
    """The browser tests sign people in all the time; a light Argon2 (the server runs in
    this process) saves most of a minute. The real parameters are tested apart."""
    use_fast_hasher(monkeypatch)


@pytest.fixture
def live_app(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, WTF_CSRF_ENABLED=True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["LIVE_URL"] = f"http://127.0.0.1:{server.server_port}"
    with app.app_context():
        yield app
        db.session.remove()
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page):
    """Serious and critical accessibility violations on the current page."""
    page.evaluate(AXE.read_text())
    found = page.evaluate(
        "async () => (await axe.run()).violations.map(v => [v.id, v.impact, v.help])"
    )
    return [v for v in found if v[1] in ("serious", "critical")]


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
