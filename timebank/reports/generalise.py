"""Generalising quasi-identifiers until every combination occurs at least k times.

The quasi-identifiers of the research extract are the columns someone could
know about a person from outside the bank: group, role, status, age band and the
quarter they joined. A combination of them that only a few rows share picks
those people out, whatever the pseudonym.

Each column has a ladder from precise to blank ("" means "not given"):

    joined      2025-Q3  ->  2025          ->  ""
    age band    25-44    ->  under 45      ->  ""      (45-64, 65-74, 75 and over -> 45 and over)
    status      left     ->  ""
    role        coordinator -> ""
    group       organisation -> ""

The steps are taken in this fixed order, each one only for the rows whose
combination is still shared by fewer than k rows:

    1. joining quarter -> year      2. age band -> wider band     3. status -> blank
    4. joining year -> blank        5. wider age band -> blank    6. role -> blank
    7. group -> blank

The order gives up first what researchers miss least (the exact quarter, the
exact age band) and keeps group and role, which the reciprocity questions are
about, as long as it can. After the last step the rows still in small
combinations are blank in every column; if there are fewer than k of them, rows
of combinations with more than k rows (in pseudonym order) are blanked as well
until there are k. If even that can't be done, every row is blanked; a bank with
fewer than k people gets no rows at all.

Rows are only ever made less precise, so a person's row matches (value equal,
or generalised to include theirs) at least k rows of the extract.
"""

from __future__ import annotations

from collections import Counter

QUASI_IDENTIFIERS = ("group", "role", "status", "joined", "age_band")
BLANK = ""
WIDER_AGE = {"under 25": "under 45", "25-44": "under 45", "45-64": "45 and over",
             "65-74": "45 and over", "75 and over": "45 and over"}


def quarter_to_year(value: str) -> str:
    return value.split("-Q")[0]


def age_to_wider(value: str) -> str:
    return WIDER_AGE.get(value, value)


def to_blank(value: str) -> str:
    return BLANK


STEPS = (
    ("joined", quarter_to_year),
    ("age_band", age_to_wider),
    ("status", to_blank),
    ("joined", to_blank),
    ("age_band", to_blank),
    ("role", to_blank),
    ("group", to_blank),
)
ALL_BLANK = (BLANK,) * len(QUASI_IDENTIFIERS)
_INDEX = {name: i for i, name in enumerate(QUASI_IDENTIFIERS)}


def _small(combinations, k):
    counts = Counter(combinations)
    return [counts[c] < k for c in combinations]


def generalise(combinations: list[tuple], k: int) -> list[tuple] | None:
    """The combinations (QUASI_IDENTIFIERS order), generalised so each occurs k or more times.

    The input's order is kept (callers sort by pseudonym first). None when no
    generalisation can do it: fewer than k rows.
    """
    if len(combinations) < k:
        return None
    rows = [tuple(c) for c in combinations]
    for column, step in STEPS:
        i = _INDEX[column]
        rows = [row[:i] + (step(row[i]),) + row[i + 1:] if small else row
                for row, small in zip(rows, _small(rows, k), strict=True)]
    blank = sum(1 for row in rows if row == ALL_BLANK)
    if 0 < blank < k:
        counts = Counter(rows)
        for n, row in enumerate(rows):
            if blank >= k:
                break
            if row != ALL_BLANK and counts[row] > k:
                counts[row] -= 1
                rows[n] = ALL_BLANK
                blank += 1
        if blank < k:
            rows = [ALL_BLANK] * len(rows)
    return rows


def matches(published: str, column: str, true_value: str) -> bool:
    """True if a published value could stand for `true_value` (equal, or a generalisation)."""
    if published in (BLANK, true_value):
        return True
    if column == "joined":
        return quarter_to_year(true_value) == published
    if column == "age_band":
        return age_to_wider(true_value) == published
    return False
