"""The report as published: its JSON shape, and the same figures as CSV rows.

The shape is kept exactly, and only extended: `filters`, `pool`,
`balance_ratio_bands`, `partners_distribution`, `balance_bands`, a `category` of
null for exchanges without one, and `first_exchange_within_90_share`.

A withheld figure is null and named in `suppressed`: metrics by their name, pool
figures as `pool.<name>`, table cells as `<table>[<key>]` (e.g.
`flows[citizen,professional]`, `monthly[2026-03]`, `categories[null]`) and
retention figures as `retention[<cohort>].<after_nq>`. Only protected reports
withhold anything (protection.py); `protection` describes their method and is
null for exact figures.
"""

from __future__ import annotations

import csv
import io
import itertools

DEFINITIONS_VERSION = "1"

TABLE_FIELDS = {
    "flows": ("hours", "exchanges"),
    "monthly": ("hours", "exchanges", "active_members"),
    "levels": ("hours", "members"),
    "categories": ("hours", "exchanges"),
    "balance_ratio_bands": ("members",),
    "partners_distribution": ("members",),
    "balance_bands": ("members",),
}
KEY_NAMES = {
    "flows": ("provider_group", "receiver_group"),
    "monthly": ("month",),
    "levels": ("level", "group"),
    "categories": ("category",),
    "balance_ratio_bands": ("band",),
    "partners_distribution": ("partners",),
    "balance_bands": ("band",),
}
SHAPE_TABLES = ("flows", "monthly", "levels", "categories")
EXTRA_TABLES = ("balance_ratio_bands", "partners_distribution", "balance_bands")
WHOLE_NUMBERS = {"partners_median", "first_exchange_median_days"}


def rounded(name: str, value):
    if value is None or isinstance(value, int) and not isinstance(value, bool):
        return value
    if name.endswith("hours"):
        return round(value, 2)
    if name in WHOLE_NUMBERS:
        return int(value) if float(value).is_integer() else round(value, 1)
    return round(value, 3)


def cell_name(table: str, key) -> str:
    return f"{table}[{','.join('null' if part is None else str(part) for part in key)}]"


def build(figures, suppression, *, bank: str, scope, generated_at, filters: dict,
          protection: dict | None = None, ledger_sequence: int | None = None) -> dict:
    """The JSON report; `generated_at` is a UTC datetime, `ledger_sequence` the sequence of
    the bank's journal the figures are computed at (its last entry then)."""
    suppressed = []
    metrics = {}
    for name, figure in figures.metrics.items():
        hidden = name in suppression.metrics
        metrics[name] = None if hidden else rounded(name, figure.value)
        if hidden:
            suppressed.append(name)
    document = {
        "bank": bank,
        "from": scope.date_from.isoformat(),
        "to": scope.date_to.isoformat(),
        "definitions_version": DEFINITIONS_VERSION,
        "suppression_threshold": suppression.k,
        "generated_at": generated_at.replace(microsecond=0, tzinfo=None).isoformat() + "Z",
        "suppressed": suppressed,
        "metrics": metrics,
    }
    tables = {}
    for name, table in figures.tables.items():
        if name not in TABLE_FIELDS:
            continue
        rows = []
        for cell in table.cells:
            hidden = suppression.hidden(name, cell.key)
            row = dict(zip(KEY_NAMES[name], cell.key, strict=True))
            for field in TABLE_FIELDS[name]:
                row[field] = None if hidden else rounded(field, cell.values[field])
            rows.append(row)
            if hidden:
                suppressed.append(cell_name(name, cell.key))
        tables[name] = rows
    for name in SHAPE_TABLES:
        document[name] = tables.get(name, [])
    retention = []
    for row in figures.retention:
        item = {"cohort": row.cohort}
        for field, figure in row.after.items():
            hidden = (row.cohort, field) in suppression.retention
            item[field] = None if hidden or figure is None else rounded(field, figure.value)
            if hidden:
                suppressed.append(f"retention[{row.cohort}].{field}")
        retention.append(item)
    document["retention"] = retention
    document["filters"] = filters
    pool = {}
    for name, figure in figures.pool.items():
        hidden = name in suppression.pool
        pool[name] = None if hidden else rounded(name, figure.value)
        if hidden:
            suppressed.append(f"pool.{name}")
    document["pool"] = pool
    for name in EXTRA_TABLES:
        document[name] = tables.get(name, [])
    document["protection"] = protection
    document["ledger_sequence"] = ledger_sequence
    return document


# --- CSV: one row per figure --------------------------------------------------------------

CSV_HEADER = ("section", "dimension", "field", "value", "suppressed")


def csv_rows(document: dict):
    """The JSON report flattened: one row per metric and per table cell's figure."""
    hidden = set(document["suppressed"])
    for field in ("bank", "from", "to", "definitions_version", "suppression_threshold",
                  "generated_at"):
        yield ("report", "", field, document[field], "")
    if document.get("ledger_sequence") is not None:
        yield ("report", "", "ledger_sequence", document["ledger_sequence"], "")
    protection = document.get("protection")
    yield ("report", "", "protection", protection["method"] if protection else "exact", "")
    for field, value in document["filters"].items():
        yield ("filter", "", field, "" if value is None else value, "")
    for field, value in document["metrics"].items():
        yield ("metrics", "", field, _value(value), _flag(field in hidden))
    for field, value in document["pool"].items():
        yield ("pool", "", field, _value(value), _flag(f"pool.{field}" in hidden))
    for table in (*SHAPE_TABLES, *EXTRA_TABLES):
        keys = KEY_NAMES[table]
        for row in document[table]:
            key = tuple(row[k] for k in keys)
            dimension = ";".join(f"{k}={'' if v is None else v}"
                                 for k, v in zip(keys, key, strict=True))
            is_hidden = cell_name(table, key) in hidden
            for field in TABLE_FIELDS[table]:
                yield (table, dimension, field, _value(row[field]), _flag(is_hidden))
    for row in document["retention"]:
        for field in ("after_1q", "after_2q", "after_4q"):
            name = f"retention[{row['cohort']}].{field}"
            yield ("retention", f"cohort={row['cohort']}", field, _value(row[field]),
                   _flag(name in hidden))


def _value(value):
    return "" if value is None else value


def _flag(hidden: bool) -> str:
    return "true" if hidden else "false"


def csv_lines(rows, header=CSV_HEADER):
    """Encode rows as CSV text, one line at a time (for streaming)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in itertools.chain([header] if header else [], rows):
        writer.writerow([_safe(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _safe(value):
    """Spreadsheets run cells that start with = + - @ as formulas; quote text that does."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") \
            and not _number(value):
        return "'" + value
    return value


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
