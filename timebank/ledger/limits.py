"""Credit limits: an account's balance stays within [floor, ceiling] (invariant I4)."""


def balance_after(debits_posted: int, credits_posted: int, debits: int, credits: int) -> int:
    return (credits_posted + credits) - (debits_posted + debits)


def breaks_limits(balance: int, floor: int | None, ceiling: int | None) -> bool:
    if floor is not None and balance < floor:
        return True
    return ceiling is not None and balance > ceiling
