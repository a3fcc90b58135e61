"""Attacks on the member-level extract: linking two grants' extracts, and picking people out.

Each attack plants a person the attacker knows about and asserts that the
extracts don't give that person's row away: no pseudonym links them, and what
the attacker knows matches k or more rows.
"""

import datetime as dt

import pytest

from tests.research.extract_support import NOW, candidates, crafted_bank, read_csv
from timebank.reports import export
from timebank.reports.generalise import QUASI_IDENTIFIERS
from timebank.services import research_extract, research_grants

TODAY = NOW.date()
FIRST = {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 4, 1)}
SECOND = {"date_from": dt.date(2026, 4, 1), "date_to": dt.date(2026, 7, 1)}
ACTIVITY = ("hours_given", "hours_received", "exchanges", "partners", "first_exchange_month",
            "last_exchange_month")


@pytest.fixture
def odd(app):
    bank, people = crafted_bank()
    grants = [research_grants.grant(people["coordinator"], evaluator_id=people["evaluator"].id,
                                    purpose=f"Study {n}", ends_on=TODAY, now=NOW)
              for n in (1, 2)]
    return bank, people, grants


def take(people, grant, months):
    return read_csv(research_extract.members_csv(people["evaluator"], now=NOW,
                                                 grant_id=grant.id, **months))


def planted(people, key, on):
    member = people[key]
    return {"group": member.group, "role": member.role, "status": member.status,
            "joined": export.quarter(member.joined_on),
            "age_band": export.age_band(member.birth_year, on)}


def test_two_grants_share_no_pseudonym_and_neither_is_the_coordinators(odd):
    bank, people, (one, two) = odd
    first, second = take(people, one, FIRST), take(people, two, FIRST)
    coordinators = read_csv(research_extract.members_csv(people["coordinator"], now=NOW, **FIRST))
    names = [{row["pseudonym"] for row in rows} for rows in (first, second, coordinators)]
    assert all(len(n) == len(first) for n in names)
    assert not names[0] & names[1] and not names[0] & names[2] and not names[1] & names[2]
    # The same grant gives the same pseudonyms every time; the order is by pseudonym.
    assert [row["pseudonym"] for row in take(people, one, SECOND)] == sorted(names[0])


def true_row(rows, grant, member):
    """The member's row, found as only the test can: by the grant's secret key."""
    name = export.pseudonym(export.scoped_key(grant.pseudonym_secret, f"grant:{grant.id}"),
                            member.id)
    [row] = [row for row in rows if row["pseudonym"] == name]
    return row


@pytest.mark.parametrize("key", ["coordinator", "organisation", "old", "c0", "c3", "c7"])
def test_linking_two_grants_extracts_on_the_other_columns_finds_no_one(odd, key):
    """Grant one covers a quarter, grant two the next. Even told which row of the first
    extract is the planted person's, the attacker who joins the second extract to it on
    the quasi-identifiers finds none or k or more rows, and on every column but the
    pseudonym never the planted person's row alone."""
    bank, people, (one, two) = odd
    first, second = take(people, one, FIRST), take(people, two, SECOND)
    known = true_row(first, one, people[key])
    by_person = [row for row in second if all(row[c] == known[c] for c in QUASI_IDENTIFIERS)]
    assert len(by_person) == 0 or len(by_person) >= bank.suppression_threshold
    by_everything = [row for row in second
                     if all(row[c] == known[c] for c in (*QUASI_IDENTIFIERS, *ACTIVITY))]
    assert by_everything != [true_row(second, two, people[key])]


@pytest.mark.parametrize("key", ["coordinator", "organisation", "old"])
def test_what_an_outsider_knows_of_a_unique_person_matches_k_rows(odd, key):
    bank, people, (one, _two) = odd
    for months in (FIRST, SECOND):
        rows = take(people, one, months)
        knows = planted(people, key, months["date_to"])
        assert len(candidates(rows, knows)) >= bank.suppression_threshold
        exact = [row for row in rows if all(row[c] == knows[c] for c in QUASI_IDENTIFIERS)]
        assert len(exact) == 0 or len(exact) >= bank.suppression_threshold
