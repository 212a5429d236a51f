from __future__ import annotations

import re

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.codes import PERSONNEL_CLASSES, compact
from auditor.findings import Evidence, Severity, cell_evidence
from auditor.model import Report, Row, TableKind
from auditor.narrative.subjects import similarity

_NORMALISE = str.maketrans({"（": "(", "）": ")"})


def _norm(name: str) -> str:
    name = compact(name).translate(_NORMALISE)
    return re.sub(r"(支出|费用)$", "", name)


def _match(item: str, rows: list[Row]) -> Row | None:
    target = _norm(item)
    best = max(rows, key=lambda r: similarity(target, _norm(r.label)), default=None)
    if best is not None and similarity(target, _norm(best.label)) >= 0.8:
        return best
    return None


@register("NAR007", "narrative.listed_items_in_table", "narrative", (TableKind.T6,))
def listed_items_in_table(report: Report, ctx: CheckContext) -> None:
    """Items named in "主要包括 A、B、C" exist in the basic-expenditure table and are not zero.

    **What it checks**: for 人员经费 and 公用经费, every item of "主要包括 …" is matched by name to
    a 款 row of T6 of the right group (301 / 303 for 人员经费, the other 类 for 公用经费); an item
    that is absent or whose figure is blank / 0.00 is reported.

    **Why it matters**: the list tells readers what the money was spent on; naming items
    with no spending is a copy of last year's or of the template's text.

    **Bad example**: "公用经费 14.58 万元，主要包括办公费、印刷费、咨询费、手续费" with 印刷费 and
    咨询费 blank in T6.

    **Good example**: "公用经费 10.23 万元，主要包括：办公费、邮电费、差旅费…" each with a figure.

    **Basis**: DESIGN §3 ("主要包括 A、B、C" lists that name items which are zero or absent).

    **检查内容**: 对人员经费和公用经费的“主要包括……”，逐项按名称与 T6 中相应组别的款级科目匹配
    （人员经费对应 301、303，公用经费对应其他类级科目）；表中没有该项，或该项为空白、0.00 的，予
    以报告。

    **为何重要**: 列举内容告诉读者钱花在了哪里；列出没有支出的项目，多半是照抄了上年或模板的文
    字。
    """
    t6 = report.table(TableKind.T6)
    lists = [c for c in report.claims if c.kind == "list" and ("人员经费" in c.subject or "公用经费" in c.subject)]
    if t6 is None or not lists:
        raise NotApplicable("没有人员经费、公用经费的“主要包括”列举，或未识别到T6")
    for claim in lists:
        personnel = "人员经费" in claim.subject
        rows = [
            r for r in t6.rows
            if len(r.code) == 5 and (r.code[:3] in PERSONNEL_CLASSES) == personnel
        ]
        for item in claim.items:
            ctx.comparisons += 1
            row = _match(item, rows)
            if row is None:
                ctx.add(
                    Severity.WARNING,
                    f"列举的“{item}”在表中不存在",  # the item in the title: a list of findings tells them apart
                    f"“{claim.subject}主要包括”列有“{item}”，T6{'人员经费' if personnel else '公用经费'}科目中没有此项。",
                    observed=item,
                    expected="T6中存在的科目",
                    locations=[sentence_evidence(claim)],
                )
                continue
            value = row.value("amount")
            if not value:
                evidence: list[Evidence] = [sentence_evidence(claim), cell_evidence(t6, row, "amount")]
                ctx.add(
                    Severity.WARNING,
                    f"列举的“{item}”在表中为零",
                    f"“{claim.subject}主要包括”列有“{item}”，但T6“{row.code} {row.label}”为{row.cells['amount'].raw or '空'}。",
                    observed=item,
                    expected="有支出的科目",
                    locations=evidence,
                )
