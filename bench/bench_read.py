"""Reading across producers: the synthetic reports rendered by real producers (reportlab,
Word-style DOCX → LibreOffice, XLSX → LibreOffice Calc, HTML → Chromium; see
``auditor.synth.producers``) in every variant, read back with ``auditor.ingest.load_report``;
and every file in ../shared read as a document. Writes bench/results_read.md.

Per producer and variant:
- cells: every figure of the nine tables found in its row (by code, else label) with its value;
- row levels: a coded row's level is the code's (类 3 digits = 1, 款 5 = 2, 项 7 = 3);
- claims: the narrative's tieable claims as the text rendering of the same report reads them
  (kind, value, and the table cell they tie to), found again in the PDF;
- planted slips (``auditor.synth.mutate``): found when a new finding has one of the expected
  codes (against the clean report from the same producer and variant);
- error-level findings on clean reports (target 0).
Multi-file variants (narrative and tables as separate files) are read as a list of paths when
``load_report`` accepts one, else marked "pending".

    python bench/bench_read.py [--out bench/out/read] [--seeds 2] [--plants 1] [--jobs 2]
                               [--producers reportlab,docx,xlsx,html] [--skip-real] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import traceback
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from auditor.model import Report  # noqa: E402
from auditor.synth.mutate import MUTATORS  # noqa: E402
from auditor.synth.producers import (  # noqa: E402
    PRODUCERS,
    Job,
    Variant,
    available,
    build_spec,
    cell_round_trip,
    claim_keys,
    reference_claims,
    render_many,
)

VARIANTS = ("base", "toc", "codes3", "yuan", "landscape", "repeat", "flow", "toc+codes3+landscape+repeat+yuan", "split", "split+flow",
            "split+codes3+yuan", "borderless", "borderless+codes3+yuan")


FIGURE_LINE = re.compile(r"^[\s\d,.%()（）\-万元]*\d[\d,.]*[\s\d,.%()（）\-万元]*$")


# ---- reading one report ---------------------------------------------------------------------


def read(files: list[str]) -> Report:
    from auditor.ingest import load_report

    if len(files) == 1:
        return load_report(files[0])
    return load_report(files)  # type: ignore[arg-type]  # the multi-file reader (issue 12)


def health(report: Report) -> dict[str, Any]:
    """Reading health: tables with data, sentences, claims, tieable claims tied, lines that are
    only figures (left outside any sentence), undecodable characters."""
    tables = [t for t in report.tables]
    with_data = [t for t in tables if not t.is_empty]
    tieable = [c for c in report.claims if c.kind in ("amount", "outturn", "budget", "share", "growth", "completion") and c.value is not None]
    texts = [line.text for line in report.lines] + [s.text for s in report.sentences]
    bad = sum(t.count("(cid:") + t.count("\ufffd") for t in texts)
    loose = [line.text for line in report.lines if FIGURE_LINE.match(line.text.strip()) and len(re.sub(r"\D", "", line.text)) >= 3
             and not re.fullmatch(r"[\s\-—第页/\d]+", line.text.strip())]
    return {
        "tables": len(tables), "tables_with_data": len(with_data),
        "kinds_with_data": sorted(t.kind.value for t in with_data),
        "sentences": len(report.sentences), "claims": len(report.claims),
        "tieable": len(tieable), "tied": sum(1 for c in tieable if c.target is not None),
        "loose_figure_lines": len(loose), "loose_examples": loose[:3], "undecodable": bad,
        "toc_entries": len(report.toc), "year": report.meta.year,
    }


def measure(task: dict[str, Any]) -> dict[str, Any]:
    """Read and audit one rendered report; compare with its ground truth."""
    from auditor.audit import audit_report

    spec, _ = build_spec(task["seed"], Variant.parse(task["variant"].split("@")[0]), task["kind"])
    out: dict[str, Any] = {"id": task["id"]}
    started = time.perf_counter()
    try:
        report = read(task["files"])
    except TypeError as exc:
        if len(task["files"]) > 1:
            out["pending"] = f"load_report 不接受多个文件：{exc}"
            return out
        out["error"] = traceback.format_exc(limit=3)
        return out
    except Exception as exc:  # noqa: BLE001 - the bench records every failure
        if len(task["files"]) > 1 and type(exc).__name__ == "InputError":
            out["pending"] = f"多文件尚不可读：{exc}"
            return out
        out["error"] = f"{type(exc).__name__}: {exc}"
        out["traceback"] = traceback.format_exc(limit=4)
        return out
    try:
        result = audit_report(report)
    except Exception as exc:  # noqa: BLE001
        out["error"] = f"审核出错 {type(exc).__name__}: {exc}"
        out["traceback"] = traceback.format_exc(limit=4)
        return out
    out["seconds"] = time.perf_counter() - started
    out["findings"] = [(f.code, f.severity.value, f.fingerprint) for f in result.findings]
    out["health"] = health(report)
    if task["kind"] is None:
        found, total, misses, lok, ltot, lmiss = cell_round_trip(report, spec)
        out["cells"] = [found, total, misses[:8]]
        out["levels"] = [lok, ltot, lmiss[:5]]
        ref = reference_claims(spec)
        got = claim_keys(report)
        tied_ref = Counter({k: n for k, n in ref.items() if k[2]})
        values_ref = Counter((k[0], k[1]) for k in ref.elements())
        values_got = Counter((k[0], k[1]) for k in got.elements())
        out["claims"] = {
            "values": [sum((values_ref & values_got).values()), sum(values_ref.values())],
            "tied": [sum((tied_ref & got).values()), sum(tied_ref.values())],
            "missing": [" ".join(k) for k in (tied_ref - got).elements()][:6],
        }
    return out


# ---- the corpus --------------------------------------------------------------------------------


def corpus_jobs(producers: list[str], variants: list[str], seeds: int, plants: int, plant_variant: str = "base") -> list[Job]:
    """Clean reports: every producer × variant × seed. Planted: every producer × kind on seeds
    0..plants-1 (``plant_variant``, base by default), each with its clean report of the same
    variant to compare findings with."""
    jobs = [Job(p, Variant.parse(v), s) for p in producers for v in variants for s in range(seeds)]
    variant = Variant.parse(plant_variant)
    for p in producers:
        for seed in range(plants):
            if Job(p, variant, seed) not in jobs:
                jobs.append(Job(p, variant, seed))
            jobs += [Job(p, variant, seed, kind) for kind in sorted(MUTATORS)]
    return jobs


def pct(a: int, b: int, digits: int = 1) -> str:
    return f"{a / b * 100:.{digits}f}%" if b else "—"


def real_files() -> list[list[Path]]:
    """Every file in ../shared (seed, real/*.pdf, real/budget_jiangsu/*.pdf), each alone; then
    each Jiangsu narrative with its tables file, read as one report."""
    if not SHARED.exists():
        return []
    files = sorted((SHARED / "seed").glob("*")) + sorted((SHARED / "real").glob("*.pdf"))
    jiangsu = sorted((SHARED / "real" / "budget_jiangsu").glob("*.pdf"))
    entries = [[f] for f in files + jiangsu if f.is_file()]
    for report in jiangsu:
        tables = report.with_name(report.name.replace("_report.pdf", "_tables.pdf"))
        if report.name.endswith("_report.pdf") and tables.exists():
            entries.append([report, tables])
    return entries


def _pdfplumber_seconds(paths: list[str]) -> float:
    import pdfplumber

    started = time.perf_counter()
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.extract_tables()
                page.close()
    return time.perf_counter() - started


def measure_real(paths: list[str]) -> dict[str, Any]:
    """Read and audit a real file (or a narrative with its tables); for PDFs also time
    pdfplumber's own open + text + tables, interleaved with the audit, best of two each (the
    machine is shared)."""
    from auditor.audit import audit_report

    out: dict[str, Any] = {"file": " + ".join(paths)}
    timings: list[float] = []
    baselines: list[float] = []
    pdf = all(p.endswith(".pdf") for p in paths)
    for attempt in range(2 if pdf else 1):
        try:
            started = time.perf_counter()
            report = read(paths)
            result = audit_report(report)
            timings.append(time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001
            out["error"] = f"{type(exc).__name__}: {exc}"
            out["traceback"] = type(exc).__name__ != "InputError"
            if len(paths) > 1 and isinstance(exc, TypeError):
                out["error"], out["traceback"] = "待多文件读取（load_report 只接受一个文件）", False
            break
        if attempt == 0:
            out["health"] = health(report)
            out["errors"] = sum(1 for f in result.findings if f.severity.value == "error")
            out["warnings"] = sum(1 for f in result.findings if f.severity.value == "warning")
            out["missed"] = sorted(report.recognition.missed)
        if pdf:
            baselines.append(_pdfplumber_seconds(paths))
    if timings:
        out["seconds"] = min(timings)
    if baselines:
        out["baseline"] = min(baselines)
    return out


# ---- the report ---------------------------------------------------------------------------------


def write_results(rendered_meta: list[dict[str, Any]], results: dict[str, dict[str, Any]], real: list[dict[str, Any]],
                  build_seconds: float, missing: dict[str, str], note: str = "") -> str:
    lines = ["# 读取基准：各生成工具与变体（`make bench-read`）", ""]
    if note:
        lines += [note, ""]
    lines += [f"语料：{len(rendered_meta)} 份（生成用时 {build_seconds:.0f} 秒）。读取器：`auditor.ingest.load_report`。"
              "目标：表格数字往返 ≥ 99.9%，叙述声明往返（数值与所对应的单元格）≥ 99%，每类植入错误召回 ≥ 95%，干净报告“错误”级问题 0。", ""]
    for producer, why in missing.items():
        if why:
            lines.append(f"- {producer}：未测（{why}）")
    lines += ["## 干净报告", "",
              "| 生成工具 | 变体 | 份数 | 表格数字往返 | 科目级次 | 声明数值往返 | 声明对应单元格 | 错误级问题 | 读取失败 |",
              "|---|---|---|---|---|---|---|---|---|"]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for meta in rendered_meta:
        if meta["kind"] is None:
            groups[(meta["producer"], meta["variant"])].append(meta)
    examples: list[str] = []
    def order(key: tuple[str, str]) -> tuple[int, int, str]:
        name = key[1].split("@")[0]
        return PRODUCERS.index(key[0]), VARIANTS.index(name) if name in VARIANTS else 99, key[1]

    for (producer, variant), metas in sorted(groups.items(), key=lambda kv: order(kv[0])):
        res = [results[m["id"]] for m in metas]
        pending = [r for r in res if "pending" in r]
        if pending:
            lines.append(f"| {producer} | {variant} | {len(res)} | 待多文件读取 | | | | | |")
            continue
        ok = [r for r in res if "error" not in r]
        failed = len(res) - len(ok)
        cf = sum(r["cells"][0] for r in ok)
        ct = sum(r["cells"][1] for r in ok)
        lf = sum(r["levels"][0] for r in ok)
        lt = sum(r["levels"][1] for r in ok)
        vf = sum(r["claims"]["values"][0] for r in ok)
        vt = sum(r["claims"]["values"][1] for r in ok)
        tf = sum(r["claims"]["tied"][0] for r in ok)
        tt = sum(r["claims"]["tied"][1] for r in ok)
        errors = Counter(code for r in ok for code, sev, _ in r["findings"] if sev == "error")
        err_text = str(sum(errors.values())) + (f"（{'、'.join(f'{c}×{n}' for c, n in errors.most_common(4))}）" if errors else "")
        lines.append(f"| {producer} | {variant} | {len(res)} | {pct(cf, ct, 2)} | {pct(lf, lt)} | {pct(vf, vt)} | {pct(tf, tt)} | "
                     f"{err_text} | {failed} |")
        for r, m in zip(res, metas):
            if "error" in r:
                examples.append(f"- {producer}/{variant} seed {m['seed']}：读取失败 {r['error'].splitlines()[-1][:160]}")
                continue
            bits = []
            if r["cells"][2]:
                bits.append("未还原：" + "；".join(r["cells"][2][:4]))
            if r["levels"][2]:
                bits.append("级次：" + "；".join(r["levels"][2][:3]))
            if r["claims"]["missing"]:
                bits.append("声明：" + "；".join(r["claims"]["missing"][:3]))
            if r["health"]["loose_examples"]:
                bits.append("句外数字行：" + "；".join(r["health"]["loose_examples"][:2]))
            if bits and len([e for e in examples if e.startswith(f"- {producer}/{variant} ")]) < 1:
                examples.append(f"- {producer}/{variant} seed {m['seed']}（{m['files'][0]}）：" + " | ".join(bits))
    if examples:
        lines += ["", "例子（每组一份）：", ""] + examples

    if not rendered_meta:
        lines = lines[:4] if note else lines[:2]
    if rendered_meta:
        # planted slips
        planted_variants = sorted({m["variant"] for m in rendered_meta if m["kind"] is not None}) or ["base"]
        lines += ["", f"## 植入错误召回（{'、'.join(planted_variants)} 变体）", "", "| 类型 | " + " | ".join(p for p in PRODUCERS if p in {m['producer'] for m in rendered_meta}) + " |",
                  "|---|" + "---|" * len({m['producer'] for m in rendered_meta})]
        clean_index = {(m["producer"], m["variant"], m["seed"]): m["id"] for m in rendered_meta if m["kind"] is None}
        table: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for meta in rendered_meta:
            if meta["kind"] is None:
                continue
            res = results[meta["id"]]
            base = results.get(clean_index.get((meta["producer"], meta["variant"], meta["seed"]), ""), {})
            cell = table[meta["kind"]][meta["producer"]]
            cell[1] += 1
            if "findings" not in res or "findings" not in base:
                continue
            before = {fp for _, _, fp in base["findings"]}
            if meta["must_not_error"]:
                cell[0] += 0 if any(s == "error" and fp not in before for _, s, fp in res["findings"]) else 1
            elif any(c in meta["codes"] and fp not in before and s in ("error", "warning") for c, s, fp in res["findings"]):
                cell[0] += 1
        producers = [p for p in PRODUCERS if p in {m["producer"] for m in rendered_meta}]
        for kind in sorted(table):
            lines.append(f"| {kind} | " + " | ".join(f"{table[kind][p][0]}/{table[kind][p][1]}" if table[kind][p][1] else "—" for p in producers) + " |")
        totals = {p: [sum(table[k][p][0] for k in table), sum(table[k][p][1] for k in table)] for p in producers}
        lines.append("| 合计 | " + " | ".join(f"{pct(*totals[p])}" for p in producers) + " |")

        # reading health per producer (clean, single-file)
        lines += ["", "## 读取健康（干净报告，单文件，合计）", "", "| 生成工具 | 有数据的表 | 句子 | 声明 | 可对应声明已对应 | 句外数字行 | 无法解码字符 | 目录条目 |",
                  "|---|---|---|---|---|---|---|---|"]
        for producer in producers:
            hs = [results[m["id"]]["health"] for m in rendered_meta if m["producer"] == producer and m["kind"] is None
                  and "health" in results[m["id"]]]
            if not hs:
                continue
            lines.append(f"| {producer} | {sum(h['tables_with_data'] for h in hs)}/{sum(h['tables'] for h in hs)} | "
                         f"{sum(h['sentences'] for h in hs)} | {sum(h['claims'] for h in hs)} | "
                         f"{pct(sum(h['tied'] for h in hs), sum(h['tieable'] for h in hs))} | {sum(h['loose_figure_lines'] for h in hs)} | "
                         f"{sum(h['undecodable'] for h in hs)} | {sum(h['toc_entries'] for h in hs)} |")

    if real:
        lines += ["", "## ../shared 中的文件", "",
                  "| 文件 | 有数据的表/识别的表 | 句子 | 声明 | 可对应已对应 | 句外数字行 | 无法解码 | 错误/警告 | 用时 | pdfplumber | 倍数 |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        ratios = []
        for r in real:
            name = r["file"].replace(str(SHARED) + "/", "")
            base = f"{r['baseline']:.2f}" if "baseline" in r else "—"
            if "error" in r:
                lines.append(f"| {name} | {'**异常** ' if r['traceback'] else ''}{r['error'][:80]} | | | | | | | | {base} | |")
                continue
            h = r["health"]
            ratio = r["seconds"] / r["baseline"] if r.get("baseline") else None
            if ratio is not None:
                ratios.append(ratio)
            lines.append(f"| {name} | {h['tables_with_data']}/{h['tables']} | {h['sentences']} | {h['claims']} | {h['tied']}/{h['tieable']} | "
                         f"{h['loose_figure_lines']} | {h['undecodable']} | {r['errors']}/{r['warnings']} | {r['seconds']:.2f} | {base} | "
                         f"{f'{ratio:.2f}×' if ratio else '—'} |")
        if ratios:
            ratios.sort()
            lines += ["", f"审核用时 / pdfplumber（打开 + 每页文本与表格）：中位数 {ratios[len(ratios) // 2]:.2f}×，最大 {ratios[-1]:.2f}×（目标 ≤ 1.3×）"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description="各生成工具与变体的读取基准")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "read")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results_read.md")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--plants", type=int, default=1, help="每种植入错误、每个生成工具的份数")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--producers", default=",".join(PRODUCERS))
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--plant-variant", default="base", help="植入错误所用的变体（如 borderless）")
    parser.add_argument("--skip-real", action="store_true")
    parser.add_argument("--only-real", action="store_true", help="只读 ../shared 中的文件")
    parser.add_argument("--note", default="", help="写在结果开头的说明（如读取器的版本）")
    parser.add_argument("--reuse", action="store_true", help="沿用 --out 中已生成的语料")
    args = parser.parse_args()

    can = available()
    producers = [p for p in args.producers.split(",") if p and not can.get(p)]
    missing = {p: can[p] for p in args.producers.split(",") if can.get(p)}
    manifest_path = args.out / "manifest.json"
    started = time.perf_counter()
    if args.only_real:
        manifest = {"seconds": 0.0, "reports": []}
    elif args.reuse and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    else:
        jobs = corpus_jobs(producers, args.variants.split(","), args.seeds, args.plants, args.plant_variant)
        rendered = render_many(jobs, args.out)
        metas = []
        for n, r in enumerate(rendered):
            metas.append({"id": f"{n:04d}", "producer": r.producer, "variant": r.variant.name, "seed": r.seed,
                          "kind": r.planted.kind if r.planted else None, "codes": list(r.planted.codes) if r.planted else [],
                          "must_not_error": bool(r.planted and r.planted.must_not_error),
                          "files": [str(f) for f in r.files]})
            if r.producer == "xlsx" and r.variant.split:  # the same tables given as the workbook itself
                metas.append({**metas[-1], "id": f"{n:04d}x", "variant": r.variant.name + "@xlsx",
                              "files": [str(r.files[0]), str(r.extra[0])]})
        manifest = {"seconds": time.perf_counter() - started, "reports": metas}
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    metas = manifest["reports"]
    print(f"语料 {len(metas)} 份，生成用时 {manifest['seconds']:.0f} 秒", flush=True)
    tasks = [{"id": m["id"], "files": m["files"], "seed": m["seed"], "variant": m["variant"], "kind": m["kind"]} for m in metas]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = {r["id"]: r for r in pool.map(measure, tasks, chunksize=1)}
        real = [] if args.skip_real else list(pool.map(measure_real, [[str(f) for f in entry] for entry in real_files()]))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps({"results": results, "real": real}, ensure_ascii=False, indent=1,
                                                      default=str), encoding="utf-8")
    text = write_results(metas, results, real, manifest["seconds"], missing, args.note)
    print(text)
    args.results.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
