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
from auditor.findings import Evidence
from auditor.model import CellRef, Claim, Report
from auditor.narrative.subjects import resolve_whole

MONEY = ("amount", "outturn")


def _part(report: Report, claim: Claim) -> tuple[Decimal, Decimal, CellRef | None] | None:
    if claim.target is not None and claim.target.amount is not None:
        return table_value(claim.target), table_half(claim.target), claim.target  # type: ignore[return-value]
    for other in report.claims:
        if other.sentence is claim.sentence and other.kind in MONEY and other.subject == claim.subject:
            if other.span[0] < claim.span[0] and other.amount_wan is not None:
                return other.amount_wan, text_half_wan(other), None
    return None


def _whole(report: Report, claim: Claim) -> tuple[Decimal, Decimal, str, CellRef | None] | None:
    ref = resolve_whole(claim, report) if claim.whole else None
    if ref is not None and ref.amount is not None:
        return table_value(ref), table_half(ref), claim.whole, ref  # type: ignore[return-value]
    if claim.whole:
        # the whole the sentence names ("占政府采购支出总额的 a%"): a figure stated for it here or
        # in the two sentences before, never merely the first item of the list
        named = [
            c for c in report.claims
            if c.kind in MONEY and c.amount_wan is not None and _names(c.subject, claim.whole)
            and 0 <= claim.sentence.index - c.sentence.index <= 2
            and (c.sentence is not claim.sentence or c.span[0] < claim.span[0])
            and not _is_part(report, c, claim)
        ]
        if not named:
            return None
        head = named[-1]
        if head.amount_wan is None:
            return None
        return head.amount_wan, text_half_wan(head), head.subject, None
    heads = [
        c for c in report.claims
        if c.sentence is claim.sentence and c.kind in MONEY and c.span[0] < claim.span[0] and c.subject != claim.subject
    ]
    if not heads:
        return None
    head = heads[0]
    if head.target is not None and head.target.amount is not None:
        return table_value(head.target), table_half(head.target), head.subject, head.target  # type: ignore[return-value]
    if head.amount_wan is None:
        return None
    return head.amount_wan, text_half_wan(head), head.subject, None


def _is_part(report: Report, candidate: Claim, share: Claim) -> bool:
    """The money figure the share itself is of (the one printed just before it)."""
    before = [c for c in report.claims if c.sentence is share.sentence and c.kind in MONEY and c.span[0] < share.span[0]]
    return bool(before) and before[-1] is candidate


def _names(subject: str, whole: str) -> bool:
    """'政府采购支出总额' names '政府采购支出总额'; '支出合计' names '本年支出合计'."""
    a, b = subject.replace(" ", ""), whole.replace(" ", "")
    return bool(a) and bool(b) and (a == b or a.endswith(b) or b.endswith(a))


@register("NAR002", "narrative.share_recomputed", "narrative")
def share_recomputed(report: Report, ctx: CheckContext) -> None:
    """A share ("占 X%") equals part ÷ whole, at the printed precision.

    **What it checks**: each "占…%" in the narrative is recomputed from the part (the figure
    it follows, read from its table cell when tied) and the whole (named after 占, or the
    sentence's leading total): the printed percentage, widened by half its last digit, must
    overlap the range of part ÷ whole when both are widened by their own rounding. A whole
    the sentence names but no table holds is looked up among the figures stated for it in the
    sentence or the two before; when none is stated the share is not recomputed (the first
    item of a list is never taken for the whole).

    **Why it matters**: shares are what journalists quote ("基本支出占 85%"); a share computed
    from other figures, or not updated, misleads.

    **Bad example**: "本年支出合计 251.21 万元，其中：基本支出 214.33 万元，占 83.32%" (85.32%).

    **Good example**: "基本支出 105.58 万元，占 34.30%" with 本年支出合计 307.82 (34.2990…%).

    **Basis**: DESIGN §3 (share = part / whole) and §4 (half-unit tolerance of the printed
    precision).

    **检查内容**: 重新计算情况说明中的每个“占……%”：部分数取百分比前面所说的金额（能对应到表格时
    取表中数），总数取“占”字后所指的数（未写明时取句首的总额）。印刷的百分比按末位放宽半个单位
    后，应与部分数、总数各按自身四舍五入误差放宽后算出的比值区间有交集。

    **为何重要**: 占比是最常被直接引用的数字；用其他数字算出或没有随数字更新的占比会误导读者。
    """
    claims = [c for c in report.claims if c.kind == "share" and c.value is not None]
    if not claims:
        raise NotApplicable("正文中没有占比")
    for claim in claims:
        part, whole = _part(report, claim), _whole(report, claim)
        if part is None or whole is None:
            continue
        interval = ratio_interval(part[0], part[1], whole[0], whole[1])
        if interval is None:
            continue  # a share of a zero whole: nothing to recompute
        ctx.comparisons += 1
        if overlaps(printed_interval(claim), interval):
            continue
        computed = part[0] / whole[0] * 100
        locations: list[Evidence] = [sentence_evidence(claim)]
        locations += [cell_ref_evidence(r) for r in (part[2], whole[3]) if r is not None]
        severity, note = rate_slip_severity(claim, interval)
        ctx.add(
            severity,
            "占比计算有误",
            f"正文称“{claim.subject}”占{claim.whole or whole[2]}的{claim.raw}，按{part[0]}÷{whole[0]}计算应为"
            f"{fmt_pct(computed)}{note}。",
            observed=claim.raw,
            expected=fmt_pct(computed),
            locations=locations,
        )
