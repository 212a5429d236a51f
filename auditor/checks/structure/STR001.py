from __future__ import annotations

from auditor.checks.base import CheckContext, register
from auditor.findings import Evidence, Severity
from auditor.model import STANDARD_KINDS, TABLE_NAMES_ZH, Report


@register("STR001", "structure.nine_tables_present", "structure")
def nine_tables_present(report: Report, ctx: CheckContext) -> None:
    """The nine standard tables are all published.

    **What it checks**: each of T1 收入支出决算总表 … T9 国有资本经营预算财政拨款支出决算表 is
    found in the report, by its title or its "公开0X表" label. An empty T7 / T8 / T9 printed
    with its "本表无数据" statement counts as present.

    **Why it matters**: the nine tables are the mandatory content of 部门决算公开; a missing
    table hides a whole part of the accounts, and every cross-table check on it is blind.

    **Bad example**: the report prints T1 … T6 and T8, T9, but no 三公经费 table at all.

    **Good example**: all nine titles appear; T8 is printed blank with "本单位没有政府性基金
    收入，也没有使用政府性基金安排的支出，故本表无数据".

    **Basis**: 财政部部门决算公开格式（九张公开表）; DESIGN §1.

    **检查内容**: 核对报告是否公开了全部九张标准表（T1 收入支出决算总表至 T9 国有资本经营预算财
    政拨款支出决算表），按表名或“公开0X表”标注识别。T7、T8、T9 无数据但印出空表并附“本表无数
    据”说明的，视为已公开。

    **为何重要**: 九张公开表是部门决算公开的必备内容；缺少一张表就隐去了一部分账目，与该表有关的
    表间核对也无从进行。
    """
    for kind in STANDARD_KINDS:
        ctx.comparisons += 1
        if report.table(kind) is not None:
            continue
        why = report.recognition.missed.get(kind.value, "未找到")
        ctx.add(
            Severity.ERROR,
            f"缺少{kind.value}{TABLE_NAMES_ZH[kind]}",
            f"报告中未找到{kind.value}“{TABLE_NAMES_ZH[kind]}”：{why}。",
            observed="未找到",
            expected=f"公开{TABLE_NAMES_ZH[kind]}",
            locations=[Evidence(table=kind.value, quote=TABLE_NAMES_ZH[kind])],
        )
