"""Moving through a page with the Tab key, as someone without a mouse does."""


def focused(page):
    """The element that has the focus, and whether its focus can be seen."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {tag: el.tagName.toLowerCase(), id: el.id, text: el.innerText || '',
                type: el.type || '', visible: style.outlineStyle !== 'none'
                    || style.boxShadow !== 'none'};
    }""")


def tab_to(page, matches, limit=60):
    """Press Tab until the focused element matches; its focus must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        found = focused(page)
        if matches(found):
            assert found["visible"], f"focus is not visible on {found}"
            return found
    raise AssertionError("never reached the element with the Tab key")


def field(field_id):
    return lambda el: el["id"] == field_id


def named(tag, words):
    return lambda el: el["tag"] == tag and words in el["text"]


def sign_in_with_keyboard(page, email, password):
    """On the sign-in page: type the email and password and press Enter."""
    tab_to(page, field("email"))
    page.keyboard.type(email)
    tab_to(page, field("password"))
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/home")


def sign_in_from_link(page, email, password):
    """From a page with the "Sign in" link: follow it and sign in, keyboard only."""
    tab_to(page, named("a", "Sign in"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/sign-in")
    sign_in_with_keyboard(page, email, password)


def sign_out_with_keyboard(page, base):
    tab_to(page, named("button", "Sign out"))
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/")
