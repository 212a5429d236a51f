from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, NotApplicable, register
from auditor.checks.budget.narrative import check_ties
from auditor.model import Report, TableKind


@register("BUD004", "budget.narrative_totals_match_tables", "budget",
          (TableKind.B1, TableKind.B2, TableKind.B3, TableKind.B4, TableKind.B5, TableKind.B8, TableKind.B10))
def budget_narrative_totals(report: Report, ctx: CheckContext) -> None:
    """The totals the 预算说明 states equal the budget tables: 收支总预算, 收入预算, 支出预算,
    财政拨款收支, 一般公共预算支出, 政府性基金.

    **What it checks**: each money figure of the narrative whose subject names a budget total
    ("收入、支出预算总计", "收入预算合计", "支出预算合计", "财政拨款收、支总计", "一般公共预算财政拨款
    支出", "一般公共预算收入", "政府性基金支出") equals the 合计 of the table that prints it
    (收支预算总表, 收入预算总表, 支出预算总表, 财政拨款收支预算总表, 一般公共预算支出预算表 …) within
    the rounding of both printed figures. Where two tables print the same total the figure must
    equal one of them (the cross-table identities are BUD003's). A figure in 元 that is the
    table's 万元 figure is reported as a unit slip. Subjects and the cells they name are data
    (auditor/narrative/budget_vocab.yaml).

    **Why it matters**: the 预算说明 is what deputies and journalists read and quote; a total
    that differs from the approved tables is a typing slip or last year's text left in place.

    **Bad example**: "本年收入预算合计 1,300.00 万元" while 收入预算总表 收入总计 is 1,250.00.

    **Good example**: "收入、支出预算总计 1,250.00 万元" and 收支预算总表 合计 1,250.00.

    **Basis**: 部门预算公开 — the 说明 explains the 公开表; DESIGN §3 (every amount of the text
    agrees with the number it talks about).

    **检查内容**: 预算说明中指明为预算总额的金额（收入、支出预算总计，收入预算合计，支出预算合计，
    财政拨款收支总计，一般公共预算财政拨款支出，一般公共预算收入，政府性基金支出等），应在两个印刷数字
    的四舍五入误差内等于列示该数的预算表合计；几张表都列示的，应等于其中之一（表间关系由 BUD003 核对）。
    把万元数写成“元”的，报告为单位错误。主语与单元格的对应关系见 auditor/narrative/budget_vocab.yaml。

    **为何重要**: 预算说明是人大代表和记者阅读、引用的文字；总额与批复的预算表不符，说明录入有误或沿用了
    上年的文字。
    """
    if report.meta.document_type != "budget":
        raise NotApplicable("本报告不是预算")
    if not check_ties(report, ctx, "totals"):
        raise InsufficientData("正文中没有能对应到预算表合计的总额")
