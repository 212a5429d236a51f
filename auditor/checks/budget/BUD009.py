from __future__ import annotations

from auditor.checks.base import CheckContext, InsufficientData, NotApplicable, register
from auditor.checks.budget.narrative import check_text_sums, check_ties
from auditor.model import Report, TableKind


@register("BUD009", "budget.narrative_split_matches_tables", "budget", (TableKind.B3, TableKind.B6, TableKind.B11))
def budget_narrative_split(report: Report, ctx: CheckContext) -> None:
    """The split of the budget the 预算说明 states — 基本支出 / 项目支出 (and 单位预留机动经费,
    结转下年资金), 人员经费 / 公用经费 — equals the tables and adds up to the total it states.

    **What it checks**: (1) "基本支出 X 万元", "项目支出 Y 万元" equal the 支出预算总表's 基本支出 /
    项目支出 columns; "财政拨款基本支出" the 财政拨款基本支出预算表 合计, "一般公共预算基本支出" the
    一般公共预算基本支出预算表 合计; 人员经费 / 公用经费 the columns of those tables when printed.
    (2) A total the text states ("本年支出预算合计 Z 万元，其中：基本支出…；项目支出…") equals the sum
    of the parts it lists in that sentence or the two after it; a part the text leaves out counts
    only when the table prints it as 0. Likewise 基本支出 = 人员经费 + 公用经费.

    **Why it matters**: the basic / project split is what readers compare year on year; a split
    that differs from the tables or does not add up to the total misstates where money goes.

    **Bad example**: "支出预算合计 1,000.00 万元，其中基本支出 600.00 万元，项目支出 300.00 万元"
    (900.00), or 基本支出 620.00 while 支出预算总表 prints 600.00.

    **Good example**: 1,000.00 = 600.00 + 400.00, as in the table.

    **Basis**: 支出 = 基本支出 + 项目支出 (+ 预留机动经费 + 结转下年); 基本支出 = 人员经费 + 公用经费
    (DESIGN §2, §3).

    **检查内容**: (1) 预算说明中的基本支出、项目支出（及单位预留机动经费、结转下年资金）应等于支出预算总表
    相应列；财政拨款基本支出、一般公共预算基本支出应等于相应基本支出预算表合计；人员经费、公用经费在表中
    分列时也核对。(2) 正文写出的支出总额应等于同句或其后两句所列各部分之和（正文未列的部分，仅当表中该
    部分为 0 时才视为 0）；基本支出应等于人员经费与公用经费之和。

    **为何重要**: 基本支出与项目支出的划分是逐年比较的重点；与表不符或加总不等于总额，会误导读者。
    """
    if report.meta.document_type != "budget":
        raise NotApplicable("本报告不是预算")
    compared = check_ties(report, ctx, "split") + check_text_sums(report, ctx, "split")
    if not compared:
        raise InsufficientData("正文中没有能核对的基本支出、项目支出或人员经费、公用经费")
