import threading

import pytest
from werkzeug.serving import make_server

from tests.support.clients import FreshContextClient
from tests.support.databases import databases, engine_name
from timebank import create_app
from timebank.extensions import db


def pytest_report_header(config):
    return f"database engine: {engine_name()}"


@pytest.fixture(scope="session")
def test_databases():
    dbs = databases()
    yield dbs
    dbs.close()


@pytest.fixture
def database_url(test_databases):
    url = test_databases.fresh()
    yield url
    test_databases.drop(url)


@pytest.fixture
def app(database_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def dialect(app):
    return db.engine.dialect.name


@pytest.fixture
def live_server(app):
    """The test app served over real HTTP on a loopback port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
