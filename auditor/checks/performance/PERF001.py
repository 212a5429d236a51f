from __future__ import annotations

from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.performance.common import figure_evidence, funds_counted, table_name, total
from auditor.findings import Severity
from auditor.model import Report
from auditor.numbers import fmt
from auditor.performance import performance_tables

HUNDRED = Decimal(100)


@register("PERF001", "performance.scores_add_up", "performance")
def scores_add_up(report: Report, ctx: CheckContext) -> None:
    """A self-evaluation table's points and scores add up: Σ 得分 = 总分, Σ 分值 = 100, and each
    tier's indicators carry the tier's points.

    **What it checks**: in every 绩效自评表, the indicator scores (plus the funds-execution
    score when the 分值 show it is counted) add up to the 总分 得分; the 分值 add up to 100; the
    indicators under "产出指标（50分）", "效益指标（30分）", "满意度指标（10分）" carry 50, 30, 10
    points. One finding per table and kind of slip.

    **Why it matters**: the score is the department's grade of its own performance; a total
    that is not the sum of its parts, or points outside the tier's weight, is a made-up grade.

    **Bad example**: 效益指标（30分） with indicators of 30 and 10 points; Σ 得分 97 but 总分 98.

    **Good example**: 产出 20 + 20 + 10 = 50; 总分 98 = 20 + 20 + 10 + 30 + 10 + 8.

    **Basis**: 财政部《项目支出绩效评价管理办法》(财预〔2020〕10号) 评分规则; DESIGN §3 (绩效自评表).

    **检查内容**: 在每张绩效自评表中，各指标得分之和（分值显示资金执行情况计入总分时，加上资金执
    行得分）应等于总分的得分；各项分值之和应为 100；“产出指标（50分）”“效益指标（30分）”“满意度
    指标（10分）”等一级指标下所含指标的分值之和应等于标注的分值。每张表的每类问题只报告一次。

    **为何重要**: 自评分是部门对自身绩效的评定；总分不等于各项之和，或所含指标分值与一级指标的权
    重不符，评分就不可信。
    """
    tables = performance_tables(report)
    if not tables:
        raise NotApplicable("报告中没有绩效自评表")
    for perf in tables:
        counted = funds_counted(perf)
        score_parts = [i.score for i in perf.indicators] + ([perf.funds_score] if counted else [])
        point_parts = [i.points for i in perf.indicators] + ([perf.funds_points] if counted else [])
        if perf.total_score is not None:
            ctx.comparisons += 1
            summed = total(score_parts)
            if summed != perf.total_score.value:
                ctx.add(
                    Severity.ERROR,
                    "绩效自评得分合计不符",
                    f"{table_name(perf)}各项得分之和为{fmt(summed, 0)}，总分却为{perf.total_score.raw}。",
                    observed=perf.total_score.raw,
                    expected=fmt(summed, 0),
                    locations=[figure_evidence(perf, perf.total_score, "得分", "总分")],
                )
        tiers: dict[str, tuple[Decimal, Decimal]] = {}
        for indicator in perf.indicators:
            if indicator.tier and indicator.tier_points is not None and indicator.points is not None:
                declared, got = tiers.get(indicator.tier, (indicator.tier_points, Decimal(0)))
                tiers[indicator.tier] = (declared, got + indicator.points.value)
        wrong = {t: v for t, v in tiers.items() if v[0] != v[1]}
        ctx.comparisons += 1 if tiers else 0
        if wrong:
            ctx.add(
                Severity.ERROR,
                "一级指标分值与所含指标不符",
                f"{table_name(perf)}："
                + "；".join(f"{t}指标标注{fmt(d, 0)}分，所含指标分值合计{fmt(g, 0)}分" for t, (d, g) in wrong.items())
                + "。",
                observed="；".join(f"{t}{fmt(g, 0)}" for t, (_, g) in wrong.items()),
                expected="；".join(f"{t}{fmt(d, 0)}" for t, (d, _) in wrong.items()),
                locations=[figure_evidence(perf, perf.total_points, "分值", "总分")],
            )
        elif point_parts and any(p is not None for p in point_parts):
            ctx.comparisons += 1
            points = total(point_parts)
            printed = perf.total_points.value if perf.total_points is not None else HUNDRED
            if points != HUNDRED or printed != HUNDRED:
                ctx.add(
                    Severity.ERROR,
                    "绩效自评分值合计不为100",
                    f"{table_name(perf)}各项分值之和为{fmt(points, 0)}，总分分值为{fmt(printed, 0)}，应为100。",
                    observed=fmt(points, 0),
                    expected="100",
                    locations=[figure_evidence(perf, perf.total_points, "分值", "总分")],
                )
