from __future__ import annotations

from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import (
    cell_ref_evidence,
    fmt_pct,
    half,
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
from auditor.model import Report
from auditor.narrative.relations import rate_links
from auditor.numbers import fmt


@register("NAR003", "narrative.growth_recomputed", "narrative")
def growth_recomputed(report: Report, ctx: CheckContext) -> None:
    """A growth or decline rate equals change ÷ last year, and is not computed from zero.

    **What it checks**: "增加 X 万元，增长 Y%" is recomputed: last year = the figure the text
    gives for last year ("比2014年决算数 A 万元增加…"), else this year's figure (its table cell, or
    the line the change belongs to: the nearest figure before it that is not a parenthesised
    "其中" part, including one printed without a unit) minus the change (plus it for a
    decrease), and Y must equal change ÷ last year within the printed precision (interval
    rounding). A wrong rate is also recomputed on the other base: the finding says when the
    report divided by this year's figure, or printed last year's figure as the change. A rate stated when
    last year was zero ("增加 307.82 万元，增长 100%" for a department created this year) is
    an error of construction: growth from a zero base is undefined.

    **Why it matters**: growth rates are the headline of the 情况说明; a rate that does not
    follow from the amounts means one of them is wrong.

    **Bad example**: "机关运行经费支出 14.58 万元，比上年增加 2.72 万元，增长 69.2%" (22.93%).

    **Good example**: "收入支出总计 9859.38 万元 … 增加 1062.85 万元，增长 12.08%".

    **Basis**: DESIGN §3 (growth = (this − last) / last; "增长 100%" from a zero base is wrong by
    construction).

    **检查内容**: 重新计算“增加 X 万元，增长 Y%”：正文写明上年数（“比2014年决算数 A 万元增加……”）
    时取上年数；否则上年数 = 本年数（取表中单元格，或增减额所属的那一行：其前最近的、不在括号
    “其中”说明里的金额，未写单位的也算）减去增加额（减少时加上减少额），Y 应在印刷精度内（按区间计算四舍五入误差）等于增减额 ÷ 上年
    数。上年数为零时仍写出增长率（如当年新设立的部门写“增长 100%”）属于计算口径错误：以零为基数
    的增长率没有意义。不符时再按另一口径计算：说明正文是用本年数作分母，还是把上年数写成了增减额。

    **为何重要**: 增减率是情况说明的重点内容；增减率与金额对不上，说明其中某个数字有误。
    """
    rates = [c for c in report.claims if c.kind == "growth" and c.unit in ("%", "") and c.value is not None]
    if not rates:
        raise NotApplicable("正文中没有增减率")
    links = {id(link.rate): link for link in rate_links(report)}
    for claim in rates:
        link = links.get(id(claim))
        if link is None or link.change.amount_wan is None:
            continue
        change = link.change
        sign = Decimal(1) if change.direction == "up" else Decimal(-1)
        assert claim.value is not None and change.amount_wan is not None
        if link.prior is not None:
            base, base_err = link.prior, half(2)
            current = link.current if link.current is not None else link.prior + sign * change.amount_wan
            current_err = link.current_half
        else:
            if claim.target is not None and claim.target.amount is not None:
                current, current_err = table_value(claim.target), table_half(claim.target)  # type: ignore[assignment]
            else:
                assert link.current is not None
                current, current_err = link.current, link.current_half
            base = current - sign * change.amount_wan
            base_err = current_err + text_half_wan(change)
        ctx.comparisons += 1
        evidence = [sentence_evidence(claim)] + ([cell_ref_evidence(claim.target)] if claim.target else [])
        subject = link.subject or claim.subject or change.subject or claim.sentence.item
        word = "增加" if sign > 0 else "减少"
        if change.amount_wan == 0 and claim.value == 0:
            continue  # "增加 0 万元，增长 0%": no change, whatever the base
        if abs(base) <= base_err:
            ctx.add(
                Severity.ERROR,
                "上年数为零却计算增长率",
                f"“{subject}”本年{fmt(current)}万元，{word}{change.raw}，"
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
        # which base did the report use? change ÷ this year, or the change printed in place of last year
        on_current = ratio_interval(change.amount_wan, text_half_wan(change), current, current_err)
        swapped = ratio_interval(current - change.amount_wan, current_err + text_half_wan(change),
                                 change.amount_wan, text_half_wan(change))
        if on_current is not None and overlaps(printed_interval(claim), on_current):
            severity, note = Severity.ERROR, f"；正文的{claim.raw}是用增减额除以本年数（{fmt(current)}万元）得出的，应除以上年数"
        elif swapped is not None and overlaps(printed_interval(claim), swapped) and sign > 0:
            severity = Severity.ERROR
            note = (f"；正文的{claim.raw}与“上年{change.raw}、本年{fmt(current)}万元”相符，"
                    f"所写增加额{change.raw}疑为上年数，增加额应为{fmt(current - change.amount_wan)}万元")
        prior_text = f"上年{link.prior_raw}" if link.prior is not None else f"上年应为{fmt(base)}万元"
        ctx.add(
            severity,
            "增减率计算有误",
            f"“{subject}”本年{fmt(current)}万元，{word}{change.raw}，{prior_text}，"
            f"按增减额÷上年数计算增减率应为{fmt_pct(computed)}，正文为{claim.raw}{note}。",
            observed=claim.raw,
            expected=fmt_pct(computed),
            locations=evidence,
        )
