"""Which text may be kept: the one rule behind the API's text fields and the services'
reasons."""

REASON_MAX_LENGTH = 1000  # a reason for a decision, as the audit log keeps it


def has_control_characters(text: str) -> bool:
    """NUL and other control characters (newlines and tabs allowed), DEL, lone surrogates."""
    return any((ord(ch) < 32 and ch not in "\n\r\t") or ch == "\x7f" or 0xD800 <= ord(ch) <= 0xDFFF
               for ch in text)
