from __future__ import annotations

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Severity
from auditor.model import Claim, Report
from auditor.narrative.relations import parts_gap, roled, stated_parts, vocab
from auditor.numbers import fmt


def decomposition_groups(report: Report) -> list[tuple[Claim, list[Claim]]]:
    """(whole, parts) for each complete decomposition the narrative states: the whole and every
    part of a rule in vocab.yaml, the parts in the whole's sentence or the two after it."""
    figures = roled(report)
    roles = {id(c): r for r, c in figures}
    claims = [c for _, c in figures]
    groups = []
    for rule in vocab()["decompositions"]:
        tests = [lambda c, part=part: roles[id(c)] == part for part in rule["parts"]]
        for role, whole in figures:
            if role != rule["whole"]:
                continue
            parts = stated_parts(whole, claims, tests)
            if all(p is not None for p in parts):
                groups.append((whole, [p for p in parts if p is not None]))
    return groups


@register("NAR020", "narrative.parts_sum_to_whole", "narrative")
def parts_sum_to_whole(report: Report, ctx: CheckContext) -> None:
    """The stated parts of a figure add up to the stated whole.

    **What it checks**: where the narrative states a whole and all its parts (基本支出 = 人员经费 +
    公用经费; 本年支出 = 基本支出 + 项目支出; "三公"经费 = 因公出国（境）费 + 公务用车购置及运行维护费
    + 公务接待费; 公务用车购置及运行维护费 = 购置费 + 运行维护费; 政府采购 = 货物 + 工程 + 服务), in one
    sentence or the two after it, the parts must add up to the whole. Rounding per DESIGN §4:
    the gap is an error only when it exceeds the sum of the figures' rounding radii; a smaller
    non-zero gap is a rounding note. The decompositions are data (auditor/narrative/vocab.yaml).

    **Why it matters**: a whole that its own parts do not make up means one of the figures was
    not updated or mistyped; readers add them up.

    **Bad example**: "基本支出500万元，其中人员经费350万元、公用经费120万元。"

    **Good example**: "基本支出500万元，其中人员经费380万元、公用经费120万元。"

    **Basis**: DESIGN §2 (基本支出 = 人员经费 + 公用经费) and §3 (parts = whole), §4 (rounding).

    **检查内容**: 正文同时写出总数及其全部组成部分时（基本支出 = 人员经费 + 公用经费；本年支出 =
    基本支出 + 项目支出；“三公”经费 = 因公出国（境）费 + 公务用车购置及运行维护费 + 公务接待费；公务用
    车购置及运行维护费 = 购置费 + 运行维护费；政府采购 = 货物 + 工程 + 服务），在同一句或其后两句内，
    各部分之和应等于总数。按 DESIGN §4 处理四舍五入：差额超过各数字舍入误差之和才算错误，较小的非
    零差额作为尾差提示。

    **为何重要**: 总数与其组成部分对不上，说明某个数字没有更新或写错了；读者会自己加总核对。
    """
    groups = decomposition_groups(report)
    if not groups:
        raise NotApplicable("正文没有同时写出总数及其全部组成部分")
    for whole, parts in groups:
        ctx.comparisons += 1
        total, gap, bound = parts_gap(whole, parts)
        if gap == 0:
            continue
        listed = "、".join(f"“{p.subject}”{p.raw}" for p in parts)
        evidence = [sentence_evidence(whole)] + [sentence_evidence(p) for p in parts if p.sentence is not whole.sentence][:2]
        if abs(gap) <= bound:
            ctx.add(Severity.INFO, "分项之和与总数有尾差",
                    f"“{whole.subject}”为{whole.raw}，{listed}合计{fmt(total)}万元，相差{fmt(gap)}万元，在四舍五入误差之内。",
                    observed=f"{fmt(total)}万元", expected=whole.raw, locations=evidence, category="rounding")
            continue
        ctx.add(
            Severity.ERROR,
            "分项之和与总数不符",
            f"“{whole.subject}”为{whole.raw}，{listed}合计{fmt(total)}万元，相差{fmt(gap)}万元。",
            observed=f"分项合计 {fmt(total)}万元",
            expected=whole.raw,
            locations=evidence,
        )
