"""Balance identities of the two-sided summary tables T1 and T4 (shared; not a check)."""

from __future__ import annotations

from auditor.checks.base import CheckContext
from auditor.checks.helpers import amount, breakdown_of, side_rows, summary_structure
from auditor.findings import cell_evidence, column_name, row_name
from auditor.model import TABLE_NAMES_ZH, Table


def check_summary_table(ctx: CheckContext, table: Table, expense_keys: list[str], income_key: str) -> bool:
    """本年合计 = Σ lines above it; 总计 = 本年合计 + lines between; 总计(收) = 总计(支);
    a 结转和结余 line = Σ its fund-type breakdown. Returns False when the layout is not found."""
    name = f"{table.kind.value}{TABLE_NAMES_ZH[table.kind]}"
    found = False
    grands = {}
    for side, keys in (("income", [income_key]), ("expense", expense_keys)):
        side_name = "收入" if side == "income" else "支出"
        rows = side_rows(table, side)
        above, year_total, between, grand = summary_structure(rows)
        if year_total is None:
            continue
        found = True
        grands[side] = grand
        for key in keys:
            ctx.compare_sum(
                amount(year_total, key),
                [amount(r, key) for r in above],
                "本年合计与各项之和不符",
                f"{name}“{row_name(year_total)}”（{column_name(table, key, side)}）应等于其上{len(above)}行之和",
                [cell_evidence(table, year_total, key)] + [cell_evidence(table, r, key) for r in above if amount(r, key)],
            )
            if grand is not None:
                ctx.compare_sum(
                    amount(grand, key),
                    [amount(year_total, key)] + [amount(r, key) for r in between],
                    "总计与本年合计及结转结余不符",
                    f"{name}{side_name}“总计”（{column_name(table, key, side)}）应等于“{row_name(year_total)}”加"
                    + "、".join(f"“{row_name(r)}”" for r in between),
                    [cell_evidence(table, grand, key), cell_evidence(table, year_total, key)]
                    + [cell_evidence(table, r, key) for r in between],
                )
            for row in between:
                parts = breakdown_of(rows, row)
                if parts:
                    ctx.compare_sum(
                        amount(row, key),
                        [amount(p, key) for p in parts],
                        "结转结余与其分项之和不符",
                        f"{name}“{row_name(row)}”（{column_name(table, key, side)}）应等于其下{len(parts)}个分项之和",
                        [cell_evidence(table, row, key)] + [cell_evidence(table, p, key) for p in parts],
                    )
    income_grand, expense_grand = grands.get("income"), grands.get("expense")
    if income_grand is not None and expense_grand is not None:
        ctx.compare_equal(
            amount(income_grand, income_key),
            amount(expense_grand, expense_keys[0]),
            "收支总计不相等",
            f"{name}收入总计与支出总计应相等",
            "收入总计",
            "支出总计",
            [cell_evidence(table, income_grand, income_key), cell_evidence(table, expense_grand, expense_keys[0])],
        )
    return found
