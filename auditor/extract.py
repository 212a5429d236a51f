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
