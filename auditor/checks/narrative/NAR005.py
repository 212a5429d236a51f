from __future__ import annotations

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import same_item, same_subject, sentence_evidence
from auditor.checks.narrative.NAR004 import budget_for, outturn_for
from auditor.findings import Severity
from auditor.model import Report
from auditor.numbers import fmt

_WORDS = {"gt": "大于", "lt": "小于", "eq": "等于（持平）"}


@register("NAR005", "narrative.comparison_words", "narrative")
def comparison_words(report: Report, ctx: CheckContext) -> None:
    """Comparison words (大于 / 小于 / 等于 / 持平) agree with the numbers they compare.

    **What it checks**: "决算数大于（小于、等于、同…持平）年初预算数" is checked against the
    budget and outturn of the same sentence or numbered item, as the text prints them;
    "与上年持平" is checked against a change stated for the same item.

    **Why it matters**: a reader takes the word, not the arithmetic; "大于" where the outturn
    is smaller states the opposite of the facts.

    **Bad example**: "年初预算为 215.94 万元，支出决算为 208.09 万元，决算数大于年初预算数".

    **Good example**: "年初预算为 28.11 万元，支出决算为 28.11 万元 … 决算数同预算数持平".

    **Basis**: DESIGN §3 (every comparison word must agree with the numbers).

    **检查内容**: 将“决算数大于（小于、等于、同……持平）年初预算数”等表述，与同一句或同一编号条目
    中的预算数和决算数对照（按正文印出的数字比较）；“与上年持平”则与同一条目中写明的增减额对照，
    写有增减额却称持平的予以报告。

    **为何重要**: 读者看的是用语而不是算式；决算数较小却写“大于”，表述与事实正好相反。
    """
    claims = [c for c in report.claims if c.kind == "compare"]
    if not claims:
        raise NotApplicable("正文中没有比较用语")
    for claim in claims:
        if claim.basis == "上年":
            changes = [c for c in same_item(report, claim, ("growth",)) if c.value and same_subject(c.subject, claim.subject)]
            if changes:
                ctx.comparisons += 1
                ctx.add(
                    Severity.ERROR,
                    "“持平”与增减数矛盾",
                    f"正文称“{claim.raw}”，但同一处写有增减“{changes[0].raw}”。",
                    observed=claim.raw,
                    expected=changes[0].raw,
                    locations=[sentence_evidence(claim), sentence_evidence(changes[0])],
                )
            continue
        budget = budget_for(report, claim, claim.basis)
        outturn = outturn_for(report, claim, printed=True)
        if budget is None or outturn is None:
            continue
        ctx.comparisons += 1
        diff = outturn[0] - budget[0]
        # the author compared the printed figures: equal means equal as printed
        actual = "eq" if diff == 0 else ("gt" if diff > 0 else "lt")
        if actual == claim.direction:
            continue
        ctx.add(
            Severity.ERROR,
            "比较用语与数字不符",
            f"正文称“{claim.raw}”，但支出决算{fmt(outturn[0])}万元{_WORDS[actual]}{budget[2]}"
            f"{fmt(budget[0])}万元。",
            observed=claim.raw,
            expected=f"决算数{_WORDS[actual]}{budget[2]}数",
            locations=[sentence_evidence(claim)],
        )
