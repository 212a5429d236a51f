from __future__ import annotations

import copy
import re

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.codes import compact
from auditor.findings import Evidence, Severity
from auditor.model import Report, TocEntry
from auditor.outline import match_toc, numbering_slips, title_printed, toc_parts


@register("STR005", "structure.toc_matches_headings", "structure")
def toc_matches_headings(report: Report, ctx: CheckContext) -> None:
    """The 目录 lists the headings of the body, with the same numbers and titles.

    **What it checks**: each 目录 entry (parts, 一、 sections, and the table list) has a
    heading (or table) in the body with the same number and title; each body heading of a
    level the 目录 lists appears in it. A number that differs only because the body heading
    repeats a number (reported by STR004) is not reported again here.

    **Why it matters**: readers navigate by the 目录; an entry with no section, or a section
    missing from the 目录, hides content or promises content that is not there.

    **Bad example**: 目录 "十五、其他重要事项说明" while the body has no such section; or the body
    heading "十一、其他重要事项的情况说明" under the 目录's "十一、其他重要事项说明" (wording).

    **Good example**: 目录 and body both read "六、一般公共预算财政拨款基本支出决算情况说明".

    When the 目录 never ends (no page numbers, no page break) and body lines were read as
    entries, the 目录 proper is cut where the numbering restarts or a line reads as a sentence,
    and ONE warning says so instead of one per body line.

    **Basis**: DESIGN §3 (目录 = headings).

    **检查内容**: 目录中的每一项（各部分、“一、”级标题及表格清单）都应在正文中有编号和标题相同的
    标题（或表格）；目录所列层级的正文标题也都应列入目录。仅因正文标题编号重复（已由 STR004 报
    告）造成的编号差异，这里不再重复报告。

    **为何重要**: 读者按目录查找内容；目录项在正文中找不到，或正文章节未列入目录，会遗漏内容，或
    使目录列出并不存在的内容。
    """
    if not report.toc:
        raise NotApplicable("报告没有目录")
    region = toc_region(report.toc)
    if len(region) < len(report.toc):
        # the 目录 never ended: body lines were read as 目录 entries. Judge the 目录 proper only.
        body_start = report.toc[len(region)]
        ctx.comparisons += 1
        ctx.add(
            Severity.WARNING,
            "目录之后的正文被读作目录",
            f"目录没有明确的结束位置（如页码或分页），自“{body_start.text[:30]}”起的{len(report.toc) - len(region)}"
            "行正文被读成了目录条目，正文标题因此无法与目录逐项核对；请检查原文的目录排版。",
            observed=f"目录{len(report.toc)}项，其中{len(report.toc) - len(region)}项为正文",
            expected="目录只列标题",
            locations=[Evidence(page=body_start.location.page, line=body_start.location.line,
                                quote=body_start.text, bbox=body_start.location.bbox)],
        )
        if len(report.sections) < len(region) // 2:
            return  # the body's headings are inside the misread 目录: nothing to compare with
        report = copy.copy(report)
        report.toc = region
    slipped = {id(s.section) for s in numbering_slips(report.sections)}
    matches = match_toc(report)
    matched_sections = set()
    for match in matches:
        entry = match.entry
        ctx.comparisons += 1
        where = Evidence(page=entry.location.page, line=entry.location.line, quote=entry.text,
                         bbox=entry.location.bbox)
        if match.table_title is not None:
            continue
        section = match.section
        if section is None and entry.level == 0 and _printed_as_line(report, entry):
            ctx.add(
                Severity.INFO,
                "正文部分标题未印编号",
                f"目录列有“{entry.text}”，正文中该部分的标题未印“{entry.number}”。",
                observed="正文标题无部分编号",
                expected=entry.text,
                locations=[where],
            )
            continue
        if section is None:
            ctx.add(
                Severity.WARNING,
                "目录项在正文中找不到",
                f"目录列有“{entry.text}”，正文中未找到对应标题。",
                observed="正文无此标题",
                expected=entry.text,
                locations=[where],
            )
            continue
        matched_sections.add(id(section))
        body = Evidence(page=section.location.page, line=section.location.line, quote=section.heading,
                        bbox=section.location.bbox)
        if section.ordinal != _ordinal(entry.number) and id(section) not in slipped:
            ctx.add(
                Severity.WARNING,
                "目录编号与正文不一致",
                f"目录“{entry.text}”在正文中编号为“{section.number}”。",
                observed=section.number,
                expected=entry.number,
                locations=[where, body],
            )
        elif compact(section.title) != compact(entry.title) and entry.level > 0:
            ctx.add(
                Severity.INFO,
                "目录与正文标题文字不同",
                f"目录“{entry.text}”与正文标题“{section.heading}”文字不完全一致。",
                observed=section.heading,
                expected=entry.text,
                locations=[where, body],
            )
    levels_by_part: dict[str, set[int]] = {}
    for entry, part in toc_parts(report.toc):
        if entry.level >= 1:
            levels_by_part.setdefault(part, set()).add(entry.level)
    for section in report.sections:
        if section.level < 1 or id(section) in matched_sections:
            continue
        if section.level not in levels_by_part.get(section.part, set()):
            continue
        ctx.comparisons += 1
        ctx.add(
            Severity.WARNING,
            "正文标题未列入目录",
            f"正文标题“{section.heading}”未列入目录。",
            observed=section.heading,
            expected="目录中有对应条目",
            locations=[Evidence(page=section.location.page, line=section.location.line, quote=section.heading,
                                bbox=section.location.bbox)],
        )


def _ordinal(number: str) -> int | None:
    from auditor.model import numeral_value

    return numeral_value(number)


def _printed_as_line(report: Report, entry: TocEntry) -> bool:
    return title_printed(report, entry)


_SENTENCE_LIKE = re.compile(r"[。；]|[，,].{12,}")


def toc_region(entries: list[TocEntry]) -> list[TocEntry]:
    """The 目录 proper: its entries up to where the body starts again — an entry whose number
    restarts at its level ("一、" after "十一、"), or a line that reads as body text (a sentence)."""
    last: dict[int, int] = {}
    for index, entry in enumerate(entries):
        ordinal = _ordinal(entry.number)
        if _SENTENCE_LIKE.search(entry.text) and index > 0:
            return entries[:index]
        if ordinal is not None:
            if entry.level in last and ordinal <= last[entry.level] and entry.level <= 1:
                return entries[:index]
            last[entry.level] = ordinal
            for deeper in [lvl for lvl in last if lvl > entry.level]:
                del last[deeper]
    return entries
