from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.cross_table.links import expense_class_lines, year_total
from auditor.checks.helpers import amount, class_rows, grand_total, require
from auditor.findings import cell_evidence
from auditor.model import Report, TableKind


@register("XT005", "cross_table.t4_general_budget_vs_t5", "cross_table", (TableKind.T4, TableKind.T5))
def t4_general_budget_vs_t5(report: Report, ctx: CheckContext) -> None:
    """T4's 一般公共预算财政拨款 spending equals T5 (一般公共预算财政拨款支出决算表), in total and by 类.

    **What it checks**: T4 本年支出合计 (一般公共预算 column) = T5 合计; each T4 类 line's
    一般公共预算 figure = the T5 row of the same 类 code.

    **Why it matters**: T5 details exactly the general-budget spending that T4 summarises.

    **Bad example**: T4 社会保障和就业支出 一般公共预算 244.97, T5 208 = 208.09.

    **Good example**: T4 本年支出合计 一般公共预算 307.82 = T5 合计 307.82.

    **Basis**: DESIGN §3 (T4 一般公共预算 spending ↔ T5 合计, and by 类).

    **检查内容**: T4 本年支出合计中一般公共预算财政拨款列的数字应等于 T5 合计；T4 每个类级支出行
    的一般公共预算财政拨款数应等于 T5 中同一类级编码的行。

    **为何重要**: T5 正是 T4 所汇总的一般公共预算财政拨款支出的明细，两者必须一致。
    """
    t4 = require(report, TableKind.T4)
    t5 = require(report, TableKind.T5)
    if t4.column("general_budget") is None:
        raise InsufficientData("T4 未识别出“一般公共预算财政拨款”列")
    t4_year = year_total(t4, "expense")
    t5_total = grand_total(t5)
    if t4_year is not None and t5_total is not None:
        ctx.compare_equal(
            amount(t4_year, "general_budget"),
            amount(t5_total, "total"),
            "T4与T5一般公共预算支出不一致",
            "T4本年支出合计（一般公共预算）应等于T5合计",
            "T4",
            "T5",
            [cell_evidence(t4, t4_year, "general_budget"), cell_evidence(t5, t5_total, "total")],
        )
    t5_classes = {r.code: r for r in class_rows(t5)}
    for code, line in expense_class_lines(t4).items():
        other = t5_classes.get(code)
        if other is None and not amount(line, "general_budget"):
            continue
        ctx.compare_equal(
            amount(line, "general_budget"),
            amount(other, "total"),
            "T4与T5类级支出不一致",
            f"“{line.label}”的一般公共预算财政拨款支出在T4与T5（{code}）中应相同",
            "T4",
            "T5",
            [cell_evidence(t4, line, "general_budget")] + ([cell_evidence(t5, other, "total")] if other else []),
        )
