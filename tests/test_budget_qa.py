"""Budget questions (index/budget_qa.py): answered from the budget's tables and its 说明, with
citations; "预算执行得怎么样" with the department's 决算 and budget together."""

from __future__ import annotations

from pathlib import Path

from auditor.ingest import load_report
from auditor.synth.budget import generate, render
from auditor.synth.text import write_text
from index.answer import Answerer
from index.facts import build_facts

PAIRS = Path(__file__).parent / "fixtures" / "pairs"


def _answerer(tmp_path: Path, seed: int = 4) -> tuple[Answerer, object]:
    data = generate(seed)
    path = tmp_path / "budget.txt"
    write_text(render(data), path)
    return Answerer(build_facts(load_report(path))), data


def test_change_from_the_prior_column(tmp_path: Path) -> None:
    answerer, data = _answerer(tmp_path)
    answer = answerer.ask("今年预算比去年增加多少？")
    diff = data.total - data.prior  # type: ignore[attr-defined]
    assert answer.found and f"{abs(diff):.2f}" in answer.text and ("增加" if diff > 0 else "减少") in answer.text
    assert {c.table for c in answer.citations} == {"B3"}


def test_three_public_budget(tmp_path: Path) -> None:
    answerer, data = _answerer(tmp_path)
    answer = answerer.ask("三公经费预算是多少")
    assert answer.found and f"{data.three:.2f}" in answer.text  # type: ignore[attr-defined]
    assert f"公务接待费{data.reception:.2f}" in answer.text  # type: ignore[attr-defined]
    assert answer.citations[0].table == "B7"


def test_budget_total(tmp_path: Path) -> None:
    answerer, data = _answerer(tmp_path)
    answer = answerer.ask("预算总额是多少")
    assert answer.found and f"{data.total:.2f}" in answer.text  # type: ignore[attr-defined]


def test_execution_with_both_documents() -> None:
    answerer = Answerer(build_facts(load_report(PAIRS / "final_2024.txt")))
    alone = answerer.ask("预算执行得怎么样")
    assert "未提供同年度的部门预算" in alone.text and "完成" in alone.text
    answerer.budget_report = load_report(PAIRS / "budget_2024.txt")
    both = answerer.ask("预算执行得怎么样")
    assert both.found and "与部门预算一致" in both.text
    planted = (PAIRS / "budget_2024.txt").read_text(encoding="utf-8").replace(
        "10.00\t2.00\t6.00\t0.00\t6.00\t2.00", "11.00\t2.00\t6.00\t0.00\t6.00\t3.00")
    from auditor.ingest.assemble import assemble
    from auditor.ingest.text import parse_text

    answerer.budget_report = assemble(parse_text(planted))
    differs = answerer.ask("预算执行得怎么样")
    assert "处与部门预算不符" in differs.text and "公务接待费" in differs.text


def test_other_questions_are_not_taken(tmp_path: Path) -> None:
    answerer, _ = _answerer(tmp_path)
    from index.budget_qa import budget_answer

    assert budget_answer(answerer, "报告有哪些问题") is None
    assert budget_answer(answerer, "项目支出比去年增加多少") is None  # one line, not the whole budget
    assert budget_answer(answerer, "今年部门预算是多少") is not None
