"""Lookups shared by the cross-table checks (not a check)."""

from __future__ import annotations

from auditor.checks.helpers import amount, compact_label, side_rows, summary_structure
from auditor.model import Amount, Row, Table

# T1 income lines by the T2 column they correspond to. Fiscal grants are one column in T2
# and up to three lines in T1 (一般公共预算 / 政府性基金 / 国有资本经营).
INCOME_LINES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("fiscal_grant", ("财政拨款",)),
    ("superior_subsidy", ("上级补助",)),
    ("business_income", ("事业收入",)),
    ("operating_income", ("经营收入",)),
    ("affiliated_income", ("附属单位",)),
    ("other_income", ("其他收入",)),
)

FUND_LINES: tuple[tuple[str, str], ...] = (
    ("general_budget", "一般公共预算"),
    ("gov_fund", "政府性基金"),
    ("state_capital", "国有资本经营"),
)


def income_lines(table: Table) -> list[Row]:
    above, _, _, _ = summary_structure(side_rows(table, "income"))
    return above


def year_total(table: Table, side: str) -> Row | None:
    return summary_structure(side_rows(table, side))[1]


def lines_matching(rows: list[Row], words: tuple[str, ...]) -> list[Row]:
    return [r for r in rows if any(w in compact_label(r) for w in words)]


def summed(rows: list[Row], key: str) -> Amount | None:
    """Σ of printed amounts as one Amount (precision of the coarsest part)."""
    parts = [a for r in rows if (a := amount(r, key)) is not None]
    if not parts:
        return None
    value = sum((p.value for p in parts), parts[0].value * 0)
    return Amount(value=value, raw="+".join(p.raw for p in parts), decimals=min(p.decimals for p in parts))


def expense_class_lines(table: Table) -> dict[str, Row]:
    """The 类 lines of the spending side of T1 / T4, by function code."""
    above, _, _, _ = summary_structure(side_rows(table, "expense"))
    return {r.code: r for r in above if r.code}


def first_key(table: Table, side: str, candidates: tuple[str, ...]) -> str | None:
    for key in candidates:
        if any(c.key == key and c.side == side for c in table.columns):
            return key
    return None
