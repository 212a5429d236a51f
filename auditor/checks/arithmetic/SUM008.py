from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.helpers import amount
from auditor.findings import cell_evidence, row_name
from auditor.model import TABLE_NAMES_ZH, Amount, Report, TableKind


@register("SUM008", "arithmetic.fund_balance_rollforward", "arithmetic", (TableKind.T8, TableKind.T9))
def fund_balance_rollforward(report: Report, ctx: CheckContext) -> None:
    """年末结转和结余 = 年初结转和结余 + 本年收入 − 本年支出 in the fund tables (T8, T9).

    **What it checks**: for each row of T8 (政府性基金) and T9 (国有资本经营, where printed with
    its income and balance columns), the closing balance equals the opening balance plus this
    year's income minus this year's spending.

    **Why it matters**: the roll-forward ties the fund's money from one year to the next; a
    break means income, spending or a balance is misstated.

    **Bad example**: 年初 0, 本年收入 120.00, 本年支出 100.00, 年末 0.

    **Good example**: 年初 0 + 120.00 − 100.00 = 年末 20.00.

    **Basis**: fund accounting identity; DESIGN §3 (carry-overs).

    **检查内容**: 在 T8（政府性基金）和 T9（国有资本经营，印有收入和结转结余各列时）的每一行中，
    年末结转和结余应等于年初结转和结余加本年收入减本年支出，允许四舍五入误差。

    **为何重要**: 这一衔接关系把资金从上一年延续到下一年；不衔接说明收入、支出或结转结余中有一项
    数字有误。
    """
    found = False
    for kind in (TableKind.T8, TableKind.T9):
        table = report.table(kind)
        if table is None or not all(table.column(k) for k in ("opening", "income", "total", "closing")):
            continue
        found = True
        for row in table.rows:
            opening, income, spent, closing = (amount(row, k) for k in ("opening", "income", "total", "closing"))
            negative_spent = Amount(-spent.value, spent.raw, spent.decimals) if spent else None
            ctx.compare_sum(
                closing,
                [opening, income, negative_spent],
                "年末结转结余与收支不衔接",
                f"{kind.value}{TABLE_NAMES_ZH[kind]}“{row_name(row)}”年末结转和结余应等于年初结转和结余加本年收入减本年支出",
                [cell_evidence(table, row, k) for k in ("closing", "opening", "income", "total")],
            )
    if not found:
        raise InsufficientData("T8/T9 未印出年初、本年收入、本年支出、年末四列")

