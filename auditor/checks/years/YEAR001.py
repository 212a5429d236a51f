from __future__ import annotations

import re

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Evidence, Severity
from auditor.model import Report, numeral_value

_FUTURE = re.compile(r"计划|预计|将|下一步|下一年|明年|目标|展望|至\s*20\d{2}")
_COMPARE_BEFORE = re.compile(r"(?:比|较|与|同|对比|相比|上年|上一年|以前年度|自|从|于)\s*$")
# after the year: the report itself ("年度部门决算", "年部门决算汇总公开", "年度决算说明"), not a
# comparison figure ("年决算数")
_NAMES_REPORT_AFTER = re.compile(r"\s*年?度?\s*(?:部门|单位)?(?:决算|预算)(?!数)(?:汇总|公开|说明|情况|报告|编制|单位构成)?")
_HEADING_NAMES_REPORT = re.compile(r"[^，,；;]{0,12}?(?:决算|预算)(?!数)")
_YEAR_IN_HEADING = re.compile(r"((?:19|20)\d{2})\s*年")


@register("YEAR001", "years.report_year_consistent", "years")
def report_year_consistent(report: Report, ctx: CheckContext) -> None:
    """Statements about this year carry the report's year.

    **What it checks**: with the report year Y, a year is judged by what its sentence says:
    a year that names this report itself ("Y年度部门决算汇总公开单位构成", "Y年决算说明") must be
    Y; so must the year of a part heading ("第二部分 Y年度部门决算表") and of a section heading
    that names the accounts ("四、Y年决算收支总体情况"). A comparison with the prior year ("比
    Y−1 年决算数"), a year inside a document title (《…》), a history ("于…成立"), an
    explanation of what happened last year and a plan date are normal and not flagged.

    **Why it matters**: a wrong year ("2021 年部门决算汇总公开单位构成" in the 2022 report) is
    text left over from last year's report, and casts doubt on what else was not updated.

    **Bad example**: in the 2022 report, "本单位 2021 年部门决算汇总公开单位构成包括：本级。"

    **Good example**: "与 2023 年度相比，收入支出总计增加 1062.85 万元" in the 2024 report.

    **Basis**: DESIGN §3 (years: the report year everywhere it means "this year"; Y−1 only as 上年).

    **检查内容**: 按句子的意思判断年份：指本报告本身的年份（如“Y年度部门决算汇总公开单位构成”
    “Y年决算说明”）必须是报告年度 Y；各部分标题（如“第二部分 Y年度部门决算表”）和指明决算的节
    标题（如“四、Y年决算收支总体情况”）中的年份也必须是 Y。与上年比较（“比 Y−1 年决算数”）、
    文件标题（《……》）中的年份、沿革（“于……成立”）、对上年情况的解释和计划日期都属正常。第
    四至第六部分（名词解释、附件等）不作年份限制。

    **为何重要**: 年份写错（如在本年报告中写上年的“部门决算汇总公开单位构成”）是沿用上年报告留下
    的文字，也让人怀疑其他内容是否都已更新。
    """
    year = report.meta.year
    if year is None:
        raise InsufficientData("未能确定报告年度")
    for section in report.sections:
        if section.level not in (0, 1, 2):
            continue
        if section.level == 0:
            heading = section.heading
        else:
            # "四、2016年决算收支总体情况2016年…": headings often run on into the body; judge
            # the heading's own words only
            heading = re.split(r"[。：:]", section.heading, maxsplit=1)[0][:24]
        for match in _YEAR_IN_HEADING.finditer(heading):
            ctx.comparisons += 1
            if int(match.group(1)) == year:
                continue
            if section.level != 0 and (_in_title(heading, match.start()) or _COMPARE_BEFORE.search(heading[: match.start()])
                                       or not _HEADING_NAMES_REPORT.match(heading, match.end())):
                continue
            ctx.add(
                Severity.ERROR,
                "标题年度与报告年度不符",
                f"标题“{heading}”写作{match.group(1)}年，报告年度为{year}年。",
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
        if value == year:
            continue
        text = claim.sentence.text
        # judged by what the sentence says: only a year that names this report itself
        # ("2021 年部门决算汇总公开单位构成") is wrong; a comparison with the prior year, a year
        # in a document title, a history or a plan date is normal
        if _in_title(text, claim.span[0]) or _COMPARE_BEFORE.search(text[max(0, claim.span[0] - 8) : claim.span[0]]):
            continue
        if not _NAMES_REPORT_AFTER.match(text, claim.span[1]):
            continue
        if value > year and _FUTURE.search(text):
            continue
        ctx.add(
            Severity.WARNING,
            "本年度表述中出现其他年度",
            f"句中“{claim.raw}”指本报告，而报告年度为{year}年；应为{year}年。",
            observed=claim.raw,
            expected=f"{year}年",
            locations=[sentence_evidence(claim)],
        )


def _in_title(text: str, position: int) -> bool:
    """Inside 《…》 (a document's title) or “…” (a name)."""
    for opener, closer in (("《", "》"), ("“", "”")):
        start = text.rfind(opener, 0, position)
        end = text.find(closer, start)
        if start >= 0 and (end < 0 or end >= position):
            return True
    return False
