"""File names for downloads that say which bank and which period they hold, so that a folder of
them sorts and reads by itself: "riverside-reciprocity-2026-01-to-2026-06.csv"."""

import datetime as dt


def period(first: dt.date | None, last: dt.date | None) -> str:
    """The days [first, last], both included: as months when they are whole months
    ("2026-01-to-2026-06"), else as days ("2026-01-15-to-2026-03-12"); an open end is
    left out ("to-2026-06-30", "from-2026-01-01")."""
    if first is not None and last is not None and first.day == 1 \
            and (last + dt.timedelta(days=1)).day == 1:
        return f"{first:%Y-%m}-to-{last:%Y-%m}"
    if first is not None and last is not None:
        return f"{first.isoformat()}-to-{last.isoformat()}"
    if first is not None:
        return f"from-{first.isoformat()}"
    if last is not None:
        return f"to-{last.isoformat()}"
    return "all"


def report_file(bank_slug: str, kind: str, date_from: str | dt.date, date_to: str | dt.date,
                extension: str) -> str:
    """A report's file for [date_from, date_to), the end excluded as in reports."""
    start, end = (dt.date.fromisoformat(day) if isinstance(day, str) else day
                  for day in (date_from, date_to))
    return f"{bank_slug}-{kind}-{period(start, end - dt.timedelta(days=1))}.{extension}"


def statement_file(bank_slug: str, member_id: int, first: dt.date | None,
                   last: dt.date | None) -> str:
    """A member's statement for the days [first, last], both included as on the page."""
    return f"{bank_slug}-statement-{member_id}-{period(first, last)}.csv"
