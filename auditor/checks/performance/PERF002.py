from __future__ import annotations

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.performance.common import at, figure_evidence, table_name
from auditor.findings import Severity
from auditor.model import Report
from auditor.performance import grade_for, performance_tables


@register("PERF002", "performance.grade_matches_score", "performance")
def grade_matches_score(report: Report, ctx: CheckContext) -> None:
    """The 等级 of a self-evaluation table agrees with its 总分.

    **What it checks**: on the common national scale (优 ≥ 90, 良 80–89, 中 60–79, 差 < 60),
    the grade printed next to 总分 is the grade of that score.

    **Why it matters**: the grade is what summaries quote; a 97-point project graded 良 (or
    a 78-point one graded 优) misstates the result.

    **Bad example**: "总分 100 97 等级：良".

    **Good example**: "总分 100 97 等级：优".

    **Basis**: 财政部《项目支出绩效评价管理办法》(财预〔2020〕10号) 第二十七条 评价等级.

    **检查内容**: 按通行的评价等级标准（90 分（含）以上为优，80 分（含）至 90 分为良，60 分
    （含）至 80 分为中，60 分以下为差），总分旁所标的等级应与该总分相符。

    **为何重要**: 汇总材料引用的是等级；高分评为“良”或低分评为“优”，都会误报评价结果。
    """
    tables = [p for p in performance_tables(report) if p.grade and p.total_score is not None]
    if not tables:
        raise NotApplicable("绩效自评表中没有可核对的等级与总分")
    for perf in tables:
        assert perf.total_score is not None
        ctx.comparisons += 1
        expected = grade_for(perf.total_score.value)
        if expected == perf.grade:
            continue
        ctx.add(
            Severity.ERROR,
            "绩效自评等级与总分不符",
            f"{table_name(perf)}总分{perf.total_score.raw}分应为“{expected}”，表中等级为“{perf.grade}”。",
            observed=perf.grade,
            expected=expected,
            locations=[figure_evidence(perf, perf.total_score, "得分", "总分"),
                       at(perf.grade_location, f"等级：{perf.grade}", perf.title)],
        )
