"""Every form a page posts carries the CSRF token: CSRFProtect refuses a POST without one, and
the page forms don't render their own (their CSRF is off, the global check is on)."""

import pathlib
import re

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "templates"
POST_FORM = re.compile(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)
TOKEN = re.compile(r"csrf_token\(\)|\bcsrf\(\)")


def forms_without_token():
    return [f"{path.relative_to(TEMPLATES)}: {body.strip()[:60]}"
            for path in sorted(TEMPLATES.rglob("*.html"))
            for body in POST_FORM.findall(path.read_text())
            if not TOKEN.search(body)]


def test_every_posted_form_carries_the_csrf_token():
    assert forms_without_token() == []


def test_the_check_finds_a_form_without_one(tmp_path, monkeypatch):
    (tmp_path / "page.html").write_text('<form method="post" action="/x"><button>Go</button></form>')
    monkeypatch.setitem(globals(), "TEMPLATES", tmp_path)
    assert forms_without_token() == ["page.html: <button>Go</button>"]
