from __future__ import annotations

from auditor.checks.arithmetic.summary import check_summary_table
from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.helpers import require, require_data
from auditor.model import Report, TableKind


@register("SUM005", "arithmetic.t1_balance", "arithmetic", (TableKind.T1,))
def t1_balance(report: Report, ctx: CheckContext) -> None:
    """收入支出决算总表 (T1) balances: lines add to 本年合计, 本年合计 plus carry-overs to 总计,
    and 总计 of income equals 总计 of spending.

    **What it checks**: 本年收入合计 = Σ income lines (一般公共预算财政拨款收入 … 其他收入);
    本年支出合计 = Σ function 类 lines; 总计(收) = 本年收入合计 + 使用非财政拨款结余 + 年初结转和
    结余; 总计(支) = 本年支出合计 + 结余分配 + 年末结转和结余; 总计(收) = 总计(支).

    **Why it matters**: T1 is the report's headline table; if it does not balance, the
    department's total income or spending as published is wrong.

    **Bad example**: 本年支出合计 9759.38 while the 类 lines add up to 9759.37 + 10.00.

    **Good example**: 本年收入合计 251.21 = 244.97 + 6.24; 总计 251.21 on both sides.

    **Basis**: DESIGN §3 (T1 identities); 部门决算报表编制说明.

    **检查内容**: 核对 T1 收入支出决算总表的平衡关系：本年收入合计 = 各收入项目之和（一般公共预
    算财政拨款收入……其他收入）；本年支出合计 = 各功能分类类级支出之和；收入总计 = 本年收入合计 +
    使用非财政拨款结余 + 年初结转和结余；支出总计 = 本年支出合计 + 结余分配 + 年末结转和结余；收
    入总计 = 支出总计。

    **为何重要**: T1 是报告的总表；总表不平衡，说明公开的部门收入总额或支出总额有误。
    """
    table = require_data(require(report, TableKind.T1))
    keys = [c.key for c in table.columns if c.side == "expense" and c.key in ("amount", "total")]
    income_keys = [c.key for c in table.columns if c.side == "income" and c.key in ("amount", "total")]
    if not keys or not income_keys:
        raise InsufficientData("T1 未识别出收入、支出两侧的决算数列")
    if not check_summary_table(ctx, table, keys[:1], income_keys[0]):
        raise InsufficientData("T1 未找到“本年收入合计/本年支出合计”行")
