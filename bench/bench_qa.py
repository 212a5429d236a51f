"""Question answering figures, without an LLM:

- first answer on a new report: wall time of ``auditor ask FILE -q …`` (a new process:
  start, reading, audit, facts, the index it needs, the answer), with the index cache empty
  (cold) and again with the cache filled by the cold run (warm), for a question the tables
  answer and for one that needs retrieval (not in the report: the closest content is searched,
  so the keyword and vector indexes are built). Repeated; min and median are printed.
- the following questions: answer latency p50/p95 in one process once the index is built.
- retrieval hit rate on the question set (the fact carrying an expected figure among the top
  5), for vectors + keywords and keywords alone — it must not drop when the index gets faster.

Prints Markdown and writes bench/results_qa.md. Run when the machine is quiet (other work on
a 2-core machine shows up in every figure).

    python bench/bench_qa.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
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
from index.store import build_index, embed_groups  # noqa: E402

SHARED = ROOT.parent / "shared"
SOURCES = {
    "seed": SHARED / "seed" / "shifeng_shebao_2022_juesuan.txt",
    "gh": SHARED / "real" / "shanghai_putuo_guihua_ziyuan_2024.pdf",
    "sh": SHARED / "real" / "shanghai_putuo_shehui_gongzuobu_2024.pdf",
}
EXAMPLE = ROOT / "examples" / "example_report.pdf"
QUESTIONS = ROOT / "tests" / "fixtures" / "qa" / "questions.yaml"
# a question no report answers: the answer searches the closest content (both indexes)
RETRIEVAL_QUESTION = "食堂每月买了多少斤大米？"
TABLE_QUESTION = "一般公共预算财政拨款支出是多少？"


def hit(facts, figures: list[str]) -> bool:  # type: ignore[no-untyped-def]
    wanted = {Decimal(f) for f in figures}
    for fact in facts:
        if fact.value is not None and fact.value in wanted:
            return True
        text = fact.text.replace(",", "").replace(" ", "")
        if any(f in text for f in figures):
            return True
    return False


def ask_cli(path: Path, question: str, cache: Path, *options: str) -> float:
    """Seconds from starting ``auditor ask`` to its exit (the answer printed)."""
    env = {**os.environ, "AUDITOR_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", "from auditor.cli import main; main()", "ask", str(path), "-q", question,
                           "--format", "json", *options], env=env, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    answers = json.loads(done.stdout)
    assert answers and answers[0]["answer"], done.stderr
    return seconds


def audit_cli(path: Path) -> float:
    """Seconds of ``auditor audit FILE --format json`` (the same reading and checks; a reference
    that moves with the machine's load as the figures beside it do)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from auditor.cli import main; main()", "audit", str(path), "--format", "json"],
                   env=env, capture_output=True, timeout=600)
    return time.perf_counter() - started


def first_answer(path: Path, repeat: int) -> dict[str, list[float]]:
    figures: dict[str, list[float]] = {"audit": [], "table_cold": [], "table_warm": [], "search_cold": [], "search_warm": [],
                                       "search_keyword": []}
    for _ in range(repeat):
        figures["audit"].append(audit_cli(path))
        for kind, question in (("table", TABLE_QUESTION), ("search", RETRIEVAL_QUESTION)):
            with tempfile.TemporaryDirectory() as cache:
                figures[f"{kind}_cold"].append(ask_cli(path, question, Path(cache)))
                figures[f"{kind}_warm"].append(ask_cli(path, question, Path(cache)))
        with tempfile.TemporaryDirectory() as cache:
            figures["search_keyword"].append(ask_cli(path, RETRIEVAL_QUESTION, Path(cache), "--keyword-only"))
    return figures


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs of each first-answer measurement")
    parser.add_argument("--no-first", action="store_true", help="skip the first-answer runs (a quick check of the rest)")
    args = parser.parse_args()
    if not all(p.exists() for p in SOURCES.values()):
        print("../shared 中的报告不存在，跳过问答基准")
        return 0
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))

    first_rows = ["| 报告 | 参考：`auditor audit` | 表格可答：冷（无缓存） | 表格可答：热（有缓存） | 需检索：冷 | 需检索：热 | 需检索：仅关键词（--keyword-only） |",
                  "|---|---|---|---|---|---|---|"]
    files = {"example": EXAMPLE, **SOURCES}
    for source, path in files.items() if not args.no_first else ():
        times = first_answer(path, args.repeat)
        cells = [f"{min(v):.1f} / {statistics.median(v):.1f}" for v in times.values()]
        first_rows.append(f"| {source} | " + " | ".join(cells) + " |")
        print(first_rows[-1], flush=True)

    rows = ["| 报告 | 事实数 | 向量文本数（去重） | 关键词索引 (s) | 向量索引：冷 (s) | 向量索引：热 (s) | 后续回答 p50 (ms) | p95 (ms) "
            "| 前5命中率：向量+关键词 | 前5命中率：仅关键词 |", "|---|---|---|---|---|---|---|---|---|---|"]
    all_latency: list[float] = []
    totals = {"hybrid": [0, 0], "keyword": [0, 0]}
    for source, path in SOURCES.items():
        report = load_report(path)
        base = build_facts(report, audit_report(report))
        with tempfile.TemporaryDirectory() as tmp:
            index = build_index(base, directory=Path(tmp))
            started = time.perf_counter()
            _ = index.keyword
            keyword_seconds = time.perf_counter() - started
            started = time.perf_counter()
            index.prepare()
            cold = time.perf_counter() - started
            started = time.perf_counter()
            again = build_index(base, directory=Path(tmp)).vector  # read from the cache
            assert again is not None
            again.ensure()
            warm = time.perf_counter() - started
            assert again.from_cache
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
        rows.append(f"| {source} | {len(base.facts)} | {len(embed_groups(base.facts))} | {keyword_seconds:.1f} | {cold:.1f} | "
                    f"{warm:.2f} | {statistics.median(latencies):.0f} | {percentile(latencies, 0.95):.0f} | "
                    f"{hits['hybrid'][0]}/{hits['hybrid'][1]} | {hits['keyword'][0]}/{hits['keyword'][1]} |")
        print(rows[-1], flush=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    text = (
        "## 首个回答（新报告，`auditor ask 文件 -q …` 从启动到退出，秒；最小 / 中位数，"
        f"各 {args.repeat} 次）\n\n"
        f"“表格可答”：{TABLE_QUESTION}（由事实直接回答，不需要索引）；“需检索”：{RETRIEVAL_QUESTION}"
        "（报告中没有，回答列出最接近的内容：只用关键词索引，确定性回答从不等待向量）。冷：索引缓存为空；热：同一内容已建过索引。"
        "一个问题只要有一部分在报告中找不到，回答就列出最接近的内容，因而也需要关键词索引。\n\n"
        + "\n".join(first_rows)
        + "\n\n## 后续问题与检索质量\n\n"
        + "\n".join(rows)
        + f"\n\n全部 {len(all_latency)} 个问题（索引已建好）：回答延迟 p50 {statistics.median(all_latency):.0f} ms，"
        f"p95 {percentile(all_latency, 0.95):.0f} ms；前5命中率 向量+关键词 {totals['hybrid'][0] / totals['hybrid'][1]:.1%}，"
        f"仅关键词 {totals['keyword'][0] / totals['keyword'][1]:.1%}\n\n"
        f"测量时 1 分钟平均负载 {load:.1f}（2 核，与其他任务共用）。\n"
    )
    print(text)
    (ROOT / "bench" / "results_qa.md").write_text("# 问答基准\n\n" + text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
