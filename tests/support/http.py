"""HTTP helpers for tests: assertions about answers, and a tiny JSON client over real HTTP."""

import json
import urllib.error
import urllib.request

from timebank.extensions import db


def problem(response, status, code):
    """Assert an application/problem+json answer with this status and code; return its body."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    assert response.mimetype == "application/problem+json", response.mimetype
    body = response.get_json()
    assert body["status"] == status and body["code"] == code, body
    assert body["type"].startswith("https://") and body["title"] and body["detail"]
    return body


def dump_database(skip=()) -> str:
    """Every value of every row of every table (but those named in `skip`), as one string."""
    text = []
    for table in db.metadata.sorted_tables:
        if table.name in skip:
            continue
        for row in db.session.execute(table.select()):
            text.extend(str(value) for value in row)
    return "\n".join(text)




def call(base_url, method, path, body=None, token=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + "/api/v1" + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
