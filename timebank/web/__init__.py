"""HTML pages."""

from flask import Blueprint, render_template
from sqlalchemy import select

from ..extensions import db
from ..models import Bank
from . import session  # noqa: F401  (registers the user loader)

bp = Blueprint("web", __name__)


@bp.get("/")
def index():
    banks = db.session.scalars(select(Bank).order_by(Bank.name)).all()
    return render_template("index.html", banks=banks)
