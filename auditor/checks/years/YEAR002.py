from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Severity
from auditor.model import Report


@register("YEAR002", "years.as_of_date", "years")
def as_of_date(report: Report, ctx: CheckContext) -> None:
    """"截至 Y年12月31日" names the end of the report year.

    **What it checks**: a 截至 / 截止 date (国有资产占用, 公务用车保有量…) is 31 December of the
    report year: another year is an error, another day a warning.

    **Why it matters**: asset counts are stated at year end; another date is last year's text
    or a different reporting basis.

    **Bad example**: in the 2024 report, "截至 2023 年 12 月 31 日，共有车辆 0 辆".

    **Good example**: "截至 2024 年 12 月 31 日，…共有车辆 0 辆".

    **Basis**: DESIGN §3 (截至 Y年12月31日).

    **检查内容**: “截至/截止……日”的日期（如国有资产占用、公务用车保有量情况）应为报告年度的 12
    月 31 日：年份不符的记为错误，年份相符但不是 12 月 31 日的记为警告。

    **为何重要**: 资产数量按年末时点统计；日期不对，说明沿用了上年的文字，或统计口径不同。
    """
    year = report.meta.year
    if year is None:
        raise InsufficientData("未能确定报告年度")
    dates = [c for c in report.claims if c.kind == "date" and c.value is not None and ("截" in c.subject or "截" in c.sentence.text[: c.span[0]])]
    if not dates:
        raise NotApplicable("正文中没有“截至…日”的日期")
    for claim in dates:
        ctx.comparisons += 1
        assert claim.value is not None
        if int(claim.value) != year:
            ctx.add(
                Severity.ERROR,
                "截至日期的年份错误",
                f"“{claim.raw}”的年份不是报告年度{year}年。",
                observed=claim.raw,
                expected=f"{year}年12月31日",
                locations=[sentence_evidence(claim)],
            )
        elif claim.basis != "12-31":
            ctx.add(
                Severity.WARNING,
                "截至日期不是年末",
                f"“{claim.raw}”不是{year}年12月31日（年末）。",
                observed=claim.raw,
                expected=f"{year}年12月31日",
                locations=[sentence_evidence(claim)],
            )
