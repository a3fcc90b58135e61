"""Assertions about HTTP answers shared by the API and page tests."""


def problem(response, status, code):
    """Assert an application/problem+json answer with this status and code; return its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json", response.mimetype
    body = response.get_json()
    assert body["status"] == status and body["code"] == code, body
    assert body["type"].startswith("https://") and body["title"] and body["detail"]
    return body
