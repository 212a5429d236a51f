from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.cross_table.links import INCOME_LINES, first_key, income_lines, lines_matching, summed, year_total
from auditor.checks.helpers import amount, grand_total, require
from auditor.findings import cell_evidence
from auditor.model import Report, TableKind


@register("XT001", "cross_table.t1_income_vs_t2", "cross_table", (TableKind.T1, TableKind.T2))
def t1_income_vs_t2(report: Report, ctx: CheckContext) -> None:
    """收入支出决算总表 (T1) income equals 收入决算表 (T2), in total and by source.

    **What it checks**: T1 本年收入合计 = T2 合计 本年收入合计; T1's fiscal-grant lines
    (一般公共预算 + 政府性基金 + 国有资本经营) = T2 财政拨款收入; T1 上级补助 / 事业 / 经营 /
    附属单位上缴 / 其他收入 = the same T2 column.

    **Why it matters**: the same income is shown twice; a difference means one table was not
    updated after a correction.

    **Bad example**: T1 本年收入合计 251.21, T2 合计 250.21.

    **Good example**: T1 一般公共预算财政拨款收入 244.97 + 其他收入 6.24 = T2 合计 251.21, with
    财政拨款收入 244.97 and 其他收入 6.24.

    **Basis**: DESIGN §3 (T1 ↔ T2); 部门决算报表勾稽关系.

    **检查内容**: T1 本年收入合计应等于 T2 合计行的本年收入合计；T1 各项财政拨款收入（一般公共预
    算、政府性基金预算、国有资本经营预算）之和应等于 T2 的财政拨款收入；T1 的上级补助收入、事业
    收入、经营收入、附属单位上缴收入、其他收入应分别等于 T2 合计行的同名列。

    **为何重要**: 同一笔收入在两张表中各列示一次；两者不同，说明更正后有一张表没有同步修改。
    """
    t1 = require(report, TableKind.T1)
    t2 = require(report, TableKind.T2)
    t2_total = grand_total(t2)
    t1_key = first_key(t1, "income", ("amount", "total"))
    if t2_total is None or t1_key is None:
        raise InsufficientData("T2 未找到“合计”行或 T1 未识别出收入决算数列")
    t1_year = year_total(t1, "income")
    if t1_year is not None and t2.column("total"):
        ctx.compare_equal(
            amount(t1_year, t1_key),
            amount(t2_total, "total"),
            "T1与T2收入合计不一致",
            "本年收入合计在T1与T2中应相同",
            "T1本年收入合计",
            "T2合计",
            [cell_evidence(t1, t1_year, t1_key), cell_evidence(t2, t2_total, "total")],
        )
    lines = income_lines(t1)
    for key, words in INCOME_LINES:
        if t2.column(key) is None:
            continue
        matched = lines_matching(lines, words)
        if not matched:
            continue
        ctx.compare_equal(
            summed(matched, t1_key),
            amount(t2_total, key),
            "T1与T2收入来源不一致",
            f"T1“{'、'.join(r.label for r in matched)}”应与T2合计行“{words[0]}”列相同",
            "T1",
            "T2",
            [cell_evidence(t1, r, t1_key) for r in matched] + [cell_evidence(t2, t2_total, key)],
        )
