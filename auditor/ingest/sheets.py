"""Read the tables of a report published as spreadsheets (XLSX with openpyxl; XLS and ODS
with python-calamine): each sheet is one page; its title, 单位 and 部门 rows become text
lines, the grid below them a raw table, the notes under it text lines again.

Locations: ``page`` is the sheet's number (1-based, in workbook order), ``line`` the row
number as the spreadsheet shows it. A formula's cached value is read, never the formula.
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from auditor.ingest.document import Block, Document, RawCell, RawTable, TextLine
from auditor.ingest.errors import InputError
from auditor.model import Location

MAX_ROWS = 5000  # per sheet: the nine tables have at most a few hundred rows
MAX_COLS = 100
MAX_SHEETS = 60

_CONTEXT_RE = re.compile(r"单位[:：]|部门[:：]|编制单位|公开\s*0?\d+\s*表|^附件|^表\s*\d")
_NOTE_RE = re.compile(r"^(注|说明|备注)[:：\d（(]?")
_DECIMALS_RE = re.compile(r"0\.(0+)")


def read_spreadsheet(path: Path) -> Document:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    suffix = path.suffix.lower()
    try:
        grids = _xlsx_grids(path) if suffix in {".xlsx", ".xlsm"} else _calamine_grids(path)
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - the readers raise many kinds for bad files
        raise InputError(f"电子表格无法读取（文件可能已损坏或不是 Excel 文件）：{type(exc).__name__}", kind="corrupt") from exc
    blocks: list[Block] = []
    for number, (_, grid) in enumerate(grids, start=1):
        blocks.extend(sheet_blocks(grid, number))
    if not any(isinstance(b, RawTable) for b in blocks):
        raise InputError("电子表格中没有可识别的表格（没有含数字的表格区域）", kind="not_report")
    return Document(blocks=blocks, source=str(path), source_kind=suffix.lstrip("."), page_count=len(grids),
                    sha256=digest)


def sheet_names(path: Path) -> list[str]:
    """The sheet names in page order (for locations shown to the user)."""
    try:
        grids = _xlsx_grids(path) if path.suffix.lower() in {".xlsx", ".xlsm"} else _calamine_grids(path)
    except Exception:  # noqa: BLE001
        return []
    return [name for name, _ in grids]


def _xlsx_grids(path: Path) -> list[tuple[str, list[list[str]]]]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, data_only=True, read_only=False)
    try:
        sheets = workbook.worksheets[:MAX_SHEETS]
        result = []
        for sheet in sheets:
            if sheet.max_row > MAX_ROWS or sheet.max_column > MAX_COLS:
                raise InputError(f"工作表“{sheet.title}”有 {sheet.max_row} 行 {sheet.max_column} 列，超过上限"
                                 f"（{MAX_ROWS} 行、{MAX_COLS} 列）", kind="too_large")
            grid = [[_cell_text(cell.value, cell.number_format) for cell in row] for row in sheet.iter_rows()]
            result.append((sheet.title, grid))
        return result
    finally:
        workbook.close()


def _calamine_grids(path: Path) -> list[tuple[str, list[list[str]]]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    result = []
    for name in workbook.sheet_names[:MAX_SHEETS]:
        sheet = workbook.get_sheet_by_name(name)
        rows = sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
        if len(rows) > MAX_ROWS or any(len(r) > MAX_COLS for r in rows):
            raise InputError(f"工作表“{name}”超过上限（{MAX_ROWS} 行、{MAX_COLS} 列）", kind="too_large")
        result.append((name, [[_cell_text(v, None) for v in row] for row in rows]))
    return result


def _cell_text(value: Any, number_format: str | None) -> str:
    """A cell as printed: numbers with the decimals their format shows (two when the format
    does not say and the value has cents), text as is."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        decimals = None
        if number_format:
            match = _DECIMALS_RE.search(number_format)
            decimals = len(match.group(1)) if match else (0 if "0" in number_format and number_format != "General" else None)
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        if decimals is None:
            decimals = 0 if number == number.to_integral_value() else 2
        if "%" in (number_format or ""):
            return f"{(number * 100):.{decimals}f}%"
        return f"{number:.{decimals}f}"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).strip()


def sheet_blocks(grid: list[list[str]], page: int) -> list[Block]:
    """Text lines above the grid (title, 部门 / 单位 lines), the grid, the notes below it.

    The grid starts at the first row with two or more filled cells that is not a 部门 / 单位 /
    label line; it ends before the trailing rows that hold a single note."""
    rows = [(index + 1, [t.strip() for t in row]) for index, row in enumerate(grid)]
    rows = [(n, row) for n, row in rows if any(row)]
    if not rows:
        return []
    width = max(max((i + 1 for i, t in enumerate(row) if t), default=0) for _, row in rows)
    start = 0
    while start < len(rows) and _is_context_row(rows[start][1]):
        start += 1
    end = len(rows)
    while end > start and _is_note_row(rows[end - 1][1]):
        end -= 1
    blocks: list[Block] = [_text_line(n, row, page) for n, row in rows[:start]]
    grid_rows = rows[start:end]
    if grid_rows:
        raw = [[RawCell(text=t, location=Location(page=page, line=n)) for t in (row + [""] * width)[:width]]
               for n, row in grid_rows]
        blocks.append(RawTable(rows=raw, location=Location(page=page, line=grid_rows[0][0])))
    blocks.extend(_text_line(n, row, page) for n, row in rows[end:])
    return blocks


def _filled(row: list[str]) -> list[str]:
    return [t for t in row if t]


def _is_context_row(row: list[str]) -> bool:
    filled = _filled(row)
    if len(filled) <= 1:
        return True
    return all(_CONTEXT_RE.search(t) or not any(ch.isdigit() for ch in t) and len(filled) <= 2 and
               len(t) > 12 for t in filled) or any(_CONTEXT_RE.search(t) for t in filled) and len(filled) <= 3


def _is_note_row(row: list[str]) -> bool:
    filled = _filled(row)
    return len(filled) == 1 and (bool(_NOTE_RE.match(filled[0])) or len(filled[0]) > 30)


def _text_line(number: int, row: list[str], page: int) -> TextLine:
    return TextLine(text="  ".join(_filled(row)), location=Location(page=page, line=number))
