from __future__ import annotations

from auditor.checks.arithmetic.sums import check_row_parts
from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.findings import Evidence, row_name
from auditor.model import TABLE_NAMES_ZH, Report, Row, Table, TableKind

# total column = Σ part columns, per table kind (keys from ingest.recognize)
ROW_IDENTITIES: dict[TableKind, tuple[tuple[str, tuple[str, ...], str], ...]] = {
    TableKind.T2: (
        (
            "total",
            ("fiscal_grant", "superior_subsidy", "business_income", "operating_income", "affiliated_income", "other_income"),
            "",
        ),
    ),
    TableKind.T3: (("total", ("basic", "project", "remit_superior", "operating", "affiliated_subsidy"), ""),),
    TableKind.T4: (("total", ("general_budget", "gov_fund", "state_capital"), "expense"),),
    TableKind.T5: (("total", ("basic", "project"), ""),),
    TableKind.T7: (
        ("budget.total", ("budget.abroad", "budget.car_total", "budget.reception"), ""),
        ("budget.car_total", ("budget.car_purchase", "budget.car_operation"), ""),
        ("final.total", ("final.abroad", "final.car_total", "final.reception"), ""),
        ("final.car_total", ("final.car_purchase", "final.car_operation"), ""),
    ),
    TableKind.T8: (("total", ("basic", "project"), ""),),
    TableKind.T9: (("total", ("basic", "project"), ""),),
}


@register("SUM004", "arithmetic.row_total_equals_parts", "arithmetic", tuple(ROW_IDENTITIES))
def row_total_equals_parts(report: Report, ctx: CheckContext) -> None:
    """Each row's total column equals the sum of its part columns.

    **What it checks**: T2 本年收入合计 = 财政拨款 + 上级补助 + 事业 + 经营 + 附属单位上缴 + 其他;
    T3 本年支出合计 = 基本 + 项目 + 上缴上级 + 经营 + 对附属单位补助; T5 / T8 / T9 合计 = 基本 +
    项目; T4 支出合计 = 一般公共预算 + 政府性基金 + 国有资本经营; T7 合计 = 因公出国 + 公务用车
    + 公务接待 and 公务用车 = 购置 + 运行维护 (预算数 and 决算数). Rows are read by column
    meaning, whatever the column order.

    **Why it matters**: a row that does not add across has a figure in the wrong column or a
    part left out; the split between basic and project spending is what readers compare.

    **Bad example**: T3 208 社会保障和就业支出: 合计 244.97, 基本支出 208.09, 项目支出 blank.

    **Good example**: 244.97 = 基本支出 208.09 + 项目支出 36.88.

    **Basis**: table definitions of the 部门决算 templates; DESIGN §3; rounding per DESIGN §4.

    **检查内容**: 每一行的合计列应等于各分项列之和：T2 本年收入合计 = 财政拨款收入 + 上级补助收
    入 + 事业收入 + 经营收入 + 附属单位上缴收入 + 其他收入；T3 本年支出合计 = 基本支出 + 项目支
    出 + 上缴上级支出 + 经营支出 + 对附属单位补助支出；T5、T8、T9 合计 = 基本支出 + 项目支出；T4
    支出合计 = 一般公共预算 + 政府性基金预算 + 国有资本经营预算财政拨款；T7 合计 = 因公出国
    （境）费 + 公务用车购置及运行维护费 + 公务接待费，公务用车费 = 购置费 + 运行维护费（预算数、
    决算数分别核对）。各列按含义识别，不受列的先后顺序影响。

    **为何重要**: 行内横向不平，说明有数字填错了列或漏掉了某个分项；基本支出与项目支出的划分正是
    读者比较的内容。
    """
    found = False
    for kind, identities in ROW_IDENTITIES.items():
        table = report.table(kind)
        if table is None:
            continue
        for total_key, part_keys, side in identities:
            present = [k for k in part_keys if table.column(k) is not None]
            if table.column(total_key) is None or not present:
                continue
            found = True
            _check_rows(ctx, table, total_key, present, side)
    if not found:
        raise InsufficientData("未找到可核对的合计列与分项列")


def _check_rows(ctx: CheckContext, table: Table, total_key: str, part_keys: list[str], side: str) -> None:
    rows = [row for row in table.rows if not side or row.side == side]
    check_row_parts(ctx, table, total_key, part_keys, "行合计与分项之和不符", _what, rows)


def _what(table: Table, row: Row, evidence: list[Evidence]) -> str:
    return (f"{table.kind.value}{TABLE_NAMES_ZH[table.kind]}“{row_name(row)}”行的“{evidence[0].column}”"
            f"应等于{'、'.join(e.column or '' for e in evidence[1:])}之和")
