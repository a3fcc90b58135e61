"""Time is whole minutes; people read it as hours and minutes."""


def format_minutes(minutes: int, *, signed: bool = False, hour="h", minute="min",
                   number=str) -> str:
    """"1 h 30 min"; `hour`, `minute` and `number` (how a count is written) come from the
    reader's language."""
    sign = ""
    if minutes < 0:
        sign = "−"
    elif signed and minutes > 0:
        sign = "+"
    hours, rest = divmod(abs(int(minutes)), 60)
    if hours and rest:
        text = f"{number(hours)} {hour} {rest} {minute}"
    elif hours:
        text = f"{number(hours)} {hour}"
    else:
        text = f"{rest} {minute}"
    return sign + text
