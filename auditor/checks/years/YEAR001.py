from __future__ import annotations

import re

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Evidence, Severity
from auditor.model import Report, numeral_value

_FUTURE = re.compile(r"计划|预计|将|下一步|下一年|明年|目标|展望|至\s*20\d{2}")
_LAST_YEAR_OK = re.compile(r"上年|上一年|以前年度|结转|去年|相比|较|比|同比|成立|设立|组建|改革|调整|划转|自\s*20")
_YEAR_IN_HEADING = re.compile(r"((?:19|20)\d{2})\s*年")


@register("YEAR001", "years.report_year_consistent", "years")
def report_year_consistent(report: Report, ctx: CheckContext) -> None:
    """Statements about this year carry the report's year.

    **What it checks**: with the report year Y (the year the report names most), a
    sentence that states this year's facts must not carry another year: Y − 1 outside a
    comparison ("与 Y−1 年度相比", "比上年") or a history ("于…成立"), or a year after Y
    outside a plan. Part headings ("第二部分 Y年度部门决算表") must name Y.

    **Why it matters**: a wrong year ("2021 年部门决算汇总公开单位构成" in the 2022 report) is
    text left over from last year's report, and casts doubt on what else was not updated.

    **Bad example**: in the 2022 report, "本单位 2021 年部门决算汇总公开单位构成包括：本级。"

    **Good example**: "与 2023 年度相比，收入支出总计增加 1062.85 万元" in the 2024 report.

    **Basis**: DESIGN §3 (years: the report year everywhere it means "this year"; Y−1 only as 上年).

    **检查内容**: 以报告中出现最多的年份作为报告年度 Y。叙述本年情况的句子不应出现其他年份：Y−1
    只能用于比较（如“与 Y−1 年度相比”“比上年”）或沿革（如“于……成立”），晚于 Y 的年份只能用于计
    划、展望；各部分标题（如“第二部分 Y年度部门决算表”）中的年份必须是 Y。第四至第六部分（名词解
    释、附件等）不作年份限制。

    **为何重要**: 年份写错（如在本年报告中写上年的“部门决算汇总公开单位构成”）是沿用上年报告留下
    的文字，也让人怀疑其他内容是否都已更新。
    """
    year = report.meta.year
    if year is None:
        raise InsufficientData("未能确定报告年度")
    for section in report.sections:
        if section.level != 0:
            continue
        for match in _YEAR_IN_HEADING.finditer(section.heading):
            ctx.comparisons += 1
            if int(match.group(1)) != year:
                ctx.add(
                    Severity.ERROR,
                    "标题年度与报告年度不符",
                    f"标题“{section.heading}”写作{match.group(1)}年，报告年度为{year}年。",
                    observed=match.group(1),
                    expected=str(year),
                    locations=[Evidence(page=section.location.page, line=section.location.line,
                                        quote=section.heading, bbox=section.location.bbox)],
                )
    for claim in report.claims:
        if claim.kind != "year" or claim.value is None:
            continue
        if numeral_value(claim.sentence.part or "") in (4, 5, 6):
            continue  # 名词解释 and attachments speak of other years freely
        ctx.comparisons += 1
        value = int(claim.value)
        text = claim.sentence.text
        window = text[max(0, claim.span[0] - 8) : claim.span[1] + 6]
        if value == year - 1 and claim.basis != "compare" and not _LAST_YEAR_OK.search(window):
            ctx.add(
                Severity.WARNING,
                "本年度表述中出现上一年度",
                f"句中“{claim.raw}”为上一年度，而报告年度为{year}年；若指本年情况应为{year}年。",
                observed=claim.raw,
                expected=f"{year}年",
                locations=[sentence_evidence(claim)],
            )
        elif value > year and not _FUTURE.search(text):
            ctx.add(
                Severity.WARNING,
                "出现报告年度之后的年份",
                f"句中“{claim.raw}”晚于报告年度{year}年。",
                observed=claim.raw,
                expected=f"{year}年或更早",
                locations=[sentence_evidence(claim)],
            )
