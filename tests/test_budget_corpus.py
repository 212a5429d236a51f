"""A slice of the budget planted-error corpus (bench/bench_budget.py runs the whole): clean
synthetic budgets have no error finding, and each kind of planted slip is found by its check,
through the PDF renderer and the real reader."""

from __future__ import annotations

import pytest

from auditor.synth.budget import BUDGET_MUTATORS, generate, plant_budget, render
from bench.bench_budget import run_one


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_clean_budget_has_no_error(seed: int) -> None:
    result = run_one((seed, None))
    assert result is not None
    assert result["document_type"] == "budget"
    assert result["errors"] == []


@pytest.mark.parametrize("kind", sorted(BUDGET_MUTATORS))
def test_planted_slip_is_found(kind: str) -> None:
    result = run_one((1000 + sorted(BUDGET_MUTATORS).index(kind) * 100, kind))
    assert result is not None, f"{kind}: nothing planted"
    assert result["found"], (kind, result["errors"])


def test_clean_figures_satisfy_the_identities() -> None:
    data = generate(7)
    assert data.basic + data.project == data.total
    assert data.personnel + data.public == data.basic
    assert data.three == data.abroad + data.car_purchase + data.car_operation + data.reception
    assert data.general + data.other == data.total


def test_a_slip_changes_only_its_slot() -> None:
    data = generate(3)
    slips, plant = plant_budget("running_text", data, 3)
    clean, planted = render(data), render(data, slips)
    changed = [i for i, (a, b) in enumerate(zip(clean.blocks, planted.blocks, strict=True)) if a != b]
    assert len(changed) == 1 and plant.codes == ("BUD007",)
