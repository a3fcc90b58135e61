"""No page and no form answers with a server error, whatever is typed into it.

The demo bank (every kind of exchange, listing, group session, dispute and pending
item) is walked as a coordinator, a member and an evaluator, following the links of
each page; every form met is sent a few times with values a person might mistype or
an attacker might try. Any 5xx fails the test, and the ledger must still verify after.
The values are drawn from a seeded generator, so a failure can be replayed.
"""

import html
import random
import re

import pytest

from tests.support.passwords import use_fast_hasher
from timebank.models._types import utcnow
from timebank.services import demo, verification

BAD_VALUES = ["", " ", "-1", "0", "1", "1.5", "12", "99999999999999999999", "1e400", "NaN",
              "abc", "2026-13-45", "9999-12-31", "1900-01-01", "x" * 5000, "<script>x</script>",
              "\x00", "é🙂", "-0", "' OR 1=1 --"]
PAGES_PER_PERSON = 90
SENDS_PER_FORM = 2
LOGINS = ("coordinator@riverside.example.org", "member@riverside.example.org",
          "evaluator@riverside.example.org")
FORM = re.compile(r"<form([^>]*)>(.*?)</form>", re.S)
LINK = re.compile(r'href="(/[^"#]*)"')


def post_forms(body):
    """(action, field names) of each POST form of a page."""
    for attributes, inner in FORM.findall(body):
        if 'method="post"' not in attributes.lower():
            continue
        action = re.search(r'action="([^"]*)"', attributes)
        yield (html.unescape(action.group(1)) if action else None,
               sorted(set(re.findall(r'name="([^"]+)"', inner))))


def leaves_the_session(path):
    return "sign-out" in path or "/language/" in path or path.startswith("/static")


def walk(client, rng, failures):
    """Follow links from /home, sending every form met with bad values."""
    todo, seen = ["/home"], set()
    while todo and len(seen) < PAGES_PER_PERSON:
        path = todo.pop(rng.randrange(len(todo)))
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        data = response.get_data()  # bytes: the favicon is not text
        response.close()
        if response.status_code >= 500:
            failures.append(("GET", path, response.status_code))
        if response.mimetype != "text/html":
            continue
        body = data.decode()
        todo += [link for link in map(html.unescape, LINK.findall(body))
                 if link not in seen and not leaves_the_session(link)]
        for action, names in post_forms(body):
            target = action or path
            if leaves_the_session(target):
                continue
            for _ in range(SENDS_PER_FORM):
                data = {name: rng.choice(BAD_VALUES) for name in names if name != "csrf_token"}
                sent = client.post(target, data=data)
                sent.get_data()
                sent.close()
                if sent.status_code >= 500:
                    failures.append(("POST", target, data, sent.status_code))
    return seen


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_no_page_or_form_of_the_demo_bank_fails(app, monkeypatch, seed):
    use_fast_hasher(monkeypatch)
    app.config.update(RATELIMIT_ENABLED=False, PROPAGATE_EXCEPTIONS=False)
    demo.build(now=utcnow())
    rng, failures, visited = random.Random(seed), [], {}
    for email in LOGINS:
        client = app.test_client()
        signed_in = client.post("/sign-in", data={"email": email, "password": demo.DEMO_PASSWORD})
        assert signed_in.status_code == 302, email
        visited[email] = len(walk(client, rng, failures))
    assert failures == []
    assert visited[LOGINS[0]] == PAGES_PER_PERSON  # the coordinator reaches deep enough
    assert visited[LOGINS[1]] > 30
    report = verification.verify()
    assert report.ok, report.first_failure
