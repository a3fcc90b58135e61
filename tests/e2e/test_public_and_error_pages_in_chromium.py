"""The pages around the member pages, in Chromium with axe-core: signing in (and failing
to), asking to join, refusals, pages that aren't there, a form that has expired, too many
attempts, and pages after switching to Welsh.

Which test runs axe on which page (every page of the site has a run):
    front page                          test_smoke.py
    member pages, with and without errors, evaluator home
                                        test_member_pages_in_chromium.py
    coordinator pages, with errors; admin page
                                        test_coordinator_pages.py
    report (with figures, hidden figures, nothing, bad filters), alerts, evaluator home
    on a phone                          test_report_pages_in_chromium.py
    everything else                     here
"""

import pytest

from tests.e2e.conftest import axe_violations
from tests.e2e.member_world import PASSWORD, build
from tests.e2e.signing_in import sign_in, submit_sign_in

pytestmark = pytest.mark.e2e






def sign_out(page, world):
    page.locator("nav[aria-label] form button").click()
    page.wait_for_url(world.base + "/")


def audit(page, name, heading, problems):
    """Run axe on the page, after checking that it is the page meant."""
    assert page.locator("h1").inner_text() == heading, name
    if found := axe_violations(page):
        problems[name] = found


def test_signing_in_and_asking_to_join(live_app, page):
    world = build(live_app)
    problems = {}
    page.goto(world.base + "/sign-in")
    audit(page, "sign-in", "Sign in", problems)
    page.get_by_role("button", name="Sign in").click()
    assert page.locator(".error-summary").is_visible()
    audit(page, "sign-in-empty", "Sign in", problems)
    submit_sign_in(page, world.alice.email, "not the password")
    assert "not right" in page.locator(".error-summary").inner_text()
    audit(page, "sign-in-refused", "Sign in", problems)

    page.goto(world.base + "/join/riverside")
    audit(page, "join", "Join Test Time Bank", problems)
    page.get_by_role("button", name="Ask to join").click()
    assert page.locator(".error-summary").is_visible()
    audit(page, "join-errors", "Join Test Time Bank", problems)
    page.get_by_label("Your name").fill("Carys Morgan")
    page.get_by_label("Email address").fill("carys@example.org")
    page.get_by_label("Choose a password").fill("three quiet evenings in")
    page.get_by_label("What I can bring").fill("Knitting, a listening ear")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Ask to join").click()
    audit(page, "registered", "Thank you, Carys Morgan", problems)

    # Five wrong passwords from one place (Alice's above and four more); the sixth try is
    # refused without a check.
    page.goto(world.base + "/sign-in")
    for _ in range(4):
        submit_sign_in(page, world.bob.email, "still not the password")
        page.locator(".error-summary").wait_for()
    submit_sign_in(page, world.bob.email, PASSWORD)
    audit(page, "too-many-attempts", "Too many attempts", problems)
    assert problems == {}


def test_refusals_and_pages_that_are_not_there(live_app, page):
    world = build(live_app)
    problems = {}
    page.goto(world.base + "/join/no-such-bank")
    audit(page, "join-unknown-bank", "Page not found", problems)

    sign_in(page, world.base, world.alice, PASSWORD)
    for name, path, heading in [
        ("exchange-not-found", "/exchanges/99999999", "Page not found"),
        ("coordinator-page-refused", "/coordinate", "You can't see this page"),
        ("report-refused", "/reports", "You can't see this page"),
        ("report-download-refused", "/reports/reciprocity.csv", "You can't see this page"),
    ]:
        response = page.goto(world.base + path)
        assert response.status in (403, 404), name
        audit(page, name, heading, problems)
    sign_out(page, world)

    sign_in(page, world.base, world.evaluator, PASSWORD)
    response = page.goto(world.base + "/offers-and-requests")
    assert response.status == 403
    audit(page, "member-page-refused", "You can't use this page", problems)
    sign_out(page, world)

    # The session ends while the form is open (here: its cookie is gone), so the form's
    # token no longer matches anything.
    page.goto(world.base + "/sign-in")
    page.context.clear_cookies()
    submit_sign_in(page, world.alice.email, PASSWORD)
    audit(page, "form-expired", "Please try again", problems)
    assert problems == {}


def test_pages_after_switching_to_welsh(live_app, page):
    world = build(live_app, history=True)
    problems = {}
    page.goto(world.base + "/sign-in")
    page.get_by_role("navigation", name="Language").get_by_role("link", name="Cymraeg").click()
    page.wait_for_url("**/sign-in")
    assert page.locator("html").get_attribute("lang") == "cy"
    if found := axe_violations(page):
        problems["sign-in-cy"] = found
    sign_in(page, world.base, world.alice, PASSWORD)
    assert page.locator("html").get_attribute("lang") == "cy"  # kept after signing in
    for name, path in (("home-cy", "/home"), ("statement-cy", "/statement"),
                       ("record-cy", f"/exchanges/new?member={world.bob.id}")):
        page.goto(world.base + path)
        if found := axe_violations(page):
            problems[name] = found
    assert problems == {}
