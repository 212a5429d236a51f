from __future__ import annotations

import re

from auditor.checks.base import CheckContext, register
from auditor.findings import Evidence, Severity
from auditor.model import Report

# (pattern, severity, title) — what a filled-in template must not keep
LEFTOVERS: tuple[tuple[re.Pattern[str], Severity, str], ...] = (
    (re.compile(r"(?<![A-Za-z])(?:[XＸ×xｘ]\s*){2,}(?![A-Za-z])|某某|待填写|待补充|（略）|此处填写|＊{2,}|\*{3,}"),
     Severity.ERROR, "模板占位符未替换"),
    (re.compile(r"按上述格式|作下述说明|如持平作持平表述|填报说明|仍保留该表格式|本部分内容(?:可)?不(?:需|用)?|删除此|此处|（仅有一个单位的部门"),
     Severity.WARNING, "模板说明文字未删除"),
    (re.compile(r"(增加|减少|增长|下降|上升|降低|大于|小于|高于|低于)[（(](增加|减少|增长|下降|上升|降低|大于|小于|高于|低于)[）)]"),
     Severity.WARNING, "模板备选用语未删除"),
    (re.compile(r"。。|，，|；；|、、|：：|，。|。，|；。"), Severity.WARNING, "标点重复"),
)


@register("TPL001", "template.leftovers", "template")
def leftovers(report: Report, ctx: CheckContext) -> None:
    """No template leftovers: placeholders, instructions, kept alternatives, doubled punctuation.

    **What it checks**: every text line for placeholders (XX, ×××, 某某, 待填写), the
    template's instructions ("按上述格式依次说明", "作下述说明", "如持平作持平表述",
    "仍保留该表格式"), alternatives kept side by side ("增加（减少）", "下降（增长）") and doubled
    punctuation ("。。", "，，").

    **Why it matters**: leftovers show the report was not finished; "下降（增长）27.78%" does
    not even say which way the figure moved.

    **Bad example**: "与 2023 年度相比，收入支出总计增加（减少）XXX 万元，增长（下降）XX%。"

    **Good example**: "与 2023 年度相比，收入支出总计增加 1062.85 万元，增长 12.08%。"

    **Basis**: DESIGN §3 (leftovers of the template); 部门决算公开模板 instructions.

    **检查内容**: 逐行检查是否残留模板内容：占位符（XX、×××、某某、待填写等）、模板填写说明
    （如“按上述格式依次说明”“作下述说明”“如持平作持平表述”“仍保留该表格式”）、并列保留的备选用语
    （如“增加（减少）”“下降（增长）”）以及重复标点（如“。。”“，，”）。

    **为何重要**: 残留模板内容说明报告没有编写完成；“下降（增长）”这样的表述连数字是增是减都没有
    说清。
    """
    seen: set[tuple[str, str]] = set()
    for line in report.lines:
        ctx.comparisons += 1
        for pattern, severity, title in LEFTOVERS:
            match = pattern.search(line.text)
            if not match or (title, line.text) in seen:
                continue
            seen.add((title, line.text))
            ctx.add(
                severity,
                title,
                f"“{match.group(0).strip()}”：{title}。",
                observed=match.group(0).strip(),
                expected="填写完整、删除模板说明",
                locations=[Evidence(page=line.location.page, line=line.location.line, quote=line.text,
                                    bbox=line.location.bbox)],
            )
