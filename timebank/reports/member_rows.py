"""The member rows the report's figures read, fetched once per workspace.

Most figures are a pass over the ~one row per member of `rx_people` joined to
`rx_members`: counts, sums, bands, mask bits, medians and Gini coefficients.
Asked of SQL one by one, each paid for the join again and the window functions
their sort; fetched once, they are a few passes over Python lists.

The arithmetic is the one SQL did, so the figures are the same floats:

- counts and sums are of integers (exact in Python as in either engine);
- a median is the AVG of the one or two middle values: an integer's AVG is exact
  on both engines (PostgreSQL's numeric, SQLite's double of an integer sum), as is
  (a + b) / 2 in Python; a ratio's AVG adds two doubles and halves the sum, as
  Python does;
- the balance ratio is a double divided by an integer, as CAST(… AS DOUBLE
  PRECISION) / … was;
- a Gini coefficient ends in a division that PostgreSQL does in numeric, so its
  last step is left to the engine (`gini`), from the integer sums Python made.

Only the mask words some figure reads are fetched; the headline-only workspace
(no masks, no balances at `to`) fetches the people and member columns alone. With
detail, the same rows carry the cohort of "time to first exchange" and retention
(`cohort_rows`), so the join is paid for once.
Who is dormant and who only gave, only received or did both are still decided by
SQL, with workspace.py's definitions (DORMANT, SPLIT).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from contextlib import contextmanager
from itertools import compress
from operator import mul

from . import sql
from .workspace import COHORT, DORMANT, GIVE_ONLY, RECEIVE_ONLY, TWO_WAY

SPLIT = (GIVE_ONLY, RECEIVE_ONLY, TWO_WAY)  # the `split` column: the index of the one that holds


class Columns:
    """Named columns of equal length; `where` keeps the rows whose selector is true (each
    column is filtered when first asked for)."""

    def __init__(self, columns: dict, selectors=None):
        self._columns = columns
        self._selectors = selectors
        self._kept = {}

    def __getitem__(self, name: str) -> list:
        if name not in self._kept:
            column = self._columns[name]
            self._kept[name] = list(column if self._selectors is None
                                    else compress(column, self._selectors))
        return self._kept[name]

    def __len__(self) -> int:
        return len(self["rkey"])

    def names(self) -> list[str]:
        return list(self._columns)

    def where(self, selectors: list) -> Columns:
        """The rows of these columns (unfiltered ones only) whose selector is true."""
        return Columns(self._columns, selectors)


class MemberRows(Columns):
    """Columns of rx_people LEFT JOIN rx_members, one row per account; the member
    columns are None where the account took no part. `base` are the members
    (pe.base = 1), `active` the accounts that took part (rx_members ⋈ rx_people), and
    `active_base` the members among them."""

    def __init__(self, columns: dict):
        super().__init__(columns)
        took_part = [given is not None for given in self["given"]]
        self.base = self.where([b == 1 for b in self["base"]])
        self.active = self.where(took_part)
        self.active_base = self.where([b == 1 and t for b, t in zip(self["base"], took_part,
                                                                    strict=True)])


def mask_words(layout) -> list[str]:
    """The mask columns the monthly, category, level and retention figures read."""
    months = {f"mm{layout.month_bit(i)[0]}"
              for i in range(layout.first_month, layout.first_month + layout.months)}
    categories = {f"cm{layout.category_bit(c)[0]}" for c in layout.categories}
    return ["lm", *sorted(months), *sorted(categories)]


def member_rows(ws) -> MemberRows:
    """The rows, fetched the first time a figure asks (kept on the workspace)."""
    if "members" not in ws.figure_rows:
        ws.figure_rows["members"] = _fetch(ws)
    return ws.figure_rows["members"]


def _fetch(ws) -> MemberRows:
    columns = {
        "base": "pe.base", "grp": "pe.grp", "rkey": "pe.rkey",
        "given": "m.given", "received": "m.received", "n_given": "m.n_given",
        "k_given": "m.k_given", "partners": "m.partners",
        "dormant": f"CASE WHEN {DORMANT} THEN 1 ELSE 0 END",
        "split": " ".join(["CASE", *(f"WHEN {test} THEN {i}" for i, test in enumerate(SPLIT)),
                           "END"]),
    }
    binds = {}
    if ws.detail:
        columns |= {"balance_at_to": "pe.balance_at_to",
                    **{word: f"m.{word}" for word in mask_words(ws.layout)},
                    **_cohort_columns(ws)}
        binds = _cohort_binds(ws)
    return MemberRows(_select(ws, columns, "rx_people pe LEFT JOIN rx_members m "
                                           "ON m.account_id = pe.account_id", **binds))


def _select(ws, columns: dict, source: str, **binds) -> dict:
    """{name: column} of the rows selected; the row tuples are gone before collection
    resumes (see _collection_paused)."""
    with _collection_paused():
        rows = sql.raw_rows("SELECT " + ", ".join(f"{e} AS {n}" for n, e in columns.items())
                            + f" FROM {source}", {**ws.binds, **binds}, binary=True)
        found = dict(zip(columns, zip(*rows, strict=True) if rows else [() for _ in columns],
                         strict=True))
        del rows
        return found


@contextmanager
def _collection_paused():
    """Python's cyclic garbage collection paused while the rows are made and laid out in
    columns: they hold no cycles, but each of the tens of thousands of row tuples counts
    towards the next collection, and the collections they set off every other report came
    to a full one (tens of ms over the whole heap). Freed before it resumes, they count
    for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cohort_rows(ws) -> Columns:
    """The cohort of "time to first exchange" and retention (COHORT): per person, their
    record key, joining quarter, days from joining to the first exchange (0 if it came
    before, None if none yet), whether they joined 30 and 90 days before `to`, and the
    month mask words. A workspace with detail has them among the member rows (`cohort`
    and `days`, NULL outside the cohort); another reads them on their own, the first
    time a figure asks (kept on the workspace)."""
    if "cohort" not in ws.figure_rows:
        ws.figure_rows["cohort"] = _from_member_rows(ws) if ws.detail else _fetch_cohort(ws)
    return ws.figure_rows["cohort"]


def _cohort_binds(ws) -> dict:
    return {"day30": ws.scope.date_to - dt.timedelta(days=30),
            "day90": ws.scope.date_to - dt.timedelta(days=90)}


def _days_to_first(ws) -> str:
    days = sql.days_between("m.first_on", "pe.joined_on", ws.dialect)
    return (f"CASE WHEN m.first_on IS NULL THEN NULL WHEN m.first_on < pe.joined_on THEN 0 "
            f"ELSE {days} END")


def _quarter(ws) -> str:
    return sql.month_index("pe.joined_on", ws.dialect) + " / 3"


BEFORE30 = "CASE WHEN pe.joined_on < :day30 THEN 1 ELSE 0 END"
BEFORE90 = "CASE WHEN pe.joined_on < :day90 THEN 1 ELSE 0 END"


def _cohort_columns(ws) -> dict:
    """For the member rows: `cohort` packs the joining quarter and the two flags into one
    integer (quarter · 4 + before30 · 2 + before90), NULL outside the cohort; `days` as in
    the cohort's own rows, NULL outside it. Two columns cost less to fetch than five."""
    return {"cohort": f"CASE WHEN {COHORT} THEN ({_quarter(ws)}) * 4 + 2 * ({BEFORE30}) "
                      f"+ {BEFORE90} END",
            "days": f"CASE WHEN {COHORT} THEN {_days_to_first(ws)} END"}


def _from_member_rows(ws) -> Columns:
    kept = member_rows(ws).where([code is not None for code in member_rows(ws)["cohort"]])
    codes = [sql.as_int(code) for code in kept["cohort"]]
    return Columns({"rkey": kept["rkey"], "quarter": [code >> 2 for code in codes],
                    "days": kept["days"], "before30": [code >> 1 & 1 for code in codes],
                    "before90": [code & 1 for code in codes],
                    **{word: kept[word] for word in mask_words(ws.layout)
                       if word.startswith("mm")}})


def _fetch_cohort(ws) -> Columns:
    columns = {
        "rkey": "pe.rkey", "quarter": _quarter(ws), "days": _days_to_first(ws),
        "before30": BEFORE30, "before90": BEFORE90,
        **{word: f"m.{word}" for word in mask_words(ws.layout) if word.startswith("mm")},
    }
    return Columns(_select(ws, columns, "rx_people pe LEFT JOIN rx_members m "
                                        f"ON m.account_id = pe.account_id WHERE {COHORT}",
                           **_cohort_binds(ws)))


# --- arithmetic as SQL did it ---------------------------------------------------------------

def median(values: list) -> tuple[float | None, int]:
    """AVG of the one or two middle values in ascending order (ROW_NUMBER and COUNT OVER)."""
    n = len(values)
    if not n:
        return None, 0
    ordered = sorted(values)
    low, high = ordered[(n + 1) // 2 - 1], ordered[(n + 2) // 2 - 1]
    return (low + high) / 2 if n % 2 == 0 else low / 1, n  # AVG's result is a float


def gini_sums(values: list) -> tuple[int, int, int]:
    """Σ(i·x_i) over the values ascending (i from 1), n and Σx."""
    ordered = sorted(values)
    return sum(map(mul, range(1, len(ordered) + 1), ordered)), len(ordered), sum(ordered)


GINI = ("2.0 * CAST(:{s} AS NUMERIC) / (CAST(:{n} AS BIGINT) * NULLIF(CAST(:{x} AS NUMERIC), 0))"
        " - (CAST(:{n} AS BIGINT) + 1.0) / CAST(:{n} AS BIGINT)")


def gini(ws, *series: list) -> list[tuple[float | None, int]]:
    """G = 2·Σ(i·x_i)/(n·Σx) − (n+1)/n for each series (ascending, zeros included), the
    sums from Python, the division by the engine, in the types the window query had.
    None where nobody or nothing is behind it (n or Σx is 0), as there."""
    sums = [gini_sums(values) for values in series]
    binds, expressions = {}, []
    for j, (weighted, n, total) in enumerate(sums):
        if n and total:
            names = {"s": f"gini_s{j}", "n": f"gini_n{j}", "x": f"gini_x{j}"}
            binds |= {names["s"]: weighted, names["n"]: n, names["x"]: total}
            expressions.append(GINI.format(**names))
    found = iter(ws.run("SELECT " + ", ".join(expressions), **binds).one() if expressions else ())
    return [(sql.as_float(next(found)) if n and total else None, n) for _, n, total in sums]


def ratio(given: int, received: int) -> float:
    """min ÷ max of the two, as CAST(min AS DOUBLE PRECISION) / max."""
    low, high = (given, received) if given < received else (received, given)
    return float(low) / high


def ratio_band(given: int, received: int) -> int:
    low, high = (given, received) if given < received else (received, given)
    if low == 0:
        return 0
    if 4 * low < high:
        return 1
    if 2 * low < high:
        return 2
    return 3 if 4 * low < 3 * high else 4


def partner_band(partners: int) -> int:
    if partners == 1:
        return 0
    if partners == 2:
        return 1
    return 2 if partners <= 5 else 3 if partners <= 10 else 4


def balance_band(balance) -> int:
    """The band of a balance at `to` (a NULL balance falls through to the last, as in SQL)."""
    if balance is None:
        return 5
    if balance < -1500:
        return 0
    if balance < -600:
        return 1
    if balance < 0:
        return 2
    return 3 if balance <= 600 else 4 if balance <= 1500 else 5


def band_totals(bands, keys) -> dict:
    """{band: (rows, sum of their keys)} from each row's band and key."""
    bands = list(bands)
    counts = Counter(bands)
    sums = dict.fromkeys(counts, 0)
    for band, key in zip(bands, keys, strict=True):
        sums[band] += key
    return {band: (n, sums[band]) for band, n in counts.items()}


def bit_totals(masks, keys) -> dict:
    """{bit: (rows with the bit set, sum of their keys)} over masks (None: no bits)."""
    return expand_bits(band_totals(masks, keys))


def expand_bits(by_mask: dict) -> dict:
    """{bit: (rows, keys)} from {mask: (rows, keys)}: each mask's totals go to each of its
    bits (a few hundred distinct masks, not a row each)."""
    out = {}
    for mask, (n, k) in by_mask.items():
        while mask:
            low = mask & -mask
            bit = low.bit_length() - 1
            seen_n, seen_k = out.get(bit, (0, 0))
            out[bit] = (seen_n + n, seen_k + k)
            mask ^= low
    return out


def word_bits(rows: MemberRows, prefix: str, positions: dict, keys=None) -> dict:
    """{name: (rows with the bit, sum of their `keys`)} for each name's (word, bit) in
    `positions`, over the mask words `prefix`0, `prefix`1, …; `keys` defaults to the
    record keys."""
    keys = rows["rkey"] if keys is None else keys
    words = {word: bit_totals(rows[f"{prefix}{word}"], keys)
             for word in {word for word, _ in positions.values()}}
    return {name: words[word].get(bit, (0, 0)) for name, (word, bit) in positions.items()}
