"""The rules a typed value must meet, one definition for the API and the pages.

The API's marshmallow schemas (`schemas`) and the pages' WTForms forms
(`web.forms`) both read these limits and checks, so a title, a number of
minutes or an e-mail address is held to the same rule wherever it comes in.
"""

import datetime as dt
import re

from .plain_text import REASON_MAX_LENGTH, has_control_characters

__all__ = ["REASON_MAX_LENGTH", "has_control_characters"]

MAX_ID = 2**31 - 1

NAME_MAX = 120            # a person's, a bank's or an activity's name
TITLE_MAX = 120           # an offer's or request's title
CATEGORY_MAX = 80
SKILLS_MAX = 2000
DESCRIPTION_MAX = 2000    # what an exchange, a gift or a grant was for
LISTING_TEXT_MAX = 4000   # the longer description of an offer or request
QUERY_MAX = 100           # words to search for
EMAIL_MAX = 254
PASSWORD_MAX = 256

EXCHANGE_MINUTES = (1, 100_000)        # one exchange, gift, grant or group credit
FLOOR_MINUTES = (-1_000_000, 0)        # a member's lowest allowed balance
CEILING_MINUTES = (0, 1_000_000)       # a member's highest allowed balance
BANK_FLOOR_MINUTES = (-100_000, 0)
BANK_CEILING_MINUTES = (0, 100_000)
BANK_DAYS = {"confirmation_days": (1, 365), "listing_days": (1, 3650),
             "dormant_days": (1, 3650), "suppression_threshold": (5, 1000),
             "retention_days": (0, 36_500)}

_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def within(value: int, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= value <= bounds[1]


def email_shaped(text: str) -> bool:
    """Something@somewhere.tld, no spaces: the shape checked before anything is sent."""
    return len(text) <= EMAIL_MAX and bool(_EMAIL_SHAPE.match(text))


def not_in_future(day: dt.date, today: dt.date) -> bool:
    return day <= today


GROUP_CREDIT_MEMBERS_MAX = 500   # members credited by one group credit
