import datetime as dt

import pytest

from tests.support.passwords import use_fast_hasher
from tests.support.world import build_world
from timebank.api import endpoint


@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch):
    use_fast_hasher(monkeypatch)


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def history(app):
    """The world with postings: Ann gave 90 and 45 minutes to Bob, received 30 from him, and
    gave 20 to the pool, which granted 20 to Bob."""
    return build_world(history=True)


FROZEN = dt.datetime(2026, 7, 1, 10, 0, 0)


@pytest.fixture
def frozen_now(monkeypatch):
    """The API's clock stopped at FROZEN, so that times it records can be checked exactly."""
    monkeypatch.setattr(endpoint, "utcnow", lambda: FROZEN)
    return FROZEN
