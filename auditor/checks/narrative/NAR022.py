from __future__ import annotations

import re
from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Severity
from auditor.model import Report
from auditor.narrative.relations import rate_links
from auditor.numbers import fmt

_LEVEL = re.compile(r"持平|相同|没有变化|无变化")


@register("NAR022", "narrative.change_words_agree", "narrative")
def change_words_agree(report: Report, ctx: CheckContext) -> None:
    """The words of a change agree with each other and with the figures.

    **What it checks**: for each rate with the change it belongs to (see NAR003): the change
    and the rate use words of the same direction ("增加…增长", not "增加…下降"); when the text
    states last year's figure too, the direction agrees with this year minus last year; a
    change called "持平" is zero. The direction words are data (auditor/narrative/vocab.yaml).

    **Why it matters**: one change described as both a rise and a fall, or a rise that is a
    fall in the figures, leaves the reader unable to tell what happened.

    **Bad example**: "公务接待费比上年增加 0.15 万元，下降 27.78%。"

    **Good example**: "公务接待费比上年减少 0.15 万元，下降 27.78%。"

    **Basis**: DESIGN §3 (comparison words must agree with the numbers they talk about).

    **检查内容**: 对每个增减率及其所属的增减额（见 NAR003）：增减额与增减率的用词方向一致（“增加……
    增长”，而不是“增加……下降”）；正文同时写出上年数时，方向应与本年数减上年数的符号一致；写“持平”的
    变化应为零。方向词汇见 auditor/narrative/vocab.yaml。

    **为何重要**: 同一变化既说增加又说下降，或说增加而数字其实减少，读者无从判断实际情况。
    """
    links = rate_links(report)
    if not links:
        raise NotApplicable("正文没有增减额与增减率")
    for link in links:
        ctx.comparisons += 1
        rate, change = link.rate, link.change
        if rate.direction and change.direction and rate.direction != change.direction and change.amount_wan:
            words = ("增加", "下降") if change.direction == "up" else ("减少", "增长")
            ctx.add(
                Severity.ERROR,
                "同一变化的增减用词相互矛盾",
                f"“{change.subject or rate.subject}”的增减额写作{words[0]}{change.raw}，增减率却写作{words[1]}{rate.raw}。",
                observed=f"{words[0]}…{words[1]}",
                expected="增加…增长 或 减少…下降",
                locations=[sentence_evidence(rate)],
            )
            continue
        if link.prior is not None and link.current is not None and change.amount_wan:
            actual = link.current - link.prior
            if abs(actual) > link.current_half + Decimal("0.01") and (actual > 0) != (change.direction == "up"):
                ctx.add(
                    Severity.ERROR,
                    "增减用词与数字方向相反",
                    f"本年{link.current_raw}、上年{link.prior_raw}，实际{'增加' if actual > 0 else '减少'}"
                    f"{fmt(abs(actual))}万元，正文却写作{'增加' if change.direction == 'up' else '减少'}{change.raw}。",
                    observed="增加" if change.direction == "up" else "减少",
                    expected="增加" if actual > 0 else "减少",
                    locations=[sentence_evidence(rate)],
                )
    for claim in report.claims:
        if claim.kind == "growth" and claim.amount_wan and _LEVEL.search(claim.sentence.text[claim.span[1] : claim.span[1] + 8]):
            ctx.comparisons += 1
            ctx.add(
                Severity.ERROR,
                "写作“持平”却有增减",
                f"“{claim.subject}”{claim.raw}的变化被写作持平。",
                observed=claim.raw,
                expected="持平即增减为0",
                locations=[sentence_evidence(claim)],
            )
