"""The coordinator's research grants page, and the extract on the evaluator's report page."""

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.reports import golden
from timebank.extensions import db
from timebank.models import AuditEvent, ResearchGrant
from timebank.models._types import utcnow
from timebank.services import research_grants

MONTHS = "from=2026-01-01&to=2026-07-01"


@pytest.fixture
def bank(app):
    return golden.build()


def sign_in(client, person):
    response = client.post("/sign-in", data={"email": person.email, "password": golden.PASSWORD})
    assert response.status_code == 302
    return client


def post_grant(client, **fields):
    form = {"evaluator_id": "", "purpose": "Co-production review",
            "ends_on": (utcnow().date() + dt.timedelta(days=30)).isoformat(), **fields}
    return client.post("/coordinate/research-grants", data=form)


def test_a_coordinator_grants_from_the_page(client, bank):
    sign_in(client, bank.Q)
    html = client.get("/coordinate/research-grants").get_data(as_text=True)
    assert "<h1>Research grants</h1>" in html and "No grants yet." in html
    assert f'<option value="{bank.V.id}">Val</option>' in html
    assert '<label for="ends_on">' in html and '<label for="purpose">' in html
    response = post_grant(client, evaluator_id=str(bank.V.id))
    assert response.status_code == 302
    listed = client.get("/coordinate/research-grants").get_data(as_text=True)
    assert "Val may take the member-level extract until" in listed
    assert "Co-production review" in listed and "Live" in listed
    assert db.session.scalar(select(ResearchGrant.evaluator_id)) == bank.V.id
    assert 'href="/coordinate/research-grants"' in client.get("/coordinate").get_data(as_text=True)


def test_mistakes_are_summarised_and_shown_at_the_field(client, bank):
    sign_in(client, bank.Q)
    response = post_grant(client, evaluator_id=str(bank.A.id), purpose="",
                          ends_on="2020-01-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("evaluator_id", "purpose"):
        assert f'href="#{field}"' in html and f'id="{field}-error"' in html
    assert db.session.scalar(select(ResearchGrant.id)) is None
    past = post_grant(client, evaluator_id=str(bank.V.id), ends_on="2020-01-01")
    assert past.status_code == 422 and 'id="ends_on-error"' in past.get_data(as_text=True)
    assert "can&#39;t be in the past" in past.get_data(as_text=True)


def test_revoking_from_the_page(client, bank):
    made = research_grants.grant(bank.Q, evaluator_id=bank.V.id, purpose="Review",
                                 ends_on=utcnow().date(), now=utcnow())
    sign_in(client, bank.Q)
    response = client.post(f"/coordinate/research-grants/{made.id}/revoke")
    assert response.status_code == 302
    html = client.get("/coordinate/research-grants").get_data(as_text=True)
    assert "Revoked" in html and "Revoke the grant for Val" not in html
    assert db.session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "research_grant.revoked")) is not None
    assert client.post("/coordinate/research-grants/999999/revoke").status_code == 404
    audit = client.get("/coordinate/audit").get_data(as_text=True)
    assert "Granted a research extract" in audit and "Revoked a research grant" in audit


def test_evaluators_and_members_cant_use_the_page(client, bank):
    for person in (bank.V, bank.A):
        sign_in(client, person)
        assert client.get("/coordinate/research-grants").status_code == 403
        assert post_grant(client, evaluator_id=str(bank.V.id)).status_code == 403
        client.post("/sign-out")


def test_the_evaluator_sees_their_grant_and_the_download_only_with_one(client, bank):
    sign_in(client, bank.V)
    html = client.get(f"/reports?{MONTHS}").get_data(as_text=True)
    assert "/reports/members.csv" not in html
    assert client.get(f"/reports/members.csv?{MONTHS}").status_code == 403
    research_grants.grant(bank.Q, evaluator_id=bank.V.id, purpose="The 2026 review",
                          ends_on=utcnow().date(), now=utcnow())
    html = client.get(f"/reports?{MONTHS}&category=Gardening").get_data(as_text=True)
    assert "Your research grant, for “The 2026 review”" in html
    link = re.search(r'href="(/reports/members\.csv\?[^"]*)"', html).group(1)
    assert "category=Gardening" in link and "from=2026-01-01" in link
    download = client.get(link.replace("&amp;", "&"))
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert download.get_data(as_text=True).startswith("pseudonym,group,role,status,joined")
    assert download.headers["Content-Disposition"] == \
        'attachment; filename="golden-members-2026-01-to-2026-06.csv"'
    assert client.get("/reports/members.csv?from=2026-01-02").status_code == 422


def test_a_coordinator_always_has_the_download(client, bank):
    sign_in(client, bank.Q)
    html = client.get("/reports?from=2026-01-15&to=2026-07-01").get_data(as_text=True)
    link = re.search(r'href="(/reports/members\.csv[^"]*)"', html).group(1)
    assert "from=" not in link and "to=2026-07-01" in link
    assert client.get(link.replace("&amp;", "&")).status_code == 200
