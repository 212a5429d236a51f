from __future__ import annotations

import re

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.findings import Evidence, Severity
from auditor.model import STANDARD_KINDS, TABLE_NAMES_ZH, Report

_CELL_WARNING = re.compile(r"“(.*)”行“(.*)”列的内容“(.*)”不是数字")


@register("STR006", "structure.unreadable_cells", "structure")
def unreadable_cells(report: Report, ctx: CheckContext) -> None:
    """Amount cells hold numbers, and every column's meaning is recognised.

    **What it checks**: in the nine tables, every cell of an amount column is a number, a
    blank or a dash; every column with figures has a header the reader recognises. What
    could not be read is listed so that no figure is silently dropped from the checks.

    **Why it matters**: a cell with text ("见说明", "1,2O4.00" with a letter O) is not a figure;
    the sums that use it cannot be verified, and readers cannot trust it.

    **Bad example**: T3 基本支出 column holds "二百万".

    **Good example**: every amount cell reads like 2,940.05, 0.00, - or blank.

    **Basis**: DESIGN §5 (what could not be read is said, not skipped).

    **检查内容**: 九张表中金额列的每个单元格都应为数字、空白或“-”，有数字的每一列都应有能识别含
    义的表头。无法读取的内容逐项列出，以免有数字被悄悄排除在核对之外。

    **为何重要**: 含有文字或错字的单元格（如“见说明”，或把数字 0 误打成字母 O）不是数字，用到它
    的合计无法核验，读者也无法信任。
    """
    tables = [t for t in report.tables if t.kind in STANDARD_KINDS]
    if not tables:
        raise NotApplicable("未识别到标准表")
    for table in tables:
        ctx.comparisons += 1
        for warning in table.warnings:
            if "重复" in warning or "单位" in warning and "未找到" in warning or "同一种表" in warning:
                severity = Severity.INFO
            else:
                severity = Severity.WARNING
            match = _CELL_WARNING.match(warning)
            ctx.add(
                severity,
                "表格内容无法读取" if match else "表格结构提示",
                f"{table.kind.value}{TABLE_NAMES_ZH[table.kind]}：{warning}。",
                observed=match.group(3) if match else "",
                expected="数字、空白或“-”" if match else "",
                locations=[Evidence(page=table.location.page, line=table.location.line, table=table.kind.value,
                                    row=match.group(1) if match else None, column=match.group(2) if match else None,
                                    quote=match.group(3) if match else table.title, bbox=table.location.bbox)],
                category="extraction",
            )
