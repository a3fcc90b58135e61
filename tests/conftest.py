import pytest

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
