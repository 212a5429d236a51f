"""Scanned reports: how well the OCR path reads them.

The real PDFs in ../shared/real and a slice of the synthetic corpus are rasterised at 150, 200
and 300 dpi with realistic damage (skew up to ±1.5°, slight perspective, blur, JPEG at quality
60–80, a red stamp over a table's corner) into image-only PDFs, then read by OCR:

- amount cells read right, against the text-layer reading of the same file (every amount of
  the standard tables, matched by table, row and column);
- planted-error recall on scanned synthetic reports, and error-level findings on clean scans
  that the text-layer reading of the same report does not have (misread digits);
- seconds and peak memory per page (each file read in a fresh process).

    python bench/bench_ocr.py [--dpi 150,200,300] [--pages 6] [--files 3] [--synthetic 2]
                              [--layouts hunan,shanghai] [--synthetic-tables 3]
    python bench/bench_ocr.py --planted-only --synthetic 1 --layouts hunan,shanghai [--kinds sum_off,...]

The whole-report runs plant every kind of ``auditor.synth.mutate`` in ``--synthetic`` reports of
each layout; the OCR page cache (under bench/out/ocr/cache) makes a planted report cost OCR only
for the pages that differ from its clean twin.
OCR_BENCH_PAGES / OCR_BENCH_FILES / OCR_BENCH_SYNTH bound the size (CPU is shared);
OCR_BENCH_SEEDS picks the synthetic reports' seeds (layouts rotate hunan, shanghai, plain). Writes
bench/results_ocr.md (``--planted-only``: bench/out/ocr/planted.md).
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
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from auditor.model import BUDGET_KINDS, STANDARD_KINDS, Report  # noqa: E402

REAL = ROOT.parent / "shared" / "real"
BUDGETS = REAL / "budget_jiangsu"  # real 部门预算, some as a narrative PDF plus a tables PDF
# the tables compared: the nine 决算 tables and the 部门预算 tables
KINDS = frozenset(STANDARD_KINDS) | frozenset(BUDGET_KINDS)
OUT = ROOT / "bench" / "out" / "ocr"

def _all_kinds() -> tuple[str, ...]:
    from auditor.synth.mutate import MUTATORS

    return tuple(sorted(MUTATORS))


PLANT_KINDS = _all_kinds()  # every kind the synthetic corpus plants


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
    """An image-only PDF of the given 1-based pages, damaged. The damage of a page depends only
    on its content, the seed and its page number (not on the pages before it), so a page that
    two reports share is scanned to the same bytes in both (and read once, through the OCR
    page cache)."""
    import hashlib

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    images = []
    try:
        for number in pages:
            image = pdf[number - 1].render(scale=dpi / 72).to_pil()
            content = hashlib.sha256(image.tobytes()).hexdigest()
            images.append(damage(image, random.Random(f"{seed}:{number}:{content}"), corners.get(number)))
    finally:
        pdf.close()
    images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out


# ---- comparing ------------------------------------------------------------------------------------

def _amount_cells(report: Report) -> Iterator[tuple[tuple[str, str, str, str, str], Any]]:
    """Every amount cell of the standard and budget tables, keyed by (table, side, code, label
    of an uncoded row, column): a coded row by its code (a misread label is not a misread amount)."""
    for table in report.tables:
        if table.kind not in KINDS:
            continue
        for row in table.rows:
            label = "" if row.code else row.label.replace(" ", "")
            for key, cell in row.cells.items():
                if cell.amount is not None:
                    yield (table.kind.value, row.side, row.code, label, key), cell


def amounts(report: Report) -> dict[tuple[str, str, str, str, str], Any]:
    """Every amount, by the key of ``_amount_cells``."""
    return {key: cell.amount.value for key, cell in _amount_cells(report)}


def amount_confidences(report: Report) -> dict[tuple[str, str, str, str, str], float | None]:
    """The OCR confidence (least sure digit) of every amount ``amounts`` returns, by the same key."""
    return {key: cell.confidence for key, cell in _amount_cells(report)}


def table_pages(report: Report, limit: int) -> tuple[list[int], dict[int, tuple[float, float]]]:
    """The pages holding standard tables (the first ``limit``), and for each page the
    relative position of a table's top-right corner (where the stamp goes)."""
    pages: list[int] = []
    corners: dict[int, tuple[float, float]] = {}
    for table in report.tables:
        if table.kind not in KINDS:
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
    from auditor.ingest import ocr as ocr_module

    started = time.perf_counter()
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    before = dict(ocr_module.CACHE_STATS)
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
        "ocr_read": ocr_module.CACHE_STATS["misses"] - before["misses"],  # pages OCR'd (not from the cache)
        "from_cache": ocr_module.CACHE_STATS["hits"] - before["hits"],
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
              style_seed: int = 0, extra: list[Path] | None = None, budgets: int = 0) -> None:
    from auditor.ingest import load_report

    files = sorted(REAL.glob("*.pdf"))[:file_limit] if REAL.exists() else []
    files += sorted(BUDGETS.glob("*.pdf"))[:budgets] if BUDGETS.exists() else []
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


def _plant_any(kind: str, spec: Any, anchors: Any, data: Any, seed: int) -> Any:
    """The kind planted in this report (a few draws: some draws find nothing to change)."""
    from auditor.synth.mutate import plant

    for attempt in range(4):
        planted = plant(kind, spec, anchors, data, seed * 31 + attempt)
        if planted is not None:
            return planted
    return None


def _judge(info: Any, base: set[str], findings: list[tuple[str, str, str, str]]) -> tuple[bool, list[str]]:
    """Detected (for a within-rounding change: correctly no new error), and the new codes."""
    new = [(c, s) for c, s, fp, _ in findings if fp not in base and s in ("error", "warning")]
    if info.must_not_error:
        return not any(s == "error" for _, s in new), [c for c, s in new if s == "error"]
    return any(c in info.codes for c, _ in new), [c for c, _ in new]


def synthetic_runs(per_layout: int, dpi: int, lines: list[str], layouts: tuple[str, ...] = ("hunan", "shanghai"),
                   kinds: tuple[str, ...] | None = None) -> None:
    """Whole synthetic reports scanned: every planted kind on ``per_layout`` reports of each
    layout, and the clean reports. A kind is detected on the scan when a finding of one of
    its codes is new against the clean scan of the same report (as bench/bench_corpus.py does
    on the text layer, whose result for the same files is given beside it)."""
    from auditor.audit import audit_report
    from auditor.ingest import load_report
    from auditor.synth.compose import LAYOUT_NAMES, compose
    from auditor.synth.figures import generate
    from auditor.synth.pdf import pdf_bytes
    from bench.corpus import variant

    kinds = kinds or PLANT_KINDS
    chosen = os.environ.get("OCR_BENCH_SEEDS", "")  # e.g. "0,1,3": these seeds' reports only
    seeds = [int(v) for v in chosen.split(",") if v.strip()] or [
        layout_index + len(LAYOUT_NAMES) * k for layout_index, name in enumerate(LAYOUT_NAMES) if name in layouts
        for k in range(per_layout)]
    lines += ["", f"## 合成报告整份扫描（{dpi} dpi，带损伤）：每类植入错误的检出与干净扫描件的误报", ""]
    rows: list[str] = []
    misread_errors: Counter[str] = Counter()
    recall: dict[tuple[str, str], list[int]] = {}  # (kind, layout) -> [scan hits, text hits, planted]
    missed: list[str] = []
    ocr_seconds: list[float] = []
    cpu_seconds: list[float] = []
    planted_seconds: list[float] = []
    peak = 0.0
    pages_ocr = pages_cached = 0
    with ProcessPoolExecutor(max_workers=1) as pool:  # one reader for the whole run (one model load)
        for seed in seeds:
            layout, mode = variant(seed)
            data = generate(seed, mode)
            spec, anchors = compose(data, layout)
            clean_pdf = OUT / f"synth_clean_{seed}.pdf"
            clean_pdf.write_bytes(pdf_bytes(spec, layout))
            text_report = load_report(clean_pdf)
            text_findings = {f.fingerprint for f in audit_report(text_report).findings}
            n_pages = text_report.meta.page_count or 0
            corners = table_pages(text_report, 99)[1]
            scanned = scan(clean_pdf, list(range(1, n_pages + 1)), dpi, OUT / f"synth_clean_{seed}_scan.pdf", seed, corners)
            got = pool.submit(read_scan, (str(scanned), "audit")).result()
            if "error" in got:
                rows.append(f"- 干净报告 seed {seed}：读取失败 {got['error']}")
                continue
            if got["ocr_read"] >= n_pages:  # the whole report read by OCR: seconds per page
                ocr_seconds.append(got["seconds"] / got["ocr_read"])
                cpu_seconds.append(got["cpu"] / got["ocr_read"])
            pages_ocr += got["ocr_read"]
            pages_cached += got["from_cache"]
            peak = max(peak, got["peak_mb"])
            right, total, _ = compare(amounts(text_report), got["amounts"])
            base = {fp for _, _, fp, _ in got["findings"]}
            extra = [(c, m) for c, s, fp, m in got["findings"] if s == "error" and fp not in text_findings]
            misread_errors.update(code for code, _ in extra)
            rows.append(f"- 干净报告 seed {seed}（{layout}，{n_pages} 页）：金额 {right}/{total}；"
                        f"文本层没有而扫描件多出的“错误”级问题 {len(extra)}"
                        + (f"（{'；'.join(m for _, m in extra[:3])}）" if extra else ""))
            print(rows[-1], flush=True)
            for kind in kinds:
                planted = _plant_any(kind, spec, anchors, data, seed)
                if planted is None:
                    continue
                bad_spec, info = planted
                bad_pdf = OUT / f"synth_{kind}_{seed}.pdf"
                bad_pdf.write_bytes(pdf_bytes(bad_spec, layout))
                bad_text = load_report(bad_pdf)
                text_hit, _ = _judge(info, text_findings, [(f.code, f.severity.value, f.fingerprint, "")
                                                           for f in audit_report(bad_text).findings])
                bad_pages = list(range(1, (bad_text.meta.page_count or n_pages) + 1))
                bad_scan = scan(bad_pdf, bad_pages, dpi, OUT / f"synth_{kind}_{seed}_scan.pdf", seed, corners)
                bad = pool.submit(read_scan, (str(bad_scan), "audit")).result()
                if "error" in bad:
                    rows.append(f"- {kind} seed {seed}：读取失败 {bad['error']}")
                    continue
                planted_seconds.append(bad["seconds"])
                pages_ocr += bad["ocr_read"]
                pages_cached += bad["from_cache"]
                peak = max(peak, bad["peak_mb"])
                hit, new = _judge(info, base, bad["findings"])
                counts = recall.setdefault((kind, layout), [0, 0, 0])
                counts[0] += int(hit)
                counts[1] += int(text_hit)
                counts[2] += 1
                verdict = "检出" if hit else "未检出"
                if info.must_not_error:
                    verdict = "未误报" if hit else "误报"
                rows.append(f"- {kind} seed {seed}（{layout}，OCR {bad['ocr_read']} 页）：{verdict}"
                            f"（文本层{'检出' if text_hit else '未检出'}；应有 {'/'.join(info.codes)}，新增 {', '.join(new) or '无'}）")
                if not hit:
                    missed.append(rows[-1][2:])
                print(rows[-1], flush=True)
    lines += ["| 植入类型 | 版式 | 份数 | 文本层检出 | 扫描件检出 | 扫描件召回率 |", "|---|---|---|---|---|---|"]
    for (kind, layout), (hit, text_hit, total) in sorted(recall.items()):
        lines.append(f"| {kind} | {layout} | {total} | {text_hit} | {hit} | {hit / total * 100:.0f}% |")
    all_kinds = list(kinds)
    absent = [k for k in all_kinds if not any(key[0] == k for key in recall)]
    by_layout: dict[str, list[int]] = {}
    for (_, layout), (hit, text_hit, total) in recall.items():
        acc = by_layout.setdefault(layout, [0, 0, 0])
        acc[0] += hit
        acc[1] += text_hit
        acc[2] += total
    lines += [""] + [f"- {layout}：扫描件检出 {h}/{t}（文本层 {th}/{t}）" for layout, (h, th, t) in sorted(by_layout.items())]
    if absent:
        lines.append(f"- 这些报告上无法植入的类型：{'、'.join(absent)}")
    lines += [f"- 干净扫描件上由误读引起的“错误”级问题：{sum(misread_errors.values())}"
              + (f"（{dict(misread_errors)}）" if misread_errors else ""),
              f"- 整份 OCR 的干净报告：每页秒数中位数 {float(np.median(ocr_seconds)) if ocr_seconds else 0:.1f}（CPU 秒 "
              f"{float(np.median(cpu_seconds)) if cpu_seconds else 0:.1f}；{len(ocr_seconds)} 份）；植入报告每份读取秒数中位数 "
              f"{float(np.median(planted_seconds)) if planted_seconds else 0:.1f}（只识别与干净报告不同的页，其余取自页面缓存）；"
              f"共识别 {pages_ocr} 页，取自页面缓存 {pages_cached} 页；读取进程峰值内存 {peak:.0f} MB"]
    if missed:
        lines += ["", "未检出：", ""] + [f"- {m}" for m in missed]
    lines += ["", "逐份结果：", ""] + rows


def main() -> int:
    parser = argparse.ArgumentParser(description="扫描件 OCR 基准")
    parser.add_argument("--dpi", default="150,200,300")
    parser.add_argument("--pages", type=int, default=int(os.environ.get("OCR_BENCH_PAGES", "6")))
    parser.add_argument("--files", type=int, default=int(os.environ.get("OCR_BENCH_FILES", "3")))
    parser.add_argument("--synthetic", type=int, default=int(os.environ.get("OCR_BENCH_SYNTH", "2")),
                        help="整份扫描的合成报告：每种版式几份（每份植入每一类错误各一次）")
    parser.add_argument("--layouts", default="hunan,shanghai", help="整份扫描的版式（hunan、shanghai、plain）")
    parser.add_argument("--kinds", default="", help="只植入这些类型（逗号分隔；默认全部）")
    parser.add_argument("--planted-only", action="store_true", help="只做整份扫描的植入错误检出")
    parser.add_argument("--synthetic-tables", type=int, default=int(os.environ.get("OCR_BENCH_SYNTH_TABLES", "3")),
                        help="合成报告（各版式轮流）的表格页也按各 dpi 测金额准确率")
    parser.add_argument("--budgets", type=int, default=int(os.environ.get("OCR_BENCH_BUDGETS", "0")),
                        help="另测 ../shared/real/budget_jiangsu 中的前 N 个部门预算 PDF（没有表格的文件跳过）")
    parser.add_argument("--table-layouts", default="", help="表格页准确率只测这些版式的合成报告（逗号分隔，如 plain）")
    parser.add_argument("--styles", default="", help="另按这些表格线型测（rules:变体，逗号分隔，如 none:codes3+yuan,three:base）")
    parser.add_argument("--style-seed", type=int, default=0, help="--styles 所用合成报告的 seed")
    parser.add_argument("--pdfs", default="", help="另测这些文本层 PDF（逗号分隔，如 bench_read.py 生成的文件）")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    # the bench's own OCR page cache: a planted report costs OCR only for the pages that differ
    # from its clean twin, and a rerun of unchanged pages none (the cache keys on the OCR code)
    os.environ.setdefault("AUDITOR_CACHE", str(OUT / "cache"))
    os.environ.setdefault("AUDITOR_OCR_CACHE_MB", "2048")
    out = args.out or (OUT / "planted.md" if args.planted_only else ROOT / "bench" / "results_ocr.md")
    dpis = [int(d) for d in args.dpi.split(",") if d]
    started = time.perf_counter()
    load = os.getloadavg()[0]
    lines = ["# 扫描件 OCR 基准", "",
             f"损伤：倾斜 ±1.5°、轻微透视、模糊、JPEG 质量 60–80、表格角上的红色印章。每份文件在新进程中读取。"
             f"机器：{os.cpu_count()} 核（与其他任务共用，开始时负载 {load:.1f}）。"
             "“每页秒数”为墙钟时间，受共用负载影响；“每页 CPU 秒”为该进程用掉的 CPU 时间（两核空闲时墙钟时间约为其一半到全部）。", ""]
    if not args.planted_only:
        if not REAL.exists():
            lines += [f"（{REAL} 不存在，跳过真实报告）"]
        table_layouts = {v.strip() for v in args.table_layouts.split(",") if v.strip()} or None
        styles = [v.strip() for v in args.styles.split(",") if v.strip()]
        real_runs(dpis, args.pages, args.files, lines, args.synthetic_tables, table_layouts, styles=styles,
                  style_seed=args.style_seed, extra=[Path(p) for p in args.pdfs.split(",") if p.strip()],
                  budgets=args.budgets)
    layouts = tuple(v for v in args.layouts.split(",") if v)
    kinds = tuple(v for v in args.kinds.split(",") if v) or None
    if args.synthetic > 0:
        synthetic_runs(args.synthetic, 200, lines, layouts, kinds)
    command = (f"python bench/bench_ocr.py --planted-only --synthetic {args.synthetic} --layouts {args.layouts}"
               + (f" --kinds {args.kinds}" if args.kinds else "")) if args.planted_only else (
        f"python bench/bench_ocr.py --dpi {args.dpi} --pages {args.pages} --files {args.files} --budgets {args.budgets} "
        f"--synthetic {args.synthetic} --layouts {args.layouts} --synthetic-tables {args.synthetic_tables}"
        + (f" --table-layouts {args.table_layouts}" if args.table_layouts else "")
        + (f" --styles {args.styles} --style-seed {args.style_seed}" if args.styles else "")
        + (f" --pdfs {args.pdfs}" if args.pdfs else ""))
    lines += ["", f"总用时 {time.perf_counter() - started:.0f} 秒（开始时负载 {load:.1f}）；命令：`{command}`"]
    text = "\n".join(lines) + "\n"
    out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
