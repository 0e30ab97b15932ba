"""CSV downloads that spreadsheet programs open safely: semicolons and a BOM (German Excel reads umlauts and
columns right), and no cell that a spreadsheet would run as a formula (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_download(rows: Iterable[Iterable], filename: str) -> Response:
    """A CSV attachment; every text cell passes through `csv_safe`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # what spreadsheet programs in German locales expect
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    body = "\ufeff" + out.getvalue()  # UTF-8 with BOM, so umlauts survive opening the file in a spreadsheet
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
