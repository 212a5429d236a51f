"""Grounded answers without an LLM, on a hand-written question set (tests/fixtures/qa):
correct answers with citations, no wrong figure stated as fact, "未找到" for what the
report does not say."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.audit import audit_report
from auditor.ingest import load_report
from index.answer import Answer, Answerer
from index.facts import FactBase, build_facts
from index.store import build_index
from tests.conftest import REAL, SEED

QUESTIONS = Path(__file__).parent / "fixtures" / "qa" / "questions.yaml"
SOURCES = {
    "seed": SEED,
    "gh": REAL / "shanghai_putuo_guihua_ziyuan_2024.pdf",
    "sh": REAL / "shanghai_putuo_shehui_gongzuobu_2024.pdf",
}


@cache
def _base(source: str) -> FactBase:
    report = load_report(SOURCES[source])
    return build_facts(report, audit_report(report))


def _numbers(text: str) -> list[Decimal]:
    values = []
    for raw in re.findall(r"\d[\d,]*(?:\.\d+)?", text.replace(" ", "")):
        try:
            values.append(Decimal(raw.replace(",", "")))
        except InvalidOperation:
            continue
    return values


def judge(question: dict[str, Any], answer: Answer) -> tuple[bool, bool]:
    """(correct, wrong figure stated as fact)."""
    expect = question["expect"]
    intent = question["intent"]
    text = answer.text.replace(" ", "").replace(",", "")
    if intent == "not_found":
        return (not answer.found or "未找到" in text or "无此项" in text), False
    if not answer.found:
        return False, False
    has_citation = any(c.page or c.line for c in answer.citations)
    if intent == "why":
        quote = (expect.get("quote") or "").replace(" ", "")
        return quote in text and has_citation, False
    if intent == "findings":
        keyword = (expect.get("quote") or "").replace(" ", "")
        return (keyword in text or not keyword) and has_citation, False
    figures = [Decimal(f) for f in expect.get("figures", [])]
    alternatives = {Decimal(a) for a in expect.get("alt_figures", [])}
    stated = _numbers(text)
    ok = all(any(f == s for s in stated) or (f not in stated and alternatives & set(stated)) for f in figures) and has_citation
    return ok, (not ok and bool(figures))


def _ask_all(source: str) -> list[tuple[dict[str, Any], Answer]]:
    questions = [q for q in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8")) if q["source"] == source]
    by_id = {q["id"]: q for q in questions}
    base = _base(source)
    index = build_index(base, vectors=False)
    results = []
    for question in questions:
        answerer = Answerer(base, index)
        parent = question.get("follow_up_of")
        if parent:
            answerer.ask(by_id[parent]["question"])
        results.append((question, answerer.ask(question["question"])))
    return results


def score() -> tuple[int, int, int, list[str]]:
    correct = total = wrong = 0
    misses = []
    for source, path in SOURCES.items():
        if not path.exists():
            continue
        for question, answer in _ask_all(source):
            ok, bad = judge(question, answer)
            total += 1
            correct += ok
            wrong += bad
            if not ok:
                misses.append(f"{question['id']} {question['question']} -> {answer.text[:150]}")
    return correct, total, wrong, misses


def test_question_set_is_large_enough() -> None:
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    assert len(questions) >= 80
    intents = {q["intent"] for q in questions}
    assert {"amount", "share", "growth", "budget", "rank", "by_class", "why", "findings", "count", "not_found"} <= intents
    assert any(q.get("follow_up_of") for q in questions)


def test_deterministic_answers() -> None:
    if not all(p.exists() for p in SOURCES.values()):
        pytest.skip("../shared 中的报告不存在，无法评测问答")
    correct, total, wrong, misses = score()
    assert correct / total >= 0.90, f"{correct}/{total}\n" + "\n".join(misses)
    assert wrong == 0, "\n".join(misses)


if __name__ == "__main__":  # pragma: no cover - `python -m tests.test_qa` prints the figures
    c, t, w, m = score()
    print(f"correct {c}/{t} = {c / t:.3f}; wrong figures stated: {w}")
    print("\n".join(m))
