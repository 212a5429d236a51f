from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.cross_table.links import expense_class_lines, first_key, year_total
from auditor.checks.helpers import amount, class_rows, grand_total, require
from auditor.findings import cell_evidence
from auditor.model import Report, TableKind


@register("XT002", "cross_table.t1_expense_vs_t3", "cross_table", (TableKind.T1, TableKind.T3))
def t1_expense_vs_t3(report: Report, ctx: CheckContext) -> None:
    """收入支出决算总表 (T1) spending equals 支出决算表 (T3), in total and by function 类.

    **What it checks**: T1 本年支出合计 = T3 合计 本年支出合计, and each T1 spending line
    (八、社会保障和就业支出 …) = the T3 row of the same 类 (208 …), matched by the national
    类 names, not by position.

    **Why it matters**: the spending by function is shown twice; a mismatch means one of the
    two published figures is wrong.

    **Bad example**: T1 十一、城乡社区支出 3845.25, T3 212 城乡社区支出 3845.24.

    **Good example**: T1 八、社会保障和就业支出 244.97 = T3 208 244.97.

    **Basis**: DESIGN §3 (each 类 line of T1 equals the same 类 in T3).

    **检查内容**: T1 本年支出合计应等于 T3 合计行的本年支出合计；T1 的每个类级支出行（如“社会保
    障和就业支出”）应等于 T3 中同一类级科目的行，按全国统一的类级科目名称对应，而不按位置对
    应。T3 中有支出的类级科目在 T1 中找不到对应行的，也予以报告。

    **为何重要**: 按功能分类的支出在两张表中各列示一次；两者不一致，说明其中一处公开的数字有误。
    """
    t1 = require(report, TableKind.T1)
    t3 = require(report, TableKind.T3)
    key = first_key(t1, "expense", ("amount", "total"))
    total = grand_total(t3)
    if key is None or total is None:
        raise InsufficientData("T1 未识别出支出决算数列或 T3 未找到“合计”行")
    t1_year = year_total(t1, "expense")
    if t1_year is not None:
        ctx.compare_equal(
            amount(t1_year, key),
            amount(total, "total"),
            "T1与T3支出合计不一致",
            "本年支出合计在T1与T3中应相同",
            "T1本年支出合计",
            "T3合计",
            [cell_evidence(t1, t1_year, key), cell_evidence(t3, total, "total")],
        )
    t3_classes = {r.code: r for r in class_rows(t3)}
    for code, line in expense_class_lines(t1).items():
        other = t3_classes.get(code)
        if other is None and amount(line, key) is None:
            continue
        ctx.compare_equal(
            amount(line, key),
            amount(other, "total"),
            "T1与T3类级支出不一致",
            f"“{line.label}”在T1与T3（{code}）中应相同",
            "T1",
            "T3",
            [cell_evidence(t1, line, key)] + ([cell_evidence(t3, other, "total")] if other else []),
        )
    for code, row in t3_classes.items():
        if code not in expense_class_lines(t1) and amount(row, "total"):
            ctx.comparisons += 1
            ctx.compare_equal(
                None,
                amount(row, "total"),
                "T1缺少T3中的类级支出",
                f"T3“{code} {row.label}”有支出，T1未见对应的类级行",
                "T1",
                "T3",
                [cell_evidence(t3, row, "total")],
            )
