from __future__ import annotations

import re

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.findings import Evidence, Severity
from auditor.model import Report, Section
from auditor.outline import format_number, numbering_slips, sibling_groups, to_chinese


@register("STR004", "structure.section_numbering", "structure")
def section_numbering(report: Report, ctx: CheckContext) -> None:
    """Section numbers run 一、二、三… and （一）（二）… without repeats or gaps.

    **What it checks**: the 第X部分 parts, the 一、 headings within each part and the （一）
    headings under each 一、 heading count up by one. A number used twice where the next one
    belongs is reported once (as a repeat), not as a repeat plus a gap; a list that starts
    again at 一 (an attachment with its own numbering) is allowed. A "gap" whose missing
    numbers are printed inline before the heading (a heading that runs on after other text,
    or written with half-width brackets "(七)") is not a gap.

    **Why it matters**: a repeated or skipped number breaks the correspondence between the
    目录, the tables and the explanations, and signals a section lost or pasted twice.

    **Bad example**: 四、财政拨款… 五、一般公共预算财政拨款支出… 五、…基本支出… 七、“三公”经费…

    **Good example**: 四、… 五、… 六、…基本支出… 七、…

    **Basis**: 党政机关公文格式 (GB/T 9704) numbering of levels; DESIGN §3 (numbering).

    **检查内容**: 核对“第X部分”、各部分内的“一、”级标题以及各“一、”级标题下的“（一）”级标题是否
    逐一递增。应写下一个编号却重复了上一个编号的，只报告一次“重复”，不再另报“跳号”；附件等自成体
    系、从“一”重新编号的，不视为错误。所缺编号其实印在前文行内（标题接在其他文字之后，或用半角
    括号“(七)”）的，不算跳号。

    **为何重要**: 编号重复或跳号会打乱目录、表格与说明之间的对应关系，也往往意味着某一节内容缺失
    或被重复粘贴。
    """
    groups = sibling_groups(report.sections)
    if not groups:
        raise NotApplicable("正文中没有编号标题")
    ctx.comparisons += sum(len(g) for g in groups)
    for slip in numbering_slips(report.sections):
        section = slip.section
        if slip.kind == "gap" and section.level == 0 and _part_printed_without_number(report, slip.expected):
            continue  # the part is there, its heading just lacks "第X部分" (STR005 says so)
        if slip.kind == "gap" and _printed_inline(report, section, slip.expected, slip.found):
            continue  # the missing headings run on inline after other text, or use "(七)"
        found = section.number
        expected = format_number(section.level, slip.expected).rstrip("、")
        evidence = [Evidence(page=section.location.page, line=section.location.line, quote=section.heading,
                             bbox=section.location.bbox)]
        if slip.previous is not None:
            prev = slip.previous
            evidence.append(Evidence(page=prev.location.page, line=prev.location.line, quote=prev.heading,
                                     bbox=prev.location.bbox))
        if slip.kind == "duplicate":
            ctx.add(
                Severity.WARNING,
                "标题编号重复",
                f"标题“{section.heading}”的编号“{found}”与上一标题重复，按顺序应为“{expected}”。",
                observed=found,
                expected=expected,
                locations=evidence,
            )
        elif slip.kind == "gap":
            ctx.add(
                Severity.WARNING,
                "标题编号跳号",
                f"标题“{section.heading}”编号为“{found}”，按顺序应为“{expected}”，中间缺少编号。",
                observed=found,
                expected=expected,
                locations=evidence,
            )
        else:
            ctx.add(
                Severity.WARNING,
                "标题编号顺序错乱",
                f"标题“{section.heading}”编号为“{found}”，排在更大的编号之后，按顺序应为“{expected}”。",
                observed=found,
                expected=expected,
                locations=evidence,
            )


def _part_printed_without_number(report: Report, number: int) -> bool:
    """The 目录 lists part ``number`` and its title stands in the body as a plain line."""
    from auditor.model import numeral_value
    from auditor.outline import title_printed

    for entry in report.toc:
        if entry.level == 0 and numeral_value(entry.number) == number and entry.title:
            return title_printed(report, entry)
    return False


def _printed_inline(report: Report, section: Section, first: int, stop: int) -> bool:
    """Every number from ``first`` up to ``stop`` (exclusive) is printed between the previous
    heading of this level and this one, inside a line ("…如下：三、一般公共预算…") or with
    half-width brackets ("(七)"): the headings are there, the layout merely hid them."""
    index = next((i for i, s in enumerate(report.sections) if s is section), None)
    if index is None or section.level not in (1, 2):
        return False
    text = []
    for earlier in reversed(report.sections[:index]):
        text.append(earlier.heading)
        text.extend(p.text for p in earlier.paragraphs)
        if earlier.level <= section.level:
            break
    joined = "\n".join(text)
    for n in range(first, stop):
        numeral = to_chinese(n)
        if section.level == 1:
            pattern = rf"(?<![一二三四五六七八九十]){numeral}\s*[、.．]"
        else:
            pattern = rf"[（(]\s*{numeral}\s*[）)]"
        if not re.search(pattern, joined):
            return False
    return True
