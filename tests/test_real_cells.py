"""Pinned cells of T1, T3, T5 and T6 of the real reports, against files checked by hand
(tests/expected/real/*.json: values read from the rendered pages, independent of our reader)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from auditor.ingest import load_report
from auditor.model import TableKind
from tests.conftest import REAL, need

EXPECTED = Path(__file__).parent / "expected" / "real"
KINDS = ("T1", "T3", "T5", "T6")


def _key(side: str, code: str, label: str, page: int | None, cells: dict[str, str]) -> tuple:
    return (side, code, label, page, tuple(sorted(cells.items())))


@pytest.mark.parametrize("expected_file", sorted(EXPECTED.glob("*.json")), ids=lambda p: p.stem)
def test_cells_match_hand_checked_file(expected_file: Path) -> None:
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    report = load_report(need(REAL / expected["source"]))
    total_cells = 0
    for kind in KINDS:
        table = report.table(TableKind(kind))
        assert table is not None, kind
        want = Counter(
            _key(r["side"], r["code"], r["label"], r["page"], r["cells"]) for r in expected["tables"][kind]
        )
        got = Counter(
            _key(
                r.side,
                r.code if kind != "T1" else "",
                r.label,
                r.location.page,
                {k: c.raw for k, c in r.cells.items() if c.raw},
            )
            for r in table.rows
        )
        missing, extra = want - got, got - want
        assert not missing and not extra, f"{kind}: missing {list(missing)[:5]} extra {list(extra)[:5]}"
        total_cells += sum(len(r["cells"]) for r in expected["tables"][kind])
    assert total_cells > 100
