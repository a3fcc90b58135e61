"""With CSRF protection on (as in production), member forms refuse posts without the token."""

import re

from sqlalchemy import func, select

from tests.web.conftest import PASSWORD, token
from timebank.extensions import db
from timebank.models import Listing


def _csrf(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_member_forms_need_the_csrf_token(app, client, people):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/sign-in").get_data(as_text=True)
    assert client.post("/sign-in", data={"email": "alice@example.org",
                                         "password": PASSWORD}).status_code == 400
    response = client.post("/sign-in", data={"email": "alice@example.org", "password": PASSWORD,
                                             "csrf_token": _csrf(page)})
    assert response.status_code == 302
    form_page = client.get("/listings/new").get_data(as_text=True)
    assert 'name="form_token"' in form_page
    listing = {"form_token": token(), "kind": "offer", "title": "Hedges", "category": "Gardening"}
    refused = client.post("/listings/new", data=listing)
    assert refused.status_code == 400
    assert "We could not accept that form" in refused.get_data(as_text=True)
    for path in ("/listings/new", "/exchanges/new", "/pool/donate", "/profile",
                 "/profile/password", "/exchanges/1/confirm", "/listings/1/withdraw"):
        assert client.post(path, data=listing).status_code == 400, path
    assert db.session.scalar(select(func.count(Listing.id))) == 0
    response = client.post("/listings/new", data=dict(listing, csrf_token=_csrf(form_page)))
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Listing.id))) == 1
