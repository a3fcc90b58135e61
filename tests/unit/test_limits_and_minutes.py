import pytest

from timebank.ledger import CreditLimitExceeded, balance_after, breaks_limits, format_minutes


def test_balance_is_credits_minus_debits_after_the_change():
    assert balance_after(debits_posted=100, credits_posted=40, debits=30, credits=0) == -90


@pytest.mark.parametrize(
    ("balance", "floor", "ceiling", "broken"),
    [(-600, -600, None, False), (-601, -600, None, True), (1200, -600, 1200, False),
     (1201, -600, 1200, True), (0, 0, 0, False)],
)
def test_limits_are_inclusive(balance, floor, ceiling, broken):
    assert breaks_limits(balance, floor, ceiling) is broken


def test_credit_limit_error_explains_itself():
    error = CreditLimitExceeded(account_id=7, balance=-540, change=-120, floor=-600, ceiling=None)
    assert "below its floor of -600 minutes" in str(error)
    assert error.code == "credit_limit_exceeded"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(90, "1 h 30 min"), (60, "1 h"), (45, "45 min"), (0, "0 min"), (-150, "−2 h 30 min")],
)
def test_minutes_read_as_hours_and_minutes(minutes, text):
    assert format_minutes(minutes) == text


def test_signed_format_shows_plus_for_time_given():
    assert format_minutes(30, signed=True) == "+30 min"
