"""GET and PATCH /bank: a bank's settings, changed by coordinators with a reason."""

import pytest
from sqlalchemy import select

from tests.support.http import problem
from timebank.extensions import db
from timebank.models import AuditEvent, Bank
from timebank.plain_text import REASON_MAX_LENGTH

DEFAULTS = {
    "slug": "riverside", "name": "Test Time Bank", "default_floor_minutes": -600,
    "default_ceiling_minutes": None, "approval_threshold_minutes": 480,
    "approval_required": False, "moderate_listings": True, "confirmation_days": 14,
    "listing_days": 90, "dormant_days": 90, "suppression_threshold": 10,
    "max_exchange_minutes": 720,
    "erased_balance_to": "pool",
    "retention_days": None,
    "colour": None, "welcome_text_en": None, "welcome_text_cy": None, "contact_phone": None,
    "contact_email": None, "contact_address": None, "opening_hours": None, "logo_url": None,
}


def patch_bank(client, world, body, actor="coordinator"):
    return client.patch("/api/v1/bank", headers=world.headers(actor), json=body)


def settings_events():
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "bank.settings_changed")).all()


def test_everyone_in_the_bank_reads_its_settings(client, world):
    for actor in ("member", "evaluator", "coordinator"):
        response = client.get("/api/v1/bank", headers=world.headers(actor))
        assert response.get_json() == DEFAULTS


def test_a_coordinators_change_is_audited_with_before_after_who_when_why(client, world, frozen_now):
    response = patch_bank(client, world, {
        "name": " Riverside Time Bank ", "approval_required": True,
        "default_ceiling_minutes": 6000, "suppression_threshold": 10,
        "reason": "Agreed at the members' meeting"})
    assert response.status_code == 200
    assert response.get_json() == DEFAULTS | {"name": "Riverside Time Bank",
                                              "approval_required": True,
                                              "default_ceiling_minutes": 6000}
    [event] = settings_events()
    assert (event.actor_id, event.created_at, event.reason) == (
        world.id("coordinator"), frozen_now, "Agreed at the members' meeting")
    assert event.details == {
        "before": {"name": "Test Time Bank", "approval_required": False,
                   "default_ceiling_minutes": None},
        "after": {"name": "Riverside Time Bank", "approval_required": True,
                  "default_ceiling_minutes": 6000}}


def test_a_change_needs_a_reason_but_repeating_the_settings_does_not(client, world):
    errors = problem(patch_bank(client, world, {"listing_days": 30}), 422,
                     "validation_error")["errors"]
    assert list(errors) == ["reason"]
    assert db.session.get(Bank, world.bank.id).listing_days == 90
    assert patch_bank(client, world, {"listing_days": 90}).status_code == 200
    assert settings_events() == []


def test_new_members_get_the_banks_default_limits(client, world):
    patch_bank(client, world, {"default_floor_minutes": -300, "default_ceiling_minutes": 1200,
                               "reason": "Smaller limits for new members"})
    response = client.post("/api/v1/members", headers=world.headers("coordinator"),
                           json={"name": "Newcomer", "group": "citizen"})
    assert (response.get_json()["floor_minutes"], response.get_json()["ceiling_minutes"]) == (
        -300, 1200)


@pytest.mark.parametrize("body,field", [
    ({"suppression_threshold": 4}, "suppression_threshold"),
    ({"default_floor_minutes": 60}, "default_floor_minutes"),
    ({"default_ceiling_minutes": -1}, "default_ceiling_minutes"),
    ({"approval_threshold_minutes": 0}, "approval_threshold_minutes"),
    ({"confirmation_days": 0}, "confirmation_days"),
    ({"listing_days": 10**12}, "listing_days"),
    ({"max_exchange_minutes": 2.5}, "max_exchange_minutes"),
    ({"approval_required": "yes"}, "approval_required"),
    ({"moderate_listings": 1}, "moderate_listings"),
    ({"name": ""}, "name"), ({"name": "   "}, "name"), ({"name": None}, "name"),
    ({"slug": "elsewhere"}, "slug"), ({"pseudonym_key": "0" * 64}, "pseudonym_key"),
])
def test_bad_settings_are_422_naming_the_field(client, world, body, field):
    errors = problem(patch_bank(client, world, body | {"reason": "Testing"}), 422,
                     "validation_error")["errors"]
    assert list(errors) == [field]
    assert {k: v for k, v in client.get("/api/v1/bank", headers=world.headers("member"))
            .get_json().items()} == DEFAULTS
    assert settings_events() == []


def test_nullable_settings_can_be_cleared(client, world):
    response = patch_bank(client, world, {"approval_threshold_minutes": None,
                                          "reason": "Coordinators approve nothing by size"})
    assert response.get_json()["approval_threshold_minutes"] is None


def test_a_reason_as_long_as_the_pages_take_is_kept_and_a_longer_one_refused(client, world):
    """The API and the settings page hold a reason to the same length."""
    longest = "r" * REASON_MAX_LENGTH
    errors = problem(patch_bank(client, world, {"listing_days": 30, "reason": longest + "r"}),
                     422, "validation_error")["errors"]
    assert list(errors) == ["reason"]
    assert db.session.get(Bank, world.bank.id).listing_days == 90
    assert patch_bank(client, world, {"listing_days": 30, "reason": longest}).status_code == 200
    [event] = settings_events()
    assert event.reason == longest
