from __future__ import annotations

from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import (
    cell_ref_evidence,
    fmt_pct,
    overlaps,
    printed_interval,
    rate_slip_severity,
    ratio_interval,
    sentence_evidence,
    table_half,
    table_value,
    text_half_wan,
)
from auditor.findings import Severity
from auditor.model import Claim, Report
from auditor.numbers import fmt


def _current(report: Report, claim: Claim) -> tuple[Decimal, Decimal] | None:
    """This year's figure of the growth claim's subject: its table cell, else the text."""
    if claim.target is not None and claim.target.amount is not None:
        return table_value(claim.target), table_half(claim.target)  # type: ignore[return-value]
    candidates = [
        c for c in report.claims
        if c.kind in ("amount", "outturn") and c.subject == claim.subject and c.amount_wan is not None
        and 0 <= claim.sentence.index - c.sentence.index <= 1
    ]
    if not candidates:
        return None
    best = candidates[-1]
    return best.amount_wan, text_half_wan(best)  # type: ignore[return-value]


def _change(report: Report, claim: Claim) -> Claim | None:
    for c in report.claims:
        if c.sentence is claim.sentence and c.kind == "growth" and c.unit in ("万元", "元", "亿元") and c.subject == claim.subject:
            return c
    return None


@register("NAR003", "narrative.growth_recomputed", "narrative")
def growth_recomputed(report: Report, ctx: CheckContext) -> None:
    """A growth or decline rate equals change ÷ last year, and is not computed from zero.

    **What it checks**: "增加 X 万元，增长 Y%" is recomputed: last year = this year's figure (its
    table cell, or the text) minus the change (plus it for a decrease), and Y must equal
    change ÷ last year within the printed precision (interval rounding). A rate stated when
    last year was zero ("增加 307.82 万元，增长 100%" for a department created this year) is
    an error of construction: growth from a zero base is undefined.

    **Why it matters**: growth rates are the headline of the 情况说明; a rate that does not
    follow from the amounts means one of them is wrong.

    **Bad example**: "机关运行经费支出 14.58 万元，比上年增加 2.72 万元，增长 69.2%" (22.93%).

    **Good example**: "收入支出总计 9859.38 万元 … 增加 1062.85 万元，增长 12.08%".

    **Basis**: DESIGN §3 (growth = (this − last) / last; "增长 100%" from a zero base is wrong by
    construction).

    **检查内容**: 重新计算“增加 X 万元，增长 Y%”：上年数 = 本年数（取表中单元格，或正文数字）减
    去增加额（减少时加上减少额），Y 应在印刷精度内（按区间计算四舍五入误差）等于增减额 ÷ 上年
    数。上年数为零时仍写出增长率（如当年新设立的部门写“增长 100%”）属于计算口径错误：以零为基数
    的增长率没有意义。

    **为何重要**: 增减率是情况说明的重点内容；增减率与金额对不上，说明其中某个数字有误。
    """
    rates = [c for c in report.claims if c.kind == "growth" and c.unit in ("%", "") and c.value is not None]
    if not rates:
        raise NotApplicable("正文中没有增减率")
    for claim in rates:
        change = _change(report, claim)
        current = _current(report, claim)
        if change is None or current is None or change.amount_wan is None:
            continue
        ctx.comparisons += 1
        sign = Decimal(1) if change.direction == "up" else Decimal(-1)
        base = current[0] - sign * change.amount_wan
        base_err = current[1] + text_half_wan(change)
        evidence = [sentence_evidence(claim)] + ([cell_ref_evidence(claim.target)] if claim.target else [])
        if abs(base) <= base_err:
            ctx.add(
                Severity.ERROR,
                "上年数为零却计算增长率",
                f"“{claim.subject}”本年{fmt(current[0])}万元，{'增加' if sign > 0 else '减少'}{change.raw}，"
                f"上年数为0，增长率无从计算，正文却称{claim.raw}。",
                observed=claim.raw,
                expected="上年为0时不计算增长率（可表述为“上年无此项支出”）",
                locations=evidence,
            )
            continue
        interval = ratio_interval(change.amount_wan, text_half_wan(change), base, base_err)
        if interval is None or overlaps(printed_interval(claim), interval):
            continue
        computed = change.amount_wan / base * 100
        severity, note = rate_slip_severity(claim, interval)
        ctx.add(
            severity,
            "增减率计算有误",
            f"“{claim.subject}”本年{fmt(current[0])}万元，{'增加' if sign > 0 else '减少'}{change.raw}，"
            f"上年应为{fmt(base)}万元，增减率应为{fmt_pct(computed)}，正文为{claim.raw}{note}。",
            observed=claim.raw,
            expected=fmt_pct(computed),
            locations=evidence,
        )
