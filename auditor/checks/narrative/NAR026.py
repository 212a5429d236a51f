from __future__ import annotations

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Severity
from auditor.model import Report
from auditor.narrative.relations import roled, tolerance, vocab

_NAMES = {
    "car_run": "公务用车运行维护费", "car_buy": "公务用车购置费", "car_total": "公务用车购置及运行维护费",
    "abroad": "因公出国（境）费", "reception": "公务接待费", "three_public": "“三公”经费",
    "personnel": "人员经费", "public": "公用经费", "basic": "基本支出", "running": "机关运行经费",
}


@register("NAR026", "narrative.part_within_total", "narrative")
def part_within_total(report: Report, ctx: CheckContext) -> None:
    """A figure that is part of another is never larger than it, anywhere in the narrative.

    **What it checks**: pairs of figures where one is by definition part of the other (公务用车
    运行维护费 and 购置费 ≤ 公务用车购置及运行维护费 ≤ "三公"经费; 因公出国（境）费, 公务接待费 ≤ "三公"
    经费; 人员经费, 公用经费, 机关运行经费 ≤ 基本支出; 机关运行经费 ≤ 公用经费), read from the
    narrative alone, wherever in it they are stated. The whole is taken at its largest stated
    value (a 财政拨款 figure may sit beside an all-funds one). The pairs are data
    (auditor/narrative/vocab.yaml); 机关运行经费 above 公用经费 is a warning (definitions vary by
    region), the others errors.

    **Why it matters**: a part above its whole cannot be true; one of the two was mistyped or
    taken from another year.

    **Bad example**: "公务用车购置及运行维护费 3.20 万元，其中：购置费 0 万元，运行维护费 5.30 万元。"

    **Good example**: "公务用车购置及运行维护费 5.30 万元，其中：购置费 0 万元，运行维护费 5.30 万元。"

    **Basis**: DESIGN §2 (人员经费 + 公用经费 = 基本支出) and §3 (parts never exceed their whole).

    **检查内容**: 按定义一个是另一个组成部分的数字（公务用车运行维护费、购置费 ≤ 公务用车购置及运行
    维护费 ≤ “三公”经费；因公出国（境）费、公务接待费 ≤ “三公”经费；人员经费、公用经费、机关运行经费 ≤
    基本支出；机关运行经费 ≤ 公用经费），只凭正文、不论写在何处，部分不得大于整体。整体取正文中写出的
    最大值（财政拨款口径与全部资金口径可能并存）。机关运行经费大于公用经费为警告（各地口径不一），其余
    为错误。

    **为何重要**: 部分大于整体不可能成立，说明其中一个数字写错了或取自其他年份。
    """
    figures = roled(report)
    if not figures:
        raise NotApplicable("正文没有可比较的金额")
    for part_role, whole_role, level in vocab()["containments"]:
        parts = [c for r, c in figures if r == part_role]
        wholes = [c for r, c in figures if r == whole_role]
        if not parts or not wholes:
            continue
        whole = max(wholes, key=lambda c: c.amount_wan or 0)
        for part in parts:
            ctx.comparisons += 1
            assert part.amount_wan is not None and whole.amount_wan is not None
            if part.amount_wan - whole.amount_wan <= tolerance([part, whole]):
                continue
            ctx.add(
                Severity.ERROR if level == "error" else Severity.WARNING,
                "部分大于整体",
                f"{_NAMES.get(part_role, part.subject)}（“{part.subject}”{part.raw}）大于"
                f"{_NAMES.get(whole_role, whole.subject)}（“{whole.subject}”{whole.raw}），而前者是后者的一部分。",
                observed=part.raw,
                expected=f"≤ {whole.raw}",
                locations=[sentence_evidence(part)] + ([sentence_evidence(whole)] if whole.sentence is not part.sentence else []),
            )
    if ctx.comparisons == 0:
        raise NotApplicable("正文没有同时写出部分与整体")
