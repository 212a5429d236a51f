"""The audit report as an Excel workbook: findings (with reviewers' marks), check coverage and
the tables recognised. Shared sheet writing is used by the batch summary too."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from auditor.audit import AuditResult
from auditor.checks.base import REGISTRY
from auditor.findings import CATEGORY_ZH
from auditor.render.common import location_lines


def add_sheet(book: Any, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], first: bool = False) -> Any:
    """A sheet with a bold, frozen header row; None becomes an empty cell. Text that a
    spreadsheet would evaluate (``=``, ``+``, ``-``, ``@``...) is neutralised; numbers stay
    numbers."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    from auditor.spreadsheet import safe_row

    def clean(values: Iterable[Any]) -> list[Any]:  # control characters would make openpyxl refuse the file
        return safe_row(ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values)

    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append(clean(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(clean("" if value is None else value for value in row))
    sheet.freeze_panes = "A2"
    return sheet


def _what(code: str) -> str:
    check = REGISTRY.get(code)
    return (check.doc_section("检查内容") or check.summary) if check is not None else ""


def render_xlsx(result: AuditResult) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    findings = []
    for f in result.findings:
        first = next((e for e in f.locations if e.page is not None or e.line is not None), None)
        mark = result.review.get(f.fingerprint) or {}
        findings.append([
            f.code, f.severity.zh, CATEGORY_ZH.get(f.category, f.category), f.title, f.message, f.observed, f.expected,
            (first.page if first.page is not None else first.line) if first else None,
            "\n".join(location_lines(f, 6)), mark.get("status_zh", ""), mark.get("note", ""), f.fingerprint,
        ])
    sheet = add_sheet(book, "问题清单", ["代码", "级别", "类别", "问题", "说明", "实际", "应为", "页/行", "位置与原文",
                                      "复核", "复核备注", "指纹"], findings, first=True)
    for column, width in zip("ABCDEFGHIJKL", (9, 6, 12, 24, 60, 20, 20, 7, 50, 8, 30, 18)):
        sheet.column_dimensions[column].width = width
    add_sheet(book, "检查覆盖", ["代码", "检查内容", "结果", "核对处数", "说明", "标识"],
              ([r.code, _what(r.code), r.outcome.zh, r.comparisons, r.reason, r.name] for r in result.results))
    report = result.report
    add_sheet(book, "表格识别", ["表", "标题", "页", "行数", "单位", "说明"],
              [*([t.kind.value if t.kind.value != "OTHER" else "其他表", t.title, "、".join(map(str, t.pages)), len(t.rows), t.unit, "；".join(t.warnings)]
                 for t in report.tables),
               *([kind, "（未找到）", "", "", "", reason] for kind, reason in report.recognition.missed.items())])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
