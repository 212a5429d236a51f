from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, NotApplicable, register
from auditor.checks.budget.narrative import check_ties
from auditor.model import Report


@register("BUD007", "budget.narrative_running_costs_match_table", "budget")
def budget_narrative_running_costs(report: Report, ctx: CheckContext) -> None:
    """The 机关运行经费预算 the 预算说明 states equals the 机关运行经费 table.

    **What it checks**: the figure the text gives for 机关运行经费 (一般公共预算机关运行经费预算
    支出) equals the 合计 of the table whose title names 机关运行经费 (a provincial extra, found by
    its title), within rounding. Its change against last year is BUD005's.

    **Why it matters**: 机关运行经费 is the cost of keeping the office running, a figure the
    public compares across departments; the text and the table must give the same one.

    **Bad example**: "机关运行经费预算 215.00 万元" while the table's 合计 is 251.00.

    **Good example**: "机关运行经费预算支出 251.00 万元" and the table's 合计 251.00.

    **Basis**: 部门预算公开 — the 说明 explains the 公开表; DESIGN §3.

    **检查内容**: 预算说明中的机关运行经费（一般公共预算机关运行经费预算支出）应在四舍五入误差内等于
    标题含“机关运行经费”的预算表的合计。与上年相比的增减由 BUD005 核对。

    **为何重要**: 机关运行经费反映机关运转成本，常被跨部门比较；正文与表应是同一个数。
    """
    if report.meta.document_type != "budget":
        raise NotApplicable("本报告不是预算")
    if not check_ties(report, ctx, "running"):
        raise InsufficientData("没有可相互核对的机关运行经费正文与表格")
