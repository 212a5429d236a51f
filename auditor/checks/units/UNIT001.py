from __future__ import annotations

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import (
    cell_ref_evidence,
    describe,
    half,
    sentence_evidence,
    table_half,
    table_value,
)
from auditor.findings import Severity
from auditor.model import Report
from auditor.numbers import fmt


@register("UNIT001", "units.yuan_written_for_wan_yuan", "units")
def yuan_written_for_wan_yuan(report: Report, ctx: CheckContext) -> None:
    """An amount written in 元 that is really the 万元 figure.

    **What it checks**: a money figure printed with the unit 元 whose number equals (within
    rounding) the 万元 figure of the table cell it names, or another 万元 figure of the same
    sentence, is a unit slip: "208.09元" for 208.09 万元.

    **Why it matters**: the slip understates the figure ten thousand times; a reader who
    quotes it is wrong by four orders of magnitude.

    **Bad example**: "年初预算为215.94万元，支出决算为208.09元，完成年初预算的96.36%。"

    **Good example**: "年初预算为215.94万元，支出决算为208.09万元。"

    **Basis**: DESIGN §3 (an amount written in 元 that equals a 万元 table value is a unit slip).

    **检查内容**: 正文中以“元”为单位的金额，若其数字（在四舍五入误差内）等于所指表格单元格的万元
    数，或等于同一句中另一个以万元为单位的数字，即判定为单位错写：应为“万元”却写成了“元”。

    **为何重要**: 这种错误使金额缩小一万倍，读者照此引用会差四个数量级。
    """
    claims = [c for c in report.claims if c.unit == "元" and c.value is not None and c.kind in ("amount", "outturn", "budget")]
    if not claims:
        raise NotApplicable("正文中没有以“元”为单位的金额")
    for claim in claims:
        ctx.comparisons += 1
        assert claim.value is not None
        radius = half(max(claim.decimals, 2))
        ref = claim.target
        if ref is not None:
            cell = table_value(ref)
            if cell is not None and cell != 0 and abs(claim.value - cell) <= radius + table_half(ref):
                ctx.add(
                    Severity.ERROR,
                    "金额单位错写为“元”",
                    f"正文写作“{claim.raw}”，{describe(ref)}为{fmt(cell)}万元：应为{fmt(cell)}万元。",
                    observed=claim.raw,
                    expected=f"{fmt(cell)}万元",
                    locations=[sentence_evidence(claim), cell_ref_evidence(ref)],
                )
                continue
        siblings = [
            c for c in report.claims
            if c.sentence is claim.sentence and c is not claim and c.unit == "万元" and c.value is not None
        ]
        for other in siblings:
            assert other.value is not None
            if other.value != 0 and abs(other.value - claim.value) <= radius + half(max(other.decimals, 2)):
                ctx.add(
                    Severity.ERROR,
                    "金额单位错写为“元”",
                    f"正文写作“{claim.raw}”，同一句中同一数字写作“{other.raw}”：应为{claim.value}万元。",
                    observed=claim.raw,
                    expected=f"{claim.value}万元",
                    locations=[sentence_evidence(claim)],
                )
                break
