"""A form's errors in the shape the page templates show them: {field id: [messages]}.

The templates put a summary at the top linking to each field id, and each message by its
field; the ids are the input names, or the name of a group of inputs (the hours and
minutes of a duration).
"""

from ...services.errors import ValidationFailed


def service_errors(error, default_field, rename=None):
    """A service's refusal as page errors: its field errors, renamed to this page's ids,
    or its message at `default_field`."""
    rename = rename or {}
    if isinstance(error, ValidationFailed) and error.errors:
        found = {}
        for field, messages in error.errors.items():
            found.setdefault(rename.get(field, field), []).extend(messages)
        return found
    return {default_field: [error.message]}


def merged(*error_maps):
    """Several {field: [messages]} maps as one, in order, without repeating a message."""
    found = {}
    for errors in error_maps:
        for field, messages in (errors or {}).items():
            kept = found.setdefault(field, [])
            kept.extend(str(m) for m in messages if str(m) not in kept)
    return found
