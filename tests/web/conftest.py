import pytest

from tests.support.passwords import use_fast_hasher
from tests.support.world import build_world


@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch):
    use_fast_hasher(monkeypatch)


@pytest.fixture
def world(app):
    return build_world()
