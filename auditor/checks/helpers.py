"""Shared lookups for checks (not a check itself)."""

from __future__ import annotations

from auditor.checks.base import InsufficientData, NotApplicable
from auditor.model import TABLE_NAMES_ZH, Amount, Report, Row, Table, TableKind


def require(report: Report, kind: TableKind) -> Table:
    table = report.table(kind)
    if table is None:
        raise InsufficientData(f"未识别到{kind.value}（{TABLE_NAMES_ZH[kind]}）")
    return table


def require_data(table: Table) -> Table:
    if not table.rows or table.is_empty:
        raise NotApplicable(f"{table.kind.value}（{TABLE_NAMES_ZH[table.kind]}）无数据")
    return table


def value_keys(table: Table, side: str = "") -> list[str]:
    return [c.key for c in table.columns if c.side == side and not c.key.startswith("col") and "#" not in c.key]


def amount(row: Row | None, key: str) -> Amount | None:
    if row is None:
        return None
    cell = row.cells.get(key)
    return cell.amount if cell is not None else None


def grand_total(table: Table) -> Row | None:
    """The 合计 row of a coded table (first or last)."""
    for row in table.rows:
        if not row.code and row.label.replace(" ", "") in {"合计", "总计", "本年合计", "本年支出合计", "本年收入合计"}:
            return row
    return None


def class_rows(table: Table) -> list[Row]:
    return [r for r in table.rows if r.code and r.level == 1]


def side_rows(table: Table, side: str) -> list[Row]:
    return [r for r in table.rows if r.side == side]


def compact_label(row: Row) -> str:
    from auditor.codes import compact, strip_ordinal

    return compact(strip_ordinal(row.label))


def summary_structure(rows: list[Row]) -> tuple[list[Row], Row | None, list[Row], Row | None]:
    """Split one side of a T1 / T4 summary table into (lines above 本年…合计, that row,
    top-level lines between it and 总计, the 总计 row). Sub-lines that follow a
    "…结转和结余" line and name a fund type are its breakdown, not separate lines."""
    year_total = next((r for r in rows if "本年" in r.label and r.label.replace(" ", "").endswith("合计")), None)
    grand = next((r for r in rows if r.label.replace(" ", "") == "总计"), None)
    if year_total is None:
        return [], None, [], grand
    i = rows.index(year_total)
    j = rows.index(grand) if grand is not None and grand in rows[i:] else len(rows)
    above = [r for r in rows[:i] if r.label]
    between: list[Row] = []
    for row in rows[i + 1 : j]:
        if not row.label:
            continue
        if between and is_fund_breakdown(row) and "结转" in between[-1].label:
            continue
        between.append(row)
    return above, year_total, between, grand


def is_fund_breakdown(row: Row) -> bool:
    name = compact_label(row)
    return name in {"一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"}


def breakdown_of(rows: list[Row], parent: Row) -> list[Row]:
    """The fund-type sub-lines printed right under a "…结转和结余" line."""
    i = rows.index(parent)
    result = []
    for row in rows[i + 1 :]:
        if is_fund_breakdown(row):
            result.append(row)
        elif row.label:
            break
    return result
