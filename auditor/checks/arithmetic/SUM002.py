from __future__ import annotations

from auditor.checks.arithmetic.hierarchy import check_hierarchy
from auditor.checks.base import CheckContext, register
from auditor.checks.helpers import require, require_data
from auditor.model import Report, TableKind


@register("SUM002", "arithmetic.economic_parent_equals_children", "arithmetic", (TableKind.T6,))
def economic_parent_equals_children(report: Report, ctx: CheckContext) -> None:
    """A 经济分类 类 row of the basic-expenditure table equals the sum of its 款 rows.

    **What it checks**: in T6 (一般公共预算财政拨款基本支出决算表), 301 工资福利支出 = Σ 301xx,
    302 商品和服务支出 = Σ 302xx, 303, 310, 399… likewise, within rounding. The side-by-side
    column groups are unfolded first, so a 类 and its 款 rows are found wherever they stand.

    **Why it matters**: the 类 totals feed 人员经费 and 公用经费; a wrong 类 total makes both
    wrong, and the narrative usually quotes them.

    **Bad example**: 302 商品和服务支出 14.58 while its 款 rows add up to 14.26.

    **Good example**: 303 对个人和家庭的补助 1.08 = 30302 退休费 0.80 + 30309 奖励金 0.06 +
    30399 其他 0.21 + …, within 0.005 × (n + 1).

    **Basis**: 政府支出经济分类科目; DESIGN §2–3.

    **检查内容**: 在 T6 一般公共预算财政拨款基本支出决算表中，每个经济分类类级科目（301 工资福利
    支出、302 商品和服务支出，以及 303、310、399 等）应等于其下各款级科目之和，允许四舍五入误
    差。并排印刷的多栏先展开再核对，无论类、款行位于哪一栏都能找到。

    **为何重要**: 类级合计是人员经费和公用经费的来源；类级合计有误，两者都会出错，而情况说明通常
    会引用这两个数字。
    """
    table = require_data(require(report, TableKind.T6))
    check_hierarchy(ctx, table, "经济分类上下级科目不平衡")
