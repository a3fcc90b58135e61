"""The front page, and each person's home page once signed in."""

from flask import current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..models import Bank
from ..services import exchanges, listings, policy, statements, waiting
from . import bp
from .member.common import now


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    banks = db.session.scalars(select(Bank).order_by(Bank.name)).all()
    return render_template("index.html", banks=banks)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; pages also link the SVG."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)


@bp.get("/home")
@login_required
def home():
    member = current_user.member
    if member is None:
        return render_template("member/no_membership.html")
    if policy.is_evaluator(member):
        return render_template("member/evaluator_home.html", member=member)
    moment = now()
    return render_template(
        "home.html", member=member,
        waiting=waiting.waiting_for(member, now=moment),
        listings=listings.search(member, member_id=member.id, per_page=5, now=moment),
        recent=exchanges.search(member, member_id=member.id, per_page=5, now=moment),
        totals=statements.given_and_received(member, member.id))
