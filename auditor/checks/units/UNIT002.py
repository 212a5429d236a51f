from __future__ import annotations

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Severity
from auditor.model import Report


@register("UNIT002", "units.missing_unit", "units")
def missing_unit(report: Report, ctx: CheckContext) -> None:
    """A percentage printed without "%", or an amount whose unit is cut short ("0.39 万").

    **What it checks**: a number that the sentence makes a rate ("增长 13.95。", "占 7.74，",
    "完成预算的 98") but that carries no "%", and a money figure followed by "万" with no "元".

    **Why it matters**: without the unit the figure can be read as 万元 or as a count; the
    reader cannot tell what was meant.

    **Bad example**: "一般公共预算财政拨款支出增加 1193.20 万元，增长 13.95。"

    **Good example**: "…增加 1193.20 万元，增长 13.95%。"

    **Basis**: DESIGN §3 (units); GB/T 15835 数字用法 (a percentage carries its sign).

    **检查内容**: 按句意属于比率（如“增长……”“占……”“完成预算的……”）的数字却没有写“%”；以及金额后
    只写“万”而缺少“元”。

    **为何重要**: 缺少单位时，数字既可能被理解为万元，也可能被理解为个数，读者无法判断原意。
    """
    rates = [c for c in report.claims if c.kind in ("share", "growth", "completion")]
    if not rates and not any(c.unit == "万元" for c in report.claims):
        raise NotApplicable("正文中没有比率或金额")
    for claim in rates:
        ctx.comparisons += 1
        if claim.basis == "no_percent":
            ctx.add(
                Severity.WARNING,
                "百分数缺少“%”",
                f"“{claim.raw}”是比率，但没有写“%”。",
                observed=claim.raw,
                expected=f"{claim.raw}%",
                locations=[sentence_evidence(claim)],
            )
    for claim in report.claims:
        if claim.unit == "万元" and claim.raw.rstrip().endswith("万"):
            ctx.comparisons += 1
            ctx.add(
                Severity.WARNING,
                "金额单位不完整",
                f"“{claim.raw}”缺少“元”，应为“{claim.raw}元”。",
                observed=claim.raw,
                expected=f"{claim.raw}元",
                locations=[sentence_evidence(claim)],
            )
