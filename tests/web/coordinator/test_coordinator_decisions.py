"""The queue's decisions: each works, is audited, and says what happened; a missing reason
is shown at its field with what was typed kept."""


from tests.support.factories import make_member
from tests.web.coordinator.support import (
    audited,
    disputed_exchange,
    exchange_to_approve,
    pending_listing,
    recorded,
    text_of,
)
from timebank.extensions import db
from timebank.models import Exchange, Listing, Member
from timebank.models._types import utcnow
from timebank.services import exchanges


def test_approving_a_new_member_from_the_queue(coordinator, world):
    newcomer = make_member(world.bank, "Nina Newcomer", status="pending")
    response = coordinator.post(f"/coordinate/members/{newcomer.id}/approve",
                                data={"back": "queue"}, follow_redirects=True)
    assert response.request.path == "/coordinate"
    assert "Nina Newcomer is now an active member" in text_of(response)
    assert db.session.get(Member, newcomer.id).status == "active"
    assert audited("member.changed", newcomer.id) == 1
    again = coordinator.post(f"/coordinate/members/{newcomer.id}/approve",
                             data={"back": "queue"}, follow_redirects=True)
    assert "Only a pending member can be approved." in text_of(again)


def test_declining_a_new_member_needs_a_reason(coordinator, world):
    newcomer = make_member(world.bank, "Nina Newcomer", status="pending")
    field = f"reason-member-{newcomer.id}"
    refused = coordinator.post(f"/coordinate/members/{newcomer.id}/decline",
                               data={"back": "queue", "reason": "   "})
    assert refused.status_code == 422
    html = text_of(refused)
    assert 'class="error-summary"' in html and f'href="#{field}"' in html
    assert f'id="{field}-error"' in html and "<details class=\"other-action\" open>" in html
    assert db.session.get(Member, newcomer.id).status == "pending"
    done = coordinator.post(f"/coordinate/members/{newcomer.id}/decline",
                            data={"back": "queue", "reason": "Lives outside the area"},
                            follow_redirects=True)
    assert "You declined Nina Newcomer" in text_of(done)
    assert db.session.get(Member, newcomer.id).status == "left"
    assert audited("member.changed", newcomer.id) == 1


def test_publishing_and_rejecting_listings(coordinator, world):
    first, second = pending_listing(world, "Hedges"), pending_listing(world, "Lawns")
    published = coordinator.post(f"/coordinate/listings/{first.id}/approve",
                                 follow_redirects=True)
    assert "Published: “Hedges”" in text_of(published)
    assert db.session.get(Listing, first.id).status == "approved"
    assert audited("listing.approved", first.id) == 1

    no_reason = coordinator.post(f"/coordinate/listings/{second.id}/reject",
                                 data={"reason": ""})
    assert no_reason.status_code == 422
    assert "Tell the member why" in text_of(no_reason)
    rejected = coordinator.post(f"/coordinate/listings/{second.id}/reject",
                                data={"reason": "Please say which area"}, follow_redirects=True)
    assert "Alice Able will see your reason" in text_of(rejected)
    listing = db.session.get(Listing, second.id)
    assert listing.status == "rejected" and listing.rejection_reason == "Please say which area"
    assert audited("listing.rejected", second.id) == 1


def test_a_reason_typed_is_kept_when_it_is_refused(coordinator, world):
    newcomer = make_member(world.bank, "Nina Newcomer", status="pending")
    too_long = "Because " + "very " * 200
    response = coordinator.post(f"/coordinate/members/{newcomer.id}/decline",
                                data={"back": "queue", "reason": too_long})
    assert response.status_code == 422
    assert too_long.strip() in text_of(response)
    assert "1000 characters" in text_of(response)


def test_approving_an_exchange_over_the_threshold(coordinator, world):
    waiting = exchange_to_approve(world)
    assert waiting.status == "awaiting_approval"
    response = coordinator.post(f"/coordinate/exchanges/{waiting.id}/approve",
                                data={"back": "queue"}, follow_redirects=True)
    assert response.request.path == "/coordinate"
    assert "Posted: Cara Carer gave 10 h to Alice Able." in text_of(response)
    assert db.session.get(Exchange, waiting.id).status == "posted"
    assert audited("exchange.approved", waiting.id) == 1
    twice = coordinator.post(f"/coordinate/exchanges/{waiting.id}/approve",
                             data={"back": "queue"}, follow_redirects=True)
    assert "be approved now" in text_of(twice)


def test_cancelling_an_exchange_from_the_queue_needs_a_reason(coordinator, world):
    waiting = exchange_to_approve(world)
    field = f"reason-exchange-{waiting.id}"
    refused = coordinator.post(f"/coordinate/exchanges/{waiting.id}/cancel",
                               data={"back": "queue", "reason": ""})
    assert refused.status_code == 422 and f'id="{field}-error"' in text_of(refused)
    done = coordinator.post(f"/coordinate/exchanges/{waiting.id}/cancel",
                            data={"back": "queue", "reason": "Recorded twice"},
                            follow_redirects=True)
    assert "Cancelled." in text_of(done)
    exchange = db.session.get(Exchange, waiting.id)
    assert exchange.status == "cancelled" and exchange.reason == "Recorded twice"
    assert audited("exchange.cancelled", waiting.id) == 1


def test_a_dispute_can_be_posted_or_cancelled(coordinator, world):
    first = disputed_exchange(world)
    posted = coordinator.post(f"/coordinate/exchanges/{first.id}/approve",
                              data={"back": "queue"}, follow_redirects=True)
    assert "Posted:" in text_of(posted)
    assert db.session.get(Exchange, first.id).status == "posted"
    second = exchanges.dispute(world.alice, exchanges.log(
        world.coordinator, provider_id=world.coordinator.id, receiver_id=world.alice.id,
        minutes=30, occurred_on=utcnow().date(), now=utcnow()).id, reason="Never happened",
        now=utcnow())
    cancelled = coordinator.post(f"/coordinate/exchanges/{second.id}/cancel",
                                 data={"reason": "Alice is right"}, follow_redirects=True)
    assert cancelled.request.path == f"/coordinate/exchanges/{second.id}"
    assert db.session.get(Exchange, second.id).status == "cancelled"


def test_cancelling_on_the_exchange_page_keeps_the_reason_field(coordinator, world):
    waiting = exchange_to_approve(world)
    refused = coordinator.post(f"/coordinate/exchanges/{waiting.id}/cancel", data={"reason": ""})
    assert refused.status_code == 422
    html = text_of(refused)
    assert 'id="cancel-reason-error"' in html and 'href="#cancel-reason"' in html


def test_reversing_a_posted_exchange_needs_a_reason_and_is_audited(coordinator, world):
    posted = recorded(world, world.alice, world.bob, 90)
    page = text_of(coordinator.get(f"/coordinate/exchanges/{posted.id}"))
    assert "Reverse this exchange" in page and "Recorded" in page
    refused = coordinator.post(f"/coordinate/exchanges/{posted.id}/reverse",
                               data={"reason": " "})
    assert refused.status_code == 422
    assert 'id="reverse-reason-error"' in text_of(refused)
    done = coordinator.post(f"/coordinate/exchanges/{posted.id}/reverse",
                            data={"reason": "Wrong person chosen"}, follow_redirects=True)
    assert "Reversed: the 1 h 30 min are taken back" in text_of(done)
    assert "Reversed</strong>" in text_of(done)
    db.session.expire_all()
    assert db.session.get(Member, world.alice.id).account.balance == 0
    assert audited("exchange.reversed", posted.id) == 1
    twice = coordinator.post(f"/coordinate/exchanges/{posted.id}/reverse",
                             data={"reason": "Again"}, follow_redirects=True)
    assert "be reversed now" in text_of(twice)


def test_a_reversal_that_would_break_a_limit_is_explained_at_the_field(coordinator, world):
    posted = recorded(world, world.alice, world.bob, 300)
    recorded(world, world.bob, world.alice, 300)
    recorded(world, world.bob, world.alice, 540)
    refused = coordinator.post(f"/coordinate/exchanges/{posted.id}/reverse",
                               data={"reason": "Mistake"})
    assert refused.status_code == 409
    html = text_of(refused)
    assert "Alice Able" in html and "below the lowest allowed, −10 h" in html
    assert db.session.get(Exchange, posted.id).status == "posted"


def test_nul_in_a_coordinator_form_is_refused_naming_the_field(coordinator, world):
    """PostgreSQL can't keep NUL and nobody types it: the page names the field and nothing
    is written; a search for it is refused the same way instead of reaching the database."""
    posted = recorded(world, world.alice, world.bob, 90)
    refused = coordinator.post(f"/coordinate/exchanges/{posted.id}/reverse",
                               data={"reason": "Wrong\x00 person"})
    assert refused.status_code == 400
    assert "The field “reason” holds characters" in text_of(refused)
    db.session.expire_all()
    assert db.session.get(Exchange, posted.id).status == "posted"
    assert audited("exchange.reversed", posted.id) == 0
    searched = coordinator.post("/coordinate/group-credit", data={"action": "search", "q": "\x00"})
    assert searched.status_code == 400 and "“q”" in text_of(searched)
    assert coordinator.get("/coordinate/members?q=%00").status_code == 400


def test_a_reason_pasted_with_a_control_character_is_shown_at_its_field(coordinator, world):
    posted = recorded(world, world.alice, world.bob, 90)
    refused = coordinator.post(f"/coordinate/exchanges/{posted.id}/reverse",
                               data={"reason": "Wrong person\x0bchosen"})
    assert refused.status_code == 422
    html = text_of(refused)
    assert 'id="reverse-reason-error"' in html and "control characters" in html
    db.session.expire_all()
    assert db.session.get(Exchange, posted.id).status == "posted"
