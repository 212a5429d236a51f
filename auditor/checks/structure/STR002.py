from __future__ import annotations

from auditor.checks.base import CheckContext, register
from auditor.findings import Evidence, Severity
from auditor.model import STANDARD_KINDS, TABLE_NAMES_ZH, Report


@register("STR002", "structure.empty_table_statement", "structure")
def empty_table_statement(report: Report, ctx: CheckContext) -> None:
    """An empty table carries its "本表无数据" statement.

    **What it checks**: a standard table with no non-zero figure (typically T7 三公经费,
    T8 政府性基金, T9 国有资本经营) has a note saying why it is empty ("本单位没有…故本表
    无数据").

    **Why it matters**: a blank table without the statement cannot be told apart from a table
    left unfilled by mistake; the publication rules ask for the explanation.

    **Bad example**: T8 printed with headers only and no note under it.

    **Good example**: T8 printed blank, then "（本单位没有政府性基金收入，也没有使用政府性基金
    安排的支出，故本表无数据）".

    **Basis**: 部门决算公开要求：空表应说明原因; DESIGN §3.

    **检查内容**: 标准表中没有任何非零数字的（通常是 T7“三公”经费表、T8 政府性基金表、T9 国有资
    本经营表），表下应有说明空表原因的文字，如“本单位没有……故本表无数据”。

    **为何重要**: 没有说明的空表无法与漏填的表区分开来；部门决算公开要求对空表说明原因。
    """
    for kind in STANDARD_KINDS:
        table = report.table(kind)
        if table is None or not table.is_empty:
            continue
        ctx.comparisons += 1
        if table.no_data_statement:
            continue
        ctx.add(
            Severity.WARNING,
            f"{kind.value}为空表但未说明",
            f"{kind.value}“{TABLE_NAMES_ZH[kind]}”没有数据，但表下未见“本表无数据”等说明。",
            observed="空表，无说明",
            expected="空表附“本表无数据”说明",
            locations=[Evidence(page=table.location.page, line=table.location.line, table=kind.value,
                                quote=table.title, bbox=table.location.bbox)],
        )
