"""Fill the English catalogue from the (English) source strings, so it is complete by construction.

Usage: python scripts/fill_english.py app/translations/en/LC_MESSAGES/messages.po
"""

import sys

from babel.messages.pofile import read_po, write_po


def main(path: str) -> None:
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with open(path, "wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, no_location=True)


if __name__ == "__main__":
    main(sys.argv[1])
