"""An id no INTEGER column can hold is "not found" on every page and endpoint, never a 500.

PostgreSQL refuses such a number outright (an overflow), so one forgotten guard is a 500 there;
the `<id:…>` converter and `timebank.models.ids` are the one place that turns it into a 404.
"""

import re

import pytest

from tests.support.http import problem
from tests.support.passwords import use_fast_hasher
from tests.support.world import PASSWORD, build_world
from timebank.models import Member, ids
from timebank.routing import IdConverter
from timebank.services import members
from timebank.services.errors import NotFound

TOO_BIG = [2**31, 2**63, 10**30]
ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


@pytest.fixture
def world(app, monkeypatch):
    use_fast_hasher(monkeypatch)
    return build_world()


def _rules(app, *, api):
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(c, IdConverter) for c in rule._converters.values())
            and rule.endpoint.startswith("api.") == api]


def _address(rule, value):
    return ARGUMENT.sub(lambda m: str(value) if m.group(1) in ("int", "id") else "x", rule.rule)


def test_every_id_in_an_address_goes_through_the_id_converter(app):
    id_arguments = [(rule.rule, name) for rule in app.url_map.iter_rules()
                    for name, converter in rule._converters.items()
                    if name.endswith("_id") and not isinstance(converter, IdConverter)]
    assert id_arguments == []
    assert len(_rules(app, api=False)) >= 10 and len(_rules(app, api=True)) >= 5


@pytest.mark.parametrize("value", TOO_BIG)
def test_pages_are_404_for_an_id_out_of_range(app, client, world, value):
    client.post("/sign-in", data={"email": world.email("coordinator"), "password": PASSWORD})
    for rule in _rules(app, api=False):
        if "GET" in rule.methods:
            response = client.get(_address(rule, value))
            assert response.status_code == 404, (rule.rule, response.status_code)


@pytest.mark.parametrize("value", TOO_BIG)
def test_endpoints_are_404_problems_for_an_id_out_of_range(app, client, world, value):
    headers = world.headers("coordinator")
    for rule in _rules(app, api=True):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_address(rule, value), method=method, headers=headers,
                                    json={} if method != "GET" else None)
            assert response.status_code == 404, (method, rule.rule, response.status_code)
            problem(response, 404, "not_found")


def test_an_id_out_of_range_in_a_query_string_is_ignored(client, world):
    client.post("/sign-in", data={"email": world.email("coordinator"), "password": PASSWORD})
    response = client.get(f"/coordinate/exchanges?member_id={2**31}")
    assert response.status_code == 200


@pytest.mark.parametrize("value", [*TOO_BIG, 0, -1, True, "1", None, 1.0])
def test_services_find_nothing_for_a_value_no_id_can_have(world, value):
    assert not ids.is_id(value)
    assert ids.get(Member, value) is None
    with pytest.raises(NotFound):
        members.get(world.people["coordinator"], value)


def test_the_guard_accepts_every_id_a_column_holds(world):
    assert ids.is_id(1) and ids.is_id(ids.MAX_ID)
    assert ids.parse_id(str(ids.MAX_ID)) == ids.MAX_ID
    assert [ids.parse_id(text) for text in (str(ids.MAX_ID + 1), "0", "-1", "1e3", " 1", "")] \
        == [None] * 6
    member = world.people["member"]
    assert ids.get(Member, member.id) is member
