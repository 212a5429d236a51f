from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.cross_table.links import income_lines, lines_matching, year_total
from auditor.checks.helpers import amount, grand_total, require
from auditor.findings import cell_evidence
from auditor.model import Report, TableKind

FUND_TABLES = ((TableKind.T8, "gov_fund", "政府性基金"), (TableKind.T9, "state_capital", "国有资本经营"))


@register("XT008", "cross_table.t4_funds_vs_t8_t9", "cross_table", (TableKind.T4, TableKind.T8, TableKind.T9))
def t4_funds_vs_t8_t9(report: Report, ctx: CheckContext) -> None:
    """T4's 政府性基金 and 国有资本经营 figures equal the fund tables T8 and T9.

    **What it checks**: T4 本年支出合计 (政府性基金 column) = T8 合计 本年支出; T4 income line
    政府性基金预算财政拨款 = T8 合计 本年收入; likewise 国有资本经营 with T9.

    **Why it matters**: T8 and T9 detail the two funds that T4 summarises; a fund spent in T4
    but absent from its table (or the reverse) is a publication error.

    **Bad example**: T4 政府性基金 支出 50.00 while T8 is printed empty "故本表无数据".

    **Good example**: T4 政府性基金 blank and T8 empty with its statement.

    **Basis**: DESIGN §3 (T4 ↔ T8 / T9, same figure in two tables).

    **检查内容**: T4 本年支出合计中政府性基金预算财政拨款列的数字应等于 T8 合计行的本年支出，T4
    收入方的政府性基金预算财政拨款应等于 T8 合计行的本年收入；国有资本经营预算与 T9 同样核对。

    **为何重要**: T8、T9 是 T4 所汇总的两类资金的明细；T4 中有这类资金的收支而对应表中没有（或相
    反），属于公开错误。
    """
    t4 = require(report, TableKind.T4)
    expense_total = year_total(t4, "expense")
    income = income_lines(t4)
    income_key = next((c.key for c in t4.columns if c.side == "income"), None)
    found = False
    for kind, key, word in FUND_TABLES:
        fund = report.table(kind)
        if fund is None:
            continue
        total = grand_total(fund)
        found = True
        if expense_total is not None and t4.column(key) is not None:
            ctx.compare_equal(
                amount(expense_total, key),
                amount(total, "total"),
                f"T4与{kind.value}{word}支出不一致",
                f"T4本年支出合计（{word}）应等于{kind.value}合计本年支出",
                "T4",
                kind.value,
                [cell_evidence(t4, expense_total, key)] + ([cell_evidence(fund, total, "total")] if total else []),
            )
        lines = lines_matching(income, (word,))
        if lines and income_key and fund.column("income") is not None:
            ctx.compare_equal(
                amount(lines[0], income_key),
                amount(total, "income"),
                f"T4与{kind.value}{word}收入不一致",
                f"T4“{lines[0].label}”收入应等于{kind.value}合计本年收入",
                "T4",
                kind.value,
                [cell_evidence(t4, lines[0], income_key)] + ([cell_evidence(fund, total, "income")] if total else []),
            )
    if not found:
        raise InsufficientData("未识别到 T8、T9")
