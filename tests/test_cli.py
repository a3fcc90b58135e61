"""The command line contract."""

import json

from sqlalchemy import func, select

from timebank.extensions import db
from timebank.models import Account, Bank, JournalEntry, Member, User
from timebank.services.passwords import check_password


def invoke(runner, *args):
    result = runner.invoke(args=list(args))
    db.session.rollback()
    return result


def test_bank_create_makes_a_bank_with_its_pool(runner):
    result = invoke(runner, "bank", "create", "--slug", "riverside", "--name", "Riverside",
                    "--suppression-threshold", "12")
    assert result.exit_code == 0, result.output
    bank = db.session.scalar(select(Bank).where(Bank.slug == "riverside"))
    assert (bank.name, bank.suppression_threshold) == ("Riverside", 12)
    pools = db.session.scalars(select(Account).where(Account.bank_id == bank.id,
                                                     Account.is_pool.is_(True))).all()
    assert len(pools) == 1


def test_bank_create_refuses_bad_and_duplicate_slugs_and_low_thresholds(runner):
    assert invoke(runner, "bank", "create", "--slug", "riverside", "--name", "R").exit_code == 0
    duplicate = invoke(runner, "bank", "create", "--slug", "riverside", "--name", "R")
    assert duplicate.exit_code == 2 and "slug: A time bank called 'riverside'" in duplicate.output
    bad = invoke(runner, "bank", "create", "--slug", "River Side!", "--name", "R")
    assert bad.exit_code == 2 and "slug:" in bad.output
    low = invoke(runner, "bank", "create", "--slug", "low", "--name", "L",
                 "--suppression-threshold", "4")
    assert low.exit_code == 2 and "at least 5" in low.output
    assert db.session.scalar(select(func.count(Bank.id))) == 1


def test_user_create_makes_an_active_member_with_a_hashed_password(runner):
    invoke(runner, "bank", "create", "--slug", "riverside", "--name", "Riverside")
    result = invoke(runner, "user", "create", "--bank", "riverside", "--email", "Ann@Example.org",
                    "--name", "Ann Jones", "--password", "a long pass phrase",
                    "--role", "coordinator", "--group", "professional", "--admin")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ann@example.org"))
    member = user.member
    assert (member.role, member.group, member.status, user.is_admin) == (
        "coordinator", "professional", "active", True)
    assert "a long pass phrase" not in user.password_hash
    assert check_password(user.password_hash, "a long pass phrase")
    assert member.account.floor_minutes == member.bank.default_floor_minutes
    assert "a long pass phrase" not in result.output


def test_user_create_explains_what_is_wrong_and_creates_nothing(runner):
    invoke(runner, "bank", "create", "--slug", "riverside", "--name", "Riverside")
    short = invoke(runner, "user", "create", "--bank", "riverside", "--email", "a@example.org",
                   "--name", "Ann", "--password", "short")
    assert short.exit_code == 2 and "password: Use at least 10 characters" in short.output
    unknown = invoke(runner, "user", "create", "--bank", "nowhere", "--email", "a@example.org",
                     "--name", "Ann", "--password", "a long pass phrase")
    assert unknown.exit_code == 2 and "No time bank called 'nowhere'" in unknown.output
    assert db.session.scalar(select(func.count(Member.id))) == 0


def test_ledger_verify_reports_every_check_as_json(runner):
    invoke(runner, "bank", "create", "--slug", "riverside", "--name", "Riverside")
    result = invoke(runner, "ledger", "verify", "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["ok"] is True
    assert [c["name"] for c in report["checks"]] == [
        "I1 balanced transfers", "I2 zero sum", "I3 no drift", "I4 limits", "I5 append-only",
        "I6 hash chain", "exchanges match entries", "audit log chain", "credit limits audited",
        "report summaries"]


def test_ledger_verify_of_an_unknown_bank_fails(runner):
    result = invoke(runner, "ledger", "verify", "--bank", "nowhere")
    assert result.exit_code == 1
    assert "No time bank called 'nowhere'" in result.output


def test_demo_builds_a_verified_bank_and_prints_logins(runner):
    result = invoke(runner, "demo")
    assert result.exit_code == 0, result.output
    assert "coordinator@riverside.example.org" in result.output
    bank = db.session.scalar(select(Bank).where(Bank.slug == "riverside"))
    groups = dict(db.session.execute(
        select(Member.group, func.count(Member.id)).where(Member.bank_id == bank.id)
        .group_by(Member.group)).all())
    assert groups["citizen"] >= 15 and groups["professional"] >= 3
    assert groups["organisation"] == 2
    kinds = set(db.session.scalars(select(JournalEntry.kind).where(JournalEntry.bank_id == bank.id)))
    assert {"exchange", "group_credit", "donation", "grant"} <= kinds
    first, last = db.session.execute(select(func.min(JournalEntry.occurred_on),
                                            func.max(JournalEntry.occurred_on))).one()
    assert (last - first).days >= 300
    assert invoke(runner, "ledger", "verify").exit_code == 0


def test_expiry_commands_mark_due_exchanges_and_listings(runner, app):
    import datetime as dt

    from tests.support.factories import make_bank, make_member
    from timebank.models import Exchange, Listing
    from timebank.services import catalogue, exchanges, listings

    bank = make_bank()
    ann, bob = make_member(bank), make_member(bank)
    coordinator = make_member(bank, role="coordinator")
    long_ago = dt.datetime(2020, 1, 1, 12, 0)
    catalogue.create_category(coordinator, name="Gardening", now=long_ago)
    exchanges.log(ann, provider_id=ann.id, receiver_id=bob.id, minutes=30,
                  occurred_on=long_ago.date(), now=long_ago)
    listing = listings.create(ann, kind="offer", title="Weeding", category="Gardening",
                              now=long_ago)
    listings.approve(coordinator, listing.id, now=long_ago)
    result = invoke(runner, "exchanges", "expire")
    assert (result.exit_code, result.output.strip()) == (0, "1 exchange(s) expired.")
    result = invoke(runner, "listings", "expire")
    assert (result.exit_code, result.output.strip()) == (0, "1 listing(s) expired.")
    assert db.session.scalar(select(Exchange.status)) == "expired"
    assert db.session.scalar(select(Listing.status)) == "expired"
    assert invoke(runner, "exchanges", "expire").output.strip() == "0 exchange(s) expired."
