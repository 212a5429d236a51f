from __future__ import annotations

import re

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Severity
from auditor.model import Claim, Report

_TOTAL = re.compile(r"(?:共有|拥有|保有|合计|共计|总数|保有量|实有)")


def _official(claim: Claim) -> bool:
    return "公务用车" in claim.subject


def _vehicle_counts(report: Report) -> list[Claim]:
    return [c for c in report.claims if c.kind == "count" and c.unit == "辆" and c.value is not None]


@register("NAR029", "narrative.counts_agree", "narrative")
def counts_agree(report: Report, ctx: CheckContext) -> None:
    """Counts of one thing agree: the total and its listed kinds, and every statement of the total.

    **What it checks**: vehicle counts (辆): "共有车辆 N 辆，其中：…a 辆、…b 辆…" — the listed kinds
    add up to no more than N, and to exactly N when the list closes with "其他用车"; every
    statement of all vehicles ("共有车辆", "实有车辆") gives the same N; and the 公务用车保有量 is
    never more than all vehicles.

    **Why it matters**: a count that its own breakdown, or another sentence, contradicts
    leaves the reader with no count at all.

    **Bad example**: "共有车辆 31 辆，其中：一般公务用车 5 辆、执法执勤用车 0 辆、其他用车 28 辆。"

    **Good example**: "共有车辆 31 辆，其中：一般公务用车 5 辆、执法执勤用车 0 辆、其他用车 26 辆。"

    **Basis**: DESIGN §3 (parts never exceed their whole; the same figure is equal everywhere).

    **检查内容**: 车辆数（辆）：“共有车辆 N 辆，其中：……a 辆、……b 辆……”——所列各类之和不得超过 N，
    列到“其他用车”为止的完整列表之和应等于 N；正文各处写出的车辆总数（“共有车辆”“实有车辆”）应相同；
    公务用车保有量不得多于车辆总数。

    **为何重要**: 总数与其分类、或与另一句的说法矛盾，读者就无法知道实际数量。
    """
    counts = _vehicle_counts(report)
    if not counts:
        raise NotApplicable("正文没有车辆数")
    totals: list[Claim] = []
    for claim in counts:
        text = claim.sentence.text
        clause = re.split(r"[，,；;。：:]", text[: claim.span[0]])[-1]
        if not _TOTAL.search(clause) or "其中" in clause:
            continue
        totals.append(claim)
        after = text[claim.span[1] :]
        if not re.match(r"\s*[，,]?\s*其中", after):
            continue
        parts = [c for c in counts if c.sentence is claim.sentence and c.span[0] > claim.span[1]]
        stop = next((i for i, c in enumerate(parts) if _TOTAL.search(re.split(r"[，,；;。：:]", text[: c.span[0]])[-1])), None)
        parts = parts[:stop]
        if len(parts) < 2:
            continue
        ctx.comparisons += 1
        assert claim.value is not None
        total = sum(p.value for p in parts if p.value is not None)
        closes = "其他" in parts[-1].subject
        if total > claim.value or (closes and total != claim.value):
            ctx.add(
                Severity.ERROR,
                "分类数之和与总数不符",
                f"“{claim.subject}”{claim.raw}，所列各类合计{total}辆" + ("（列表已列到“其他”，应等于总数）。" if closes else "，超过总数。"),
                observed=f"{total}辆",
                expected=claim.raw,
                locations=[sentence_evidence(claim)],
            )
    for claim in totals[1:]:
        first = totals[0]
        if _official(claim) != _official(first):
            # 公务用车保有量 is part of all vehicles: never more than them
            ctx.comparisons += 1
            cars, vehicles = (claim, first) if _official(claim) else (first, claim)
            assert cars.value is not None and vehicles.value is not None
            if cars.value > vehicles.value:
                ctx.add(Severity.ERROR, "公务用车数大于车辆总数",
                        f"“{cars.subject}”{cars.raw}多于“{vehicles.subject}”{vehicles.raw}。",
                        observed=cars.raw, expected=f"≤ {vehicles.raw}",
                        locations=[sentence_evidence(first), sentence_evidence(claim)])
            continue
        ctx.comparisons += 1
        if claim.value != first.value:
            ctx.add(
                Severity.WARNING,
                "车辆总数前后不一致",
                f"正文先称“{first.subject}”{first.raw}，又称“{claim.subject}”{claim.raw}。",
                observed=claim.raw,
                expected=first.raw,
                locations=[sentence_evidence(first), sentence_evidence(claim)],
            )
    if ctx.comparisons == 0:
        raise NotApplicable("正文没有车辆总数及其分类")
