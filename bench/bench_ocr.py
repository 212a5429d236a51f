"""Scanned reports: how well the OCR path reads them.

The real PDFs in ../shared/real and a slice of the synthetic corpus are rasterised at 150, 200
and 300 dpi with realistic damage (skew up to ±1.5°, slight perspective, blur, JPEG at quality
60–80, a red stamp over a table's corner) into image-only PDFs, then read by OCR:

- amount cells read right, against the text-layer reading of the same file (every amount of
  the standard tables, matched by table, row and column);
- planted-error recall on scanned synthetic reports, and error-level findings on clean scans
  that the text-layer reading of the same report does not have (misread digits);
- seconds and peak memory per page (each file read in a fresh process).

    python bench/bench_ocr.py [--dpi 150,200,300] [--pages 6] [--files 3] [--synthetic 4] [--synthetic-tables 3]

OCR_BENCH_PAGES / OCR_BENCH_FILES / OCR_BENCH_SYNTH bound the size (CPU is shared);
OCR_BENCH_SEEDS picks the synthetic reports' seeds (layouts rotate hunan, shanghai, plain). Writes
bench/results_ocr.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import resource
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from auditor.model import STANDARD_KINDS, Report  # noqa: E402

REAL = ROOT.parent / "shared" / "real"
OUT = ROOT / "bench" / "out" / "ocr"
PLANT_KINDS = ("sum_off", "cross_table_mismatch", "narrative_amount")


# ---- damage -------------------------------------------------------------------------------------

def damage(image: Image.Image, rng: random.Random, stamp_at: tuple[float, float] | None) -> Image.Image:
    """Skew, slight perspective, a red stamp, blur and JPEG, as a scanner and a phone would."""
    import cv2

    array = np.asarray(image.convert("RGB")).copy()
    h, w = array.shape[:2]
    if stamp_at is not None:
        stamp = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(stamp)
        cx, cy = stamp_at[0] * w, stamp_at[1] * h
        r = w * 0.07
        for k in range(3):
            draw.ellipse((cx - r + k, cy - r + k, cx + r - k, cy + r - k), outline=(220, 30, 30, 170))
        star = [(cx + r * 0.35 * np.cos(a), cy + r * 0.35 * np.sin(a)) for a in np.linspace(-np.pi / 2, 3.5 * np.pi, 6)]
        draw.polygon(star[:5], fill=(220, 30, 30, 150))
        base = Image.fromarray(array).convert("RGBA")
        array = np.asarray(Image.alpha_composite(base, stamp).convert("RGB")).copy()
    shift = 0.008
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[x + rng.uniform(-shift, shift) * w, y + rng.uniform(-shift, shift) * h] for x, y in src])
    array = cv2.warpPerspective(array, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=(255, 255, 255))
    angle = rng.uniform(-1.5, 1.5)
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    array = cv2.warpAffine(array, rot, (w, h), borderValue=(255, 255, 255))
    array = cv2.GaussianBlur(array, (3, 3), rng.uniform(0.4, 0.9))
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, "JPEG", quality=rng.randint(60, 80))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def scan(pdf_path: Path, pages: list[int], dpi: int, out: Path, seed: int, corners: dict[int, tuple[float, float]]) -> Path:
    """An image-only PDF of the given 1-based pages, damaged."""
    import pypdfium2 as pdfium

    rng = random.Random(seed)
    pdf = pdfium.PdfDocument(str(pdf_path))
    images = []
    try:
        for number in pages:
            image = pdf[number - 1].render(scale=dpi / 72).to_pil()
            images.append(damage(image, rng, corners.get(number)))
    finally:
        pdf.close()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


# ---- comparing ------------------------------------------------------------------------------------

def amounts(report: Report) -> dict[tuple[str, str, str, str, str], Any]:
    """Every amount of the standard tables by (table, side, code, label of an uncoded row, column)."""
    result = {}
    for table in report.tables:
        if table.kind not in STANDARD_KINDS:
            continue
        for row in table.rows:
            for key, cell in row.cells.items():
                if cell.amount is not None:
                    # a coded row by its code (a misread label is not a misread amount)
                    label = "" if row.code else row.label.replace(" ", "")
                    result[(table.kind.value, row.side, row.code, label, key)] = cell.amount.value
    return result


def amount_confidences(report: Report) -> dict[tuple[str, str, str, str, str], float | None]:
    """The OCR confidence (least sure digit) of every amount ``amounts`` returns, by the same key."""
    result = {}
    for table in report.tables:
        if table.kind not in STANDARD_KINDS:
            continue
        for row in table.rows:
            for key, cell in row.cells.items():
                if cell.amount is not None:
                    label = "" if row.code else row.label.replace(" ", "")
                    result[(table.kind.value, row.side, row.code, label, key)] = cell.confidence
    return result


def table_pages(report: Report, limit: int) -> tuple[list[int], dict[int, tuple[float, float]]]:
    """The pages holding standard tables (the first ``limit``), and for each page the
    relative position of a table's top-right corner (where the stamp goes)."""
    pages: list[int] = []
    corners: dict[int, tuple[float, float]] = {}
    for table in report.tables:
        if table.kind not in STANDARD_KINDS:
            continue
        for page in table.pages:
            if page not in pages:
                pages.append(page)
        box, page = table.location.bbox, table.location.page
        if box and page and page not in corners:
            corners[page] = (min(0.95, box[2] / 595.0), min(0.95, box[1] / 842.0))
    pages = sorted(pages)[:limit]
    return pages, corners


def read_scan(task: tuple[str, str]) -> dict[str, Any]:
    """In a fresh process: OCR a scan, audit it; seconds and peak memory."""
    path, mode = task
    from auditor.audit import audit_report
    from auditor.ingest import load_report

    started = time.perf_counter()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    try:
        report = load_report(path, ocr="auto")
    except Exception as exc:  # noqa: BLE001 - a failed read is a result
        return {"error": f"{type(exc).__name__}: {exc}"[:200], "seconds": time.perf_counter() - started,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    seconds = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_SELF)
    out: dict[str, Any] = {
        "amounts": amounts(report),
        "sure": amount_confidences(report),
        "seconds": seconds,
        "cpu": used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime,
        "pages": report.meta.page_count or 0,
        "notes": report.meta.page_notes,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "confidences": [c.confidence for t in report.tables for r in t.rows for c in r.cells.values()
                        if c.confidence is not None],
    }
    if mode == "audit":
        result = audit_report(report)
        out["findings"] = [(f.code, f.severity.value, f.fingerprint, f.message[:160]) for f in result.findings]
    return out


def fresh(task: tuple[str, str]) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1) as pool:
        return pool.submit(read_scan, task).result()


def compare(expected: dict[Any, Any], got: dict[Any, Any]) -> tuple[int, int, list[str]]:
    right = sum(1 for k, v in expected.items() if got.get(k) == v)
    wrong = [f"{k[0]} {k[2] or k[3]} {k[4]}: {v} → {got.get(k, '缺')}" for k, v in expected.items() if got.get(k) != v]
    return right, len(expected), wrong


# ---- the runs -------------------------------------------------------------------------------------

def synthetic_files(count: int, layouts: set[str] | None = None) -> list[Path]:
    """Clean synthetic reports, one per layout in turn (seeds 0, 1, 2, ...); with ``layouts``,
    only the reports of those layouts among them."""
    from auditor.synth.compose import compose
    from auditor.synth.figures import generate
    from auditor.synth.pdf import pdf_bytes
    from bench.corpus import variant

    files = []
    for seed in range(count):
        layout, mode = variant(seed)
        if layouts and layout not in layouts:
            continue
        spec, _ = compose(generate(seed, mode), layout)
        path = OUT / f"synthetic_{layout}_{seed}.pdf"
        path.write_bytes(pdf_bytes(spec, layout))
        files.append(path)
    return files


def style_files(styles: list[str], seed: int = 0) -> list[Path]:
    """Synthetic reports printed with other table rulings: each style is ``rules:variant``, the
    rules of the reportlab layout ("none": no lines at all, "three": 三线表, "horizontal") and a
    producer variant (``auditor.synth.producers``: e.g. "codes3+yuan", 类/款/项 in three
    columns and amounts in 元 with thousands separators)."""
    from dataclasses import replace

    from auditor.synth.pdf import HUNAN, pdf_bytes
    from auditor.synth.producers import Variant, build_spec, printed

    files = []
    for style in styles:
        rules, _, name = style.partition(":")
        variant = Variant.parse(name or "base")
        spec, _ = build_spec(seed, variant)
        layout = replace(HUNAN, name=f"hunan-{rules}", rules=rules, repeat_header=variant.repeat_header)
        path = OUT / f"style_{rules}_{variant.name.replace('+', '-')}_{seed}.pdf"
        path.write_bytes(pdf_bytes(printed(spec, variant), layout))
        files.append(path)
    return files


def real_runs(dpis: list[int], page_limit: int, file_limit: int, lines: list[str], synthetic: int = 0,
              layouts: set[str] | None = None, show: int = 4, styles: list[str] | None = None,
              style_seed: int = 0, extra: list[Path] | None = None) -> None:
    from auditor.ingest import load_report

    files = sorted(REAL.glob("*.pdf"))[:file_limit] if REAL.exists() else []
    files += synthetic_files(synthetic, layouts) + style_files(styles or [], style_seed) + list(extra or [])
    lines += ["## 金额单元格识别准确率（对照同一文件的文本层读取）", "",
              "| 文件 | dpi | 页数 | 金额单元格 | 识别正确 | 准确率 | 误读且把握高 | 每页秒数 | 每页 CPU 秒 | 峰值内存 MB |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    totals: dict[int, list[int]] = {d: [0, 0, 0] for d in dpis}
    per_page: dict[int, list[float]] = {d: [] for d in dpis}
    cpu_page: dict[int, list[float]] = {d: [] for d in dpis}
    peaks: dict[int, float] = {d: 0.0 for d in dpis}
    examples: list[str] = []
    for path in files:
        text = load_report(path)
        pages, corners = table_pages(text, page_limit)
        if not pages:
            continue
        # the reference: the text layer of the same pages only
        import pypdfium2 as pdfium

        subset = OUT / f"{path.stem}_text.pdf"
        src = pdfium.PdfDocument(str(path))
        dst = pdfium.PdfDocument.new()
        dst.import_pages(src, [p - 1 for p in pages])
        dst.save(str(subset))
        expected = amounts(load_report(subset))
        if not expected:
            lines.append(f"| {path.name} | — | {len(pages)} | 0 | — | 文本层无金额（空白模板），跳过 | | | | |")
            continue
        for dpi in dpis:
            scanned = scan(path, pages, dpi, OUT / f"{path.stem}_{dpi}.pdf", seed=dpi,
                           corners={pages.index(p) + 1: c for p, c in corners.items() if p in pages})
            got = fresh((str(scanned), "read"))
            if "error" in got:
                lines.append(f"| {path.name} | {dpi} | {len(pages)} | {len(expected)} | 0 | 读取失败：{got['error']} | | | | |")
                totals[dpi][1] += len(expected)
                continue
            right, total, wrong = compare(expected, got["amounts"])
            # a wrong amount read with high confidence would be an error finding, not "可能为识别误差"
            sure = [k for k, v in expected.items() if k in got["amounts"] and got["amounts"][k] != v
                    and (got["sure"].get(k) is None or got["sure"][k] >= 0.90)]
            wrong = [w + ("（把握高）" if any(w.startswith(f"{k[0]} {k[2] or k[3]} {k[4]}:") for k in sure) else "")
                     for w in wrong]
            totals[dpi][0] += right
            totals[dpi][1] += total
            totals[dpi][2] += len(sure)
            spp = got["seconds"] / max(1, len(pages))
            cpp = got["cpu"] / max(1, len(pages))
            per_page[dpi].append(spp)
            cpu_page[dpi].append(cpp)
            peaks[dpi] = max(peaks[dpi], got["peak_mb"])
            lines.append(f"| {path.name} | {dpi} | {len(pages)} | {total} | {right} | {right / total * 100 if total else 0:.1f}% | {len(sure)} | "
                         f"{spp:.1f} | {cpp:.1f} | {got['peak_mb']:.0f} |")
            examples += [f"{path.stem} {dpi}dpi：{w}" for w in wrong[:show]]
            for w in wrong[show:]:
                print(f"  {path.stem} {dpi}dpi：{w}", flush=True)
            print(lines[-1], flush=True)
    lines += ["", "| dpi | 金额单元格 | 识别正确 | 准确率 | 误读且把握高 | 每页秒数（中位） | 每页 CPU 秒（中位） | 峰值内存 MB |",
              "|---|---|---|---|---|---|---|---|"]
    for dpi in dpis:
        right, total, confident = totals[dpi]
        median = float(np.median(per_page[dpi])) if per_page[dpi] else 0.0
        cpu_median = float(np.median(cpu_page[dpi])) if cpu_page[dpi] else 0.0
        lines.append(f"| {dpi} | {total} | {right} | {right / total * 100 if total else 0:.2f}% | {confident} | {median:.1f} | "
                     f"{cpu_median:.1f} | {peaks[dpi]:.0f} |")
    if examples:
        lines += ["", "误读或缺失的例子（表 科目 列：文本层 → OCR）：", ""] + [f"- {e}" for e in examples[:15]]


def synthetic_runs(count: int, dpi: int, lines: list[str]) -> None:
    from auditor.audit import audit_report
    from auditor.ingest import load_report
    from auditor.synth.compose import compose
    from auditor.synth.figures import generate
    from auditor.synth.mutate import plant
    from auditor.synth.pdf import pdf_bytes
    from bench.corpus import variant

    lines += ["", f"## 合成报告扫描件（{dpi} dpi，带损伤）：植入错误检出与误报", ""]
    chosen = os.environ.get("OCR_BENCH_SEEDS", "")  # e.g. "0,1,3": these seeds' reports only
    clean_seeds = [int(v) for v in chosen.split(",") if v.strip()] or list(range(max(1, count // 4)))
    rows = []
    misread_errors: Counter[str] = Counter()
    recall: dict[str, list[int]] = {}
    seconds: list[float] = []
    cpu_seconds: list[float] = []
    peak = 0.0
    for seed in clean_seeds:
        layout, mode = variant(seed)
        data = generate(seed, mode)
        spec, anchors = compose(data, layout)
        clean_pdf = OUT / f"synth_clean_{seed}.pdf"
        clean_pdf.write_bytes(pdf_bytes(spec, layout))
        text_report = load_report(clean_pdf)
        text_findings = {f.fingerprint for f in audit_report(text_report).findings}
        n_pages = text_report.meta.page_count or 0
        page_list = list(range(1, n_pages + 1))
        corners = {p: c for p, c in table_pages(text_report, 99)[1].items()}
        scanned = scan(clean_pdf, page_list, dpi, OUT / f"synth_clean_{seed}_scan.pdf", seed, corners)
        got = fresh((str(scanned), "audit"))
        if "error" in got:
            rows.append(f"- 干净报告 seed {seed}：读取失败 {got['error']}")
            continue
        seconds.append(got["seconds"] / max(1, n_pages))
        peak = max(peak, got["peak_mb"])
        right, total, _ = compare(amounts(text_report), got["amounts"])
        base = {fp for _, _, fp, _ in got["findings"]}
        extra = [(c, m) for c, s, fp, m in got["findings"] if s == "error" and fp not in text_findings]
        for code, _ in extra:
            misread_errors[code] += 1
        rows.append(f"- 干净报告 seed {seed}（{layout}，{n_pages} 页）：金额 {right}/{total}；"
                    f"文本层没有而扫描件多出的“错误”级问题 {len(extra)}"
                    + (f"（{'；'.join(m for _, m in extra[:3])}）" if extra else ""))
        print(rows[-1], flush=True)
        for k, kind in enumerate(PLANT_KINDS[: max(0, count - len(clean_seeds))]):
            planted = plant(kind, spec, anchors, data, seed * 31 + k)
            if planted is None:
                continue
            bad_spec, info = planted
            bad_pdf = OUT / f"synth_{kind}_{seed}.pdf"
            bad_pdf.write_bytes(pdf_bytes(bad_spec, layout))
            bad_scan = scan(bad_pdf, page_list, dpi, OUT / f"synth_{kind}_{seed}_scan.pdf", seed, corners)
            bad = fresh((str(bad_scan), "audit"))
            if "error" in bad:
                rows.append(f"- {kind} seed {seed}：读取失败 {bad['error']}")
                continue
            seconds.append(bad["seconds"] / max(1, n_pages))
            cpu_seconds.append(bad["cpu"] / max(1, n_pages))
            new = [c for c, s, fp, _ in bad["findings"] if fp not in base and s in ("error", "warning")]
            hit = any(c in info.codes for c in new)
            recall.setdefault(kind, [0, 0])
            recall[kind][0] += int(hit)
            recall[kind][1] += 1
            rows.append(f"- {kind} seed {seed}：{'检出' if hit else '未检出'}（应有 {'/'.join(info.codes)}，新增 {', '.join(new) or '无'}）")
            print(rows[-1], flush=True)
    lines += rows
    lines += ["", "| 植入类型 | 份数 | 检出 | 召回率 |", "|---|---|---|---|"]
    for kind, (hit, total) in sorted(recall.items()):
        lines.append(f"| {kind} | {total} | {hit} | {hit / total * 100:.0f}% |")
    lines += ["", f"- 干净扫描件上由误读引起的“错误”级问题：{sum(misread_errors.values())}"
              + (f"（{dict(misread_errors)}）" if misread_errors else ""),
              f"- 每页秒数中位数 {float(np.median(seconds)) if seconds else 0:.1f}（CPU 秒 "
              f"{float(np.median(cpu_seconds)) if cpu_seconds else 0:.1f}），峰值内存 {peak:.0f} MB"]


def main() -> int:
    parser = argparse.ArgumentParser(description="扫描件 OCR 基准")
    parser.add_argument("--dpi", default="150,200,300")
    parser.add_argument("--pages", type=int, default=int(os.environ.get("OCR_BENCH_PAGES", "6")))
    parser.add_argument("--files", type=int, default=int(os.environ.get("OCR_BENCH_FILES", "3")))
    parser.add_argument("--synthetic", type=int, default=int(os.environ.get("OCR_BENCH_SYNTH", "4")))
    parser.add_argument("--synthetic-tables", type=int, default=int(os.environ.get("OCR_BENCH_SYNTH_TABLES", "3")),
                        help="合成报告（各版式轮流）的表格页也按各 dpi 测金额准确率")
    parser.add_argument("--layouts", default="", help="只测这些版式的合成报告（逗号分隔，如 plain）")
    parser.add_argument("--styles", default="", help="另按这些表格线型测（rules:变体，逗号分隔，如 none:codes3+yuan,three:base）")
    parser.add_argument("--style-seed", type=int, default=0, help="--styles 所用合成报告的 seed")
    parser.add_argument("--pdfs", default="", help="另测这些文本层 PDF（逗号分隔，如 bench_read.py 生成的文件）")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results_ocr.md")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    dpis = [int(d) for d in args.dpi.split(",") if d]
    started = time.perf_counter()
    lines = ["# 扫描件 OCR 基准", "",
             f"损伤：倾斜 ±1.5°、轻微透视、模糊、JPEG 质量 60–80、表格角上的红色印章。每份文件在新进程中读取。"
             f"机器：{os.cpu_count()} 核（与其他任务共用，开始时负载 {os.getloadavg()[0]:.1f}）。"
             "“每页秒数”为墙钟时间，受共用负载影响；“每页 CPU 秒”为该进程用掉的 CPU 时间（两核空闲时墙钟时间约为其一半到全部）。", ""]
    if not REAL.exists():
        lines += [f"（{REAL} 不存在，跳过真实报告）"]
    layouts = {v.strip() for v in args.layouts.split(",") if v.strip()} or None
    styles = [v.strip() for v in args.styles.split(",") if v.strip()]
    real_runs(dpis, args.pages, args.files, lines, args.synthetic_tables, layouts, styles=styles, style_seed=args.style_seed,
              extra=[Path(p) for p in args.pdfs.split(",") if p.strip()])
    if args.synthetic > 0:
        synthetic_runs(args.synthetic, 200, lines)
    lines += ["", f"总用时 {time.perf_counter() - started:.0f} 秒；命令：`python bench/bench_ocr.py --dpi {args.dpi} "
              f"--pages {args.pages} --files {args.files} --synthetic {args.synthetic} "
              f"--synthetic-tables {args.synthetic_tables}" + (f" --layouts {args.layouts}" if args.layouts else "")
              + (f" --styles {args.styles} --style-seed {args.style_seed}" if args.styles else "")
              + (f" --pdfs {args.pdfs}" if args.pdfs else "") + "`"]
    text = "\n".join(lines) + "\n"
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
