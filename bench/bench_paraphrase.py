"""Paraphrase sets written on reports the parser's author never saw (bench/paraphrase_heldout/):
each question in three styles (colloquial, formal, abbreviated); prints the rate per style and
the misses. A measurement, not a test: a set stops being held out once the parser is tuned on
it, so bench/results_qa.md records each set's FIRST run as well as the current one.

    python bench/bench_paraphrase.py
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.audit import audit_report  # noqa: E402
from auditor.ingest import load_report  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.facts import build_facts  # noqa: E402
from index.store import build_index  # noqa: E402
from tests.test_qa import judge  # noqa: E402

SHARED = ROOT.parent / "shared" / "real"
SETS = {
    "sh": SHARED / "shanghai_putuo_shehui_gongzuobu_2024.pdf",
    "gh": SHARED / "shanghai_putuo_guihua_ziyuan_2024.pdf",
    "fj": SHARED / "narratives_fujian" / "fujian-pingtan_jiaoyuju_2016.txt",
    "fj2": SHARED / "narratives_fujian" / "fujian-pingtan_jigongwei_2015.txt",
}


def run(name: str, source: Path) -> dict[str, list[int]]:
    sets = yaml.safe_load((ROOT / "bench" / "paraphrase_heldout" / f"{name}.yaml").read_text(encoding="utf-8"))
    report = load_report(source)
    base = build_facts(report, audit_report(report))
    index = build_index(base, vectors=False)
    score: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s in sets:
        for style, question in s["phrasings"].items():
            answer = Answerer(base, index).ask(question)
            ok, _ = judge({"intent": s["intent"], "expect": s["expect"]}, answer)
            score[style][0] += ok
            score[style][1] += 1
            if not ok:
                print(f"  miss {name}/{s['id']} {style}: {question} -> {answer.text[:90]}")
    return score


def main() -> None:
    for name, source in SETS.items():
        if not source.exists():
            print(f"{name}: ../shared 中缺少 {source.name}，跳过")
            continue
        score = run(name, source)
        print(f"{name} ({source.name}): " + "; ".join(f"{style} {c}/{t} = {c / t:.0%}" for style, (c, t) in score.items()))


if __name__ == "__main__":
    main()
