from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.cross_table.links import first_key, year_total
from auditor.checks.helpers import amount, grand_total, require
from auditor.findings import cell_evidence
from auditor.model import Report, TableKind


@register("XT003", "cross_table.t2_fiscal_vs_t4", "cross_table", (TableKind.T2, TableKind.T4))
def t2_fiscal_vs_t4(report: Report, ctx: CheckContext) -> None:
    """收入决算表 (T2) 财政拨款收入 equals 财政拨款收入支出决算总表 (T4) 本年收入合计.

    **What it checks**: the 合计 row of T2, column 财政拨款收入, equals T4's 本年收入合计
    (all fiscal grants: 一般公共预算 + 政府性基金 + 国有资本经营).

    **Why it matters**: T4 is built from the fiscal-grant part of T2; different totals mean
    one table counts grants the other does not.

    **Bad example**: T2 财政拨款收入 244.97, T4 本年收入合计 224.97.

    **Good example**: both 244.97.

    **Basis**: DESIGN §3 (T2 财政拨款收入 ↔ T4).

    **检查内容**: T2 合计行“财政拨款收入”列应等于 T4 的本年收入合计（全部财政拨款：一般公共预算
    + 政府性基金预算 + 国有资本经营预算）。

    **为何重要**: T4 由 T2 中的财政拨款部分构成；两者合计不同，说明一张表计入了另一张表没有计入
    的拨款。
    """
    t2 = require(report, TableKind.T2)
    t4 = require(report, TableKind.T4)
    total = grand_total(t2)
    t4_year = year_total(t4, "income")
    key = first_key(t4, "income", ("total", "amount"))
    if total is None or t4_year is None or key is None or t2.column("fiscal_grant") is None:
        raise InsufficientData("T2 未找到财政拨款收入合计，或 T4 未找到本年收入合计")
    ctx.compare_equal(
        amount(total, "fiscal_grant"),
        amount(t4_year, key),
        "T2财政拨款收入与T4不一致",
        "T2合计行“财政拨款收入”应等于T4“本年收入合计”",
        "T2财政拨款收入",
        "T4本年收入合计",
        [cell_evidence(t2, total, "fiscal_grant"), cell_evidence(t4, t4_year, key)],
    )
