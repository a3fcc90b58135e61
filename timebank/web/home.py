"""The front page, and each person's home page once signed in."""

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Bank
from . import bp


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    banks = db.session.scalars(select(Bank).order_by(Bank.name)).all()
    return render_template("index.html", banks=banks)


@bp.get("/home")
@login_required
def home():
    return render_template("home.html", member=current_user.member)
