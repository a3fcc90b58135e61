"""Translation catalogues: the .po files in translations/ are the source of truth.

Compiled .mo files are build products, so they are not kept in the repository:
at start-up each catalogue is compiled into the instance folder when it is
missing or older than its .po file.
"""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE = Path(__file__).resolve().parent.parent / "translations"


def compile_catalogs(target: Path) -> Path:
    for po_path in SOURCE.glob("*/LC_MESSAGES/messages.po"):
        language = po_path.parent.parent.name
        mo_path = target / language / "LC_MESSAGES" / "messages.mo"
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as source:
            catalog = read_po(source, locale=language)
        temporary = mo_path.with_suffix(f".{os.getpid()}.tmp")  # workers may start together
        with temporary.open("wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        temporary.replace(mo_path)
    return target
