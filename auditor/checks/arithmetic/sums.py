"""Column and row sums of one table (shared by SUM003 / SUM004 and BUD001 / BUD002; not a check)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from auditor.checks.base import CheckContext
from auditor.checks.helpers import amount, class_rows, grand_total, value_keys
from auditor.findings import Evidence, cell_evidence
from auditor.model import TABLE_NAMES_ZH, Row, Table


def check_total_equals_classes(ctx: CheckContext, table: Table, title: str) -> bool:
    """The 合计 row equals the sum of the 类 rows in every amount column. Returns False when the
    table has no 合计 row or no 类 rows (nothing compared)."""
    total, classes = grand_total(table), class_rows(table)
    if total is None or not classes:
        return False
    for key in value_keys(table):
        evidence = [cell_evidence(table, total, key)] + [cell_evidence(table, r, key) for r in classes[:6]]
        ctx.compare_sum(
            amount(total, key),
            [amount(r, key) for r in classes],
            title,
            f"{table.kind.value}{TABLE_NAMES_ZH[table.kind]}“合计”行“{evidence[0].column}”应等于{len(classes)}个类级科目之和",
            evidence,
        )
    return True


def check_row_parts(
    ctx: CheckContext,
    table: Table,
    whole: str,
    parts: Sequence[str],
    title: str,
    what: Callable[[Table, Row, list[Evidence]], str],
    rows: Sequence[Row] | None = None,
) -> None:
    """Each row's ``whole`` column equals the sum of its ``parts`` columns; ``what`` says which
    (from the table, the row and the evidence: whole first, then the parts)."""
    for row in table.rows if rows is None else rows:
        evidence = [cell_evidence(table, row, whole)] + [cell_evidence(table, row, k) for k in parts]
        ctx.compare_sum(amount(row, whole), [amount(row, k) for k in parts], title, what(table, row, evidence), evidence)
