from __future__ import annotations

from auditor.checks.arithmetic.hierarchy import check_hierarchy
from auditor.checks.arithmetic.sums import check_total_equals_classes
from auditor.checks.base import CheckContext, InsufficientData, NotApplicable, register
from auditor.model import Report, TableKind

CODED_BUDGET_TABLES = (TableKind.B3, TableKind.B5, TableKind.B6, TableKind.B8, TableKind.B9, TableKind.B10,
                       TableKind.B11)


@register("BUD001", "budget.parent_equals_children", "budget", CODED_BUDGET_TABLES)
def budget_parent_equals_children(report: Report, ctx: CheckContext) -> None:
    """In a 部门预算 table, a 类 / 款 row equals the sum of its 款 / 项 rows, and the 合计 row the sum of
    the 类 rows, in every amount column.

    **What it checks**: in the budget tables printed by code (支出预算总表, 一般公共预算支出预算表,
    一般公共预算基本支出预算表, 政府性基金 / 国有资本经营预算支出表, 财政拨款支出预算表), every 3-digit
    类 row and 5-digit 款 row equals the sum of its children, column by column (上年预算数, 本年
    预算数, 基本支出, 项目支出 …), within rounding (|parent − Σ| ≤ 0.005 × (n + 1) at 0.01).

    **Why it matters**: the budget the people's congress approved is read from these rows; a
    parent that is not the sum of its children means a figure was typed wrong or a row dropped.

    **Bad example**: 201 一般公共服务支出 本年预算数 22,395.50 while its 款 rows add up to 22,385.50.

    **Good example**: 201 = 20101 + 20103 + … in every column.

    **Basis**: the code structure of 政府收支分类科目 (类 → 款 → 项); DESIGN §2 and §4.

    **检查内容**: 部门预算中按科目编码列示的表（支出预算总表、一般公共预算支出预算表、一般公共预算基本
    支出预算表、政府性基金与国有资本经营预算支出表、财政拨款支出预算表），每个类级、款级科目的各金额列
    都应等于其下级科目之和，允许四舍五入误差。

    **为何重要**: 人大审批的预算就是这些数；上级科目不等于下级之和，说明有数字录错或漏了行。
    """
    if report.meta.document_type != "budget":
        raise NotApplicable("本报告不是预算")
    tables = [t for kind in CODED_BUDGET_TABLES if (t := report.table(kind)) is not None]
    if not tables:
        raise InsufficientData("未识别到按科目编码列示的预算表")
    for table in tables:
        check_hierarchy(ctx, table, "预算表上下级科目不平衡")
        check_total_equals_classes(ctx, table, "预算表合计与各类之和不符")
