"""Cells the project writes to spreadsheets (XLSX and CSV), made safe to open.

Report text is untrusted: a department name, a row label or a reviewer's note that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be taken as a formula by Excel or
LibreOffice (CSV injection, see the OWASP guidance). Such text is prefixed with a single quote,
which spreadsheets show as text. Numbers written as numbers stay numbers; a text that is only a
plain number ("-3.00", "12%") is not a formula and is left as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?")


def safe_cell(value: Any) -> Any:
    """``value`` with a leading quote when it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def csv_text(headers: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    """A CSV document (header first), every text field neutralised; None becomes empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(safe_row(headers))
    for row in rows:
        writer.writerow(safe_row("" if v is None else v for v in row))
    return buffer.getvalue()
