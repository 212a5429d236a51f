from __future__ import annotations

import re

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.findings import Evidence, Severity
from auditor.model import Location, Report

_ITEM = re.compile(r"^\s*(\d{1,2})\s*[、.．](?!\d)")


@register("NAR030", "narrative.list_numbering", "narrative")
def list_numbering(report: Report, ctx: CheckContext) -> None:
    """Numbered lists inside a section run 1、2、3… without a gap.

    **What it checks**: the paragraphs of one section that start with "1、" / "1." …: each number
    is one more than the one before (a list may start again at 1); numbers printed inline in
    the paragraph before ("2.收入决算表3.支出决算表…") are not missing. Gaps and repeats in 一、 and
    （一） headings are STR004's.

    **Why it matters**: a skipped number usually means an item (a project, an indicator) was
    deleted or lost in the layout.

    **Bad example**: "1、办公费 2.10 万元……2、印刷费 0.50 万元……4、差旅费 1.20 万元……"

    **Good example**: "1、办公费……2、印刷费……3、差旅费……"

    **Basis**: DESIGN §3 (numbering without gaps or repeats).

    **检查内容**: 同一节中以“1、”“1.”等开头的段落，编号应逐一递增（可以从 1 重新开始）；印在上一段行内的编号不算缺号。“一、”“（一）”
    级标题的跳号与重复由 STR004 检查。

    **为何重要**: 跳号往往意味着某一项（项目、指标）被删掉或在排版中丢失。
    """
    seen = False
    for items in _lists(report):
        previous = 0
        text_before = ""
        for number, text, location in items:
            seen = True
            ctx.comparisons += 1
            inline = all(re.search(rf"(?<!\d){n}\s*[、.．](?!\d)", text_before) for n in range(previous + 1, number))
            if number > previous + 1 and previous and number != 1 and not inline:
                ctx.add(
                    Severity.WARNING,
                    "列表编号跳号",
                    f"列表编号从{previous}跳到{number}（“{text[:20]}”），缺少"
                    + "、".join(str(n) for n in range(previous + 1, number)) + "。",
                    observed=str(number),
                    expected=str(previous + 1),
                    locations=[Evidence(page=location.page, line=location.line, quote=text[:120], bbox=location.bbox)],
                )
            previous = number
            text_before = text
    if not seen:
        raise NotApplicable("正文没有编号列表")


def _lists(report: Report) -> list[list[tuple[int, str, Location]]]:
    """Numbered items: level-3 headings under one parent, and numbered paragraphs of a section."""
    result: list[list[tuple[int, str, Location]]] = []
    headings: list[tuple[int, str, Location]] = []
    for section in report.sections:
        if section.level < 3:
            if headings:
                result.append(headings)
            headings = []
        elif section.ordinal is not None:
            body = " ".join([section.heading] + [p.text for p in section.paragraphs])
            headings.append((section.ordinal, body, section.location))
        paragraphs = []
        for paragraph in section.paragraphs:
            match = _ITEM.match(paragraph.text)
            if match:
                paragraphs.append((int(match.group(1)), paragraph.text, paragraph.location))
        if paragraphs:
            result.append(paragraphs)
    if headings:
        result.append(headings)
    return result
