from __future__ import annotations

from auditor.checks.arithmetic.hierarchy import check_hierarchy
from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.model import Report, TableKind

FUNCTION_TABLES = (TableKind.T2, TableKind.T3, TableKind.T5, TableKind.T8, TableKind.T9)


@register("SUM001", "arithmetic.function_parent_equals_children", "arithmetic", FUNCTION_TABLES)
def function_parent_equals_children(report: Report, ctx: CheckContext) -> None:
    """A 功能分类 类 / 款 row equals the sum of its 款 / 项 rows, in every amount column.

    **What it checks**: in T2, T3, T5, T8 and T9, each row whose code has children (208 →
    20801, 20830…; 20801 → 2080101…) equals the sum of those children, column by column,
    within rounding (|parent − Σ| ≤ 0.005 × (n + 1) for n children at 0.01).

    **Why it matters**: the 类 and 款 rows are subtotals; a subtotal that does not add up means
    a figure was typed wrong, a row was dropped, or a cell was left blank.

    **Bad example**: 208 社会保障和就业支出 项目支出 blank while 20830 (11.88) and 20899 (25.00)
    carry 36.88 of project spending.

    **Good example**: 208 = 244.97 = 20801 208.09 + 20830 11.88 + 20899 25.00.

    **Basis**: 政府收支分类科目 (类 = Σ 款, 款 = Σ 项); DESIGN §2–3; rounding per DESIGN §4.

    **检查内容**: 在 T2、T3、T5、T8、T9 中，凡有下级科目的功能分类科目行（类下有款、款下有项），
    其每个金额列都应等于各下级科目之和，允许四舍五入误差（n 个保留两位小数的下级科目，允许差额不
    超过 0.005×(n+1) 万元）。

    **为何重要**: 类、款两级的行是小计；小计与下级之和不符，说明有数字录错、漏列了某一行或有单元
    格漏填。
    """
    tables = [t for kind in FUNCTION_TABLES if (t := report.table(kind)) is not None]
    if not tables:
        raise InsufficientData("未识别到按功能分类编码的表（T2/T3/T5/T8/T9）")
    for table in tables:
        check_hierarchy(ctx, table, "上下级科目不平衡")
