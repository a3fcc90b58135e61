"""The policy and the membership use cases, below the API."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.support.factories import NOW, make_bank, make_member
from tests.support.passwords import use_fast_hasher
from tests.support.world import build_world
from timebank.extensions import db
from timebank.models import AuditEvent, Member
from timebank.services import members, policy
from timebank.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed


@pytest.fixture
def world(app, monkeypatch):
    use_fast_hasher(monkeypatch)
    return build_world(passwords=False)


ALLOWED = {
    "bank.view": {"member", "other_member", "coordinator", "evaluator", "admin"},
    "bank.update": {"coordinator", "admin"},
    "members.list": {"member", "other_member", "coordinator", "admin"},
    "members.create": {"coordinator", "admin"},
    "members.approve": {"coordinator", "admin"},
    "member.view": {"member", "other_member", "coordinator", "admin"},
    "member.view_private": {"member", "coordinator", "admin"},
    "member.update_profile": {"member", "coordinator", "admin"},
    "member.manage": {"coordinator", "admin"},
    "member.statement": {"member", "coordinator", "admin"},
    "catalogue.view": {"member", "other_member", "coordinator", "evaluator", "admin"},
    "catalogue.manage": {"coordinator", "admin"},
    "ledger.verify": {"coordinator", "admin"},
    "ledger.verify_all": {"admin"},
    "reports.view": {"coordinator", "evaluator", "admin"},
}
RIVERSIDE = ("member", "other_member", "coordinator", "evaluator", "admin")


@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_who_may_do_what_to_the_first_member(world, action):
    target = world.people["member"]
    allowed = {actor for actor in RIVERSIDE if policy.can(world.people[actor], action, target)}
    assert allowed == ALLOWED[action]


def test_another_banks_objects_are_not_found_whatever_the_rights(world):
    outsider = world.people["outsider"]
    with pytest.raises(NotFound, match="That member was not found"):
        policy.authorize(outsider, "member.view", world.people["member"], what="member")
    with pytest.raises(NotFound):
        members.get(outsider, world.id("member"))
    with pytest.raises(NotFound):
        members.update(outsider, world.id("member"), {"name": "Mine now"}, now=NOW)


@pytest.mark.parametrize("status", ["pending", "suspended", "left"])
def test_members_who_are_not_active_may_do_nothing(world, status):
    coordinator = world.people["coordinator"]
    members.update(coordinator, world.id("other_member"), {"status": status}, reason="Test",
                   now=NOW)
    bob = db.session.get(Member, world.id("other_member"))
    assert not any(policy.can(bob, action, bob) for action in policy.RULES)
    with pytest.raises(Forbidden, match="not active"):
        members.list_members(bob)


def test_the_command_line_acts_with_full_authority(world):
    assert all(policy.can(None, action, world.people["member"]) for action in policy.RULES)


def test_approving_a_pending_member(world):
    rose = make_member(world.bank, "Rose", status="pending")
    assert [m.name for m in members.pending(world.people["coordinator"]).items] == ["Rose"]
    with pytest.raises(Forbidden):
        members.pending(world.people["member"])
    members.approve(world.people["coordinator"], rose.id, now=NOW)
    assert db.session.get(Member, rose.id).status == "active"
    with pytest.raises(InvalidTransition):
        members.approve(world.people["coordinator"], rose.id, now=NOW)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.changed"))
    assert (event.actor_id, event.reason, event.created_at) == (
        world.id("coordinator"), "Approved", NOW)


@pytest.mark.slow
def test_coordinators_stepping_down_at_once_leave_one_behind(app):
    bank = make_bank()
    coordinators = [make_member(bank, role="coordinator") for _ in range(6)]
    ids = [c.id for c in coordinators]
    barrier = threading.Barrier(len(ids))
    flask_app = current_app._get_current_object()

    def step_down(member_id):
        with flask_app.app_context():
            try:
                me = db.session.get(Member, member_id)
                barrier.wait()
                members.update(me, member_id, {"role": "member"}, reason="Stepping down", now=NOW)
                return True
            except ValidationFailed:
                return False
            finally:
                db.session.remove()

    with ThreadPoolExecutor(len(ids)) as pool:
        results = list(pool.map(step_down, ids))
    assert results.count(False) == 1
    db.session.rollback()
    remaining = db.session.scalar(select(func.count(Member.id)).where(
        Member.bank_id == bank.id, Member.role == "coordinator", Member.status == "active"))
    assert remaining == 1
