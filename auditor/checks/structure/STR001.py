from __future__ import annotations

import re

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.findings import Evidence, Severity
from auditor.model import STANDARD_KINDS, TABLE_NAMES_ZH, Report


@register("STR001", "structure.nine_tables_present", "structure")
def nine_tables_present(report: Report, ctx: CheckContext) -> None:
    """The nine standard tables are all published.

    **What it checks**: each of T1 收入支出决算总表 … T9 国有资本经营预算财政拨款支出决算表 is
    found in the report, by its title or its "公开0X表" label. An empty T7 / T8 / T9 printed
    with its "本表无数据" statement counts as present. The missing tables are listed in ONE
    finding: an error when some tables are printed and others not; a warning when none is
    (a narrative-only publication whose tables were published as separate files). A 部门预算
    (tables titled "……预算表", none "……决算表") is not asked for the 决算 tables.

    **Why it matters**: the nine tables are the mandatory content of 部门决算公开; a missing
    table hides a whole part of the accounts, and every cross-table check on it is blind.

    **Bad example**: the report prints T1 … T6 and T8, T9, but no 三公经费 table at all.

    **Good example**: all nine titles appear; T8 is printed blank with "本单位没有政府性基金
    收入，也没有使用政府性基金安排的支出，故本表无数据".

    **Basis**: 财政部部门决算公开格式（九张公开表）; DESIGN §1.

    **检查内容**: 核对报告是否公开了全部九张标准表（T1 收入支出决算总表至 T9 国有资本经营预算财
    政拨款支出决算表），按表名或“公开0X表”标注识别。T7、T8、T9 无数据但印出空表并附“本表无数
    据”说明的，视为已公开。缺少的表合并为一条问题列出：部分表缺失为错误；一张表都没有（只公开
    了说明、表格另行发布）为警告。表名为“……预算表”、没有“决算”表名的部门预算不要求九张决算表。

    **为何重要**: 九张公开表是部门决算公开的必备内容；缺少一张表就隐去了一部分账目，与该表有关的
    表间核对也无从进行。
    """
    titles = [t.title for t in report.tables if t.title] + [s.heading for s in report.sections]
    titles += [note for t in report.tables for note in t.notes if note.startswith("公开")]
    if any(re.search(r"预算[^，。；]{0,6}表", t) for t in titles) and not any("决算" in t for t in titles):
        # a 部门预算: its tables are budget tables, the nine 决算 tables are not expected
        raise NotApplicable("这是部门预算的表格（表名为“……预算表”），不要求九张决算公开表")
    missing = [kind for kind in STANDARD_KINDS if report.table(kind) is None]
    ctx.comparisons += len(STANDARD_KINDS)
    if not missing:
        return
    names = "、".join(f"{kind.value}“{TABLE_NAMES_ZH[kind]}”" for kind in missing)
    locations = [Evidence(table=kind.value, quote=TABLE_NAMES_ZH[kind]) for kind in missing]
    if len(missing) == len(STANDARD_KINDS):
        # a narrative-only publication: the tables were most likely published as separate files
        ctx.add(
            Severity.WARNING,
            "未见公开表（正文未附表格）",
            f"报告中未找到任何一张公开表（{names}）。如表格另行发布（如单独的表格文件），请一并审核；"
            "本次只核对了正文，与表格有关的检查均未进行。",
            observed="0 张公开表",
            expected="九张公开表（与正文一并或另行公开）",
            locations=locations,
        )
        return
    reasons = "；".join(f"{kind.value}：{report.recognition.missed.get(kind.value, '未找到')}" for kind in missing)
    ctx.add(
        Severity.ERROR,
        f"缺少{len(missing)}张公开表" if len(missing) > 1 else f"缺少{missing[0].value}{TABLE_NAMES_ZH[missing[0]]}",
        f"报告中未找到{names}（{reasons}）。",
        observed="未找到",
        expected="公开" + "、".join(TABLE_NAMES_ZH[kind] for kind in missing),
        locations=locations,
    )
