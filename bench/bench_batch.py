"""Batch throughput: the planted corpus plus the real reports with broken files mixed in,
audited with 1 and 2 local worker processes and on a two-worker Dask cluster; a re-run
after adding 5 files; a screenshot of the dashboard in headless Chromium when available.
Prints Markdown and writes bench/results_batch.md.

    python bench/bench_batch.py [--limit N]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from auditor.batch import run_batch  # noqa: E402
from bench.corpus import build  # noqa: E402

SHARED = ROOT.parent / "shared"


def broken_files(folder: Path) -> list[Path]:
    """Five broken files from the bad-input corpus (bench/bad_inputs.py), named broken_*."""
    from bench.bad_inputs import build as build_bad

    wanted = {"zero_byte.pdf", "truncated.pdf", "zip_renamed.pdf", "png_renamed.pdf", "encrypted_user_password.pdf"}
    staging = folder / ".bad"
    paths = []
    for case, path in build_bad(staging, large=False):
        if case.name in wanted:
            target = folder / f"broken_{case.name}"
            path.replace(target)
            paths.append(target)
    shutil.rmtree(staging, ignore_errors=True)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description="批量审核吞吐量")
    parser.add_argument("--corpus", type=Path, default=ROOT / "bench" / "out" / "corpus")
    parser.add_argument("--limit", type=int, default=0, help="只取语料中的前 N 份（0 = 全部）")
    args = parser.parse_args()
    if not (args.corpus / "manifest.json").exists():
        build(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        pdfs = sorted(args.corpus.glob("*.pdf"))
        if args.limit:
            pdfs = pdfs[: args.limit]
        for pdf in pdfs:
            shutil.copy(pdf, folder / pdf.name)
        for real in sorted((SHARED / "real").glob("*.pdf")) if (SHARED / "real").exists() else []:
            shutil.copy(real, folder / real.name)
        broken = broken_files(folder)
        total = len(list(folder.iterdir()))
        rows = [f"# 批量审核吞吐量（{total} 份，其中损坏文件 {len(broken)} 份）", "",
                "| 方式 | 用时 (s) | 份/分钟 | 成功 | 失败 |", "|---|---|---|---|---|"]
        last_out = None
        for label, kwargs in (("本机 1 进程", {"jobs": 1}), ("本机 2 进程", {"jobs": 2}), ("Dask 两工作进程", {"executor": "dask"})):
            out = Path(tmp) / label.replace(" ", "_")
            started = time.perf_counter()
            if kwargs.get("executor") == "dask":
                from distributed import LocalCluster

                with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                    result = run_batch([str(folder)], out, executor="dask", scheduler=cluster.scheduler_address)
            else:
                result = run_batch([str(folder)], out, **kwargs)  # type: ignore[arg-type]
            seconds = time.perf_counter() - started
            ok = sum(1 for r in result.rows if r["status"] == "ok")
            rows.append(f"| {label} | {seconds:.0f} | {len(result.rows) / seconds * 60:.0f} | {ok} | {len(result.rows) - ok} |")
            bad = [r for r in result.rows if r["status"] != "ok"]
            last_out = out
        assert last_out is not None
        rows.append("")
        rows.append("无法读取的文件及原因：" + "；".join(f"{Path(r['file']).name}：{r['reason']}" for r in bad))
        for n in range(5):
            shutil.copy(ROOT / "examples" / "example_report.txt", folder / f"added_{n}.txt")
            with (folder / f"added_{n}.txt").open("a", encoding="utf-8") as handle:
                handle.write(f"\n补充说明 {n}\n")
        started = time.perf_counter()
        again = run_batch([str(folder)], last_out, jobs=2)
        rows.append(f"\n新增 5 份后重跑：处理 {len(again.rows) - again.skipped} 份，跳过 {again.skipped} 份，用时 "
                    f"{time.perf_counter() - started:.1f} 秒。")
        shot = ROOT / "bench" / "dashboard.png"
        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium:
            subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync", "--no-first-run",
                            f"--user-data-dir={tmp}/chrome", f"--screenshot={shot}", "--window-size=1200,1600",
                            (last_out / "dashboard.html").as_uri()], capture_output=True, timeout=120)
            rows.append(f"看板截图：{shot.relative_to(ROOT)}")
    text = "\n".join(rows) + "\n"
    print(text)
    (ROOT / "bench" / "results_batch.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
