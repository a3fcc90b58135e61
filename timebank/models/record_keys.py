"""Record keys for the cell key method (reports/cellkey.py).

Every member and every transfer gets a random key in [0, RECORD_KEY_RANGE) when it
is written. Keys are never shown: a report cell's key is the sum of its
contributors' keys modulo the perturbation table's size, so the same people
or exchanges always give the same cell key, and so the same noise.
"""

import secrets

RECORD_KEY_RANGE = 256


def new_record_key() -> int:
    return secrets.randbelow(RECORD_KEY_RANGE)
