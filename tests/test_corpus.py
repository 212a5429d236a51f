"""The synthetic corpus in small: clean reports in each layout audit without errors and
every table figure round-trips; each planted slip is found by the check meant for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.audit import audit_report
from auditor.ingest import load_report
from auditor.synth.compose import LAYOUT_NAMES, compose
from auditor.synth.figures import generate
from auditor.synth.mutate import MUTATORS, plant
from auditor.synth.pdf import pdf_bytes
from bench.bench_corpus import round_trip
from bench.corpus import variant


def _seed_for(layout: str, mode: str = "exact") -> int:
    return next(s for s in range(40) if variant(s) == (layout, mode))


@pytest.mark.parametrize("layout", LAYOUT_NAMES)
def test_clean_report_round_trips_without_errors(layout: str, tmp_path: Path) -> None:
    seed = _seed_for(layout)
    spec, _ = compose(generate(seed, "exact"), layout)
    path = tmp_path / f"{layout}.pdf"
    path.write_bytes(pdf_bytes(spec, layout))
    report = load_report(path)
    found, total, misses = round_trip(report, seed)
    assert total > 50 and found == total, misses[:5]
    errors = [f.message for f in audit_report(report).findings if f.severity.value == "error"]
    assert errors == []


def test_rounded_figures_are_not_errors(tmp_path: Path) -> None:
    seed = next(s for s in range(40) if variant(s)[1] == "rounded")
    layout, mode = variant(seed)
    spec, _ = compose(generate(seed, mode), layout)
    path = tmp_path / "rounded.pdf"
    path.write_bytes(pdf_bytes(spec, layout))
    findings = audit_report(load_report(path)).findings
    assert not [f for f in findings if f.severity.value == "error"]


@pytest.mark.parametrize("kind", sorted(MUTATORS))
def test_planted_slip_is_found(kind: str, tmp_path: Path) -> None:
    for seed in range(30):
        layout, mode = variant(seed)
        data = generate(seed, mode)
        spec, anchors = compose(data, layout)
        result = plant(kind, spec, anchors, data, seed)
        if result is not None:
            break
    else:
        pytest.fail(f"{kind}: no report to plant it in")
    spec, planted = result
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(pdf_bytes(spec, layout))
    findings = audit_report(load_report(path)).findings
    if planted.must_not_error:
        assert not [f.message for f in findings if f.severity.value == "error"]
    else:
        codes = {f.code for f in findings if f.severity.value in ("error", "warning")}
        assert codes & set(planted.codes), (planted, sorted(codes))
