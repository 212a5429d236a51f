from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.cross_table.links import summed
from auditor.checks.helpers import amount, class_rows, grand_total, require
from auditor.findings import cell_evidence
from auditor.model import Report, TableKind


@register("XT006", "cross_table.t5_basic_vs_t6", "cross_table", (TableKind.T5, TableKind.T6))
def t5_basic_vs_t6(report: Report, ctx: CheckContext) -> None:
    """T5 基本支出 equals the basic-expenditure table T6 (人员经费 + 公用经费).

    **What it checks**: T5 合计 基本支出 = T6 人员经费合计 + 公用经费合计 (or the sum of T6's 类
    rows when the two totals are not printed).

    **Why it matters**: T6 breaks down exactly the general-budget basic spending of T5.

    **Bad example**: T5 基本支出 5364.75, T6 4884.09 + 480.66 = 5364.75 but T3 says 5377.64
    (that one is XT007's business); or T5 105.58 with T6 95.36 + 10.23 = 105.59 (rounding).

    **Good example**: T5 基本支出 208.09 = 人员经费 193.51 + 公用经费 14.58.

    **Basis**: DESIGN §3 (T5 基本支出 ↔ T6).

    **检查内容**: T5 合计行的基本支出应等于 T6 人员经费合计与公用经费合计之和（T6 未印这两个合计
    时，等于 T6 各类级科目之和），允许四舍五入误差。

    **为何重要**: T6 细分的正是 T5 中一般公共预算财政拨款的基本支出，两者必须一致。
    """
    t5 = require(report, TableKind.T5)
    t6 = require(report, TableKind.T6)
    total = grand_total(t5)
    if total is None or t5.column("basic") is None or t6.column("amount") is None:
        raise InsufficientData("T5 未找到合计行的基本支出，或 T6 未识别出决算数列")
    personnel, public = t6.find_row("人员经费"), t6.find_row("公用经费")
    parts = [r for r in (personnel, public) if r is not None]
    if len(parts) < 2:
        parts = class_rows(t6)
    if not parts:
        raise InsufficientData("T6 未找到人员经费、公用经费或类级科目")
    ctx.compare_equal(
        amount(total, "basic"),
        summed(parts, "amount"),
        "T5基本支出与T6不一致",
        "T5合计行基本支出应等于T6" + ("人员经费合计与公用经费合计之和" if len(parts) == 2 else "各类级科目之和"),
        "T5基本支出",
        "T6合计",
        [cell_evidence(t5, total, "basic")] + [cell_evidence(t6, r, "amount") for r in parts[:6]],
    )
