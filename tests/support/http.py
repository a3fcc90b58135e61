"""Assertions about HTTP answers shared by the API and page tests."""

from timebank.extensions import db


def problem(response, status, code):
    """Assert an application/problem+json answer with this status and code; return its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json", response.mimetype
    body = response.get_json()
    assert body["status"] == status and body["code"] == code, body
    assert body["type"].startswith("https://") and body["title"] and body["detail"]
    return body


def dump_database() -> str:
    """Every value of every row of every table, as one string."""
    text = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            text.extend(str(value) for value in row)
    return "\n".join(text)
