"""GET /healthz (the process answers; no database) and GET /readyz (the database answers
and its migrations are at head), for load balancers and orchestrators.

They sit outside /api/v1 and need no sign-in; neither reveals more than yes or no and the
revision names.
"""

from pathlib import Path

from flask import Blueprint, current_app, json

from ..services import health

bp = Blueprint("health", __name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"


def _json(body, status):
    response = current_app.response_class(json.dumps(body), status=status,
                                          mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return _json({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz():
    """503 (problem+json, from the outage handler) when the database can't be reached."""
    state = health.readiness(MIGRATIONS_DIR)
    if not state["migrations_current"]:
        return _json({"status": "migrations pending", **state}, 503)
    return _json({"status": "ready", **state}, 200)


def init_app(app):
    app.register_blueprint(bp)
