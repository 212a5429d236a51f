from __future__ import annotations

from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.performance.common import figure_evidence, table_name
from auditor.findings import Severity
from auditor.model import Report
from auditor.numbers import fmt
from auditor.performance import performance_tables

HUNDRED = Decimal(100)


@register("PERF003", "performance.execution_rate", "performance")
def execution_rate(report: Report, ctx: CheckContext) -> None:
    """执行率 = 全年执行数 ÷ 全年预算数, and the funds score = 分值 × 执行率.

    **What it checks**: in the funds block of a self-evaluation table, the printed 执行率
    equals 全年执行数 ÷ 全年预算数 (to the printed precision), and the 得分 equals 分值 × 执行率
    (capped at the 分值), rounded as printed.

    **Why it matters**: the execution rate is the one objective score of the self-evaluation;
    a rate that does not follow from the figures, or a score of 100 on a 10-point item,
    inflates the result.

    **Bad example**: 全年预算数 25, 全年执行数 25, 分值 10, 执行率 100%, 得分 100.

    **Good example**: 全年预算数 422.75, 全年执行数 422.75, 分值 10, 执行率 100%, 得分 10.

    **Basis**: 项目支出绩效自评表 填表说明 (得分 = 分值 × 执行率); DESIGN §3.

    **检查内容**: 在绩效自评表的资金执行部分，所印执行率应等于全年执行数 ÷ 全年预算数（按印刷精
    度），得分应等于分值 × 执行率（不超过分值，允许取整误差）。

    **为何重要**: 执行率是自评中唯一客观的评分项；执行率与执行数、预算数不符，或 10 分的项目得了
    100 分，都会抬高评价结果。
    """
    tables = [p for p in performance_tables(report) if p.executed is not None and p.budget_full is not None]
    if not tables:
        raise NotApplicable("绩效自评表中没有资金执行情况")
    for perf in tables:
        assert perf.executed is not None and perf.budget_full is not None
        if perf.budget_full.value == 0:
            continue
        rate = perf.executed.value / perf.budget_full.value * HUNDRED
        if perf.funds_rate is not None:
            ctx.comparisons += 1
            decimals = len(perf.funds_rate.raw.rstrip("%").split(".")[1]) if "." in perf.funds_rate.raw else 0
            if abs(perf.funds_rate.value - rate) > Decimal(5).scaleb(-(decimals + 1)):
                ctx.add(
                    Severity.ERROR,
                    "执行率与执行数、预算数不符",
                    f"{table_name(perf)}全年执行数{perf.executed.raw}÷全年预算数{perf.budget_full.raw}应为"
                    f"{fmt(rate)}%，表中执行率为{perf.funds_rate.raw}。",
                    observed=perf.funds_rate.raw,
                    expected=f"{fmt(rate)}%",
                    locations=[figure_evidence(perf, perf.funds_rate, "执行率", "合计")],
                )
        if perf.funds_points is not None and perf.funds_score is not None:
            ctx.comparisons += 1
            expected = perf.funds_points.value * min(rate, HUNDRED) / HUNDRED
            if abs(perf.funds_score.value - expected) > Decimal("0.5"):
                ctx.add(
                    Severity.ERROR,
                    "资金执行得分与分值×执行率不符",
                    f"{table_name(perf)}资金执行分值{perf.funds_points.raw}，执行率{fmt(rate)}%，得分应为"
                    f"{fmt(expected, 1)}，表中为{perf.funds_score.raw}。",
                    observed=perf.funds_score.raw,
                    expected=fmt(expected, 1),
                    locations=[figure_evidence(perf, perf.funds_score, "得分", "合计")],
                )
