"""Schemathesis against the OpenAPI document, in process (WSGI, no network).

Every operation of the document gets generated requests, valid and invalid, each
sent as a coordinator and then as an ordinary member of a seeded bank. No answer may
be a 5xx, and every answer must agree with the document: a documented status, a
documented content type, a body matching the documented schema; and invalid
input must be refused with a 4xx.

Each operation runs on a fresh database; generation is derandomized and bounded
so that the run is repeatable and quick.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tests.support.clients import fresh_context_wsgi
from tests.support.world import build_world, token_for
from timebank import create_app

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
]

# The document comes from an app without a database: it is built from the code alone.
_document_app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://")
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", _document_app,
    config=schemathesis.Config.from_dict({
        "generation": {"mode": "all", "max-examples": 30, "deterministic": True,
                       "database": "none", "with-security-parameters": False},
        "phases": {"stateful": {"enabled": False}},
    }),
)

BOUNDED = settings(max_examples=30, derandomize=True, deadline=None, database=None,
                   suppress_health_check=list(HealthCheck), print_blob=False)


@pytest.fixture
def seeded(app):
    return build_world(passwords=False, history=True)


@pytest.fixture
def tokens():
    """Tokens minted for this operation's run, one per member."""
    return {}


def _send(case, app, tokens, member):
    if member.id not in tokens or case.path == "/tokens/current":
        tokens[member.id] = token_for(member)  # DELETE /tokens/current revokes the one it uses
    headers = {"Authorization": f"Bearer {tokens[member.id]}"}
    case.call_and_validate(app=fresh_context_wsgi(app), headers=headers, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_as_a_coordinator_and_as_a_member(case, app, seeded, tokens):
    for actor in ("coordinator", "member"):
        _send(case, app, tokens, seeded.people[actor])
