from __future__ import annotations

from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.checks.narrative.NAR006 import parts_lists
from auditor.findings import Severity
from auditor.model import Claim, Report
from auditor.narrative.relations import rate_links
from auditor.numbers import fmt

# a figure this many times its comparator is a unit slip (元 printed as 万元 is 10000×;
# 千元 1000×), not a real change
_SLIP = Decimal(500)


def _factor(ratio: Decimal) -> str:
    for factor in (10000, 1000):
        if Decimal(factor) / 3 <= ratio <= Decimal(factor) * 3:
            return f"约{factor}倍"
    return f"{fmt(ratio)}倍"


@register("NAR023", "narrative.unit_magnitude", "narrative")
def unit_magnitude(report: Report, ctx: CheckContext) -> None:
    """A figure is not a thousand or ten thousand times its comparators (a unit slip).

    **What it checks**: a stated last-year figure against this year's figure (and the other
    way), each "其中" part against its whole, and a figure in a list of three or more whose
    unit differs from its peers': a ratio of 500 or more (typically ~1000× or ~10000×: 元
    printed as 万元, 亿元 inside a list of 万元 figures) is reported as a likely unit slip.

    **Why it matters**: a figure in the wrong unit is off by three or four orders of magnitude;
    every rate and share computed from it is meaningless.

    **Bad example**: "公务接待费 1.29 万元，比上年决算数 12900.00 万元减少 12898.71 万元" (上年 12900
    元 printed as 万元).

    **Good example**: "公务接待费 1.29 万元，比上年决算数 1.55 万元减少 0.26 万元".

    **Basis**: DESIGN §3 (units: an amount in the wrong unit is a slip).

    **检查内容**: 正文写出的上年数与本年数相比（以及反过来），“其中”各分项与其总数相比，同一句中
    三个以上金额里单位与众不同的那一个与其他各项相比：相差 500
    倍以上（通常约 1000 倍或 10000 倍，即把元写成万元、在万元数字中混入亿元）的，报告为疑似单位错误。

    **为何重要**: 单位写错的数字差了三四个数量级，由它算出的增减率、占比都失去意义。
    """
    links = [link for link in rate_links(report) if link.prior is not None and link.current is not None]
    lists = parts_lists(report)
    for link in links:
        ctx.comparisons += 1
        assert link.prior is not None and link.current is not None
        low, high = sorted((link.prior, link.current))
        if low > 0 and high / low >= _SLIP:
            ctx.add(
                Severity.WARNING,
                "数字量级异常，疑为单位错误",
                f"本年{link.current_raw}与上年{link.prior_raw}相差{_factor(high / low)}，疑为单位写错（如把元写成万元）。",
                observed=f"{link.prior_raw} / {link.current_raw}",
                expected="同一项目两年的数字量级相近",
                locations=[sentence_evidence(link.rate)],
            )
    listed = {id(p) for _, parts in lists for p in parts}
    for whole, parts in lists:
        assert whole.amount_wan is not None
        for part in parts:
            ctx.comparisons += 1
            if part.amount_wan is None or whole.amount_wan <= 0:
                continue
            ratio = part.amount_wan / whole.amount_wan
            if ratio >= _SLIP:
                ctx.add(
                    Severity.ERROR,
                    "分项是总数的上千倍，疑为单位错误",
                    f"“{part.subject}”{part.raw}是“{whole.subject}”{whole.raw}的{_factor(ratio)}，疑为单位写错。",
                    observed=part.raw,
                    expected=f"不超过{whole.raw}",
                    locations=[sentence_evidence(part)],
                )
    _peers(report, ctx, listed)
    if ctx.comparisons == 0:
        raise NotApplicable("正文没有上年数、“其中”分项或成列的金额可比")


def _peers(report: Report, ctx: CheckContext, listed: set[int]) -> None:
    """A list of three or more money figures in one sentence, one of them in another unit and
    a thousand times the others ("A 12.30 万元；B 8.20 万元；C 10.50 亿元")."""
    by_sentence: dict[int, list[Claim]] = {}
    for claim in report.claims:
        if claim.kind in ("amount", "outturn") and claim.amount_wan is not None and claim.amount_wan > 0:
            by_sentence.setdefault(id(claim.sentence), []).append(claim)
    for claims in by_sentence.values():
        units = {c.unit for c in claims}
        if len(claims) < 3 or len(units) < 2:
            continue
        for odd in claims:
            peers = sorted(c.amount_wan for c in claims if c.unit != odd.unit and c.amount_wan is not None)
            if len(peers) < 2 or sum(1 for c in claims if c.unit == odd.unit) > 1 or id(odd) in listed:
                continue
            ctx.comparisons += 1
            median = peers[len(peers) // 2]
            ratio = odd.amount_wan / median if median and odd.amount_wan is not None else Decimal(0)
            if ratio >= _SLIP or (ratio and 1 / ratio >= _SLIP):
                ctx.add(
                    Severity.WARNING,
                    "数字量级异常，疑为单位错误",
                    f"同一句中其他金额以{next(c.unit for c in claims if c.unit != odd.unit)}计，"
                    f"“{odd.subject}”{odd.raw}与它们相差{_factor(max(ratio, 1 / ratio))}，疑为单位写错。",
                    observed=odd.raw,
                    expected="与同列各项单位一致",
                    locations=[sentence_evidence(odd)],
                )
