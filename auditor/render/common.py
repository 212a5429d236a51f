"""Wording shared by the renderers."""

from __future__ import annotations

from auditor.findings import Evidence, Finding


def where(e: Evidence) -> str:
    """'第12页 T3 “208 社会保障和就业支出” / 基本支出' or '第178行 …' for text input."""
    parts = []
    if e.file:
        parts.append(e.file)
        kind = e.file.rsplit(".", 1)[-1].lower()
        if kind in {"xlsx", "xlsm", "xls", "ods"}:
            parts.append(f"第{e.file_page}个工作表" + (f"第{e.line}行" if e.line is not None else ""))
        elif e.line is not None:
            parts.append(f"第{e.line}行")
        elif e.file_page is not None:
            parts.append(f"第{e.file_page}页")
    elif e.page is not None:
        parts.append(f"第{e.page}页")
    elif e.line is not None:
        parts.append(f"第{e.line}行")
    if e.table:
        parts.append(e.table)
    if e.row:
        parts.append(f"“{e.row}”")
    if e.column:
        parts.append(f"/ {e.column}")
    return " ".join(parts)


def location_lines(finding: Finding, limit: int = 6) -> list[str]:
    lines = []
    for e in finding.locations[:limit]:
        quote = f"：{e.quote}" if e.quote else ""
        lines.append(f"{where(e)}{quote}")
    if len(finding.locations) > limit:
        lines.append(f"……另有 {len(finding.locations) - limit} 处")
    return lines
