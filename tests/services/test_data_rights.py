"""Members' data rights: the export holds everything about the member and nothing about
anyone else; erasure leaves no personal datum anywhere while the ledger still verifies;
erasure is all or nothing; retention erases only who is due."""

import datetime as dt
import json

import pytest
from sqlalchemy import JSON, String, Text, func, select

from tests.support.factories import NOW, make_bank, make_member
from timebank import cli
from timebank.cli import apply_retention
from timebank.extensions import db
from timebank.models import Account, AuditEvent, Member
from timebank.services import (
    auth,
    catalogue,
    conversations,
    data_export,
    erasure,
    exchanges,
    idempotency,
    listings,
    members,
    pool,
    privacy,
    reports,
    retention,
    verification,
)
from timebank.services.errors import LimitExceeded

ZELDA = {"name": "Zelda Quackenbush", "email": "zelda.quackenbush@example.org",
         "skills": "Ukulele repair and xylophone tuning"}
YANNICK = {"name": "Yannick Obscurity", "email": "yannick.obscurity@example.org",
           "skills": "Zither lessons for owls"}
YANNICK_TEXTS = ("Owl zither workshop", "Secret owl business", "Yannick moved house",
                 "Owls only, Zelda Quackenbush")
LATER = NOW + dt.timedelta(days=10)


def at(days):
    return NOW + dt.timedelta(hours=days)


@pytest.fixture
def bank_of_two(app):
    """Zelda (the member who asks) and Yannick (someone else, with distinctive strings of his
    own), with listings, exchanges both ways, a dispute, a donation, audit events about each,
    an API token and a coordinator's stored answer that quotes Zelda."""
    bank = make_bank("riverside")
    cora = make_member(bank, "Cora Dale", role="coordinator", email="cora@example.org")
    answer = idempotency.run_once(
        user_id=cora.user_id, key="add-zelda", request_hash="0" * 64,
        operation=lambda: members.add_member(bank, status="active", actor_id=cora.id, now=NOW,
                                             **ZELDA),
        render=lambda m: (201, {"id": m.id, "name": m.name, "email": m.email}), now=NOW)
    zelda = db.session.get(Member, answer.body["id"])
    yannick = make_member(bank, **YANNICK)
    db.session.commit()
    catalogue.create_category(cora, name="Gardening", now=NOW)
    listings.create(zelda, kind="offer", title="Ukulele clinic by Zelda",
                    description="Zelda brings spare strings", category="Gardening", now=at(1))
    owl_offer = listings.create(yannick, kind="offer", title=YANNICK_TEXTS[0],
                                category="Gardening", now=at(1))
    listings.approve(cora, owl_offer.id, now=at(1))
    first = conversations.contact(zelda, owl_offer.id, body="Zelda would love a zither lesson",
                                  now=at(1), link_for=lambda i: f"https://example.net/m/{i}")
    answer = conversations.reply(yannick, first.conversation_id, body=YANNICK_TEXTS[3],
                                 now=at(1), link_for=lambda i: f"https://example.net/m/{i}")
    conversations.report(zelda, answer.id, reason="Zelda Quackenbush finds this rude",
                         now=at(1))
    given = exchanges.log(zelda, provider_id=zelda.id, receiver_id=yannick.id, minutes=90,
                          occurred_on=NOW.date(), description="Zelda tuned the ukulele",
                          now=at(2))
    exchanges.confirm(yannick, given.id, now=at(3))
    doubtful = exchanges.log(yannick, provider_id=yannick.id, receiver_id=zelda.id, minutes=30,
                             occurred_on=NOW.date(), description="Lift for Zelda", now=at(4))
    exchanges.dispute(zelda, doubtful.id, reason="Zelda Quackenbush says it was shorter",
                      now=at(5))
    exchanges.log(cora, provider_id=yannick.id, receiver_id=cora.id, minutes=45,
                  occurred_on=NOW.date(), description=YANNICK_TEXTS[1], now=at(6))
    pool.donate(zelda, minutes=20, description="From Zelda Quackenbush", now=at(7))
    members.update(cora, zelda.id, {"group": "professional"},
                   reason="Zelda Quackenbush works for the council", now=at(8))
    members.update(cora, yannick.id, {"group": "professional"}, reason=YANNICK_TEXTS[2],
                   now=at(9))
    members.update(cora, cora.id, {"name": "Cora Dale"}, now=at(9))
    auth.create_token(zelda.user_id, hours=24, now=at(10))
    privacy.accept(zelda, 1, now=at(10))
    privacy.accept(yannick, 1, now=at(10))
    auth.create_token(yannick.user_id, hours=24, now=at(10))
    db.session.commit()
    return bank, cora, zelda, yannick


# --- export ---------------------------------------------------------------------------------

EXPORTED_IDS = {
    "members": lambda doc: {doc["profile"]["id"]},
    "accounts": lambda doc: {doc["account"]["id"]},
    "listings": lambda doc: {row["id"] for row in doc["listings"]},
    "exchanges": lambda doc: {row["id"] for row in doc["exchanges"]},
    "member_status_changes": lambda doc: {row["id"] for row in doc["status_history"]},
    "consents": lambda doc: {row["id"] for row in doc["consents"]},
    "api_tokens": lambda doc: {row["id"] for row in doc["api_tokens"]},
    "idempotency_records": lambda doc: {row["id"] for row in doc["repeat_protection"]},
    "audit_events": lambda doc: {row["id"] for row in doc["audit_events"]},
    "outbox_messages": lambda doc: {row["id"] for row in doc["messages"]},
    "account_links": lambda doc: {row["id"] for row in doc["account_links"]},
    "known_sign_in_addresses": lambda doc: {row["id"] for row in doc["known_sign_in_addresses"]},
    "research_grants": lambda doc: {row["id"] for row in doc["research_grants"]},
    "conversations": lambda doc: {row["id"] for row in doc["conversations"]},
    "conversation_messages": lambda doc: {row["id"] for row in doc["conversation_messages"]},
    "journal_entries": lambda doc: {row["entry_id"] for row in doc["statement"]},
}
# Columns naming who acted on someone else's record: the record is about that someone.
ACTING_ON_OTHERS = {("listings", "decided_by_id"), ("exchanges", "decided_by_id"),
                    ("journal_entries", "created_by_id"), ("privacy_notices", "published_by_id"),
                    ("audit_events", "actor_id"), ("research_grants", "granted_by_id"),
                    ("research_grants", "revoked_by_id"), ("conversations", "suspended_by_id"),
                    ("conversation_messages", "report_decided_by_id")}


def rows_about(member):
    """For every table, the ids of rows that point at the member, their login or account."""
    keys = {"members": member.id, "users": member.user_id, "accounts": member.account.id}
    found = {"members": {member.id}, "accounts": {member.account.id}}
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                target = fk.column.table.name
                if target in keys and (table.name, column.name) not in ACTING_ON_OTHERS:
                    key = table.c.entry_id if table.name == "transfers" else table.c.id
                    name = "journal_entries" if table.name == "transfers" else table.name
                    ids = set(db.session.scalars(select(key).where(column == keys[target])))
                    if ids:
                        found.setdefault(name, set()).update(ids)
    audit = AuditEvent.__table__
    found.setdefault("audit_events", set()).update(db.session.scalars(
        select(audit.c.id).where(audit.c.target_type == "member",
                                 audit.c.target_id == member.id)))
    found.pop("users", None)  # the login is the profile's email and language
    return found


def test_the_export_holds_every_table_s_rows_about_the_member(bank_of_two):
    bank, cora, zelda, yannick = bank_of_two
    document = data_export.export(zelda, zelda.id, now=LATER)
    expected = rows_about(zelda)
    assert {"listings", "exchanges", "journal_entries", "api_tokens", "audit_events",
            "member_status_changes", "consents", "conversations",
            "conversation_messages"} <= set(expected)
    for table, ids in expected.items():
        assert ids <= EXPORTED_IDS[table](document), table
    assert document["profile"] | {"id": zelda.id} == document["profile"]
    assert (document["profile"]["name"], document["profile"]["email"],
            document["profile"]["skills"]) == (ZELDA["name"], ZELDA["email"], ZELDA["skills"])
    assert document["account"]["balance_minutes"] == 90 - 20
    assert sum(row["minutes"] for row in document["statement"]) == 70


def test_the_export_holds_nothing_about_anyone_else(bank_of_two):
    bank, cora, zelda, yannick = bank_of_two
    text = json.dumps(data_export.export(zelda, zelda.id, now=LATER), ensure_ascii=False)
    for planted in (*YANNICK.values(), *YANNICK_TEXTS, "Cora Dale", "cora@example.org"):
        assert planted not in text
    assert "Ukulele clinic by Zelda" in text
    assert "Zelda would love a zither lesson" in text
    assert "Zelda Quackenbush finds this rude" in text


def test_a_download_is_audited_and_coordinators_may_take_one_for_a_member(bank_of_two):
    bank, cora, zelda, yannick = bank_of_two
    document = data_export.export(cora, zelda.id, now=LATER)
    assert document["profile"]["email"] == ZELDA["email"]
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "member.data_exported")).all()
    assert [(e.actor_id, e.target_id) for e in events] == [(cora.id, zelda.id)]
    with pytest.raises(Exception, match="permission"):
        data_export.export(yannick, zelda.id, now=LATER)


# --- erasure --------------------------------------------------------------------------------

def all_text():
    """Every string and JSON value in every table of the database."""
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if columns:
            for row in db.session.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if value is not None:
                        yield table.name, column.name, json.dumps(value, ensure_ascii=False)


def balances_by_bank():
    return dict(db.session.execute(
        select(Account.bank_id, func.sum(Account.credits_posted - Account.debits_posted))
        .group_by(Account.bank_id)).all())


def counts(cora):
    metrics = reports.reciprocity_report(cora, now=LATER, date_from=dt.date(2026, 1, 1),
                                         date_to=NOW.date() + dt.timedelta(days=1))["metrics"]
    return {k: metrics[k] for k in ("hours", "exchanges", "members", "active_members")}


def test_after_erasure_no_personal_datum_of_the_member_remains_and_the_ledger_verifies(
        bank_of_two):
    bank, cora, zelda, yannick = bank_of_two
    before = counts(cora)
    assert any(ZELDA["name"] in value for *_where, value in all_text())
    erasure.erase(cora, zelda.id, reason="member_request", now=LATER)
    db.session.expire_all()
    leftovers = [(table, column) for table, column, value in all_text()
                 if any(datum.lower() in value.lower() for datum in ZELDA.values())]
    assert leftovers == []
    assert verification.verify().ok
    assert set(balances_by_bank().values()) == {0}
    assert counts(cora) == before
    zelda = db.session.get(Member, zelda.id)
    assert (zelda.status, zelda.user, zelda.account.balance) == ("left", None, 0)
    assert auth_refused(ZELDA["email"])
    assert any(YANNICK_TEXTS[2] in value for *_where, value in all_text())  # others untouched
    texts = [value for *_where, value in all_text()]
    assert not any("zither lesson" in value or "finds this rude" in value for value in texts)
    assert any("Owls only, [erased]" in value for value in texts)
    erased = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "member.erased"))
    assert [(e.actor_id, e.target_id, e.reason, e.details) for e in erased] == [
        (cora.id, zelda.id, "member_request", {"reason_code": "member_request"})]


def auth_refused(email):
    try:
        auth.check_credentials(email, "any password at all", now=LATER)
    except Exception:  # noqa: BLE001 - any refusal will do
        return True
    return False


def snapshot_of_everything():
    return {table.name: sorted(map(repr, db.session.execute(select(table)).all()))
            for table in db.metadata.sorted_tables}


def test_erasure_is_all_or_nothing_when_a_limit_refuses_the_balance(app):
    bank = make_bank("riverside")
    cora = make_member(bank, "Cora Dale", role="coordinator")
    zelda = make_member(bank, **ZELDA)
    yannick = make_member(bank, **YANNICK)
    catalogue.create_category(cora, name="Gardening", now=NOW)
    listings.create(zelda, kind="request", title="Help with Zelda's garden",
                    category="Gardening", now=at(1))
    exchanges.log(cora, provider_id=yannick.id, receiver_id=zelda.id, minutes=60,
                  occurred_on=NOW.date(), description="Digging for Zelda", now=at(2))
    db.session.commit()
    before = snapshot_of_everything()
    with pytest.raises(LimitExceeded, match="Nothing was erased"):
        erasure.erase(cora, zelda.id, reason="member_request", now=LATER)
    db.session.rollback()
    assert snapshot_of_everything() == before

    bank.erased_balance_to = "keep"
    db.session.commit()
    before = snapshot_of_everything()
    erasure.erase(cora, zelda.id, reason="member_request", now=LATER)
    assert db.session.get(Member, zelda.id).account.balance == -60
    assert verification.verify().ok


def test_erasure_refuses_a_bad_reason_and_a_second_erasure(bank_of_two):
    bank, cora, zelda, yannick = bank_of_two
    with pytest.raises(Exception, match="Choose a reason"):
        erasure.erase(cora, zelda.id, reason="because", now=LATER)
    erasure.erase(cora, zelda.id, reason="consent_withdrawn", now=LATER)
    with pytest.raises(Exception, match="already been erased"):
        erasure.erase(cora, zelda.id, reason="consent_withdrawn", now=LATER)
    with pytest.raises(Exception, match="permission"):
        erasure.erase(yannick, cora.id, reason="member_request", now=LATER)


# --- retention ------------------------------------------------------------------------------

def test_retention_erases_only_who_is_due_and_a_dry_run_changes_nothing(app, runner,
                                                                        monkeypatch):
    monkeypatch.setattr(cli, "utcnow", lambda: LATER)
    kept_forever = make_bank("hillside")
    bank = make_bank("riverside", retention_days=30)
    cora = make_member(bank, "Cora Dale", role="coordinator")
    due = make_member(bank, "Long Gone")
    recent = make_member(bank, "Just Left")
    active = make_member(bank, "Still Here")
    other_cora = make_member(kept_forever, "Hilda Coordinator", role="coordinator")
    elsewhere = make_member(kept_forever, "Left Long Ago Elsewhere")
    members.update(cora, due.id, {"status": "left"}, reason="moved away",
                   now=LATER - dt.timedelta(days=31))
    members.update(cora, recent.id, {"status": "left"}, reason="moved away",
                   now=LATER - dt.timedelta(days=29))
    members.update(other_cora, elsewhere.id, {"status": "left"}, reason="moved away",
                   now=LATER - dt.timedelta(days=400))
    ids = [due.id, recent.id, active.id, elsewhere.id]

    before = snapshot_of_everything()
    assert [m.id for m in retention.due(now=LATER)] == [due.id]
    assert retention.apply(now=LATER, dry_run=True) == ([due.id], [])
    listed = runner.invoke(apply_retention, ["--dry-run"])
    assert (listed.exit_code, listed.output) == (0, f"1 member(s) would be erased: {due.id}\n")
    assert snapshot_of_everything() == before

    assert retention.apply(now=LATER) == ([due.id], [])
    db.session.expire_all()
    names = {i: db.session.get(Member, i).name for i in ids}
    assert names == {due.id: erasure.erased_name(due.id), recent.id: "Just Left",
                     active.id: "Still Here", elsewhere.id: "Left Long Ago Elsewhere"}
    assert retention.apply(now=LATER) == ([], [])
