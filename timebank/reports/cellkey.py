"""Perturbation tables for the cell key method, in the standard CSV form `pcv,ckey,pvalue`.

This is the form ONS's cell-key-perturbation package and Cantabular read: for a
cell whose true count is `pcv` and whose cell key is `ckey`, publish
`pcv + pvalue`. A cell's key is the sum of its contributors' record keys modulo
the table's size (RECORD_KEY_RANGE keys, 0 to 255). Counts above the table's
largest pcv use that pcv's rows.

The default table is made for the bank's threshold k when it is needed:

- 0 stays 0 (nobody is behind it);
- a count from 1 to k − 1 is published as 0 or as k, k with probability
  count / k, so that its expected value is the truth and no count from 1 to
  k − 1 is ever published;
- k is published as k (nothing at or above k may be pushed below it);
- k + 1 moves by −1, 0, +1 or +2, and every larger count by −2 to +2: always
  zero-mean, at most ±2.

A bank may load its own table (`flask bank perturbation`); `parse` checks it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache

from ..models.record_keys import RECORD_KEY_RANGE

MAX_COUNT_NOISE = 2
HEADER = ("pcv", "ckey", "pvalue")
MAX_ROWS = 200_000
MAX_PVALUE = 1000
# How many of the 256 cell keys give each noise, for counts of k + 2 and more, and k + 1.
SPREAD = {-2: 40, -1: 48, 0: 80, 1: 48, 2: 40}
JUST_ABOVE = {-1: 96, 0: 96, 1: 32, 2: 32}


class TableError(ValueError):
    """A perturbation table that can't be used; the message says where and why."""


@dataclass(frozen=True)
class PerturbationTable:
    pvalues: dict  # (pcv, ckey) -> pvalue
    max_pcv: int
    size: int = RECORD_KEY_RANGE

    def perturb(self, count: int, key_sum: int) -> int:
        """The published count for a true `count` whose contributors' keys sum to `key_sum`."""
        if count <= 0:
            return 0
        pcv = min(count, self.max_pcv)
        return max(0, count + self.pvalues[(pcv, key_sum % self.size)])

    def rows(self):
        for (pcv, ckey), pvalue in sorted(self.pvalues.items()):
            yield pcv, ckey, pvalue


def _spread(counts: dict) -> list[int]:
    """The pvalues of the 256 cell keys, each noise on as many keys as `counts` says, the
    keys interleaved so that neighbouring keys get different noise."""
    order = sorted(counts, key=lambda d: (abs(d), d))
    pool = []
    for noise in order:
        pool += [noise] * counts[noise]
    step = 101  # coprime with 256: walks every key once
    values = [0] * RECORD_KEY_RANGE
    for i, noise in enumerate(pool):
        values[(i * step) % RECORD_KEY_RANGE] = noise
    return values


@lru_cache(maxsize=16)
def default_table(k: int) -> PerturbationTable:
    pvalues = {}
    for pcv in range(0, k + 3):
        if pcv == 0 or pcv == k:
            column = [0] * RECORD_KEY_RANGE
        elif pcv < k:
            up = round(RECORD_KEY_RANGE * pcv / k)
            column = _spread({k - pcv: up, -pcv: RECORD_KEY_RANGE - up})
        elif pcv == k + 1:
            column = _spread(JUST_ABOVE)
        else:
            column = _spread(SPREAD)
        for ckey, pvalue in enumerate(column):
            pvalues[(pcv, ckey)] = pvalue
    return PerturbationTable(pvalues, max_pcv=k + 2)


def to_csv(table: PerturbationTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(table.rows())
    return out.getvalue()


def parse(text: str, k: int) -> PerturbationTable:
    """A bank's own table, checked: the header `pcv,ckey,pvalue`; whole numbers; every pcv
    from 0 to the largest with every cell key 0–255 exactly once; 0 stays 0; no published
    count below zero or from 1 to k − 1, for the largest pcv's rows at any count above it
    too; |pvalue| at most 1000. Zero-mean is not required."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip().lower() for h in header) != HEADER:
        raise TableError("The first line must be the header pcv,ckey,pvalue.")
    pvalues = {}
    for line, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        if line > MAX_ROWS:
            raise TableError(f"A table may have at most {MAX_ROWS} rows.")
        if len(row) != 3:
            raise TableError(f"Line {line}: expected 3 values (pcv, ckey, pvalue).")
        try:
            pcv, ckey, pvalue = (int(value.strip()) for value in row)
        except ValueError:
            raise TableError(f"Line {line}: pcv, ckey and pvalue must be whole numbers.") from None
        if pcv < 0:
            raise TableError(f"Line {line}: pcv must be 0 or more.")
        if not 0 <= ckey < RECORD_KEY_RANGE:
            raise TableError(f"Line {line}: ckey must be from 0 to {RECORD_KEY_RANGE - 1}.")
        if abs(pvalue) > MAX_PVALUE:
            raise TableError(f"Line {line}: pvalue must be between -{MAX_PVALUE} and {MAX_PVALUE}.")
        if (pcv, ckey) in pvalues:
            raise TableError(f"Line {line}: pcv {pcv} and ckey {ckey} appear twice.")
        pvalues[(pcv, ckey)] = pvalue
    if not pvalues:
        raise TableError("The table has no rows.")
    max_pcv = max(pcv for pcv, _ in pvalues)
    if max_pcv < k:
        raise TableError(f"The table must cover every count up to at least {k} (the threshold).")
    for pcv in range(max_pcv + 1):
        missing = [c for c in range(RECORD_KEY_RANGE) if (pcv, c) not in pvalues]
        if missing:
            raise TableError(f"pcv {pcv} has no row for ckey {missing[0]}: each pcv needs all "
                             f"{RECORD_KEY_RANGE} cell keys.")
        for ckey in range(RECORD_KEY_RANGE):
            published = pcv + pvalues[(pcv, ckey)]
            if pcv == 0 and published != 0:
                raise TableError(f"pcv 0, ckey {ckey}: a count of 0 must stay 0.")
            if published < 0:
                raise TableError(f"pcv {pcv}, ckey {ckey}: the published count would be below 0.")
            if 0 < published < k:
                raise TableError(f"pcv {pcv}, ckey {ckey}: the published count {published} is "
                                 f"from 1 to {k - 1} (below the threshold).")
    return PerturbationTable(pvalues, max_pcv=max_pcv)


def for_bank(stored: str | None, k: int) -> PerturbationTable:
    """The bank's own table if it has one that still suits its threshold, else the default."""
    if stored:
        try:
            return parse(stored, k)
        except TableError:
            pass  # the threshold was raised since the table was loaded
    return default_table(k)
