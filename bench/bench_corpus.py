"""Measure the auditor on the planted-error corpus: extraction (round trip of every table
figure, per layout), detection (recall and precision per planted kind, false errors on
clean reports and on within-rounding changes) and speed (median / p95 seconds per report,
pages per second, peak memory). Prints a Markdown report and writes bench/results.md.

    python bench/bench_corpus.py [--corpus bench/out/corpus] [--rebuild] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.audit import audit_report  # noqa: E402
from auditor.ingest import load_report  # noqa: E402
from auditor.model import Report  # noqa: E402
from auditor.synth.compose import compose  # noqa: E402
from auditor.synth.figures import generate  # noqa: E402
from bench.corpus import build, variant  # noqa: E402


def round_trip(report: Report, seed: int) -> tuple[int, int, list[str]]:
    """(figures found, figures printed, misses) for the nine tables of a clean report."""
    from auditor.synth.producers import cell_round_trip

    layout, mode = variant(seed)
    spec, _ = compose(generate(seed, mode), layout)
    found, total, misses, *_ = cell_round_trip(report, spec)
    return found, total, misses


def audit_one(task: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    path, entry = task
    started = time.perf_counter()
    report = load_report(path)
    result = audit_report(report)
    seconds = time.perf_counter() - started
    out: dict[str, Any] = {
        "file": entry["file"],
        "seconds": seconds,
        "pages": report.meta.page_count or 0,
        "findings": [(f.code, f.severity.value, f.fingerprint) for f in result.findings],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if entry["clean"]:
        out["round_trip"] = round_trip(report, int(entry["seed"]))
    return out


def pct(a: int, b: int) -> str:
    return f"{a / b * 100:.1f}%" if b else "—"


def evaluate(corpus: Path, jobs: int) -> str:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["file"]: e for e in manifest["reports"]}
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = {r["file"]: r for r in pool.map(audit_one, [(str(corpus / f), e) for f, e in entries.items()], chunksize=2)}
    wall = time.perf_counter() - started
    lines = [f"# 语料基准（{len(entries)} 份报告，{jobs} 个进程，总用时 {wall:.0f} 秒）", ""]
    lines += [f"语料生成用时 {manifest['seconds']} 秒；构成：{manifest['counts']}", ""]

    # extraction, per layout
    per_layout: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: dict[str, list[str]] = defaultdict(list)
    for name, entry in entries.items():
        if entry["clean"]:
            found, total, miss = results[name]["round_trip"]
            per_layout[entry["layout"]][0] += found
            per_layout[entry["layout"]][1] += total
            misses[entry["layout"]] += miss
    lines += ["## 提取：表格数字往返（干净报告）", "", "| 版式 | 正确 | 总数 | 准确率 |", "|---|---|---|---|"]
    for layout, (found, total) in sorted(per_layout.items()):
        lines.append(f"| {layout} | {found} | {total} | {pct(found, total)} |")
    for layout, miss in sorted(misses.items()):
        if miss:
            lines.append(f"\n{layout} 未还原的例子：{'；'.join(miss[:5])}")

    # detection
    clean_errors: Counter[str] = Counter()
    for name, entry in entries.items():
        if entry["clean"]:
            for code, severity, _ in results[name]["findings"]:
                if severity == "error":
                    clean_errors[code] += 1
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: Counter())
    wrong_codes: dict[str, Counter[str]] = defaultdict(Counter)
    for name, entry in entries.items():
        if entry["clean"]:
            continue
        planted = entry["plant"]
        base = {fp for _, _, fp in results[entry["base"]]["findings"]}
        new = [(c, s) for c, s, fp in results[name]["findings"] if fp not in base and s in ("error", "warning")]
        stats = by_kind[planted["kind"]]
        stats["planted"] += 1
        if planted["must_not_error"]:
            errors = [c for c, s, fp in results[name]["findings"] if s == "error" and fp not in base]
            stats["detected"] += 0 if errors else 1  # "detected" = correctly not an error
            stats["false"] += len(errors)
            continue
        relevant = [c for c, _ in new if c in planted["codes"]]
        stats["detected"] += 1 if relevant else 0
        stats["relevant"] += len(relevant)
        stats["new"] += len(new)
        for code, _ in new:
            if code not in planted["codes"]:
                wrong_codes[planted["kind"]][code] += 1
    lines += ["", "## 检出：按植入类型", "", "| 类型 | 植入 | 检出 | 召回率 | 新增问题中相关的比例（精确率） | 其他新增代码 |",
              "|---|---|---|---|---|---|"]
    for kind, stats in sorted(by_kind.items()):
        if kind == "within_rounding":
            continue
        others = "、".join(f"{c}×{n}" for c, n in wrong_codes[kind].most_common(4)) or "—"
        lines.append(f"| {kind} | {stats['planted']} | {stats['detected']} | {pct(stats['detected'], stats['planted'])} | "
                     f"{pct(stats['relevant'], stats['new'])} | {others} |")
    rounding = by_kind.get("within_rounding", Counter())
    clean_count = sum(1 for e in entries.values() if e["clean"])
    lines += [
        "",
        f"- 干净报告 {clean_count} 份上的“错误”级问题：{sum(clean_errors.values())}"
        + (f"（{dict(clean_errors)}）" if clean_errors else ""),
        f"- 四舍五入范围内的改动 {rounding.get('planted', 0)} 份上新增的“错误”级问题：{rounding.get('false', 0)}",
    ]

    # speed
    seconds = sorted(r["seconds"] for r in results.values())
    pages = sum(r["pages"] for r in results.values())
    p95 = seconds[min(len(seconds) - 1, int(len(seconds) * 0.95))]
    lines += [
        "",
        "## 速度与内存",
        "",
        f"- 每份报告：中位数 {statistics.median(seconds):.2f} 秒，p95 {p95:.2f} 秒（单进程内计时）",
        f"- 每秒页数：{pages / sum(seconds):.1f}（单进程），整体吞吐 {len(entries) / wall * 60:.0f} 份/分钟（{jobs} 进程）",
        f"- 峰值内存（单个工作进程）：{max(r['peak_mb'] for r in results.values()):.0f} MB",
    ]
    return "\n".join(lines) + "\n"


NARRATIVE_KINDS = ("parts_not_whole", "contradictory_change_words", "rate_on_current_base", "placeholder_amount",
                   "template_blank", "doubled_unit", "magnitude_slip", "invalid_class_code", "part_above_total",
                   "vehicle_count_mismatch", "within_rounding_rate", "within_rounding_total", "wrong_growth", "wrong_share", "part_greater_than_whole")


def _audit_text(task: tuple[int, str | None, str, str]) -> dict[str, Any] | None:
    """Audit one seed's text (or PDF) rendering, clean or with one planted narrative slip."""
    from auditor.synth.mutate import plant
    from auditor.synth.pdf import pdf_bytes
    from auditor.synth.text import render_text

    seed, kind, folder, render = task
    layout, mode = variant(seed)
    data = generate(seed, mode)
    spec, anchors = compose(data, layout)
    planted = None
    if kind is not None:
        result = plant(kind, spec, anchors, data, seed)
        if result is None:
            return None
        spec, planted = result
    path = Path(folder) / f"{kind or 'clean'}_{seed:04d}.{'pdf' if render == 'pdf' else 'txt'}"
    if render == "pdf":
        path.write_bytes(pdf_bytes(spec, layout))
    else:
        path.write_text(render_text(spec), encoding="utf-8")
    findings = audit_report(load_report(path)).findings
    return {"seed": seed, "kind": kind, "plant": planted.to_dict() if planted else None,
            "findings": [(f.code, f.severity.value, f.fingerprint) for f in findings]}


def narrative_bench(seeds: int, jobs: int, folder: Path, render: str = "text") -> str:
    """Planted narrative slips on the text (or PDF, all layouts) rendering: recall per kind,
    errors on clean ones."""
    folder.mkdir(parents=True, exist_ok=True)
    tasks = [(seed, kind, str(folder), render) for seed in range(seeds) for kind in (None, *NARRATIVE_KINDS)]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        results = [r for r in pool.map(_audit_text, tasks, chunksize=4) if r is not None]
    clean = {r["seed"]: r for r in results if r["kind"] is None}
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    others: dict[str, Counter[str]] = defaultdict(Counter)
    clean_errors: Counter[str] = Counter()
    for r in clean.values():
        clean_errors.update(code for code, severity, _ in r["findings"] if severity == "error")
    for r in results:
        if r["kind"] is None:
            continue
        base = {fp for _, _, fp in clean[r["seed"]]["findings"]}
        new = [(code, severity) for code, severity, fp in r["findings"] if fp not in base]
        plant_info = r["plant"]
        row = stats[r["kind"]]
        row["planted"] += 1
        if plant_info["must_not_error"]:
            errors = [code for code, severity in new if severity == "error"]
            row["detected"] += 0 if errors else 1
            row["false"] += len(errors)
            others[r["kind"]].update(errors)
            continue
        relevant = [code for code, severity in new if code in plant_info["codes"] and severity in ("error", "warning")]
        row["detected"] += 1 if relevant else 0
        others[r["kind"]].update(code for code, severity in new if code not in plant_info["codes"] and severity != "info")
    version = "PDF 版（三种版式轮换）" if render == "pdf" else "文本版"
    lines = [f"# 正文植入错误基准（{version}，{seeds} 个种子，用时 {time.perf_counter() - started:.0f} 秒）", "",
             "| 类型 | 植入 | 检出（或：未误报） | 召回率 | 其他新增代码 |", "|---|---|---|---|---|"]
    for kind in NARRATIVE_KINDS:
        if kind not in stats:
            continue
        counts = stats[kind]
        extra = "、".join(f"{c}×{n}" for c, n in others[kind].most_common(4)) or "—"
        lines.append(f"| {kind} | {counts['planted']} | {counts['detected']} | {pct(counts['detected'], counts['planted'])} | {extra} |")
    lines += ["", f"- 干净报告 {len(clean)} 份上的“错误”级问题：{sum(clean_errors.values())}"
              + (f"（{dict(clean_errors)}）" if clean_errors else "")]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description="在植入错误的语料上测提取、检出与速度")
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "out" / "corpus")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--clean", type=int, default=105)
    parser.add_argument("--per-kind", type=int, default=12)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--narrative", type=int, default=0, metavar="SEEDS",
                        help="只测正文植入错误，使用这么多个种子；结果写入 bench/results_planted_narrative.md")
    parser.add_argument("--render", choices=["text", "pdf"], default="text", help="正文植入错误基准使用的版本（文本或 PDF）")
    args = parser.parse_args()
    if args.narrative:
        text = narrative_bench(args.narrative, args.jobs, ROOT / "bench" / "out" / "narrative", args.render)
        print(text)
        out = ROOT / "bench" / ("results_planted_narrative.md" if args.render == "text" else "results_planted_narrative_pdf.md")
        out.write_text(text, encoding="utf-8")
        return 0
    if args.rebuild or not (args.corpus / "manifest.json").exists():
        manifest = build(args.corpus, args.clean, args.per_kind, args.jobs)
        print(f"语料：{len(manifest['reports'])} 份，用时 {manifest['seconds']} 秒")  # type: ignore[arg-type]
    text = evaluate(args.corpus, args.jobs)
    print(text)
    args.out.write_text(text, encoding="utf-8")
    print(f"已写入 {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
