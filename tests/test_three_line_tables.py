"""Tables printed as 三线表 (a rule above and below the header and one under the last row, none
between the header's levels or the rows): read by the words' alignment, not as bands between
rules (which stacked the header's levels into one cell and took the budget columns of the 三公
table for its outturn)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from auditor.audit import audit_report
from auditor.ingest import load_report
from auditor.model import TableKind
from auditor.synth.pdf import HUNAN, pdf_bytes
from auditor.synth.producers import Variant, build_spec, printed


@pytest.fixture(scope="module")
def three_line(tmp_path_factory: pytest.TempPathFactory) -> Path:
    variant = Variant.parse("base")
    spec, _ = build_spec(3, variant)
    layout = replace(HUNAN, name="hunan-three", rules="three", repeat_header=variant.repeat_header)
    path = tmp_path_factory.mktemp("three") / "three.pdf"
    path.write_bytes(pdf_bytes(printed(spec, variant), layout))
    return path


def test_three_line_sangong_table_keeps_budget_and_outturn_apart(three_line: Path) -> None:
    report = load_report(three_line)
    t7 = report.table(TableKind.T7)
    assert t7 is not None
    keys = [column.key for column in t7.columns]
    assert any(k.startswith("budget.") for k in keys), keys
    assert any(k.startswith("final.") for k in keys), keys
    # no header cell is two levels stacked into one ("预算数小计")
    assert not any("预算数" in level and "小计" in level for column in t7.columns for level in column.header)
    assert ("预算数", "公务用车购置及运行维护费", "小计") in [column.header for column in t7.columns]


def test_three_line_report_has_no_false_narrative_errors(three_line: Path) -> None:
    findings = audit_report(load_report(three_line)).findings
    wrong = [f for f in findings if f.severity.value == "error" and f.code.startswith("NAR")]
    assert not wrong, [f.message for f in wrong]
