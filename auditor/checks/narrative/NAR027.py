from __future__ import annotations

import re

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Severity
from auditor.model import Claim, Report
from auditor.narrative.relations import inside_parens, roled, tolerance

# figures a report states in its summary and again in the detail
_KEYED = {"opening", "closing", "income", "spending", "income_grand", "spending_grand", "basic", "project",
          "personnel", "public", "running", "three_public", "car_total", "abroad", "reception", "procurement"}


# 绩效 sections speak of project budgets and of other scopes (账面上…)
_OTHER_SCOPE = re.compile(r"绩效|评价|附件|名词解释")


def _key(claim: Claim, role: str) -> str:
    """The role with the subject's scope words (财政拨款, 一般公共预算…): only figures of the same
    scope must be equal."""
    text = claim.sentence.text
    clause_start = max(text.rfind(mark, 0, claim.span[0]) for mark in "。；;") + 1
    # the scope may be named at the head of the clause ("(一）公共预算财政拨款年初结转结余…，本年收入…")
    where = claim.subject + text[clause_start : claim.span[0]]
    scope = "".join(sorted(set(re.findall(r"财政拨款|一般公共预算|公共预算|政府性基金|国有资本|部门|本级|非财政", where))))
    return f"{role}|{scope}"


@register("NAR027", "narrative.same_figure_twice", "narrative")
def same_figure_twice(report: Report, ctx: CheckContext) -> None:
    """A figure stated twice in the narrative has the same value both times.

    **What it checks**: this year's totals that reports state in the summary and again in the
    detail (本年收入, 本年支出, 年初 / 年末结转和结余, 基本支出, 项目支出, 人员经费, 公用经费, 机关运行
    经费, "三公"经费 and its items, 政府采购总额), of the same scope (财政拨款, 一般公共预算…), must
    carry the same value wherever stated, within rounding. Last year's figures, other years',
    parenthesised remarks and the 绩效 / 名词解释 sections (other scopes) are left out.

    **Why it matters**: two values for one figure mean one of them was not updated; a reader
    quoting either may be wrong.

    **Bad example**: "本年收入 91823.48 万元……" and later "（一）本年收入 91832.48 万元，比上年…"

    **Good example**: both read 91823.48 万元.

    **Basis**: DESIGN §4 (two places that show the same figure must be equal).

    **检查内容**: 报告在总述和分述中重复写出的本年数（本年收入、本年支出、年初/年末结转和结余、基本
    支出、项目支出、人员经费、公用经费、机关运行经费、“三公”经费及其各项、政府采购总额），口径相同（财
    政拨款、一般公共预算等）时，各处的数值应一致（允许四舍五入误差）。上年数、其他年份的数及括号中的说明
    以及绩效、名词解释等其他口径的章节不在此列。

    **为何重要**: 同一个数字有两个值，说明其中一处没有更新；读者引用哪一个都可能出错。
    """
    first: dict[str, Claim] = {}
    for role, claim in roled(report):
        if role not in _KEYED or inside_parens(claim) is not None or _OTHER_SCOPE.search(claim.sentence.section_title):
            continue
        key = _key(claim, role)
        if key not in first:
            first[key] = claim
            continue
        ctx.comparisons += 1
        earlier = first[key]
        assert earlier.amount_wan is not None and claim.amount_wan is not None
        if abs(earlier.amount_wan - claim.amount_wan) <= tolerance([earlier, claim]):
            continue
        ctx.add(
            Severity.ERROR,
            "同一数字前后不一致",
            f"“{earlier.subject}”先写作{earlier.raw}，后又写作{claim.raw}（“{claim.subject}”）。",
            observed=claim.raw,
            expected=earlier.raw,
            locations=[sentence_evidence(earlier), sentence_evidence(claim)],
        )
    if ctx.comparisons == 0:
        raise NotApplicable("正文没有重复写出的数字")
