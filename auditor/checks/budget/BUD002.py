from __future__ import annotations

from auditor.checks.arithmetic.sums import check_row_parts
from auditor.checks.base import CheckContext, InsufficientData, NotApplicable, register
from auditor.checks.helpers import amount
from auditor.findings import Evidence, row_name
from auditor.model import TABLE_NAMES_ZH, Report, Row, Table, TableKind

SPLIT_TABLES = (TableKind.B3, TableKind.B5, TableKind.B10, TableKind.B6, TableKind.B11)
# a whole and the columns that may make it up (all of those printed are its parts: Jiangsu
# prints 单位预留机动经费 and 结转下年资金 beside 基本支出 and 项目支出)
PARTS = {"total": ("basic", "project", "reserve", "carry_over"), "basic": ("personnel", "public")}
# tables of 基本支出 only: their 合计 is the 基本支出 (合计 | 人员经费 | 公用经费)
BASIC_TABLES = (TableKind.B6, TableKind.B11)


@register("BUD002", "budget.total_equals_basic_plus_project", "budget", SPLIT_TABLES)
def budget_total_equals_parts(report: Report, ctx: CheckContext) -> None:
    """In a 部门预算 table, each row's 合计 equals 基本支出 + 项目支出 (+ the other parts printed) and
    基本支出 = 人员经费 + 公用经费 where printed.

    **What it checks**: every row of the budget tables that split spending into 基本支出 and
    项目支出 (or 基本支出 into 人员经费 and 公用经费, as the 基本支出预算表 printed 合计 | 人员经费 |
    公用经费 does): the row's total equals the sum of its parts, within rounding. Rows where a part
    is printed but the total is blank count too.

    **Why it matters**: the split between basic and project spending is what readers compare
    year on year; a total that is not the sum of its parts makes one of them wrong.

    **Bad example**: 20101 行政运行 合计 500.00, 基本支出 420.00, 项目支出 60.00.

    **Good example**: 合计 500.00 = 基本支出 440.00 + 项目支出 60.00; in the 基本支出预算表, 30101
    基本工资 合计 300.00 = 人员经费 300.00 + 公用经费 0.

    **Basis**: 支出 = 基本支出 + 项目支出; 基本支出 = 人员经费 + 公用经费 (DESIGN §2, §3).

    **检查内容**: 部门预算中分列基本支出与项目支出（或人员经费与公用经费，如按“合计、人员经费、公用经费”
    列示的基本支出预算表）的表，每一行的合计都应等于各部分之和，允许四舍五入误差；只印了部分、合计为空的
    行也核对。

    **为何重要**: 基本支出与项目支出的划分是读者逐年比较的重点；合计不等于各部分之和，必有一个数错了。
    """
    if report.meta.document_type != "budget":
        raise NotApplicable("本报告不是预算")
    seen = False
    for kind in SPLIT_TABLES:
        table = report.table(kind)
        if table is None:
            continue
        keys = {c.key for c in table.columns}
        for whole, candidates in PARTS.items():
            parts = tuple(p for p in candidates if p in keys)
            if whole == "basic" and whole not in keys and kind in BASIC_TABLES:
                whole = "total"
            if whole not in keys or len(parts) < 2 or any(k.startswith("col") for k in keys):
                continue  # an unrecognised column might be a part: not checked
            seen = True
            rows = [
                row for row in table.rows
                if amount(row, whole) is not None or any(v is not None and v.value for v in (amount(row, p) for p in parts))
            ]
            check_row_parts(ctx, table, whole, parts, "预算表合计与各部分之和不符", _what, rows)
    if not seen:
        raise InsufficientData("预算表中没有同时列出合计与基本支出、项目支出（或人员经费、公用经费）的表")


def _what(table: Table, row: Row, evidence: list[Evidence]) -> str:
    return (f"{table.kind.value}{TABLE_NAMES_ZH[table.kind]}“{row_name(row)}”的“{evidence[0].column}”应等于"
            + "与".join(f"“{e.column}”" for e in evidence[1:]) + "之和")
