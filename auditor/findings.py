"""Findings: what a check reports, with the evidence a reviewer needs to see it on the page."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from auditor.model import BBox, Location, Row, Table

CATEGORY_ZH = {
    "structure": "结构",
    "arithmetic": "表内算术",
    "cross_table": "表间核对",
    "narrative": "文字与表格",
    "units": "单位",
    "years": "年度",
    "template": "模板残留",
    "performance": "绩效自评",
    "rounding": "尾差",
    "extraction": "读取",
    "input": "文件",
    "cross_year": "跨年度",
    "budget": "预算",
    "cross_document": "决算与预算",
}


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def zh(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Evidence:
    """One place a finding points at: a table cell, a row, a sentence or a heading."""

    page: int | None = None
    line: int | None = None
    table: str | None = None  # "T3" ...
    row: str | None = None  # "208 社会保障和就业支出"
    column: str | None = None  # "基本支出"
    quote: str | None = None  # the printed text: a cell's raw value or a sentence
    bbox: BBox | None = None
    file: str | None = None  # a report read from several files: the file's name ...
    file_page: int | None = None  # ... and the page within that file (a sheet for spreadsheets)

    def to_dict(self) -> dict[str, Any]:
        return {
            "page": self.page,
            "line": self.line,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "quote": self.quote,
            "bbox": list(self.bbox) if self.bbox else None,
            "file": self.file,
            "file_page": self.file_page,
        }


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    category: str
    title: str  # short, Chinese
    message: str  # full, Chinese
    observed: str = ""
    expected: str = ""
    locations: tuple[Evidence, ...] = field(default_factory=tuple)

    @property
    def fingerprint(self) -> str:
        """Stable across runs: the code and where it points (not the wording)."""
        parts = [self.code] + [
            f"{e.table}|{e.row}|{e.column}|{e.page}|{e.line}|{(e.quote or '')[:40]}" for e in self.locations
        ]
        return hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "category": self.category,
            "title": self.title,
            "message": self.message,
            "observed": self.observed,
            "expected": self.expected,
            "locations": [e.to_dict() for e in self.locations],
            "fingerprint": self.fingerprint,
        }


MAX_LISTED = 6  # distinct wordings quoted in a grouped finding's message


def _scope(finding: Finding) -> tuple[str | None, int | None] | None:
    """Where a finding sits for grouping: its table, else its page (None for a text report's
    lines); None when it points nowhere (never grouped)."""
    if not finding.locations:
        return None
    first = finding.locations[0]
    return (first.table, None) if first.table else (None, first.page)


def group_repeats(findings: list[Finding]) -> list[Finding]:
    """Repeated findings of one kind in one place become one finding with all locations.

    "One kind" is the same code, severity, category, title, expected value and message apart
    from the observed value (TPL001's "XX" and "XXX"); "one place" is the table of the first
    location, else its page (a text report, without pages, is one place). The merged finding
    says how many there are and lists the distinct observed values; its locations keep the
    report's order, so its fingerprint is stable from run to run. Findings about different
    items (different rows, subjects, figures) differ in their messages and stay apart."""
    groups: dict[tuple[object, ...], list[Finding]] = {}
    order: list[tuple[object, ...]] = []
    for index, finding in enumerate(findings):
        scope = _scope(finding)
        key: tuple[object, ...] = (
            (finding.code, finding.severity, finding.category, finding.title, finding.expected, scope,
             _template(finding))
            if scope is not None else ("single", index)
        )
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(finding)
    return [_merge(groups[key]) if len(groups[key]) > 1 else groups[key][0] for key in order]


def _template(finding: Finding) -> str:
    """The message with the observed value taken out: what repeated findings have in common."""
    return finding.message.replace(finding.observed, "\0") if finding.observed else finding.message


def _unique(values: list[str]) -> list[str]:
    return [v for v in dict.fromkeys(values) if v]


def _merge(group: list[Finding]) -> Finding:
    first = group[0]
    scope = _scope(first)
    assert scope is not None
    table, page = scope
    where = f"{table}中" if table else (f"第{page}页" if page is not None else "全文")
    observed = _unique([f.observed for f in group])
    if observed:  # the messages differ at most in the observed value: list those
        detail = "".join(f"“{o}”" for o in observed[:MAX_LISTED]) + ("等" if len(observed) > MAX_LISTED else "")
    else:
        detail = first.message.rstrip("。")
    locations = tuple(dict.fromkeys(loc for f in group for loc in f.locations))
    return Finding(
        code=first.code,
        severity=first.severity,
        category=first.category,
        title=first.title,
        message=f"{where}共{len(group)}处{first.title}：{detail}。",
        observed="、".join(observed),
        expected=first.expected,
        locations=locations,
    )


def row_name(row: Row) -> str:
    return f"{row.code} {row.label}".strip() if row.code else row.label


def column_name(table: Table, key: str, side: str = "") -> str:
    for column in table.columns:
        if column.key == key and (not side or column.side == side):
            return "/".join(column.header) or key
    return key


def cell_evidence(table: Table, row: Row, key: str) -> Evidence:
    """Evidence for one cell (falls back to the row's location when the cell is blank)."""
    cell = row.cells.get(key)
    location: Location = cell.location if cell is not None and cell.location.bbox else row.location
    if cell is not None and cell.location.line is not None:
        location = cell.location
    return Evidence(
        page=location.page,
        line=location.line,
        table=table.kind.value,
        row=row_name(row),
        column=column_name(table, key, row.side),
        quote=(cell.raw if cell is not None and cell.raw else "（空）"),
        bbox=location.bbox,
    )


def row_evidence(table: Table, row: Row) -> Evidence:
    return Evidence(
        page=row.location.page,
        line=row.location.line,
        table=table.kind.value,
        row=row_name(row),
        quote=row.label,
        bbox=row.location.bbox,
    )


def location_evidence(location: Location, quote: str, table: str | None = None) -> Evidence:
    return Evidence(page=location.page, line=location.line, table=table, quote=quote, bbox=location.bbox)
