from __future__ import annotations

from decimal import Decimal

from auditor.checks.base import CheckContext, InsufficientData, NotApplicable, register
from auditor.checks.budget.narrative import Cell, _prior_key, budget_view, stated_changes
from auditor.checks.narrative.common import fmt_pct, half, ratio_interval, sentence_evidence, text_half_wan
from auditor.checks.narrative.NAR003 import growth_recomputed
from auditor.findings import Severity
from auditor.model import Report
from auditor.numbers import fmt


@register("BUD005", "budget.narrative_changes_match_prior_year", "budget")
def budget_narrative_changes(report: Report, ctx: CheckContext) -> None:
    """The increases and decreases the 预算说明 states ("比上年增加 X 万元，增长 Y%", "与上年数一致")
    agree with the 上年预算数 columns and with each other.

    **What it checks**: (1) where the table the figure is tied to prints 上年预算数 beside 本年预算数
    (支出预算总表, the 三公 table …), the stated change equals 本年 − 上年, the stated rate
    (本年 − 上年) ÷ 上年, and "与上年一致 / 持平" means the two columns are equal — each within the
    rounding of the printed figures, the direction words included. (2) Everywhere, the rate
    follows from the amounts: last year = this year's figure minus the change, and Y = change ÷
    last year within the printed precision (the same rule as NAR003 for final accounts, with the
    budget's "预算 X 万元" read as this year's figure).

    **Why it matters**: the year-on-year change is the headline of a budget statement; a change
    that the columns do not support, or a rate that does not follow from the amounts, misinforms.

    **Bad example**: "公务接待费预算 45.00 万元，比上年减少 5.00 万元" while 上年预算数 is 48.00
    (a decrease of 3.00); "增加 101.48 万元，增长 1.66%" on a base of 6,005.51 (1.69%).

    **Good example**: "支出预算 1,100.00 万元，比上年增加 100.00 万元，增长 10%" with 上年 1,000.00.

    **Basis**: change = 本年预算 − 上年预算; rate = change ÷ 上年预算 (DESIGN §3).

    **检查内容**: (1) 所对应的预算表并列上年预算数与本年预算数时，正文所说的增减额应等于本年减上年，增减率
    应等于（本年 − 上年）÷ 上年，“与上年一致/持平”应两列相等，均按印刷精度允许四舍五入误差，增减方向
    一并核对。(2) 正文的增减率应能由金额算出：上年数 = 本年数减增加额，增减率 = 增减额 ÷ 上年数（与决算的
    NAR003 同一规则，预算说明中“预算 X 万元”视为本年数）。

    **为何重要**: 与上年相比的增减是预算说明的重点；与表中上年数对不上或比率算不出，都会误导读者。
    """
    if report.meta.document_type != "budget":
        raise NotApplicable("本报告不是预算")
    seen = False
    try:
        growth_recomputed(budget_view(report), ctx)
        seen = True
    except NotApplicable:
        pass
    for change in stated_changes(report):
        seen = True
        cell = change.cell
        prior = Cell(cell.table, cell.row, _prior_key(cell.key))
        claim = change.tie.claim
        diff = cell.value - prior.value
        radius = cell.half + prior.half
        quote = f"{cell.describe()}本年{fmt(cell.value)}万元、上年{fmt(prior.value)}万元"
        locations = [sentence_evidence(claim), cell.evidence(), prior.evidence()]
        if change.unchanged:
            ctx.comparisons += 1
            if abs(diff) > radius:
                ctx.add(Severity.ERROR, "正文称与上年一致但预算表有增减",
                        f"正文称“{claim.subject}”与上年一致，但{quote}，相差{fmt(diff)}万元。",
                        observed="与上年一致", expected=f"增减 {fmt(diff)}万元", locations=locations)
            continue
        if change.amount is not None and change.amount.amount_wan is not None:
            ctx.comparisons += 1
            stated = change.amount.amount_wan * (-1 if change.amount.direction == "down" else 1)
            if abs(stated - diff) > text_half_wan(change.amount) + radius:
                ctx.add(Severity.ERROR, "正文增减额与预算表上年数不符",
                        f"正文称“{claim.subject}”比上年{'减少' if stated < 0 else '增加'}{change.amount.raw}，"
                        f"而{quote}，应为{'减少' if diff < 0 else '增加'}{fmt(abs(diff))}万元。",
                        observed=change.amount.raw, expected=f"{fmt(diff)}万元",
                        locations=[sentence_evidence(change.amount)] + locations[1:])
        rate = change.rate
        if rate is not None and rate.value is not None:
            interval = ratio_interval(diff, radius, prior.value, prior.half)
            if interval is None:
                continue
            ctx.comparisons += 1
            sign = Decimal(-1) if rate.direction == "down" else Decimal(1)
            h = half(rate.decimals)
            lo, hi = sorted((sign * (rate.value - h), sign * (rate.value + h)))
            if lo <= interval[1] and interval[0] <= hi:
                continue
            computed = diff / prior.value * 100
            ctx.add(Severity.ERROR, "正文增减率与预算表上年数不符",
                    f"正文称“{claim.subject}”比上年{'下降' if sign < 0 else '增长'}{rate.raw}，按{quote}计算应为{fmt_pct(computed)}。",
                    observed=rate.raw, expected=fmt_pct(computed),
                    locations=[sentence_evidence(rate)] + locations[1:])
    if not seen:
        raise InsufficientData("正文中没有可核对的增减额或增减率")
