"""Reasons given for decisions: trimmed, required where a decision needs one, and refused
(naming the field, changing nothing) when too long or holding control characters, whichever
service takes them — the pages pass reasons as typed, without the API's schemas."""

import pytest
from sqlalchemy import func, select

from tests.support.factories import NOW, make_bank, make_member
from timebank.extensions import db
from timebank.models import AuditEvent, Exchange, Listing
from timebank.services import banks, catalogue, exchanges, listings
from timebank.services.errors import ValidationFailed
from timebank.services.reasons import reason_text

PASTED = "Wrong person\x0bchosen"  # a vertical tab: how a line break pasted from a word processor can arrive


@pytest.mark.parametrize("bad", [PASTED, "Nul\x00", "Bell\x07", "x" * 1001])
def test_a_bad_reason_is_refused_at_its_field(app, bad):
    with pytest.raises(ValidationFailed) as refused:
        reason_text(bad, "Say why.")
    assert list(refused.value.errors) == ["reason"]


def test_a_reason_is_trimmed_and_may_hold_lines_and_tabs(app):
    assert reason_text("  Two lines,\r\n\tindented  ", "Say why.") == "Two lines,\r\n\tindented"
    assert reason_text("   ") == ""
    with pytest.raises(ValidationFailed, match="Say why."):
        reason_text("   ", "Say why.")


@pytest.fixture
def people(app):
    bank = make_bank()
    return {"bank": bank, "ann": make_member(bank), "bob": make_member(bank),
            "coord": make_member(bank, role="coordinator")}


def _audited():
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_every_decision_refuses_a_pasted_control_character_and_changes_nothing(people):
    ann, bob, coord = people["ann"], people["bob"], people["coord"]
    logged = exchanges.log(ann, provider_id=ann.id, receiver_id=bob.id, minutes=30,
                           occurred_on=NOW.date(), now=NOW)
    posted = exchanges.log(coord, provider_id=ann.id, receiver_id=bob.id, minutes=30,
                           occurred_on=NOW.date(), now=NOW)
    catalogue.create_category(coord, name="Gardening", now=NOW)
    listing = listings.create(ann, kind="offer", title="Help in the garden", description="",
                              category="Gardening", now=NOW)
    audited = _audited()
    decisions = [
        lambda: exchanges.dispute(bob, logged.id, reason=PASTED, now=NOW),
        lambda: exchanges.cancel(coord, logged.id, reason=PASTED, now=NOW),
        lambda: exchanges.reverse(coord, posted.id, reason=PASTED, now=NOW),
        lambda: listings.reject(coord, listing.id, reason=PASTED, now=NOW),
        lambda: banks.update_settings(coord, {"listing_days": 45}, reason=PASTED,
                                      now=NOW),
    ]
    for decide in decisions:
        with pytest.raises(ValidationFailed) as refused:
            decide()
        assert list(refused.value.errors) == ["reason"]
    db.session.expire_all()
    assert db.session.get(Exchange, logged.id).status == "awaiting_confirmation"
    assert db.session.get(Exchange, posted.id).status == "posted"
    assert db.session.get(Listing, listing.id).status == "pending"
    assert _audited() == audited
    reversed_ = exchanges.reverse(coord, posted.id, reason="  Wrong person chosen ", now=NOW)
    assert (reversed_.status, reversed_.reason) == ("reversed", "Wrong person chosen")
