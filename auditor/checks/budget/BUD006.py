from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, NotApplicable, register
from auditor.checks.budget.narrative import check_text_sums, check_ties
from auditor.model import Report, TableKind


@register("BUD006", "budget.narrative_three_public_matches_table", "budget", (TableKind.B7,))
def budget_narrative_three_public(report: Report, ctx: CheckContext) -> None:
    """The 三公经费预算 the 预算说明 states — the total and each part — equals the 三公 table and
    adds up.

    **What it checks**: (1) the figures the text gives for the 三公 total, 因公出国（境）费,
    公务用车购置及运行维护费 (购置费, 运行维护费), 公务接待费 (and 会议费, 培训费 where the table
    prints them) equal the 一般公共预算“三公”经费支出预算表's 本年 columns, within rounding.
    (2) The 三公 total the text states equals the sum of the three parts it lists, and 公务用车
    购置及运行维护费 = 购置费 + 运行维护费. The stated changes against last year are BUD005's.

    **Why it matters**: 三公 spending is the most watched line of a budget; a figure in the text
    that is not the table's is quoted by the press as the department's own.

    **Bad example**: "公务接待费预算 40.00 万元" while the table prints 公务接待费 45.00.

    **Good example**: "“三公”经费预算 120.00 万元，其中因公出国（境）费 30.00 万元，公务用车购置
    及运行维护费 45.00 万元，公务接待费 45.00 万元", as in the table.

    **Basis**: 三公 = 因公出国（境）+ 公务用车购置及运行维护 + 公务接待; 公务用车 = 购置 + 运行维护
    (DESIGN §3).

    **检查内容**: (1) 预算说明中“三公”经费合计及因公出国（境）费、公务用车购置及运行维护费（购置费、
    运行维护费）、公务接待费（以及表中列示的会议费、培训费），应在四舍五入误差内等于“三公”经费支出预算
    表的本年数。(2) 正文的“三公”经费合计应等于所列三项之和，公务用车购置及运行维护费应等于购置费与运行
    维护费之和。与上年相比的增减由 BUD005 核对。

    **为何重要**: “三公”经费是预算中最受关注的数字；正文与表不符，媒体引用的就是错误的数。
    """
    if report.meta.document_type != "budget":
        raise NotApplicable("本报告不是预算")
    compared = check_ties(report, ctx, "three_public") + check_text_sums(report, ctx, "three_public")
    if not compared:
        raise InsufficientData("正文中没有能与“三公”经费预算表核对的金额")
