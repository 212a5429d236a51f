"""Claim extraction against a hand-written ground truth (tests/fixtures/claims/cases.yaml):
sentences of the seed and the real reports (named by a short anchor, not copied) and
sentences in other provinces' phrasing. Accuracy = expected claims found with the right
kind, value, unit and subject."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from auditor.ingest import load_report
from auditor.model import Claim, Location, NarrativeSentence, Report
from auditor.narrative.claims import extract_sentence_claims
from auditor.narrative.relations import RateLink
from tests.conftest import REAL, SEED

CASES = Path(__file__).parent / "fixtures" / "claims" / "cases.yaml"
SOURCES = {
    "seed": SEED,
    "gh": REAL / "shanghai_putuo_guihua_ziyuan_2024.pdf",
    "sh": REAL / "shanghai_putuo_shehui_gongzuobu_2024.pdf",
}
# kinds the ground truth covers; the extractor also reads bare rates ("拨付率100%"), not scored
SCORED_KINDS = {"amount", "budget", "outturn", "share", "growth", "completion", "count", "year", "date", "compare",
                "list", "no_data"}


@cache
def _report(source: str) -> Report:
    return load_report(SOURCES[source])


def _norm(text: str) -> str:
    return re.sub(r"[\s“”\"'（）()：:，,。、]", "", text or "")


def _subject_ok(expected: str, actual: str) -> bool:
    e, a = _norm(expected), _norm(actual)
    if not e:
        return True
    return bool(a) and (e == a or e in a or a in e)


def _same(expected: dict, claim: Claim) -> bool:
    if claim.kind != expected["kind"]:
        return False
    value = str(expected.get("value", ""))
    if value:
        if claim.value is None or Decimal(value) != claim.value:
            return False
    if (expected.get("unit") or "") != (claim.unit or ""):
        return False
    if claim.kind in ("year", "date"):
        return True
    if claim.kind == "list":
        return [_norm(i) for i in expected.get("items", [])] == [_norm(i) for i in claim.items]
    if claim.kind == "compare":
        return expected.get("direction", claim.direction) == claim.direction
    return _subject_ok(expected.get("subject", ""), claim.subject)


def _claims_for(case: dict) -> list[Claim] | None:
    if case["source"] == "own":
        sentence = NarrativeSentence(
            text=case["text"], location=Location(), section_title=case.get("section", ""), part="", item=case.get("item", "")
        )
        return extract_sentence_claims(sentence)
    if not SOURCES[case["source"]].exists():
        return None
    report = _report(case["source"])
    sentences = [s for s in report.sentences if case["anchor"] in s.text]
    assert len(sentences) == 1, f"anchor {case['anchor']!r} found in {len(sentences)} sentences"
    return [c for c in report.claims if c.sentence is sentences[0]]


def score() -> tuple[Counter[str], Counter[str], list[str], int]:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[str] = []
    extra = 0
    for case in cases:
        claims = _claims_for(case)
        if claims is None:
            continue
        pool = [c for c in claims if c.kind in SCORED_KINDS]
        for expected in case["claims"]:
            total[expected["kind"]] += 1
            match = next((c for c in pool if _same(expected, c)), None)
            if match is not None:
                pool.remove(match)
                found[expected["kind"]] += 1
            else:
                misses.append(f"{case['source']}:{case.get('anchor') or case.get('text')[:20]} {expected}")
        extra += len(pool)
    return found, total, misses, extra


def _relations_for(case: dict) -> tuple[list[RateLink], list[tuple[Claim, list[Claim]]]]:
    """The rate links and parts lists the relation layer finds in one written sentence."""
    from auditor.checks.narrative.NAR006 import parts_lists
    from auditor.narrative.relations import rate_links

    claims = _claims_for(case) or []
    sentence = claims[0].sentence if claims else None
    view = SimpleNamespace(claims=claims, sentences=[sentence] if sentence else [], meta=SimpleNamespace(year=None))
    return rate_links(view), parts_lists(view)  # type: ignore[arg-type]


def _num(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def relation_score() -> tuple[int, int, list[str]]:
    """(right, total, misses) over the `relations` of the written cases: each expected rate
    link (rate → change → this year's / last year's figure) and parts list (whole → parts)."""
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    right = total = 0
    misses: list[str] = []
    for case in cases:
        if not case.get("relations"):
            continue
        links, lists = _relations_for(case)
        for expected in case["relations"]:
            total += 1
            if "rate" in expected:
                ok = any(
                    _num(link.rate.value) == _num(Decimal(expected["rate"]))
                    and _num(link.change.value) == _num(Decimal(expected["change"]))
                    and ("current" not in expected or _num(link.current) == _num(Decimal(expected["current"])))
                    and ("prior" not in expected or _num(link.prior) == _num(Decimal(expected["prior"])))
                    for link in links
                )
            else:
                want = (_num(Decimal(expected["whole"])), [_num(Decimal(p)) for p in expected["parts"]])
                ok = any((_num(w.value), [_num(p.value) for p in parts]) == want for w, parts in lists)
            right += ok
            if not ok:
                misses.append(f"{case['text'][:30]} {expected}")
    return right, total, misses


def test_relation_accuracy() -> None:
    right, total, misses = relation_score()
    assert total >= 25
    assert right / total >= 0.95, f"relations {right}/{total}\n" + "\n".join(misses)


def test_corpus_covers_provinces_and_templates() -> None:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    written = [c for c in cases if c.get("province")]
    assert len({c["province"] for c in written}) >= 12
    assert {c["template"] for c in written} == {"2015-2018", "2019-"}
    assert len(cases) >= 400
    assert sum(1 for c in written if c.get("narrative_only")) * 3 >= len(cases)  # a third narrative-only


def test_claim_set_is_large_enough() -> None:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    assert len(cases) >= 150
    assert sum(len(c["claims"]) for c in cases) >= 400
    assert sum(1 for c in cases if c["source"] == "own") >= 20


def test_claim_extraction_accuracy() -> None:
    if not all(p.exists() for p in SOURCES.values()):
        pytest.skip("../shared 中的样例报告不存在，无法评测真实句子")
    found, total, misses, extra = score()
    accuracy = sum(found.values()) / sum(total.values())
    detail = {k: f"{found[k]}/{total[k]}" for k in sorted(total)}
    assert accuracy >= 0.95, f"accuracy {accuracy:.3f} {detail}\n" + "\n".join(misses[:40])


if __name__ == "__main__":  # pragma: no cover - `python -m tests.test_claims_extraction` prints the figures
    f, t, m, x = score()
    print(f"accuracy {sum(f.values())}/{sum(t.values())} = {sum(f.values()) / sum(t.values()):.3f}; extra claims {x}")
    for kind in sorted(t):
        print(f"  {kind:10} {f[kind]}/{t[kind]}")
    print("\n".join(m))
    r, n, rm = relation_score()
    print(f"relations {r}/{n} = {r / n:.3f}")
    print("\n".join(rm))
