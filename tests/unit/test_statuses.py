"""Statuses are StrEnums over the strings the columns store, and code names them, not spells them."""

import pathlib
import re

from sqlalchemy import select, text

from tests.support.factories import make_bank, make_member
from timebank.extensions import db
from timebank.models import (
    EXCHANGE_STATUSES,
    LISTING_STATUSES,
    STATUSES,
    ExchangeStatus,
    ListingStatus,
    Member,
    MemberStatus,
)

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "timebank"
SPELLED = re.compile(r"""\bstatus\s*(==|!=|=)\s*["'][a-z_]+["']""")


def test_the_column_choices_are_the_enum_values_as_plain_strings():
    for choices, enum in ((EXCHANGE_STATUSES, ExchangeStatus), (LISTING_STATUSES, ListingStatus),
                          (STATUSES, MemberStatus)):
        assert choices == tuple(status.value for status in enum)
        assert all(type(choice) is str for choice in choices)


def test_a_status_is_stored_and_compared_as_its_string(app):
    member = make_member(make_bank(), status=MemberStatus.SUSPENDED)
    db.session.commit()
    stored = db.session.execute(text("SELECT status FROM members WHERE id = :id"),
                                {"id": member.id}).scalar_one()
    assert stored == "suspended" and type(stored) is str
    assert db.session.scalar(select(Member.id).where(Member.status == MemberStatus.SUSPENDED)) \
        == member.id


def test_services_web_api_and_cli_name_statuses_instead_of_spelling_them():
    layers = [PACKAGE / "services", PACKAGE / "web", PACKAGE / "api", PACKAGE / "cli.py"]
    files = [f for layer in layers for f in ([layer] if layer.is_file() else layer.rglob("*.py"))]
    spelled = [f"{f.relative_to(PACKAGE)}:{n}" for f in files
               for n, line in enumerate(f.read_text().splitlines(), 1) if SPELLED.search(line)]
    assert spelled == []
