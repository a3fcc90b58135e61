"""Signing in through the sign-in page with the mouse, as the browser tests' people do."""


def submit_sign_in(page, email, password):
    """Fill the sign-in form found by its English labels, as a person would, and send it."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Sign in").click()


def sign_in(page, base, member, password):
    """From the sign-in page to the member's home page, in whichever language the page is
    (the fields are found by their ids, the button as the form's only one)."""
    page.goto(base + "/sign-in")
    page.fill("#email", member.email)
    page.fill("#password", password)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(base + "/home")
