"""CSV files as volunteers and admins really have them: exported by a spreadsheet program (UTF-8 or, from older
ones, Windows-1252; commas, or semicolons as German spreadsheets write them), or pasted by hand."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from app.services.errors import DomainError

HEADER_WORDS = frozenset({"email", "e-mail", "mail", "email address", "e-mail-adresse", "adresse"})


def read_upload(upload, max_bytes: int, field: str) -> str:
    """The text of an uploaded file, refused (as an error on `field`) when larger than `max_bytes`."""
    raw = upload.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise DomainError(_l("The file is too large (at most %(num)d MB).", num=max(1, max_bytes // 2**20)), field)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def rows(text: str) -> Iterator[tuple[int, list[str], str]]:
    """(line number, cells, the line as read) of each line that is not empty and not a header row."""
    for number, raw_line in enumerate(text.splitlines(), start=1):
        # Each line picks its own separator: pasted lists use commas, German spreadsheets semicolons.
        separator = ";" if raw_line.count(";") > raw_line.count(",") else ","
        cells = [cell.strip() for cell in next(csv.reader([raw_line], delimiter=separator), [])]
        if not any(cells) or cells[0].lower() in HEADER_WORDS:
            continue
        yield number, cells, separator.join(cells)
