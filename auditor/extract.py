"""Tables of a report as plain data (for `auditor extract` and tests)."""

from __future__ import annotations

from typing import Any

from auditor.model import TABLE_NAMES_ZH, Report


def tables_to_dict(report: Report) -> dict[str, Any]:
    return {
        "department": report.meta.department,
        "year": report.meta.year,
        "source": report.meta.source,
        "tables": [
            {
                "kind": t.kind.value,
                "name": TABLE_NAMES_ZH[t.kind],
                "title": t.title,
                "label": t.label,
                "unit": t.unit,
                "pages": t.pages,
                "columns": [{"key": c.key, "side": c.side, "header": list(c.header)} for c in t.columns],
                "rows": [
                    {
                        "code": r.code,
                        "label": r.label,
                        "level": r.level,
                        "side": r.side,
                        "page": r.location.page,
                        "line": r.location.line,
                        "cells": {
                            k: {"value": str(c.value) if c.value is not None else None, "raw": c.raw}
                            for k, c in r.cells.items()
                        },
                    }
                    for r in t.rows
                ],
                "no_data_statement": t.no_data_statement,
                "warnings": t.warnings,
            }
            for t in report.tables
        ],
    }


CSV_HEADERS = ("表", "表名", "页", "行号", "收/支", "编码", "科目", "列", "金额（万元）", "原文")
SIDE_ZH = {"income": "收入", "expense": "支出"}


def tables_to_csv(report: Report) -> str:
    """One line per cell, for a reviewer: Chinese headers, the column's printed header rather than
    its internal key, 收入/支出 for the side; every text field neutralised against formula
    injection. (The JSON of ``tables_to_dict`` keeps the machine-readable keys.)"""
    import re

    from auditor.findings import column_name
    from auditor.spreadsheet import csv_text

    def column(table: Any, key: str, side: str) -> str:
        name = column_name(table, key, side)
        unnamed = re.fullmatch(r"col(\d+)", name)  # a column without a recognised header
        return f"第{unnamed.group(1)}列" if unnamed else name

    rows = []
    for table in report.tables:
        name = TABLE_NAMES_ZH.get(table.kind, "") if table.kind.value != "OTHER" else (table.title or "其他表")
        kind = table.kind.value if table.kind.value != "OTHER" else "其他"
        for row in table.rows:
            for key, cell in row.cells.items():
                rows.append([kind, name, row.location.page, row.location.line, SIDE_ZH.get(row.side, row.side), row.code,
                             row.label, column(table, key, row.side), str(cell.value) if cell.value is not None else "",
                             cell.raw])
    return csv_text(CSV_HEADERS, rows)
