"""Audit speed and memory per report, next to pdfplumber alone (open + every page's text
and tables) measured in the same run. Each measurement runs in a fresh process so that
peak memory is that run's own. Prints a Markdown table and writes bench/results_audit.md.

Usage: python bench/bench_audit.py [FILE ...]   (default: the bundled example and the
real reports in ../shared/real when present, and the seed text)
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REPEAT = 3

BASELINE = r"""
import json, resource, sys, time
t = time.perf_counter()
import pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.extract_text()
        page.extract_tables()
        page.close()
print(json.dumps({"seconds": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

AUDIT = r"""
import json, resource, sys, time
t = time.perf_counter()
from auditor.audit import audit_report
from auditor.ingest import load_report
result = audit_report(load_report(sys.argv[1]))
print(json.dumps({"seconds": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "findings": len(result.findings), "pages": result.report.meta.page_count}))
"""


def run(code: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(code: str, path: Path) -> dict:
    runs = [run(code, path) for _ in range(REPEAT)]
    best = dict(runs[0])
    best["seconds"] = statistics.median(r["seconds"] for r in runs)
    best["peak_mb"] = max(r["peak_mb"] for r in runs)
    return best


def default_files() -> list[Path]:
    files = [ROOT / "examples" / "example_report.pdf"]
    files += sorted((SHARED / "real").glob("*.pdf")) if (SHARED / "real").exists() else []
    seed = SHARED / "seed" / "shifeng_shebao_2022_juesuan.txt"
    if seed.exists():
        files.append(seed)
    return [f for f in files if f.exists()]


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or default_files()
    rows = ["| 报告 | 页数 | pdfplumber 基线 (s) | audit (s) | 倍数 | audit 峰值内存 (MB) | 问题数 |", "|---|---|---|---|---|---|---|"]
    for path in files:
        audit = measure(AUDIT, path)
        if path.suffix.lower() == ".pdf":
            base = measure(BASELINE, path)
            ratio = f"{audit['seconds'] / base['seconds']:.2f}×"
            base_s = f"{base['seconds']:.2f}"
        else:
            base_s, ratio = "—（文本）", "—"
        rows.append(
            f"| {path.name} | {audit['pages'] or '—'} | {base_s} | {audit['seconds']:.2f} | {ratio} | "
            f"{audit['peak_mb']:.0f} | {audit['findings']} |"
        )
    text = "\n".join(rows)
    print(text)
    out = ROOT / "bench" / "results_audit.md"
    out.write_text(f"# audit 速度与内存（中位数，{REPEAT} 次）\n\n{text}\n", encoding="utf-8")
    print(f"\n已写入 {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
