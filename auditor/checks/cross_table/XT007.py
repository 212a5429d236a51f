from __future__ import annotations

from decimal import Decimal

from auditor.checks.base import CheckContext, half_unit, register
from auditor.checks.helpers import amount, grand_total, require, require_data
from auditor.findings import Severity, cell_evidence, row_name
from auditor.model import Report, TableKind
from auditor.numbers import fmt


@register("XT007", "cross_table.t5_within_t3", "cross_table", (TableKind.T3, TableKind.T5))
def t5_within_t3(report: Report, ctx: CheckContext) -> None:
    """General-budget spending (T5) never exceeds total spending (T3) for the same code.

    **What it checks**: for each function code and the 合计 row, T5's 合计 / 基本支出 / 项目支出 is
    at most T3's figure for the same code and column, within rounding; a T5 code absent from
    T3 is flagged too. When the department has no money other than general-budget grants the
    two are equal, which the same rule covers.

    **Why it matters**: T5 is a part of T3 (the general-budget share of all spending); a part
    larger than its whole means a figure or a column was misplaced.

    **Bad example**: T3 208 项目支出 blank, T5 208 项目支出 36.88.

    **Good example**: T3 208 基本支出 208.09 ≥ T5 208 基本支出 208.09.

    **Basis**: DESIGN §3 (the same code carries the same amount in T3 and T5 for the general-
    budget share); T5 ⊆ T3 by definition.

    **检查内容**: 对每个功能分类科目及合计行，T5 的合计、基本支出、项目支出都不应大于 T3 同一科
    目同一列的数字（允许四舍五入误差）；T5 有而 T3 没有的科目也予以报告。部门只有一般公共预算财
    政拨款时两表相等，同样符合本规则。

    **为何重要**: T5 是 T3 的一部分（全部支出中由一般公共预算财政拨款安排的部分）；部分大于整
    体，说明有数字或整列填错了位置。
    """
    t3 = require_data(require(report, TableKind.T3))
    t5 = require_data(require(report, TableKind.T5))
    t3_rows = t3.rows_by_code()
    pairs = [(r, t3_rows.get(r.code)) for r in t5.rows if r.code]
    t3_total, t5_total = grand_total(t3), grand_total(t5)
    if t3_total is not None and t5_total is not None:
        pairs.insert(0, (t5_total, t3_total))
    for t5_row, t3_row in pairs:
        for key in ("total", "basic", "project"):
            part = amount(t5_row, key)
            if part is None or part.value == 0 or t5.column(key) is None or t3.column(key) is None:
                continue
            ctx.comparisons += 1
            whole = amount(t3_row, key) if t3_row is not None else None
            whole_value = whole.value if whole is not None else Decimal(0)
            bound = half_unit(part) + half_unit(whole)
            if part.value - whole_value <= bound:
                continue
            locations = [cell_evidence(t5, t5_row, key)]
            if t3_row is not None:
                locations.append(cell_evidence(t3, t3_row, key))
            ctx.add(
                Severity.ERROR,
                "T5支出大于T3同一科目",
                f"“{row_name(t5_row)}”的{locations[0].column}：T5（一般公共预算财政拨款）为{fmt(part.value)}万元，"
                f"大于T3（全部资金）的{fmt(whole_value)}万元" + ("" if t3_row is not None else "（T3无此科目）") + "。",
                observed=f"T5 {fmt(part.value)}",
                expected=f"≤ T3 {fmt(whole_value)}",
                locations=locations,
            )
