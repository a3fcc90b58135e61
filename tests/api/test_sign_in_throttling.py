"""Sign-in throttling that slows an attacker without locking the owner out.

Failures count per client address and per account; the per-account limit doesn't apply
from an address the owner has signed in from. Behind TRUSTED_PROXIES the address is the
client's own, as the proxy saw it, not the proxy's and not one the client made up.
"""

import datetime as dt

import pytest

from tests.support.clients import FreshContextClient
from tests.support.http import dump_database, problem
from tests.support.passwords import use_fast_hasher
from tests.support.world import PASSWORD, build_world
from timebank import create_app
from timebank.extensions import db
from timebank.models._types import utcnow
from timebank.services import sign_in_addresses

PROXY = "10.0.0.2"
OWNER = "198.51.100.20"
ATTACKERS = ("203.0.113.5", "203.0.113.6", "203.0.113.7")
LIMIT = 3


@pytest.fixture
def proxied(database_url, monkeypatch):
    """The application behind one trusted proxy, with its world of people."""
    use_fast_hasher(monkeypatch)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, TRUSTED_PROXIES=1,
                     TOKEN_FAILURE_LIMIT=f"{LIMIT} per 15 minutes",
                     SIGNIN_FAILURE_LIMIT=f"{LIMIT} per 15 minutes")
    app.test_client_class = FreshContextClient
    with app.app_context():
        world = build_world()
        yield app.test_client(), world
        db.session.remove()
        db.engine.dispose()


def from_address(client_address, forwarded=None):
    """A request that reached us through the proxy, which appended the client's address."""
    chain = f"{forwarded}, {client_address}" if forwarded else client_address
    return {"environ_base": {"REMOTE_ADDR": PROXY}, "headers": {"X-Forwarded-For": chain}}


def issue(client, email, password=PASSWORD, **kwargs):
    return client.post("/api/v1/tokens", json={"email": email, "password": password}, **kwargs)


def web_sign_in(client, email, password=PASSWORD, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs)


def test_behind_a_proxy_one_addresses_failures_do_not_lock_out_another(proxied):
    client, world = proxied
    attacker = ATTACKERS[0]
    for n in range(LIMIT):
        problem(issue(client, f"guess{n}@example.org", **from_address(attacker)), 401,
                "unauthenticated")
    problem(issue(client, world.email("member"), **from_address(attacker)), 429, "rate_limited")
    # an address the attacker writes in front of the proxy's entry is not believed
    problem(issue(client, world.email("member"), **from_address(attacker, forwarded=OWNER)),
            429, "rate_limited")
    assert issue(client, world.email("member"), **from_address(OWNER)).status_code == 201
    assert issue(client, world.email("other_member"),
                 **from_address("192.0.2.44")).status_code == 201


def test_an_attacker_cannot_lock_the_owner_out_of_their_own_address(proxied):
    client, world = proxied
    owner = world.email("member")
    assert issue(client, owner, **from_address(OWNER)).status_code == 201
    for n in range(LIMIT + 2):  # from several addresses, so no address limit stops them
        response = issue(client, owner, "guess", **from_address(ATTACKERS[n % len(ATTACKERS)]))
        assert response.status_code in (401, 429)
    # the account is closed to addresses it has never signed in from, the attacker's included
    problem(issue(client, owner, **from_address(ATTACKERS[0])), 429, "rate_limited")
    problem(issue(client, owner, **from_address("192.0.2.50")), 429, "rate_limited")
    # but the owner, from their own address, gets in at once
    assert issue(client, owner, **from_address(OWNER)).status_code == 201


def test_the_sign_in_page_does_not_lock_the_owner_out_either(proxied):
    client, world = proxied
    owner = world.email("member")
    assert web_sign_in(client, owner, **from_address(OWNER)).status_code == 302
    client.post("/sign-out", **from_address(OWNER))
    for attacker in ATTACKERS:
        assert web_sign_in(client, owner, "guess", **from_address(attacker)).status_code == 401
    assert web_sign_in(client, owner, **from_address("192.0.2.50")).status_code == 429
    assert web_sign_in(client, owner, **from_address(OWNER)).status_code == 302


def test_a_known_address_still_has_its_own_limit(proxied):
    client, world = proxied
    owner = world.email("member")
    assert issue(client, owner, **from_address(OWNER)).status_code == 201
    for _ in range(LIMIT):
        problem(issue(client, owner, "guess", **from_address(OWNER)), 401, "unauthenticated")
    problem(issue(client, owner, **from_address(OWNER)), 429, "rate_limited")


def test_without_trusted_proxies_a_forwarded_address_is_ignored(app, client, world,
                                                                   monkeypatch):
    use_fast_hasher(monkeypatch)
    app.config["TOKEN_FAILURE_LIMIT"] = f"{LIMIT} per 15 minutes"
    for n in range(LIMIT):
        problem(issue(client, f"guess{n}@example.org", headers={"X-Forwarded-For": f"192.0.2.{n}"}),
                401, "unauthenticated")
    problem(issue(client, world.email("member"), headers={"X-Forwarded-For": OWNER}), 429,
            "rate_limited")


def test_known_addresses_are_kept_as_keyed_hashes_and_are_forgotten_in_time(proxied):
    client, world = proxied
    assert issue(client, world.email("member"), **from_address(OWNER)).status_code == 201
    assert OWNER not in dump_database()
    secret = client.application.secret_key
    now = utcnow()
    assert sign_in_addresses.is_known(world.email("member"), OWNER, secret=secret, days=30,
                                      now=now)
    assert not sign_in_addresses.is_known(world.email("other_member"), OWNER, secret=secret,
                                          days=30, now=now)
    assert not sign_in_addresses.is_known(world.email("member"), OWNER, secret="another key",
                                          days=30, now=now)
    assert not sign_in_addresses.is_known(world.email("member"), OWNER, secret=secret, days=30,
                                          now=now + dt.timedelta(days=31))


def test_strange_emails_are_refused_plainly_not_with_a_server_error(proxied):
    client, _world = proxied
    for email in ("ann\x00@example.org", "x" * 5000 + "@example.org", ["a list"], 12):
        response = issue(client, email, **from_address(ATTACKERS[1]))
        assert response.status_code in (401, 422), response.status_code
        page = web_sign_in(client, email if isinstance(email, str) else str(email),
                           **from_address(ATTACKERS[2]))
        assert page.status_code in (400, 401, 422), page.status_code
