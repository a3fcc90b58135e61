"""POST /password-reset and /password-reset/confirm: the same answer for every address, and a
single-use token that expires."""

import datetime as dt
import re

from tests.api.conftest import FROZEN
from tests.support.http import problem
from tests.support.mail import sent_to
from tests.support.world import PASSWORD
from timebank.api import endpoint

NEW_PASSWORD = "a brand new phrase"


def ask(client, email):
    return client.post("/api/v1/password-reset", json={"email": email})


def confirm(client, token, password=NEW_PASSWORD):
    return client.post("/api/v1/password-reset/confirm", json={"token": token,
                                                               "password": password})


def mailed_token(address):
    [envelope] = sent_to(address)
    return re.search(r"/reset-password/([\w-]+)", envelope.body).group(1)


def sign_in(client, email, password):
    return client.post("/api/v1/tokens", json={"email": email, "password": password})


def test_known_and_unknown_addresses_get_the_same_answer(client, world):
    known, unknown = ask(client, "ann@example.org"), ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 202
    assert known.get_data() == unknown.get_data()
    assert "detail" in known.get_json()
    assert len(sent_to("ann@example.org")) == 1 and sent_to("nobody@example.org") == []


def test_the_mailed_token_sets_a_new_password_once(client, world, frozen_now):
    ask(client, "ann@example.org")
    token = mailed_token("ann@example.org")
    answer = confirm(client, token)
    assert answer.status_code == 204 and answer.get_data() == b""
    assert sign_in(client, "ann@example.org", NEW_PASSWORD).status_code == 201
    assert sign_in(client, "ann@example.org", PASSWORD).status_code == 401
    again = problem(confirm(client, token, "yet another phrase"), 422, "validation_error")
    assert "token" in again["errors"]


def test_an_expired_token_is_refused(client, world, frozen_now, monkeypatch):
    ask(client, "ann@example.org")
    token = mailed_token("ann@example.org")
    monkeypatch.setattr(endpoint, "utcnow", lambda: FROZEN + dt.timedelta(hours=2))
    body = problem(confirm(client, token), 422, "validation_error")
    assert "token" in body["errors"]
    assert sign_in(client, "ann@example.org", PASSWORD).status_code == 201


def test_bad_input_names_the_fields(client, world):
    body = problem(client.post("/api/v1/password-reset/confirm", json={"token": "x"}), 422,
                   "validation_error")
    assert "password" in body["errors"]
    assert "token" in problem(confirm(client, "not-a-token"), 422, "validation_error")["errors"]
    assert "email" in problem(client.post("/api/v1/password-reset", json={}), 422,
                              "validation_error")["errors"]


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "202" in paths["/password-reset"]["post"]["responses"]
    assert "204" in paths["/password-reset/confirm"]["post"]["responses"]


def test_a_member_a_coordinator_adds_without_a_password_is_invited(client, world):
    added = client.post("/api/v1/members", headers=world.headers("coordinator"),
                        json={"name": "Ivy", "email": "ivy@example.org", "group": "citizen"})
    assert added.status_code == 201
    [envelope] = sent_to("ivy@example.org")
    assert envelope.kind == "invitation" and re.search(r"/invitation/[\w-]{40,}", envelope.body)
