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
    same_item,
    same_subject,
    sentence_evidence,
    table_half,
    table_value,
    text_half_wan,
)
from auditor.findings import Severity
from auditor.model import Claim, Report
from auditor.numbers import fmt


def _by_subject(claim: Claim, candidates: list[Claim]) -> list[Claim]:
    """Candidates about the same subject first; others only when no claim names one."""
    same = [c for c in candidates if same_subject(c.subject, claim.subject)]
    return same or [c for c in candidates if not claim.subject or claim.subject == c.sentence.item]


def budget_for(report: Report, claim: Claim, basis: str) -> tuple[Decimal, Decimal, str, Claim | None] | None:
    """(budget in 万元, its rounding radius, its name, the text claim) for a completion or
    comparison claim: a budget stated for the same subject, else the 预算数 column of the
    claim's table cell (T7 has one)."""
    budgets = _by_subject(claim, [b for b in same_item(report, claim, ("budget",)) if b.amount_wan is not None])
    if budgets:
        exact = [b for b in budgets if b.basis == basis]
        chosen = (exact or budgets)[0]
        return chosen.amount_wan, text_half_wan(chosen), chosen.basis or "预算", chosen  # type: ignore[return-value]
    target = claim.target
    if target is not None and target.column.startswith("final."):
        table = report.table(target.table)
        column = "budget." + target.column.split(".", 1)[1]
        if table is not None and table.column(column) is not None:
            row = table.rows[0] if table.rows else None
            cell = row.cells.get(column) if row is not None else None
            value = cell.value if cell is not None and cell.value is not None else Decimal(0)
            radius = Decimal("0.005") if cell is not None and cell.amount is not None else Decimal(0)
            return value, radius, "预算数", None
    return None


def outturn_for(report: Report, claim: Claim, printed: bool = False) -> tuple[Decimal, Decimal, Claim] | None:
    """The outturn a rate or a comparison speaks of: its table cell (the precise figure), or
    with ``printed`` the figure as the text prints it (what the author compared)."""
    for o in _by_subject(claim, same_item(report, claim, ("outturn", "amount"))):
        if o.kind == "amount" and not same_subject(o.subject, claim.subject):
            continue
        if printed and o.unit == "万元" and o.amount_wan is not None:
            return o.amount_wan, text_half_wan(o), o
        if o.target is not None and o.target.amount is not None:
            return table_value(o.target), table_half(o.target), o  # type: ignore[return-value]
        if o.unit == "万元" and o.amount_wan is not None:
            return o.amount_wan, text_half_wan(o), o
    return None


@register("NAR004", "narrative.completion_recomputed", "narrative")
def completion_recomputed(report: Report, ctx: CheckContext) -> None:
    """A completion rate ("完成年初预算的 Z%") equals outturn ÷ the budget it names, and never
    divides by a zero budget.

    **What it checks**: Z is recomputed from the outturn (its T5 / T7 cell when tied, else the
    text) and the budget of the same sentence or numbered item — the 年初预算 when the text
    says 年初预算, the 全年预算 when it says 全年预算 — with interval rounding. A completion
    rate against a budget of 0 is an error of construction.

    **Why it matters**: completion rates show how the budget was executed; one computed
    against the wrong budget, or against nothing, misinforms the reader.

    **Bad example**: "年初预算为 0 万元，全年预算为 321.02 万元，支出决算为 307.82 万元，完成年初
    预算的 95.89%" (that is 307.82 ÷ 321.02, the 全年预算).

    **Good example**: "年初预算为 452.40 万元，支出决算为 446.11 万元，完成年初预算的 98.61%".

    **Basis**: DESIGN §3 (completion = 决算 / 预算; "完成年初预算的 X%" when 年初预算 is 0 is
    wrong by construction).

    **检查内容**: 用决算数（能对应到 T5、T7 单元格时取表中数，否则取正文数字）和同一句或同一编号
    条目中的预算数重新计算完成率 Z：正文写“年初预算”就用年初预算数，写“全年预算”就用全年预算数，
    按区间计算四舍五入误差。预算数为 0 时仍计算完成率，属于计算口径错误。

    **为何重要**: 完成率反映预算执行情况；按错误的预算数、或在没有预算时算出的完成率会误导读者。
    """
    claims = [c for c in report.claims if c.kind == "completion" and c.value is not None]
    if not claims:
        raise NotApplicable("正文中没有预算完成率")
    for claim in claims:
        basis = claim.basis if claim.basis in ("年初预算", "全年预算", "调整预算") else ""
        budget = budget_for(report, claim, basis)
        outturn = outturn_for(report, claim)
        if budget is None or outturn is None:
            continue
        ctx.comparisons += 1
        evidence = [sentence_evidence(claim)]
        if outturn[2].target is not None:
            evidence.append(cell_ref_evidence(outturn[2].target))
        if budget[0] == 0:
            other = [b for b in same_item(report, claim, ("budget",))
                     if b.amount_wan and b.basis != budget[2] and same_subject(b.subject, claim.subject)]
            hint = ""
            if other and other[0].amount_wan:
                computed = outturn[0] / other[0].amount_wan * 100
                if abs(computed - claim.value) <= Decimal("0.01"):  # type: ignore[operator]
                    hint = f"该比率实为按{other[0].basis}{other[0].raw}计算的（{fmt_pct(computed)}），应表述为“完成{other[0].basis}的{claim.raw}”"
            ctx.add(
                Severity.ERROR if outturn[0] != 0 else Severity.WARNING,
                "预算为零却计算完成率",
                f"{budget[2]}为0，完成率无从计算，正文却称“完成{claim.basis or '预算'}的{claim.raw}”。" + (hint + "。" if hint else ""),
                observed=claim.raw,
                expected="预算为0时不计算完成率",
                locations=evidence,
            )
            continue
        interval = ratio_interval(outturn[0], outturn[1], budget[0], budget[1])
        if interval is None or overlaps(printed_interval(claim), interval):
            continue
        computed = outturn[0] / budget[0] * 100
        severity, note = rate_slip_severity(claim, interval)
        ctx.add(
            severity,
            "预算完成率计算有误",
            f"支出决算{fmt(outturn[0])}万元÷{budget[2]}{fmt(budget[0])}万元应为{fmt_pct(computed)}，"
            f"正文为{claim.raw}{note}。",
            observed=claim.raw,
            expected=fmt_pct(computed),
            locations=evidence,
        )
