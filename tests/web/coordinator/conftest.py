"""A bank seen by its coordinator, signed in, for the coordinator page tests."""

import pytest

from tests.web.coordinator.support import make_world, sign_in


@pytest.fixture
def world(app):
    return make_world()


@pytest.fixture
def coordinator(client, world):
    return sign_in(client, world.coordinator)
