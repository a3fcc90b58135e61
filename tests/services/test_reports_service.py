"""The reports use cases: who may see what, filters, defaults, the export and the alerts."""

import datetime as dt

import pytest

from tests.reports import golden
from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.reports import reciprocity
from timebank.services import accounts, ledger, reports
from timebank.services.errors import Forbidden, ValidationFailed

NOW = dt.datetime(2026, 7, 2, 9, 0)
RANGE = {"date_from": golden.FROM, "date_to": golden.TO}


@pytest.fixture
def bank(app):
    return golden.build()


def test_only_evaluators_and_coordinators_see_reports(bank):
    assert reports.reciprocity_report(bank.Q, now=NOW, **RANGE)["metrics"]["hours"] == 15.75
    assert reports.reciprocity_report(bank.V, now=NOW, **RANGE)["metrics"]["hours"] is not None
    for reader in (bank.V, bank.Q):
        assert reports.reciprocity_report(reader, now=NOW, **RANGE)["metrics"]["exchanges"] is not None
    for member in (bank.A, bank.O):
        with pytest.raises(Forbidden):
            reports.reciprocity_report(member, now=NOW, **RANGE)
        with pytest.raises(Forbidden):
            reports.report_page(member, now=NOW, **RANGE)


def test_alerts_name_people_so_only_coordinators_get_them(bank):
    with pytest.raises(Forbidden):
        reports.member_alerts(bank.V, now=NOW, **RANGE)
    assert reports.member_alerts(bank.Q, now=NOW, **RANGE)["alerts"]


def test_a_member_who_is_no_longer_active_sees_nothing(bank):
    from timebank.services import members

    members.update(None, bank.V.id, {"status": "suspended"}, reason="Left the programme",
                   now=NOW)
    db.session.expire_all()
    with pytest.raises(Forbidden):
        reports.reciprocity_report(bank.V, now=NOW, **RANGE)


def test_unknown_category_or_activity_is_a_422_naming_the_field(bank):
    with pytest.raises(ValidationFailed) as error:
        reports.reciprocity_report(bank.V, now=NOW, category="Knitting", **RANGE)
    assert set(error.value.errors) == {"category"}
    with pytest.raises(ValidationFailed) as error:
        reports.reciprocity_report(bank.V, now=NOW, activity=999999, **RANGE)
    assert set(error.value.errors) == {"activity"}
    other = golden.build(slug="other")
    with pytest.raises(ValidationFailed) as error:
        reports.reciprocity_report(bank.V, now=NOW, activity=other.activities["Health panel"].id,
                                   **RANGE)
    assert set(error.value.errors) == {"activity"}
    # Names are matched without regard to case.
    report = reports.reciprocity_report(bank.Q, now=NOW, category="gardening", **RANGE)
    assert report["filters"]["category"] == "Gardening"
    assert report["metrics"]["exchanges"] == 4


def test_dates_must_run_forwards_and_default_to_the_last_twelve_months(bank):
    with pytest.raises(ValidationFailed) as error:
        reports.reciprocity_report(bank.V, now=NOW, date_from=golden.TO, date_to=golden.FROM)
    assert set(error.value.errors) == {"to"}
    report = reports.reciprocity_report(bank.Q, now=dt.datetime(2026, 6, 1, 12))
    # Coordinators: today (1 June 2026) included: [2025-06-02, 2026-06-02).
    assert (report["from"], report["to"]) == ("2025-06-02", "2026-06-02")
    # Evaluators, and coordinators asking for protection: the last twelve whole months.
    for report in (reports.reciprocity_report(bank.V, now=dt.datetime(2026, 6, 17, 12)),
                   reports.reciprocity_report(bank.Q, now=dt.datetime(2026, 6, 17, 12),
                                              protected=True)):
        assert (report["from"], report["to"]) == ("2025-06-01", "2026-06-01")
    assert reports.default_months(dt.date(2026, 1, 31)) == (dt.date(2025, 1, 1),
                                                            dt.date(2026, 1, 1))
    # A year before 29 February is 28 February.
    assert reports.default_range(dt.date(2028, 2, 28)) == (dt.date(2027, 2, 28),
                                                            dt.date(2028, 2, 29))
    assert reports.default_range(dt.date(2028, 2, 29)) == (dt.date(2027, 3, 1),
                                                            dt.date(2028, 3, 1))


def test_the_report_page_compares_with_the_period_before(bank):
    page = reports.report_page(bank.Q, now=NOW, date_from=dt.date(2026, 4, 1),
                               date_to=dt.date(2026, 7, 1))
    assert page["report"]["from"] == "2026-04-01"
    assert (page["previous"]["from"], page["previous"]["to"]) == ("2026-01-01", "2026-04-01")
    # Jan-Mar: A→B, B→A, A→P, P→A, G→B, C→D, P→A = 60+30+120+60+60+90+30 = 450 minutes.
    assert page["previous"]["metrics"]["hours"] == 7.5
    assert page["previous"]["monthly"] == []  # headline figures only
    assert page["can_see_alerts"] is True


def test_alerts(bank):
    accounts.set_limits(bank.bank.id, bank.O.account.id, floor_minutes=-400,
                        ceiling_minutes=None, now=NOW)
    found = reports.member_alerts(bank.Q, now=NOW, **RANGE)["alerts"]

    def names(kind):
        return [item["name"] for item in found[kind]]

    assert names("give_only") == ["Quinn"]
    assert names("receive_only") == ["Oak Day Centre"]
    assert names("dormant") == ["Bob", "Pat"]  # last exchanges 20 Feb and 20 Mar
    # Oak's balance is -360 with a floor of -400: 40 minutes of room, within 60.
    assert names("near_floor") == ["Oak Day Centre"]
    oak = found["near_floor"][0]
    assert (oak["balance_minutes"], oak["floor_minutes"]) == (-360, -400)


def test_a_bank_with_no_exchanges_and_a_twenty_year_range_still_report(app):
    from timebank.services import banks, members

    bank = banks.create_bank(slug="quiet", name="Quiet", now=NOW)
    evaluator = members.create_member(bank, name="Eva", group="professional", role="evaluator",
                                      status="active", now=NOW)
    report = reports.reciprocity_report(evaluator, now=NOW, date_from=dt.date(2006, 7, 1),
                                        date_to=dt.date(2026, 7, 1))
    m = report["metrics"]
    assert (m["hours"], m["exchanges"], m["members"], m["active_members"]) == (0.0, 0, 0, 0)
    assert m["direct_reciprocity"] is None and m["gini_given"] is None
    assert report["suppressed"] == []  # nothing about anyone: nothing to hide
    assert len(report["monthly"]) == 240 and report["retention"] == []
    page = reports.report_page(evaluator, now=NOW)
    assert page["previous"]["metrics"]["exchanges"] == 0
    with pytest.raises(ValidationFailed) as error:
        reports.reciprocity_report(evaluator, now=NOW, date_from=dt.date(2006, 6, 30),
                                   date_to=dt.date(2026, 7, 1))
    assert set(error.value.errors) == {"from"}


@pytest.mark.parametrize("query", [
    {"date_from": dt.date(2026, 4, 1), "date_to": dt.date(2026, 7, 1)},
    {"date_from": dt.date(2026, 7, 1), "date_to": dt.date(2027, 1, 1)},
    {"date_from": dt.date(2026, 4, 1), "date_to": dt.date(2026, 7, 1), "provider_group": "citizen"},
    {"date_from": dt.date(2026, 4, 1), "date_to": dt.date(2026, 7, 1), "category": "Gardening"},
])
def test_the_period_before_has_the_compared_figures_of_its_own_report(bank, query):
    """The page works out the period before from a lighter workspace (no balances, cohorts or
    pool); what it compares must be what that period's own report says, suppression included."""
    page = reports.report_page(bank.Q, now=NOW, **query)
    before = page["previous"]
    own = reports.reciprocity_report(bank.Q, now=NOW, **{
        **query, "date_from": dt.date.fromisoformat(before["from"]),
        "date_to": dt.date.fromisoformat(before["to"])})
    assert list(before["metrics"]) == list(reciprocity.COMPARED)
    assert before["metrics"] == {name: own["metrics"][name] for name in reciprocity.COMPARED}
    assert set(before["suppressed"]) == set(own["suppressed"]) & (
        set(reciprocity.COMPARED) | {n for n in own["suppressed"] if n.startswith("flows[")})
    assert before["flows"] == own["flows"]


def test_both_periods_of_the_page_are_of_one_moment(bank, app, monkeypatch):
    """An exchange committed while the page is being worked out is in neither period, even
    where the period before is worked out on a connection of its own (PostgreSQL)."""
    bank_id, giver, receiver = bank.bank.id, bank.account("A"), bank.account("B")
    real = reports._document
    posted = []

    def with_a_late_exchange(slug, scope, filters, *, detail=True, now, table=None, **how):
        if not detail:  # the period before: post into it from another session first
            with app.app_context():
                posted.append(ledger.post(bank_id, Posting(
                    kind=EntryKind.EXCHANGE, occurred_on=dt.date(2026, 2, 10),
                    transfers=(Transfer(receiver, giver, 60),)), now=NOW))
        return real(slug, scope, filters, detail=detail, now=now, table=table, **how)

    monkeypatch.setattr(reports, "_document", with_a_late_exchange)
    april = {"date_from": dt.date(2026, 4, 1), "date_to": dt.date(2026, 7, 1)}
    page = reports.report_page(bank.Q, now=NOW, **april)
    assert posted and page["previous"]["metrics"]["hours"] == 7.5
    monkeypatch.setattr(reports, "_document", real)
    assert reports.report_page(bank.Q, now=NOW, **april)["previous"]["metrics"]["hours"] == 8.5
