"""What a report covers: one bank, a half-open date range, and the filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

MIN_THRESHOLD = 5


@dataclass(frozen=True)
class Scope:
    """Plain values only: the service resolves names to ids before a report is run.

    `date_to` is exclusive: a report from 2026-01-01 to 2027-01-01 is the year 2026.
    """

    bank_id: int
    pool_id: int
    date_from: dt.date
    date_to: dt.date
    threshold: int = 10
    dormant_days: int = 90
    provider_group: str | None = None
    receiver_group: str | None = None
    category_id: int | None = None
    activity_id: int | None = None
    level: str | None = None

    def __post_init__(self):
        if self.date_from >= self.date_to:
            raise ValueError("date_from must be before date_to")
        # The bank's setting can't go below 5, and neither can a report.
        object.__setattr__(self, "threshold", max(MIN_THRESHOLD, int(self.threshold)))

    @property
    def k(self) -> int:
        return self.threshold

    @property
    def to_at(self) -> dt.datetime:
        """The first moment after the range: statuses are read as they were just before it."""
        return dt.datetime.combine(self.date_to, dt.time.min)

    @property
    def dormant_from(self) -> dt.date:
        """Members whose last exchange is before this day are dormant."""
        return self.date_to - dt.timedelta(days=self.dormant_days)

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days

    def previous(self) -> Scope:
        """The period of the same length just before this one, with the same filters.

        Whole months are compared with as many whole months (April–June with
        January–March); other ranges with the same number of days.
        """
        if self.date_from.day == 1 and self.date_to.day == 1:
            months = ((self.date_to.year - self.date_from.year) * 12
                      + self.date_to.month - self.date_from.month)
            index = self.date_from.year * 12 + self.date_from.month - 1 - months
            start = dt.date(index // 12, index % 12 + 1, 1)
        else:
            start = self.date_from - (self.date_to - self.date_from)
        return replace(self, date_from=start, date_to=self.date_from)

    @property
    def filters(self) -> dict:
        return {
            "provider_group": self.provider_group,
            "receiver_group": self.receiver_group,
            "category_id": self.category_id,
            "activity_id": self.activity_id,
            "level": self.level,
        }

    def binds(self) -> dict:
        """Bind parameters shared by every report query."""
        return {
            "bank_id": self.bank_id,
            "pool_id": self.pool_id,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "to_at": self.to_at,
            "dormant_from": self.dormant_from,
            **{k: v for k, v in self.filters.items() if v is not None},
        }
