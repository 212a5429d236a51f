"""The question parser (index/query.py): typed queries, multi-part questions, follow-ups,
the LLM's query proposal validated, and the paraphrase sets (tests/fixtures/qa/paraphrases.yaml,
written by someone who did not read the parser): every phrasing style ≥ 90% right."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from auditor.audit import audit_report
from auditor.ingest import load_report
from index.answer import Answer, Answerer
from index.facts import FactBase, build_facts
from index.query import (
    InvalidQuery,
    parse,
    query_from_json,
    resolve,
    split_parts,
    validate_query_json,
)
from index.store import build_index
from tests.conftest import EXAMPLE_PDF
from tests.test_qa import judge

PARAPHRASES = Path(__file__).parent / "fixtures" / "qa" / "paraphrases.yaml"
SOURCES = {"example": EXAMPLE_PDF}


@cache
def _base(source: str = "example") -> FactBase:
    report = load_report(SOURCES[source])
    return build_facts(report, audit_report(report))


def _answerer(source: str = "example") -> Answerer:
    base = _base(source)
    return Answerer(base, build_index(base, vectors=False))


def paraphrase_table() -> tuple[dict[str, tuple[int, int]], list[str]]:
    """Per style: (right, asked), and the misses."""
    sets = yaml.safe_load(PARAPHRASES.read_text(encoding="utf-8"))
    rates: dict[str, tuple[int, int]] = {}
    misses = []
    for item in sets:
        for style, question in item["phrasings"].items():
            answer = _answerer(item["source"]).ask(question)
            ok, _ = judge({"intent": item["intent"], "expect": item["expect"]}, answer)
            right, asked = rates.get(style, (0, 0))
            rates[style] = (right + ok, asked + 1)
            if not ok:
                misses.append(f"{item['id']} {style} {question} -> {answer.text[:120]}")
    return rates, misses


def test_paraphrase_sets_each_at_least_90_percent() -> None:
    rates, misses = paraphrase_table()
    table = "\n".join(f"{style:12} {right}/{asked} = {right / asked:.0%}" for style, (right, asked) in rates.items())
    print("\n" + table)
    assert len(rates) >= 3 and all(asked >= 30 for _, asked in rates.values())
    for style, (right, asked) in rates.items():
        assert right / asked >= 0.90, f"{style} {right}/{asked}\n{table}\n" + "\n".join(misses)


if __name__ == "__main__":  # pragma: no cover - `python -m tests.test_query` prints the table
    r, m = paraphrase_table()
    for s, (a, b) in r.items():
        print(f"{s:12} {a}/{b} = {a / b:.0%}")
    print("\n".join(m))
