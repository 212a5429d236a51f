from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, NotApplicable, half_unit, register
from auditor.checks.helpers import grand_total
from auditor.findings import Severity, cell_evidence
from auditor.model import TABLE_NAMES_ZH, Report, Row, Table, TableKind

# (part table, part column, whole table, whole column): money of a narrower source never
# exceeds the wider whole. 一般公共预算 ⊂ 财政拨款 ⊂ all funds; 基本支出 likewise.
PARTS_OF_WHOLES = (
    (TableKind.B5, "total", TableKind.B10, "total"),
    (TableKind.B10, "total", TableKind.B3, "total"),
    (TableKind.B5, "total", TableKind.B3, "total"),
    (TableKind.B6, "total", TableKind.B11, "total"),
    (TableKind.B11, "total", TableKind.B3, "basic"),
    (TableKind.B6, "total", TableKind.B3, "basic"),
)


def _total_row(table: Table) -> Row | None:
    """The 合计 row, or the one data row of a one-line table (支出预算总表 prints only totals)."""
    row = grand_total(table)
    if row is None and len(table.rows) == 1:
        row = table.rows[0]
    return row


@register("BUD003", "budget.part_within_whole_across_tables", "budget", tuple({p[0] for p in PARTS_OF_WHOLES}))
def budget_part_within_whole(report: Report, ctx: CheckContext) -> None:
    """Across the budget tables, a narrower fund's total never exceeds the wider one's.

    **What it checks**: 一般公共预算 spending (一般公共预算支出预算表) ≤ all 财政拨款 spending
    (财政拨款支出预算表) ≤ the department's whole budget (支出预算总表); the same for 基本支出
    (一般公共预算基本支出预算表 ≤ 财政拨款基本支出预算表 ≤ 支出预算总表's 基本支出). A part larger than
    its whole beyond rounding is an error.

    **Why it matters**: the budget tables are cuts of one budget by source of funds; a part that
    exceeds its whole means one of the tables was filled from another version of the budget.

    **Bad example**: 一般公共预算支出预算表 合计 1,300.00 while 支出预算总表 合计 1,250.00.

    **Good example**: 1,200.00 ≤ 1,250.00 (the rest is 政府性基金 or other income).

    **Basis**: 财政拨款 = 一般公共预算 + 政府性基金 + 国有资本经营; all funds ⊇ 财政拨款 (DESIGN §3,
    parts never exceed their whole).

    **检查内容**: 各预算表之间，资金范围较窄的合计不得超过较宽的：一般公共预算支出 ≤ 财政拨款支出 ≤
    部门支出预算总额；基本支出同理。超出四舍五入误差即为错误。

    **为何重要**: 各预算表是同一本预算按资金来源的不同切分；部分大于整体，说明有的表用了另一版预算的数。
    """
    if report.meta.document_type != "budget":
        raise NotApplicable("本报告不是预算")
    seen = False
    for part_kind, part_key, whole_kind, whole_key in PARTS_OF_WHOLES:
        part_table, whole_table = report.table(part_kind), report.table(whole_kind)
        if part_table is None or whole_table is None:
            continue
        part_row, whole_row = _total_row(part_table), _total_row(whole_table)
        part = part_row.value(part_key) if part_row is not None else None
        whole = whole_row.value(whole_key) if whole_row is not None else None
        if part is None or whole is None or part_row is None or whole_row is None:
            continue
        seen = True
        ctx.comparisons += 1
        bound = half_unit(part_row.cells[part_key].amount) + half_unit(whole_row.cells[whole_key].amount)
        if part - whole > bound:  # beyond the rounding of the two printed figures (as XT007)
            evidence = [cell_evidence(part_table, part_row, part_key), cell_evidence(whole_table, whole_row, whole_key)]
            ctx.add(
                Severity.ERROR,
                "预算表之间部分大于整体",
                f"{part_kind.value}{TABLE_NAMES_ZH[part_kind]}“{evidence[0].column}”为{part:,.2f}万元，大于"
                f"{whole_kind.value}{TABLE_NAMES_ZH[whole_kind]}“{evidence[1].column}”{whole:,.2f}万元，相差{part - whole:,.2f}万元。",
                observed=f"{part:,.2f}",
                expected=f"≤ {whole:,.2f}",
                locations=evidence,
            )
    if not seen:
        raise InsufficientData("没有可相互核对的预算表（一般公共预算、财政拨款与支出预算总表的合计）")
