"""Fill the Welsh catalogue from other .po files (translations written apart, or corrections a reviewer sends).

    .venv/bin/python scripts/merge_translations.py corrections.po [more.po ...]

Run `make translations` first, so the catalogue holds every message the code and templates use. A message in the
catalogue takes the translation from the last file that has one; messages the catalogue does not hold are listed
and left out (they are not used anywhere). The fuzzy flag is cleared on each message filled.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGUE = Path(__file__).resolve().parent.parent / "registry/translations/cy/LC_MESSAGES/messages.po"


def main(paths: list[str]) -> int:
    with CATALOGUE.open("rb") as file:
        catalogue = read_po(file, locale="cy")
    filled = unused = 0
    for path in paths:
        with open(path, "rb") as file:
            fragment = read_po(file, locale="cy")
        for message in fragment:
            strings = message.string if message.pluralizable else [message.string]
            if not message.id or not any(strings):
                continue
            target = catalogue.get(message.id, context=message.context)
            if target is None:
                unused += 1
                print(f"not used: {message.id!r} ({path})")
                continue
            target.string = message.string
            target.flags.discard("fuzzy")
            filled += 1
    with CATALOGUE.open("wb") as file:
        write_po(file, catalogue, width=0, omit_header=False, sort_output=True, no_location=True)
    print(f"{filled} translations filled, {unused} not used")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
