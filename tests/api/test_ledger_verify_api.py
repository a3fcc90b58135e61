"""GET /ledger/verify reports the checks beyond I1–I6 and names a tampered exchange."""

from tests.support.tampering import run_sql


def test_the_report_lists_every_check_and_names_a_changed_exchange(client, history):
    logged = client.post("/api/v1/exchanges", headers=history.headers("coordinator"), json={
        "provider_id": history.id("member"), "receiver_id": history.id("other_member"),
        "minutes": 60, "occurred_on": "2026-06-01", "description": "Gardening"})
    assert logged.status_code == 201 and logged.get_json()["status"] == "posted"
    response = client.get("/api/v1/ledger/verify", headers=history.headers("coordinator"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    assert [c["name"] for c in body["checks"]] == [
        "I1 balanced transfers", "I2 zero sum", "I3 no drift", "I4 limits", "I5 append-only",
        "I6 hash chain", "exchanges match entries", "audit log chain", "credit limits audited",
        "report summaries"]
    run_sql("UPDATE exchanges SET minutes = 61")
    body = client.get("/api/v1/ledger/verify", headers=history.headers("coordinator")).get_json()
    assert body["ok"] is False
    failed = [c for c in body["checks"] if not c["ok"]]
    assert [c["name"] for c in failed] == ["exchanges match entries"]
    assert "says 61 minutes" in failed[0]["detail"]
