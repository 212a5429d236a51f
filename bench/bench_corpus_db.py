"""Questions across many reports, measured: 500 synthetic text reports (50 departments × 10
years, bench/corpus_db.py) audited by the batch runner, the corpus database built, and every
corpus question (expected answers computed from the generator's figures) asked and timed.
Prints Markdown and writes bench/results_corpus_db.md.

    python bench/bench_corpus_db.py [--departments 50] [--years 10] [--jobs 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.batch import run_batch  # noqa: E402
from bench.corpus_db import build, check, questions  # noqa: E402
from index.corpus import Corpus, build_corpus  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description="语料库问答：建库用时与查询延迟")
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3, help="每个问题重复提问的次数（取全部用时算分位数）")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results_corpus_db.md")
    parser.add_argument("--keep", type=Path, default=None, help="把生成的报告与批量输出保留在此文件夹（默认用完即删）")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        folder, out = base / "in", base / "out"
        started = time.perf_counter()
        truth = build(folder, args.departments, args.years, args.jobs)
        generated = time.perf_counter() - started
        (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nbroken")  # a bad file never breaks the corpus
        started = time.perf_counter()
        result = run_batch([str(folder)], out, jobs=args.jobs)
        batch_seconds = time.perf_counter() - started
        ok = sum(1 for r in result.rows if r.get("status") == "ok")
        stats = build_corpus(out)  # the database alone (run_batch built it once already)
        size_mb = stats.path.stat().st_size / 1e6
        items = questions(truth)
        started = time.perf_counter()
        db = Corpus(out)
        open_ms = (time.perf_counter() - started) * 1000
        times: list[float] = []
        right, wrong = 0, []
        by_op: dict[str, list[int]] = {}
        for item in items:
            answer = db.ask(item["q"])
            good, why = check(answer, item)
            right += good
            by_op.setdefault(item["op"], [0, 0])
            by_op[item["op"]][0] += good
            by_op[item["op"]][1] += 1
            if not good:
                wrong.append(f"- {item['q']}：{answer.text[:80]}（{why[:120]}）")
            times.append(answer.seconds)
            for _ in range(args.repeat - 1):
                times.append(db.ask(item["q"]).seconds)
        db.close()
    ms = [t * 1000 for t in times]
    lines = [
        f"# 语料库问答（{len(truth)} 份合成报告：{args.departments} 个部门 × {args.years} 年，另加 1 个损坏文件）", "",
        "命令：`make bench-corpus-db`（`python bench/bench_corpus_db.py`）；文本报告经真实读取器与全部检查；"
        "期望答案由生成器的数字计算，不来自数据库。", "",
        "| 项目 | 数值 |", "|---|---|",
        f"| 生成报告 | {generated:.1f} 秒 |",
        f"| 批量审核（{args.jobs} 进程，含建库） | {batch_seconds:.1f} 秒（成功 {ok}，出错 {len(result.rows) - ok}） |",
        f"| 单独建库（corpus.duckdb） | {stats.seconds:.2f} 秒；{stats.reports} 份报告、{stats.cells} 个单元格、"
        f"{stats.claims} 条说明数字、{stats.findings} 条问题；{size_mb:.1f} MB |",
        f"| 打开语料库 | {open_ms:.0f} ms |",
        f"| 问题数 | {len(items)}（每个问 {args.repeat} 次） |",
        f"| 回答正确（含出处） | {right}/{len(items)} = {right / len(items) * 100:.1f}% |",
        f"| 查询延迟 p50 / p95 / 最大 | {statistics.median(ms):.1f} / {percentile(ms, 0.95):.1f} / {max(ms):.1f} ms |",
        f"| 机器负载（结束时 1 分钟平均） | {os.getloadavg()[0]:.1f}（{os.cpu_count()} 核） |", "",
        "| 类型 | 正确 / 总数 |", "|---|---|",
        *[f"| {op} | {a}/{b} |" for op, (a, b) in sorted(by_op.items())],
    ]
    if wrong:
        lines += ["", "## 答错的问题", *wrong]
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")
    return 0 if right / len(items) >= 0.95 else 1


if __name__ == "__main__":
    raise SystemExit(main())
