from __future__ import annotations

from auditor.checks.arithmetic.sums import check_total_equals_classes
from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.model import Report, TableKind

TOTALLED_TABLES = (TableKind.T2, TableKind.T3, TableKind.T5, TableKind.T8, TableKind.T9)


@register("SUM003", "arithmetic.total_equals_classes", "arithmetic", TOTALLED_TABLES)
def total_equals_classes(report: Report, ctx: CheckContext) -> None:
    """The 合计 row equals the sum of the 类 rows, in every amount column.

    **What it checks**: in T2, T3, T5, T8 and T9 the 合计 line (printed first or last) equals
    the sum of the 3-digit 类 rows, column by column, within rounding.

    **Why it matters**: the 合计 line is what the narrative and the summary tables quote; if
    the 类 rows do not add up to it, one of them is wrong or missing.

    **Bad example**: T3 合计 基本支出 214.33 while the 类 rows give 208.09 + 0 = 208.09.

    **Good example**: T3 合计 基本支出 214.33 = 208 (208.09) + 229 (6.24).

    **Basis**: DESIGN §3 (合计 row = Σ 类 rows); rounding per DESIGN §4.

    **检查内容**: 在 T2、T3、T5、T8、T9 中，“合计”行（印在表首或表尾均可）的每个金额列应等于各类
    级科目（3 位编码）行之和，允许四舍五入误差。

    **为何重要**: 情况说明和汇总表引用的正是合计行；各类之和不等于合计，说明某个类级数字有误或有
    遗漏。
    """
    seen = False
    for kind in TOTALLED_TABLES:
        table = report.table(kind)
        if table is not None and check_total_equals_classes(ctx, table, "合计与各类之和不符"):
            seen = True
    if not seen:
        raise InsufficientData("各表均未找到“合计”行或类级科目")
