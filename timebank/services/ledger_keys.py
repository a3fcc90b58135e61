"""The application's ledger keyring, read once from its configuration.

`LEDGER_KEY` signs new links of the hash chains; `LEDGER_KEYS_OLD` (comma
separated) only verifies links made before a rotation.
"""

from flask import current_app

from ..ledger import Keyring

_EXTENSION = "timebank_ledger_keyring"


def keyring() -> Keyring:
    config = current_app.config
    source = (config["LEDGER_KEY"], config.get("LEDGER_KEYS_OLD", ""))
    cached = current_app.extensions.get(_EXTENSION)
    if cached is None or cached[0] != source:
        cached = (source, Keyring.from_strings(*source))
        current_app.extensions[_EXTENSION] = cached
    return cached[1]
