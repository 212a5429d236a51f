from __future__ import annotations

from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Severity
from auditor.model import Claim, Report
from auditor.narrative.relations import changes_by_role, signed_change, tolerance, vocab
from auditor.numbers import fmt


def _same_section(a: Claim, b: Claim) -> bool:
    return a.sentence.section_title == b.sentence.section_title and abs(a.sentence.index - b.sentence.index) <= 6


@register("NAR021", "narrative.change_parts_sum", "narrative")
def change_parts_sum(report: Report, ctx: CheckContext) -> None:
    """The changes of the parts add up to the change of the whole.

    **What it checks**: where a section states the change of a whole against last year and the
    change of each of its parts (the decompositions of NAR020: "三公"经费 and its three items,
    基本支出 and 人员 / 公用经费, 本年支出 and 基本 / 项目支出…), the signed part changes
    ("增加" +, "减少" −) must add up to the whole's change, within the figures' rounding.

    **Why it matters**: when the parts' changes do not make up the whole's, one of the stated
    changes (or last year's figure behind it) is wrong.

    **Bad example**: "“三公”经费比上年减少 3.00 万元……因公出国（境）费减少 1.00 万元，公务用车购置
    及运行维护费减少 1.00 万元，公务接待费增加 0.50 万元。" (−1.50, not −3.00)

    **Good example**: the same with 公务接待费减少 1.00 万元 (−3.00).

    **Basis**: DESIGN §3 (parent = Σ children holds for last year too, hence for the change).

    **检查内容**: 某节同时写出总数比上年的增减额及其各组成部分的增减额时（组成关系同 NAR020：“三公”
    经费及其三项、基本支出与人员经费/公用经费、本年支出与基本支出/项目支出等），各部分带符号的增减额
    （增加为正、减少为负）之和应等于总数的增减额（允许四舍五入误差）。

    **为何重要**: 各部分的增减合不成总数的增减，说明某个增减额（或其背后的上年数）有误。
    """
    changes = changes_by_role(report)
    if not changes:
        raise NotApplicable("正文没有写出金额的增减额")
    for rule in vocab()["decompositions"]:
        for role, whole in changes:
            if role != rule["whole"]:
                continue
            parts = []
            for part_role in rule["parts"]:
                found = next((c for r, c in changes if r == part_role and _same_section(whole, c)), None)
                if found is None:
                    break
                parts.append(found)
            else:
                ctx.comparisons += 1
                total = sum((signed_change(p) for p in parts), Decimal(0))
                expected = signed_change(whole)
                if abs(total - expected) <= tolerance([whole, *parts]):
                    continue
                listed = "、".join(f"“{p.subject}”{'增加' if p.direction == 'up' else '减少'}{p.raw}" for p in parts)
                ctx.add(
                    Severity.ERROR,
                    "各部分增减额之和与总数增减额不符",
                    f"“{whole.subject}”{'增加' if whole.direction == 'up' else '减少'}{whole.raw}，而{listed}，"
                    f"合计{'增加' if total >= 0 else '减少'}{fmt(abs(total))}万元。",
                    observed=f"{fmt(total)}万元",
                    expected=f"{fmt(expected)}万元",
                    locations=[sentence_evidence(whole)] + [sentence_evidence(p) for p in parts if p.sentence is not whole.sentence][:2],
                )
    if ctx.comparisons == 0:
        raise NotApplicable("正文没有同时写出总数及其各部分的增减额")
