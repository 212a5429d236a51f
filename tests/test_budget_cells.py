"""Pinned cells of the real 部门预算 (../shared/real/budget_jiangsu), against values read by eye
from the rendered pages (tests/expected/budget/pinned.yaml), in two layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.ingest import load_report
from auditor.model import TableKind
from tests.conftest import REAL, need

PINNED = yaml.safe_load((Path(__file__).parent / "expected" / "budget" / "pinned.yaml").read_text(encoding="utf-8"))
CASES = [(entry["file"], kind, spec) for entry in PINNED for kind, spec in entry["tables"].items()]


@pytest.mark.parametrize(("file", "kind", "spec"), CASES, ids=[f"{f[:30]}-{k}" for f, k, _ in CASES])
def test_budget_cells_match_the_printed_page(file: str, kind: str, spec: dict) -> None:
    report = load_report(need(REAL / "budget_jiangsu" / file))
    assert report.meta.document_type == "budget"
    table = report.table(TableKind(spec.get("kind", kind)))
    assert table is not None, f"{kind} not found"
    assert spec["page"] in table.pages
    for expected in spec["rows"]:
        key = str(expected["row"])
        row = next((r for r in table.rows if r.code == key), None) or next(
            (r for r in table.rows if r.label.replace(" ", "") == key), None)
        assert row is not None, (kind, key, [(r.code, r.label) for r in table.rows][:8])
        for column, printed in expected["cells"].items():
            cell = row.cells.get(column)
            assert cell is not None and cell.raw == printed, (kind, key, column, cell.raw if cell else None, printed)
