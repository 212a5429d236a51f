from __future__ import annotations

from auditor.checks.arithmetic.summary import check_summary_table
from auditor.checks.base import CheckContext, InsufficientData, register
from auditor.checks.helpers import require, require_data
from auditor.model import Report, TableKind


@register("SUM006", "arithmetic.t4_balance", "arithmetic", (TableKind.T4,))
def t4_balance(report: Report, ctx: CheckContext) -> None:
    """财政拨款收入支出决算总表 (T4) balances, in each fund column.

    **What it checks**: 本年收入合计 = 一般公共预算 + 政府性基金 + 国有资本经营 财政拨款;
    本年支出合计 = Σ function 类 lines, for 合计 and for each fund column; 总计 = 本年合计 +
    年初 / 年末财政拨款结转和结余; a 结转和结余 line = Σ its fund-type lines; 总计(收) = 总计(支).

    **Why it matters**: T4 is the account of fiscal grants, the money the public budget gave;
    it must balance for each fund on its own.

    **Bad example**: 本年支出合计 一般公共预算 244.97 while the 类 lines show 208.09 only.

    **Good example**: 本年收入合计 244.97 = 一般公共预算财政拨款 244.97; 总计 244.97 = 244.97.

    **Basis**: DESIGN §3 (T4 identities); 部门决算报表编制说明.

    **检查内容**: 核对 T4 财政拨款收入支出决算总表的平衡关系，合计列和各资金列分别核对：本年收入
    合计 = 一般公共预算、政府性基金预算、国有资本经营预算财政拨款之和；本年支出合计 = 各功能分类
    类级支出之和；总计 = 本年合计 + 年初（年末）财政拨款结转和结余；结转和结余行 = 其下各资金类
    型行之和；收入总计 = 支出总计。

    **为何重要**: T4 反映财政拨款（即公共预算安排的资金）的收支情况，每一类资金都必须各自平衡。
    """
    table = require_data(require(report, TableKind.T4))
    keys = [c.key for c in table.columns if c.side == "expense" and c.key in ("total", "general_budget", "gov_fund", "state_capital")]
    income = [c.key for c in table.columns if c.side == "income"]
    if not keys or not income:
        raise InsufficientData("T4 未识别出收入、支出两侧的金额列")
    keys.sort(key=lambda k: k != "total")
    if not check_summary_table(ctx, table, keys, income[0]):
        raise InsufficientData("T4 未找到“本年收入合计/本年支出合计”行")
