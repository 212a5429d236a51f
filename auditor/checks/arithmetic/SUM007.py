from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.helpers import amount, class_rows, require, require_data
from auditor.codes import PERSONNEL_CLASSES
from auditor.findings import cell_evidence
from auditor.model import Report, TableKind


@register("SUM007", "arithmetic.personnel_and_public_funds", "arithmetic", (TableKind.T6,))
def personnel_and_public_funds(report: Report, ctx: CheckContext) -> None:
    """人员经费合计 = 301 + 303, and 人员经费 + 公用经费 = all 类 rows of the basic-expenditure table.

    **What it checks**: in T6, 人员经费合计 equals 301 工资福利支出 + 303 对个人和家庭的补助;
    人员经费合计 + 公用经费合计 equals the sum of every 经济分类 类 row (302, 307, 310, 399… are
    公用经费 in one region or another, so the check uses the whole rather than a fixed list);
    a 合计 row, when printed, equals that sum too.

    **Why it matters**: 人员经费 and 公用经费 are quoted in the narrative and compared with
    机关运行经费; they must be the table's own subtotals.

    **Bad example**: 人员经费合计 193.51 while 301 192.43 + 303 1.18 = 193.61.

    **Good example**: 人员经费合计 193.51 = 192.43 + 1.08; 193.51 + 14.58 = 208.09 = Σ 类.

    **Basis**: 人员经费 = 工资福利支出 + 对个人和家庭的补助 (DESIGN §2); T6 template notes.

    **检查内容**: 在 T6 中，人员经费合计应等于 301 工资福利支出与 303 对个人和家庭的补助之和；人
    员经费合计与公用经费合计之和应等于全部经济分类类级科目之和（各地将 302、307、310、399 等哪些
    科目列入公用经费口径不一，故按全部类级科目之和而非固定科目清单核对）；印有合计行的，合计行也
    应等于该和。

    **为何重要**: 人员经费和公用经费会在情况说明中引用，并与机关运行经费比较，它们必须就是表内的
    小计。
    """
    table = require_data(require(report, TableKind.T6))
    key = "amount" if table.column("amount") else None
    if key is None:
        raise InsufficientData("T6 未识别出决算数列")
    personnel = table.find_row("人员经费")
    public = table.find_row("公用经费")
    classes = class_rows(table)
    if personnel is None or not classes:
        raise InsufficientData("T6 未找到“人员经费合计”行或经济分类类级科目")
    personnel_classes = [r for r in classes if r.code in PERSONNEL_CLASSES]
    ctx.compare_sum(
        amount(personnel, key),
        [amount(r, key) for r in personnel_classes],
        "人员经费合计与科目之和不符",
        "T6“人员经费合计”应等于301工资福利支出与303对个人和家庭的补助之和",
        [cell_evidence(table, personnel, key)] + [cell_evidence(table, r, key) for r in personnel_classes],
    )
    if public is not None:
        ctx.compare_sum(
            _sum_amount(amount(personnel, key), amount(public, key)),
            [amount(r, key) for r in classes],
            "人员经费与公用经费之和不等于基本支出",
            "T6“人员经费合计”与“公用经费合计”之和应等于各经济分类类级科目之和",
            [cell_evidence(table, personnel, key), cell_evidence(table, public, key)]
            + [cell_evidence(table, r, key) for r in classes],
        )
    total = next((r for r in table.rows if r.label.replace(" ", "") in {"合计", "基本支出合计"}), None)
    if total is not None:
        ctx.compare_sum(
            amount(total, key),
            [amount(r, key) for r in classes],
            "合计与各类之和不符",
            "T6“合计”应等于各经济分类类级科目之和",
            [cell_evidence(table, total, key)] + [cell_evidence(table, r, key) for r in classes],
        )


def _sum_amount(a, b):  # type: ignore[no-untyped-def]
    """Two printed amounts added, keeping the coarser precision for the rounding bound."""
    from auditor.model import Amount

    if a is None or b is None:
        return a or b
    return Amount(value=a.value + b.value, raw=f"{a.raw}+{b.raw}", decimals=min(a.decimals, b.decimals))
