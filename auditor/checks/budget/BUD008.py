from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, NotApplicable, register
from auditor.checks.budget.narrative import check_text_sums, check_ties
from auditor.model import Report


@register("BUD008", "budget.narrative_procurement_adds_up", "budget")
def budget_narrative_procurement(report: Report, ctx: CheckContext) -> None:
    """The 政府采购预算 the 预算说明 states adds up (货物 + 工程 + 服务 = 总额) and equals the
    政府采购 table's 合计 where one is printed.

    **What it checks**: (1) "政府采购支出预算总额 X 万元，其中：货物 a 万元、工程 b 万元、服务 c
    万元" (in that sentence or the two after it): X = a + b + c within rounding; when the text
    states only two of the three, a difference is a warning (the third may be left unsaid).
    (2) X equals the 合计 row of the table whose title names 政府采购, when that table prints a
    合计 row.

    **Why it matters**: procurement budgets are followed by suppliers and the press; parts that
    do not add up to the total mean one of the figures is wrong.

    **Bad example**: "政府采购预算总额 500.00 万元，其中货物 200.00 万元、工程 0 万元、服务
    250.00 万元" (450.00).

    **Good example**: 500.00 = 200.00 + 0 + 300.00.

    **Basis**: 政府采购 = 货物 + 工程 + 服务 (DESIGN §3, parts = whole).

    **检查内容**: (1) 预算说明中的政府采购预算总额应等于货物、工程、服务三类之和（只列出两类时，不等记为警告）；(2) 标题含“政府采购”
    的预算表列有合计行时，总额应等于该合计。

    **为何重要**: 政府采购预算受供应商与媒体关注；分项之和不等于总额，说明其中有数字错误。
    """
    if report.meta.document_type != "budget":
        raise NotApplicable("本报告不是预算")
    compared = check_text_sums(report, ctx, "procurement") + check_ties(report, ctx, "procurement")
    if not compared:
        raise InsufficientData("正文中没有政府采购预算总额及其分项")
