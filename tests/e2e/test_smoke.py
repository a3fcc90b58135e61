import pytest

from tests.e2e.conftest import axe_violations
from tests.support.factories import make_bank

pytestmark = pytest.mark.e2e


def test_home_page_renders_in_chromium_without_serious_accessibility_problems(live_app, page):
    make_bank(slug="riverside")
    page.goto(live_app.config["LIVE_URL"] + "/")
    assert page.locator("h1").inner_text() == "Give an hour, get an hour"
    assert page.get_by_role("link", name="Join Test Time Bank").is_visible()
    assert axe_violations(page) == []
