from __future__ import annotations

from auditor.checks.base import CheckContext, register
from auditor.findings import Evidence, Severity
from auditor.health import reading_health
from auditor.model import Report


@register("READ001", "extraction.reading_failed", "extraction")
def reading_failed(report: Report, ctx: CheckContext) -> None:
    """The report was read: its tables have figures and its narrative ties to them.

    **What it checks**: the reading health of the report: when the narrative states amounts
    while every table reads empty, when fewer than a quarter of the tieable narrative claims
    tie to a table cell, when lines hold only figures outside any sentence, or when many
    characters could not be decoded, reading has likely failed, and the checks that rest on
    it cannot be trusted to have found everything.

    **Why it matters**: a report that was not read shows no findings and looks clean. A
    reviewer must know that "no finding" means "not read" here.

    **Bad example**: the narrative says "本年支出合计1,234.56万元" and states thirty more amounts,
    but all nine tables were read without a figure.

    **Good example**: the tables hold figures and most narrative amounts tie to a cell.

    **Basis**: DESIGN §5 (not checked is never passed).

    **检查内容**: 报告是否被正确读取：正文写有金额而识别到的表全部为空；可对照的正文陈述不足四分之一
    能对应到表格单元格；大量数字单独成行、不在任何句子中；大量文字无法解码。出现这些情况时，读取很
    可能失败，依赖读取结果的检查也就无法保证查全。

    **为何重要**: 没有读出来的报告不会有任何问题，看上去“干净”。审核人员必须知道这里的“没有问题”其实
    是“没有读到”。
    """
    health = reading_health(report)
    ctx.comparisons += 4
    if not health.problems:
        return
    ctx.add(
        Severity.ERROR,
        "报告读取可能失败",
        "报告读取可能失败，依赖读取结果的检查不可信：" + "；".join(health.problems) + "。请核对原文，或换用其他格式的文件。",
        observed="；".join(health.problems),
        expected="表格读出数字，正文陈述能对应到表格",
        locations=[Evidence(page=1 if report.meta.page_count else None, quote=report.meta.source)],
        category="extraction",
    )
