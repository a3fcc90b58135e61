"""Getting into an account on the web: joining, confirming an address, a forgotten password,
an invitation, and mail that failed for good."""

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.support.factories import NOW
from tests.support.mail import sent_to
from tests.support.world import PASSWORD
from timebank.extensions import db
from timebank.models import Member, OutboxMessage, User
from timebank.services import account_links, members, outbox
from timebank.services.transaction import unit_of_work

NEW_PASSWORD = "a bench in the park"
WELSH = {"Accept-Language": "cy"}


def join(client, email, name="Rose Tyler"):
    return client.post("/join/riverside", data={
        "name": name, "email": email, "password": NEW_PASSWORD, "group": "citizen",
        "skills": "Reading aloud", "privacy": "1"})


def sign_in(client, email, password):
    return client.post("/sign-in", data={"email": email, "password": password})


def link(address, path):
    found = [re.search(rf"(/{path}/[\w-]+)", e.body) for e in sent_to(address)]
    return [m.group(1) for m in found if m][-1]


@pytest.fixture
def hashes(monkeypatch):
    """Counts the password hashes spent (the slow Argon2 work)."""
    count = []
    real = members.hash_password
    monkeypatch.setattr(members, "hash_password", lambda p: count.append(1) or real(p))
    return count


def test_join_answers_known_and_unknown_addresses_alike(app, world, hashes):
    unknown = join(app.test_client(), "rose@example.org")
    spent_for_unknown = len(hashes)
    known = join(app.test_client(), "ann@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    assert spent_for_unknown == 1 and len(hashes) == 2
    assert [e.kind for e in sent_to("rose@example.org")] == ["verify_email"]
    assert [e.kind for e in sent_to("ann@example.org")] == ["join_known_address"]
    assert db.session.scalar(select(Member).where(Member.name == "Rose Tyler")).email \
        == "rose@example.org"
    assert len(db.session.scalars(select(User).where(User.email == "ann@example.org")).all()) == 1


def test_joining_sends_a_link_that_confirms_the_address_on_post_only(app, client, world):
    join(client, "rose@example.org")
    address = link("rose@example.org", "verify-email")
    rose = db.session.scalar(select(User).where(User.email == "rose@example.org"))
    cora = _coordinator(app, world)
    assert "not confirmed yet" in cora.get("/coordinate").text
    assert client.get(address).status_code == 200
    db.session.refresh(rose)
    assert rose.email_verified_at is None
    done = client.post(address)
    assert done.status_code == 200 and "Your email address is confirmed" in done.text
    db.session.refresh(rose)
    assert rose.email_verified_at is not None
    assert client.post(address).status_code == 410
    assert "confirmed on" in cora.get("/coordinate").text


def test_a_forgotten_password_is_reset_by_a_single_use_link(app, client, world):
    assert "Forgotten your password?" in client.get("/sign-in").text
    known = client.post("/forgot-password", data={"email": "ann@example.org"})
    unknown = client.post("/forgot-password", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("ann@example.org", "X") \
        == unknown.text.replace("nobody@example.org", "X")
    address = link("ann@example.org", "reset-password")
    form = client.get(address)
    assert form.status_code == 200 and 'for="password"' in form.text
    mismatch = client.post(address, data={"password": NEW_PASSWORD, "confirm": "other words"})
    assert mismatch.status_code == 422 and 'class="error-summary"' in mismatch.text
    assert 'id="confirm-error"' in mismatch.text
    done = client.post(address, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert sign_in(app.test_client(), "ann@example.org", NEW_PASSWORD).status_code == 302
    assert sign_in(app.test_client(), "ann@example.org", PASSWORD).status_code == 401
    spent = client.post(address, data={"password": "another phrase here",
                                       "confirm": "another phrase here"})
    assert spent.status_code == 410 and "no longer works" in spent.text


def test_the_pages_speak_welsh(client, world):
    assert "Wedi anghofio eich cyfrinair?" in client.get("/forgot-password", headers=WELSH).text
    expired = client.get("/reset-password/not-a-real-token", headers=WELSH)
    assert expired.status_code == 410 and '<html lang="cy">' in expired.text
    assert "This link" not in expired.text


def _coordinator(app, world):
    cora = app.test_client()
    assert sign_in(cora, "cora@example.org", PASSWORD).status_code == 302
    return cora


def test_an_invitation_by_email_and_on_paper_sets_the_password_once(app, world):
    cora = _coordinator(app, world)
    added = cora.post("/coordinate/members/new", data={
        "name": "Ivy Jones", "email": "ivy@example.org", "group": "citizen", "role": "member",
        "form_token": "a-form-token-for-ivy-jones"})
    assert added.status_code == 302
    emailed = link("ivy@example.org", "invitation")
    ivy = db.session.scalar(select(Member).where(Member.name == "Ivy Jones"))
    assert ivy.user.password_hash is None
    letter = cora.post(f"/coordinate/members/{ivy.id}/invitation")
    assert letter.status_code == 200 and "Ivy Jones" in letter.text
    assert letter.headers["Cache-Control"] == "no-store"
    printed = re.search(r"(/invitation/[\w-]+)", letter.text).group(1)
    guest = app.test_client()
    assert guest.get(emailed).status_code == 410  # the printed one replaces it
    page = guest.get(printed)
    assert page.status_code == 200 and "ivy@example.org" in page.text
    done = guest.post(printed, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert sign_in(app.test_client(), "ivy@example.org", NEW_PASSWORD).status_code == 302
    assert guest.get(printed).status_code == 410


def test_an_invitation_expires(app, world):
    ann = world.people["member"]
    _, token, expires_at = account_links.print_invitation(
        world.people["coordinator"], ann.id, now=NOW, lifetime=dt.timedelta(days=14))
    assert expires_at == NOW + dt.timedelta(days=14)
    assert app.test_client().get(f"/invitation/{token}").status_code == 410


def test_only_coordinators_print_invitations(app, world):
    bob = app.test_client()
    sign_in(bob, "bob@example.org", PASSWORD)
    assert bob.post(f"/coordinate/members/{world.id('member')}/invitation").status_code == 403


def test_coordinators_see_mail_that_failed_for_good_and_can_send_it_again(app, world):
    with unit_of_work():
        message = outbox.enqueue(recipient="ann@example.org", subject="Your listing is published",
                                 body="…", kind="listing_approved", bank_id=world.bank.id,
                                 member_id=world.id("member"), now=NOW)
    with unit_of_work():
        message = db.session.get(OutboxMessage, message.id)
        message.failed_at, message.attempts, message.last_error = NOW, 6, "SMTPRecipientsRefused"
    cora = _coordinator(app, world)
    page = cora.get("/coordinate/mail")
    assert page.status_code == 200
    assert "Your listing is published" in page.text and "SMTPRecipientsRefused" in page.text
    outsider = app.test_client()
    sign_in(outsider, "otto@example.org", PASSWORD)
    assert "Your listing is published" not in outsider.get("/coordinate/mail").text
    member = app.test_client()
    sign_in(member, "ann@example.org", PASSWORD)
    assert member.get("/coordinate/mail").status_code == 403
    assert cora.post(f"/coordinate/mail/{message.id}/retry").status_code == 302
    assert sent_to("ann@example.org")[-1].subject == "Your listing is published"
    assert "Every message has been sent" in cora.get("/coordinate/mail").text
