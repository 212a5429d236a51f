from __future__ import annotations

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Severity
from auditor.model import Report


@register("NAR008", "narrative.subject_exists_in_tables", "narrative")
def subject_exists_in_tables(report: Report, ctx: CheckContext) -> None:
    """A 类 / 款 / 项 named in the text exists in the table it explains.

    **What it checks**: "社会保障和就业（类）人力资源和社会保障事务（款）社会保险经办机构（项）"
    is looked up in T5 (or T3 in the 支出 section): the 类 by its national name, each 款 / 项
    by name among the children of the level above. A name that is not there is reported
    once for each distinct wording in the report.

    **Why it matters**: the explanation then speaks of a line that does not exist; the reader
    cannot find its figure, and the text may describe last year's or another unit's accounts.

    **Bad example**: "住房保障支出（类）住房保障支出（款）住房公积金（项）" where T5's 款 is
    "22102 住房改革支出".

    **Good example**: "住房保障支出（类）住房改革支出（款）住房公积金（项）".

    **Basis**: 政府收支分类科目; DESIGN §3 (subjects named in the text that do not exist).

    **检查内容**: 正文中按“××（类）××（款）××（项）”表述的科目，在 T5（“支出”部分则为 T3）中查
    找：类按全国统一的名称查找，款、项按名称在上一级科目的下级中查找。表中找不到的名称予以报告，
    同一表述只报告一次。

    **为何重要**: 说明中提到的科目在表中并不存在时，读者找不到对应的数字，这段文字也可能说的是上
    年或其他单位的账目。
    """
    named = [c for c in report.claims if "（类）" in c.subject or "(类)" in c.subject]
    if not named:
        raise NotApplicable("正文中没有按类、款、项表述的科目")
    seen: set[tuple[str, str]] = set()
    for claim in named:
        key = (claim.subject, claim.unresolved)
        if key in seen:
            continue
        seen.add(key)
        ctx.comparisons += 1
        if "不存在" not in claim.unresolved:
            continue
        ctx.add(
            Severity.WARNING,
            "正文科目名称在表中不存在",
            f"正文“{claim.subject}”：{claim.unresolved}。",
            observed=claim.subject,
            expected="与表中科目名称一致",
            locations=[sentence_evidence(claim)],
        )
