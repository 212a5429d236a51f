from __future__ import annotations

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import (
    cell_ref_evidence,
    describe,
    sentence_evidence,
    table_half,
    table_value,
    text_half_wan,
)
from auditor.findings import Severity
from auditor.model import Report
from auditor.numbers import fmt

MONEY_KINDS = ("amount", "outturn", "budget")


@register("NAR001", "narrative.amount_matches_table", "narrative")
def amount_matches_table(report: Report, ctx: CheckContext) -> None:
    """An amount in the text equals the table figure it names.

    **What it checks**: every money figure in the narrative that is tied to a table cell
    (收入合计 → T1, 财政拨款收入 → T2, 基本支出 → T3 or T5 by section, a 类/款/项 naming → the
    T5 row, 人员经费 → T6, 公务接待费 → T7 …) equals that cell within the rounding of both
    printed figures. Figures written in 元 where the cell's 万元 figure is meant are left to
    UNIT001.

    **Why it matters**: readers quote the narrative; a figure that differs from the table
    is either a typing slip or the text of another year left in place.

    **Bad example**: "一般公共预算财政拨款基本支出 5377.64 万元" while T5 合计 基本支出 is 5364.75.

    **Good example**: "本年收入合计 9746.50 万元" and T1 本年收入合计 9746.50.

    **Basis**: DESIGN §3 (narrative ↔ tables: every amount agrees with the number it talks
    about); 部门决算公开 情况说明 should explain the tables.

    **检查内容**: 情况说明中每个能对应到表格单元格的金额（收入合计对应 T1，财政拨款收入对应 T2，
    基本支出按所在章节对应 T3 或 T5，按类/款/项表述的科目对应 T5 的相应行，人员经费对应 T6，公务
    接待费对应 T7，等等），应在两个印刷数字的四舍五入误差内等于该单元格。把万元数误写为“元”的，
    交由 UNIT001 报告。

    **为何重要**: 读者会直接引用情况说明中的数字；与表格不符的数字，要么是录入错误，要么是沿用了
    其他年度的文字。
    """
    claims = [c for c in report.claims if c.kind in MONEY_KINDS and c.target is not None and c.value is not None]
    if not claims:
        raise NotApplicable("正文中没有能对应到表格单元格的金额")
    for claim in claims:
        ref = claim.target
        assert ref is not None
        text_value = claim.amount_wan
        cell_value = table_value(ref)
        if text_value is None or cell_value is None:
            continue
        ctx.comparisons += 1
        if claim.unit == "元" and abs(claim.value - cell_value) <= table_half(ref) + text_half_wan(claim) * 10000:  # type: ignore[operator]
            continue  # 元 written for 万元: UNIT001's finding
        bound = text_half_wan(claim) + table_half(ref)
        gap = text_value - cell_value
        if abs(gap) <= bound:
            continue
        ctx.add(
            Severity.ERROR,
            "正文金额与表格不一致",
            f"正文称“{claim.subject}”为{claim.raw}，{describe(ref)}“{ref.column_name}”为{fmt(cell_value)}万元，"
            f"相差{fmt(gap)}万元。",
            observed=f"正文 {claim.raw}",
            expected=f"表中 {fmt(cell_value)}万元",
            locations=[sentence_evidence(claim), cell_ref_evidence(ref)],
        )
