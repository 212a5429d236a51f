from __future__ import annotations

import re
from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence, text_half_wan
from auditor.findings import Severity
from auditor.model import Claim, Report
from auditor.narrative.relations import inside_parens, is_prior, paren_spans, parts_end, vocab
from auditor.numbers import fmt

MONEY = ("amount", "outturn")


_OTHER_TOTAL = re.compile(r"(?:本年|年初|年末|总计|合计|结转|结余|弥补|结余分配)")


def parts_lists(report: Report) -> list[tuple[Claim, list[Claim]]]:
    """(whole, parts) for each "X 总额 A，其中：B、C…" in the narrative. A sentence that opens
    with 其中 lists parts of the previous sentence's last figure. The list ends where the
    parenthesis it opened in closes, at the sentence's end, or at a clause naming another total
    ("本年支出", "年末结转和结余"); figures in a part's own parenthesis and last year's figures
    are not parts."""
    result = []
    previous_last: Claim | None = None
    for sentence in report.sentences:
        money = [c for c in report.claims if c.sentence is sentence and c.kind in MONEY and c.amount_wan is not None]
        text = sentence.text
        for opener in re.finditer("|".join(vocab()["parts_open"]), text):
            position = opener.start()
            if not money:
                break
            end = parts_end(text, position)
            own = inside_parens_at(text, position)
            before = [c for c in money if c.span[0] < position and (own is None or inside_parens(c) is None)]
            after: list[Claim] = []
            for c in money:
                if not position < c.span[0] < end or is_prior(c):
                    continue
                paren = inside_parens(c)
                if paren is not None and paren != own:
                    continue  # a remark on a part, not a part
                clause = re.split(r"[，,；;]", text[position : c.span[0]])[-1]
                if after and _OTHER_TOTAL.search(clause) and not _OTHER_TOTAL.search(before[-1].subject if before else ""):
                    break
                after.append(c)
            whole = before[-1] if before else (previous_last if position <= 1 else None)
            if whole is not None and after:
                result.append((whole, after))
        if money:
            previous_last = money[-1]
    return result


def inside_parens_at(text: str, position: int) -> tuple[int, int] | None:
    return next((span for span in paren_spans(text) if span[0] < position < span[1]), None)


@register("NAR006", "narrative.parts_within_whole", "narrative")
def parts_within_whole(report: Report, ctx: CheckContext) -> None:
    """The parts listed after "其中" never add up to more than their whole.

    **What it checks**: in "政府采购支出总额 A 万元，其中：货物 B 万元、工程 C 万元、服务 D 万元"
    (and any "X 合计 A，其中：…" or "…，分别为：…" of money figures), B + C + D ≤ A within
    rounding. The list ends where its parenthesis closes, at the sentence's end or at a clause
    naming another total; last year's figures and remarks on a part are not parts.

    **Why it matters**: a part larger than its whole (a total of 0 with 0.27 of goods) means
    the total was not updated or a part belongs elsewhere.

    **Bad example**: "政府采购支出总额 0 万元，其中：政府采购货物支出 0.27 万元。"

    **Good example**: "政府采购金额为 21.07 万元，其中：货物采购金额 21.07 万元、工程采购金额
    0 万元、服务采购金额 0 万元。"

    **Basis**: DESIGN §3 (parts never exceed their whole).

    **检查内容**: 在“政府采购支出总额 A 万元，其中：货物 B 万元、工程 C 万元、服务 D 万元”以及任
    何“X 合计 A，其中：……”的金额表述中，各分项之和 B + C + D 不得超过总额 A（允许四舍五入误
    差）。

    **为何重要**: 分项之和大于总额（如总额为 0 而货物支出不为 0），说明总额没有更新，或某个分项
    不属于这里。
    """
    lists = parts_lists(report)
    if not lists:
        raise NotApplicable("正文中没有“其中”分项")
    for whole, parts in lists:
        ctx.comparisons += 1
        assert whole.amount_wan is not None
        total = sum((p.amount_wan for p in parts if p.amount_wan is not None), Decimal(0))
        bound = text_half_wan(whole) + sum((text_half_wan(p) for p in parts), Decimal(0))
        if total - whole.amount_wan <= bound:
            continue
        ctx.add(
            Severity.ERROR,
            "分项之和大于总额",
            f"“{whole.subject}”为{whole.raw}，其中所列"
            + "、".join(f"“{p.subject}”{p.raw}" for p in parts)
            + f"合计{fmt(total)}万元，超过总额。",
            observed=f"分项合计 {fmt(total)}万元",
            expected=f"≤ {whole.raw}",
            locations=[sentence_evidence(whole)] + ([sentence_evidence(parts[0])] if parts[0].sentence is not whole.sentence else []),
        )
