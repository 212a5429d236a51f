from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.cross_table.links import FUND_LINES, first_key, income_lines, lines_matching
from auditor.checks.helpers import amount, require
from auditor.findings import cell_evidence
from auditor.model import Report, TableKind


@register("XT004", "cross_table.t1_grants_vs_t4", "cross_table", (TableKind.T1, TableKind.T4))
def t1_grants_vs_t4(report: Report, ctx: CheckContext) -> None:
    """Each fiscal-grant income line of T1 equals the same line of T4.

    **What it checks**: T1 一般公共预算财政拨款收入 = T4 一般公共预算财政拨款 (income side),
    and likewise 政府性基金 and 国有资本经营; matched by the fund's name.

    **Why it matters**: the same grant is printed in both summary tables; the two must agree.

    **Bad example**: T1 一般公共预算财政拨款收入 9746.50, T4 一般公共预算财政拨款 9764.50.

    **Good example**: both 9746.50.

    **Basis**: DESIGN §3 ("the same figure shown in two tables is equal").

    **检查内容**: T1 的一般公共预算财政拨款收入应等于 T4 收入方的一般公共预算财政拨款，政府性基
    金预算、国有资本经营预算财政拨款同样核对，按资金名称对应。

    **为何重要**: 同一笔拨款在两张总表中都有列示，两处必须一致。
    """
    t1 = require(report, TableKind.T1)
    t4 = require(report, TableKind.T4)
    k1 = first_key(t1, "income", ("amount", "total"))
    k4 = first_key(t4, "income", ("total", "amount"))
    if k1 is None or k4 is None:
        raise InsufficientData("T1 或 T4 未识别出收入列")
    t1_lines, t4_lines = income_lines(t1), income_lines(t4)
    for _, word in FUND_LINES:
        a, b = lines_matching(t1_lines, (word,)), lines_matching(t4_lines, (word,))
        if not a or not b:
            continue
        ctx.compare_equal(
            amount(a[0], k1),
            amount(b[0], k4),
            "T1与T4财政拨款收入不一致",
            f"“{word}财政拨款”收入在T1与T4中应相同",
            "T1",
            "T4",
            [cell_evidence(t1, a[0], k1), cell_evidence(t4, b[0], k4)],
        )
