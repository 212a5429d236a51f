"""Planted-error corpus for 部门预算: clean synthetic budgets and copies with one slip each,
rendered to PDF (reportlab, the three layouts), read back by the real reader and audited.
Prints recall per kind (a plant is found when an error-level finding of one of its codes is
reported) and the error-level findings on clean budgets (target: none).

    python bench/bench_budget.py [--clean 30] [--per-kind 10] [--jobs 2] [--out bench/results_budget_corpus.md]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.synth.budget import BUDGET_MUTATORS, PHRASINGS, generate, plant_budget, render  # noqa: E402

LAYOUTS = ("hunan", "shanghai", "plain")


def run_one(task: tuple[int, str | None]) -> dict[str, object] | None:
    """Build one report (clean when kind is None), read and audit it."""
    from auditor.audit import audit_report
    from auditor.ingest import load_report
    from auditor.synth.pdf import pdf_bytes

    seed, kind = task
    data = generate(seed)
    slips: dict[str, str] = {}
    codes: tuple[str, ...] = ()
    if kind is not None:
        planted = plant_budget(kind, data, seed)
        if planted is None:
            return None
        slips, plant = planted
        codes = plant.codes
    layout = LAYOUTS[seed % len(LAYOUTS)]
    spec = render(data, slips)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"budget_{seed}.pdf"
        path.write_bytes(pdf_bytes(spec, layout))
        report = load_report(path)
        result = audit_report(report)
    errors = [f for f in result.findings if f.severity.value == "error"]
    return {
        "seed": seed, "kind": kind, "layout": layout, "phrasing": PHRASINGS[seed % len(PHRASINGS)],
        "document_type": report.meta.document_type,
        "found": any(f.code in codes for f in errors) if kind else None,
        "errors": [f"{f.code} {f.message[:120]}" for f in errors],
    }


def tasks(clean: int, per_kind: int) -> list[tuple[int, str | None]]:
    jobs: list[tuple[int, str | None]] = [(seed, None) for seed in range(clean)]
    for k, kind in enumerate(sorted(BUDGET_MUTATORS)):
        jobs += [(1000 + k * 100 + n, kind) for n in range(per_kind)]
    return jobs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clean", type=int, default=30)
    parser.add_argument("--per-kind", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as Markdown here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = [r for r in pool.map(run_one, tasks(args.clean, args.per_kind)) if r is not None]
    clean = [r for r in results if r["kind"] is None]
    clean_errors = [(r["seed"], e) for r in clean for e in r["errors"]]  # type: ignore[attr-defined]
    lines = ["| kind | planted | found | recall |", "|---|---|---|---|"]
    worst = 1.0
    for kind in sorted(BUDGET_MUTATORS):
        rows = [r for r in results if r["kind"] == kind]
        found = sum(1 for r in rows if r["found"])
        recall = found / len(rows) if rows else 0.0
        worst = min(worst, recall)
        lines.append(f"| {kind} | {len(rows)} | {found} | {recall:.0%} |")
        for r in rows:
            if not r["found"]:
                lines.append(f"|  missed seed {r['seed']} ({r['layout']}, {r['phrasing']}) | | | |")
    wrong_type = [r["seed"] for r in results if r["document_type"] != "budget"]
    summary = [
        f"Clean budgets: {len(clean)}, error-level findings on them: {len(clean_errors)}",
        f"Planted: {len(results) - len(clean)} reports, {len(BUDGET_MUTATORS)} kinds; lowest recall {worst:.0%}",
        f"Read as another document type: {len(wrong_type)}",
        f"Time: {time.perf_counter() - started:.0f} s with {args.jobs} workers",
    ]
    text = "\n".join(summary + [""] + lines + [""] + [f"clean seed {s}: {e}" for s, e in clean_errors])
    print(text)
    if args.out is not None:
        args.out.write_text("# Budget planted-error corpus (`make bench-budget`)\n\n" + text + "\n", encoding="utf-8")
    return 0 if not clean_errors and worst >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
