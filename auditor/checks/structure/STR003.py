from __future__ import annotations

from auditor.checks.base import CheckContext, register
from auditor.findings import Evidence, Severity
from auditor.model import STANDARD_KINDS, TABLE_NAMES_ZH, Report
from auditor.numbers import fmt


@register("STR003", "structure.no_data_statement_with_data", "structure")
def no_data_statement_with_data(report: Report, ctx: CheckContext) -> None:
    """A table that says "无数据" has no figures.

    **What it checks**: when a table's note says it has no data ("故本表无数据"), every amount
    in the table is blank or zero.

    **Why it matters**: the statement and the figures contradict each other; one of them is
    wrong, and readers will quote either.

    **Bad example**: T7 shows 公务接待费 决算数 1.20 and the note says "本单位没有三公经费支出，
    故本表无数据".

    **Good example**: T7 is blank and carries the note; or T7 has figures and no such note.

    **Basis**: DESIGN §3 (empty tables need the statement; a statement of no spending needs an
    empty table).

    **检查内容**: 表下注明无数据（如“故本表无数据”）的，表中所有金额都应为空白或零。

    **为何重要**: 说明文字与表中数字相互矛盾，必有一处错误，而读者可能引用其中任何一处。
    """
    for kind in STANDARD_KINDS:
        table = report.table(kind)
        if table is None or not table.no_data_statement:
            continue
        ctx.comparisons += 1
        nonzero = [(row, cell) for row in table.rows for cell in row.cells.values() if cell.value]
        if not nonzero:
            continue
        row, cell = nonzero[0]
        ctx.add(
            Severity.ERROR,
            f"{kind.value}称无数据但表中有数",
            f"{kind.value}“{TABLE_NAMES_ZH[kind]}”注明“{table.no_data_statement}”，"
            f"但表中“{row.label}”为{fmt(cell.value)}万元（共{len(nonzero)}个非零数）。",
            observed=f"{len(nonzero)}个非零数",
            expected="表中无数据",
            locations=[
                Evidence(table=kind.value, quote=table.no_data_statement, page=table.location.page),
                Evidence(page=cell.location.page, line=cell.location.line, table=kind.value, row=row.label,
                         quote=cell.raw, bbox=cell.location.bbox),
            ],
        )
