"""Parent = Σ children over a coded table (shared by SUM001 and SUM002; not a check)."""

from __future__ import annotations

from auditor.checks.base import CheckContext
from auditor.checks.helpers import amount, value_keys
from auditor.codes import parent_code
from auditor.findings import cell_evidence, row_name
from auditor.model import TABLE_NAMES_ZH, Row, Table


def children_by_parent(table: Table) -> dict[str, list[Row]]:
    by_code = table.rows_by_code()
    children: dict[str, list[Row]] = {}
    for row in table.rows:
        parent = parent_code(row.code) if row.code else None
        if parent and parent in by_code:
            children.setdefault(parent, []).append(row)
    return children


def check_hierarchy(ctx: CheckContext, table: Table, title: str) -> None:
    by_code = table.rows_by_code()
    keys = value_keys(table)
    for parent, kids in children_by_parent(table).items():
        row = by_code[parent]
        for key in keys:
            parts = [amount(k, key) for k in kids]
            evidence = [cell_evidence(table, row, key)] + [cell_evidence(table, k, key) for k in kids[:6]]
            ctx.compare_sum(
                amount(row, key),
                parts,
                title,
                f"{table.kind.value}{TABLE_NAMES_ZH[table.kind]}“{row_name(row)}”的“{evidence[0].column}”"
                f"应等于其{len(kids)}个下级科目之和",
                evidence,
            )
