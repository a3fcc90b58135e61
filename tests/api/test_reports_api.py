"""GET /api/v1/reports/reciprocity, its .csv, members.csv and alerts, over HTTP."""

import csv
import io

import pytest

from tests.reports import golden
from timebank.models._types import utcnow
from timebank.services import auth

RANGE = "from=2026-01-01&to=2026-07-01"


@pytest.fixture
def bank(app):
    return golden.build()


def token_for(person):
    token, _ = auth.issue_token(person.email, golden.PASSWORD, hours=1, now=utcnow())
    return {"Authorization": f"Bearer {token}"}


def test_the_json_report(client, bank):
    response = client.get(f"/api/v1/reports/reciprocity?{RANGE}", headers=token_for(bank.V))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["bank"] == "golden"
    assert (body["from"], body["to"]) == ("2026-01-01", "2026-07-01")
    assert body["protection"] == {"method": "cell-key", "threshold": 5, "max_count_noise": 2,
                                  "periods": "months"}
    assert body["metrics"]["hours"] != 15.75 and abs(body["metrics"]["hours"] - 15.75) <= 3.5
    assert body["metrics"]["dormant_members"] in (0, 5)  # 2 people: never published as 2
    assert body["metrics"]["first_exchange_median_days"] is None  # 3 people
    assert "first_exchange_median_days" in body["suppressed"]
    assert list(body)[:8] == ["bank", "from", "to", "definitions_version",
                              "suppression_threshold", "generated_at", "suppressed", "metrics"]
    assert body["generated_at"].endswith("Z")
    assert body["categories"][-1]["exchanges"] in (0, 5)
    assert body["pool"]["granted_hours"] is not None
    assert body["filters"] == {"provider_group": None, "receiver_group": None, "category": None,
                               "activity": None, "level": None}


def test_coordinators_get_exact_figures_and_the_evaluators_view_when_they_ask(client, bank):
    exact = client.get("/api/v1/reports/reciprocity?from=2026-01-03&to=2026-07-01",
                       headers=token_for(bank.Q)).get_json()
    assert exact["protection"] is None and exact["suppressed"] == []
    assert exact["metrics"]["dormant_members"] == 2
    full = client.get(f"/api/v1/reports/reciprocity?{RANGE}", headers=token_for(bank.Q))
    assert full.get_json()["metrics"]["hours"] == 15.75
    evaluators = client.get(f"/api/v1/reports/reciprocity?{RANGE}&protected=true",
                            headers=token_for(bank.Q)).get_json()
    mine = client.get(f"/api/v1/reports/reciprocity?{RANGE}", headers=token_for(bank.V)).get_json()
    del evaluators["generated_at"], mine["generated_at"]
    assert evaluators == mine


@pytest.mark.parametrize(("query", "fields"), [
    ("from=2026-01-02&to=2026-07-01", {"from"}),
    ("from=2026-01-01&to=2026-06-30", {"to"}),
    ("from=2026-03-12&to=2026-03-13", {"from", "to"}),
])
def test_protected_reports_take_whole_months_only(client, bank, query, fields):
    for person, extra in ((bank.V, ""), (bank.Q, "&protected=true")):
        response = client.get(f"/api/v1/reports/reciprocity?{query}{extra}",
                              headers=token_for(person))
        assert response.status_code == 422
        problem = response.get_json()
        assert set(problem["errors"]) == fields
        assert "first day of a month" in problem["errors"][sorted(fields)[0]][0]
        csv_response = client.get(f"/api/v1/reports/reciprocity.csv?{query}{extra}",
                                  headers=token_for(person))
        assert csv_response.status_code == 422


def test_filters_over_http(client, bank):
    headers = token_for(bank.Q)
    activity = bank.activities["Redesign group"].id
    body = client.get(f"/api/v1/reports/reciprocity?{RANGE}&category=Gardening",
                      headers=headers).get_json()
    assert (body["metrics"]["exchanges"], body["filters"]["category"]) == (4, "Gardening")
    body = client.get(f"/api/v1/reports/reciprocity?{RANGE}&activity={activity}"
                      "&provider_group=citizen&receiver_group=organisation&level=co-design",
                      headers=headers).get_json()
    assert body["filters"] == {"provider_group": "citizen", "receiver_group": "organisation",
                               "category": None, "activity": activity, "level": "co-design"}
    assert body["metrics"]["exchanges"] == 3  # coordinators see small figures exactly
    assert body["metrics"]["members"] == 10
    protected = client.get(f"/api/v1/reports/reciprocity?{RANGE}&activity={activity}"
                           "&provider_group=citizen&receiver_group=organisation"
                           "&level=co-design&protected=true", headers=headers).get_json()
    assert protected["metrics"]["exchanges"] in (0, 5)


@pytest.mark.parametrize(("query", "field"), [
    ("category=Knitting", "category"),
    ("activity=999999", "activity"),
    ("activity=abc", "activity"),
    ("level=top-down", "level"),
    ("provider_group=aliens", "provider_group"),
    ("from=2026-13-01", "from"),
    ("from=2026-07-01&to=2026-01-01", "to"),
    ("from=1066-10-14", "from"),
])
def test_bad_parameters_are_a_422_naming_the_field(client, bank, query, field):
    response = client.get(f"/api/v1/reports/reciprocity?{query}", headers=token_for(bank.V))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["code"] == "validation_error"
    assert field in problem["errors"]


def test_members_and_strangers_get_no_report(client, bank):
    for path in ("/reports/reciprocity", "/reports/reciprocity.csv", "/reports/members.csv",
                 "/reports/alerts"):
        response = client.get(f"/api/v1{path}", headers=token_for(bank.A))
        assert response.status_code == 403, path
        assert response.get_json()["code"] == "forbidden"
        assert client.get(f"/api/v1{path}").status_code == 401


def test_a_bank_only_reports_on_itself(client, bank):
    other = golden.build(slug="elsewhere")
    body = client.get(f"/api/v1/reports/reciprocity?{RANGE}",
                      headers=token_for(other.V)).get_json()
    assert body["bank"] == "elsewhere"
    category = client.get(f"/api/v1/reports/reciprocity?{RANGE}&activity="
                          f"{bank.activities['Health panel'].id}", headers=token_for(other.V))
    assert category.status_code == 422  # another bank's activity is unknown here


def rows(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_report_has_a_row_per_figure_with_the_same_protection(client, bank):
    response = client.get(f"/api/v1/reports/reciprocity.csv?{RANGE}", headers=token_for(bank.V))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="golden-reciprocity-2026-01-to-2026-06.csv"'
    days = client.get("/api/v1/reports/reciprocity.csv?from=2026-01-15&to=2026-03-13",
                      headers=token_for(bank.Q))
    assert 'filename="golden-reciprocity-2026-01-15-to-2026-03-12.csv"' in \
        days.headers["Content-Disposition"]
    table = rows(response)
    assert table[0] == ["section", "dimension", "field", "value", "suppressed"]
    assert ["report", "", "suppression_threshold", "5", ""] in table
    assert ["report", "", "protection", "cell-key", ""] in table
    json_report = client.get(f"/api/v1/reports/reciprocity?{RANGE}",
                             headers=token_for(bank.V)).get_json()
    assert ["metrics", "", "hours", str(json_report["metrics"]["hours"]), "false"] in table
    assert ["metrics", "", "first_exchange_median_days", "", "true"] in table
    assert ["categories", "category=Music", "hours", "0.0", "false"] in table
    gardening = next(row for row in json_report["categories"] if row["category"] == "Gardening")
    assert ["categories", "category=Gardening", "hours", str(gardening["hours"]),
            "false"] in table
    assert ["retention", "cohort=2026-Q1", "after_2q", "", "false"] in table
    hidden = {(r[0], r[2]) for r in table if r[4] == "true" and r[0] == "metrics"}
    assert hidden == {("metrics", name) for name in json_report["suppressed"]
                      if name in json_report["metrics"]}


def test_the_member_export_is_streamed_csv(client, bank):
    response = client.get(f"/api/v1/reports/members.csv?{RANGE}", headers=token_for(bank.Q),
                          buffered=False)
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="golden-members-2026-01-to-2026-06.csv"'
    table = rows(response)
    assert table[0] == ["pseudonym", "group", "role", "status", "joined", "age_band",
                        "hours_given", "hours_received", "exchanges", "partners",
                        "first_exchange_month", "last_exchange_month"]
    assert len(table) == 1 + len(golden.PEOPLE) - 1  # the evaluator is left out


def test_alerts_for_coordinators(client, bank):
    response = client.get(f"/api/v1/reports/alerts?{RANGE}", headers=token_for(bank.Q))
    assert response.status_code == 200
    body = response.get_json()
    assert [m["name"] for m in body["dormant"]] == ["Bob", "Pat"]
    assert body["give_only"][0]["name"] == "Quinn"
    assert body["dormant_days"] == 90
    assert client.get(f"/api/v1/reports/alerts?{RANGE}",
                      headers=token_for(bank.V)).status_code == 403


def test_the_openapi_document_describes_the_reports(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    report = paths["/reports/reciprocity"]["get"]
    assert report["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReciprocityReport"}
    assert {"401", "403", "422"} <= set(report["responses"])
    for path in ("/reports/reciprocity.csv", "/reports/members.csv"):
        assert "text/csv" in paths[path]["get"]["responses"]["200"]["content"]
    parameters = {p["name"] for p in report["parameters"]}
    assert {"from", "to", "provider_group", "receiver_group", "category", "activity",
            "level", "protected"} <= parameters
    schemas = document["components"]["schemas"]
    protection = schemas["ReciprocityReport"]["properties"]["protection"]
    assert {"$ref": "#/components/schemas/ReportProtection"} in protection["anyOf"]
    assert set(schemas["ReportProtection"]["properties"]) == {
        "method", "threshold", "max_count_noise", "periods"}
    metrics = document["components"]["schemas"]["ReportMetrics"]["properties"]
    assert "citizen_professional_ratio" in metrics and metrics["hours"]["nullable"] is True
    assert "/reports/alerts" in paths
