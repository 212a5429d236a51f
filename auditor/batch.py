"""Batch audits: many reports in one run, one findings table, a dashboard, and no lost
work when a file is bad.

Each input is audited in a worker process (``local``) or on a Dask cluster (``dask``);
an unreadable file becomes an error row with its Chinese reason and the rest go on.
Outputs are named after the file and its content hash, so a re-run skips reports whose
content and tool version are unchanged (resume). Reports of one department in
consecutive years are compared: this year's "上年" figures against last year's outturn.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import json
import re
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from auditor import code_fingerprint
from auditor.limits import Limits

SUFFIXES = (".pdf", ".txt")


def expand_inputs(inputs: Iterable[str]) -> list[Path]:
    """Files, folders (searched recursively for .pdf / .txt) and glob patterns, in a stable order."""
    found: dict[str, Path] = {}
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            candidates = [p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES]
        elif any(ch in item for ch in "*?["):
            candidates = [Path(p) for p in glob.glob(item, recursive=True) if Path(p).is_file()]
        else:
            candidates = [path]
        for candidate in candidates:
            found.setdefault(str(candidate.resolve()) if candidate.exists() else str(candidate), candidate)
    return sorted(found.values(), key=lambda p: str(p))


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return "unreadable"
    return digest.hexdigest()


def output_name(path: Path, digest: str) -> str:
    stem = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", path.stem)[:60] or "report"
    return f"{stem}-{digest[:10]}"


def process_one(path_text: str, out_dir_text: str, limits: Limits | None = None) -> dict[str, Any]:
    """Audit one file and write its JSON and HTML; never raises (errors become the row).
    Reading is bounded in time and memory (``limits``)."""
    from auditor.audit import audit_report, to_json_dict
    from auditor.ingest import InputError
    from auditor.limits import read_bounded
    from auditor.render.html import render_html

    path, out_dir = Path(path_text), Path(out_dir_text)
    started = time.perf_counter()
    digest = file_digest(path)
    name = output_name(path, digest)
    row: dict[str, Any] = {"file": str(path), "name": name, "sha256": digest, "version": code_fingerprint()}
    try:
        report = read_bounded(path, limits or Limits())
        result = audit_report(report)
        data = to_json_dict(result)
        reports = out_dir / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        (reports / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        (reports / f"{name}.html").write_text(render_html(result), encoding="utf-8")
        row.update(
            status="ok",
            reason="",
            department=report.meta.department,
            year=report.meta.year,
            pages=report.meta.page_count,
            tables_found=len(report.recognition.found),
            checks_run=data["coverage"]["checks_run"],
            checks_total=data["coverage"]["checks_total"],
            counts=result.counts(),
            findings=[
                {"code": f.code, "severity": f.severity.value, "category": f.category, "title": f.title,
                 "message": f.message, "page": next((loc.page or loc.line for loc in f.locations if loc.page or loc.line), None)}
                for f in result.findings
            ],
            year_facts=_year_facts(report),
        )
    except InputError as exc:
        row.update(status="error", reason=exc.reason, kind=exc.kind)
    except Exception as exc:  # noqa: BLE001 - one bad file never stops a batch
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        row.update(status="error", reason=f"处理时出错：{detail}", kind="crash")
    row["seconds"] = round(time.perf_counter() - started, 3)
    return row


def _year_facts(report: Any) -> dict[str, Any]:
    """What a later year's report may compare with: this year's totals, and the 上年 figures
    this report states (this year's value minus the stated change)."""
    from auditor.narrative.subjects import table_context  # noqa: F401 - keeps the import graph explicit

    facts: dict[str, Any] = {"this_year": {}, "last_year": {}}
    for claim in report.claims:
        subject = re.sub(r"[、\s“”]", "", claim.subject).replace("收入支出", "收支")
        if not subject:
            continue
        if claim.kind in ("amount", "outturn") and claim.unit == "万元" and claim.value is not None:
            facts["this_year"].setdefault(subject, [str(claim.value), claim.sentence.text[:80]])
        if claim.kind == "growth" and claim.unit == "万元" and claim.value is not None:
            current = next((c for c in report.claims if c.sentence.index in (claim.sentence.index, claim.sentence.index - 1)
                            and c.kind in ("amount", "outturn") and c.subject == claim.subject and c.value is not None), None)
            if current is not None:
                sign = Decimal(1) if claim.direction == "up" else Decimal(-1)
                last = current.value - sign * claim.value  # type: ignore[operator]
                facts["last_year"].setdefault(subject, [str(last), claim.sentence.text[:80]])
    return facts


@dataclass
class BatchResult:
    rows: list[dict[str, Any]]
    skipped: int
    seconds: float
    cross_year: list[dict[str, Any]]


Executor = Callable[[list[Path], Path, int, Limits, Callable[[dict[str, Any]], None]], Iterator[dict[str, Any]]]


def _local(paths: list[Path], out: Path, jobs: int, limits: Limits,
           _progress: Callable[[dict[str, Any]], None]) -> Iterator[dict[str, Any]]:
    if jobs <= 1:
        for path in paths:
            yield process_one(str(path), str(out), limits)
        return
    from concurrent.futures import ProcessPoolExecutor, as_completed

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(process_one, str(p), str(out), limits) for p in paths]
        for future in as_completed(futures):
            yield future.result()


def _dask(address: str) -> Executor:
    def run(paths: list[Path], out: Path, jobs: int, limits: Limits,
            _progress: Callable[[dict[str, Any]], None]) -> Iterator[dict[str, Any]]:
        from distributed import Client, as_completed

        with Client(address) as client:
            futures = client.map(process_one, [str(p) for p in paths], [str(out)] * len(paths), [limits] * len(paths),
                                 pure=False)
            for future in as_completed(futures):
                yield future.result()

    return run


def run_batch(inputs: Iterable[str], out: Path, jobs: int = 2, executor: str = "local", scheduler: str = "",
              limits: Limits | None = None, progress: Callable[[dict[str, Any], int, int], None] | None = None) -> BatchResult:
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    paths = expand_inputs(inputs)
    state_file = out / "batch.json"
    previous: dict[str, dict[str, Any]] = {}
    if state_file.exists():
        for row in json.loads(state_file.read_text(encoding="utf-8")).get("rows", []):
            previous[row["file"]] = row
    version = code_fingerprint()
    todo, kept = [], []
    for path in paths:
        old = previous.get(str(path))
        if old and old.get("version") == version and old.get("sha256") == file_digest(path) and (
            old.get("status") == "error" or (out / "reports" / f"{old['name']}.json").exists()
        ):
            kept.append(old)
        else:
            todo.append(path)
    run: Executor = _dask(scheduler) if executor == "dask" else _local
    rows = list(kept)
    done = 0
    for row in run(todo, out, jobs, limits or Limits(), lambda r: None):
        rows.append(row)
        done += 1
        if progress is not None:
            progress(row, done, len(todo))
    rows.sort(key=lambda r: r["file"])
    cross = cross_year_checks(rows)
    state_file.write_text(json.dumps({"version": version, "rows": rows, "cross_year": cross}, ensure_ascii=False,
                                     indent=1), encoding="utf-8")
    write_summary(rows, cross, out)
    return BatchResult(rows, len(kept), time.perf_counter() - started, cross)


def cross_year_checks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """This year's "上年" figures (this year minus the stated change) against last year's
    own figures, for reports of one department in consecutive years."""
    by_department: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        if row.get("status") == "ok" and row.get("department") and row.get("year"):
            by_department[row["department"]][int(row["year"])] = row
    findings = []
    for department, years in by_department.items():
        for year, row in years.items():
            last = years.get(year - 1)
            if last is None:
                continue
            for subject, (value, quote) in row["year_facts"]["last_year"].items():
                before = last["year_facts"]["this_year"].get(subject)
                if before is None:
                    continue
                gap = Decimal(value) - Decimal(before[0])
                if abs(gap) > Decimal("0.01"):
                    findings.append({
                        "code": "YOY001", "severity": "error", "category": "cross_year", "department": department,
                        "year": year, "file": row["file"], "title": "“上年”数与上年决算不符",
                        "message": f"{year}年报告按增减额推算“{subject}”上年为{Decimal(value):.2f}万元，"
                                   f"{year - 1}年报告为{Decimal(before[0]):.2f}万元，相差{gap:.2f}万元。",
                        "quote": quote, "previous_quote": before[1], "page": None,
                    })
    return findings


# ---- summary outputs --------------------------------------------------------------------

FINDING_COLUMNS = ("department", "year", "file", "code", "severity", "category", "title", "message", "page")
REPORT_COLUMNS = ("file", "department", "year", "status", "reason", "pages", "tables_found", "checks_run", "checks_total",
                  "error", "warning", "info", "seconds")


def finding_rows(rows: list[dict[str, Any]], cross: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        if row.get("status") != "ok":
            out.append({"department": "", "year": "", "file": row["file"], "code": "INPUT", "severity": "error",
                        "category": "input", "title": "文件无法读取", "message": row.get("reason", ""), "page": None})
            continue
        for f in row["findings"]:
            out.append({"department": row.get("department", ""), "year": row.get("year", ""), "file": row["file"], **f})
    for f in cross:
        out.append({k: f.get(k) for k in FINDING_COLUMNS})
    return out


def report_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        counts = row.get("counts") or {}
        out.append({**{k: row.get(k, "") for k in REPORT_COLUMNS}, "error": counts.get("error", ""),
                    "warning": counts.get("warning", ""), "info": counts.get("info", "")})
    return out


def write_summary(rows: list[dict[str, Any]], cross: list[dict[str, Any]], out: Path) -> None:
    findings = finding_rows(rows, cross)
    reports = report_rows(rows)
    for name, columns, data in (("findings.csv", FINDING_COLUMNS, findings), ("reports.csv", REPORT_COLUMNS, reports)):
        with (out / name).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(data)
    from openpyxl import Workbook

    from auditor.render.xlsx import add_sheet

    book = Workbook()
    headers = {"department": "部门", "year": "年度", "file": "文件", "code": "代码", "severity": "级别", "category": "类别",
               "title": "问题", "message": "说明", "page": "页/行"}
    add_sheet(book, "问题", [headers[c] for c in FINDING_COLUMNS], ([f.get(c) for c in FINDING_COLUMNS] for f in findings),
              first=True)
    add_sheet(book, "报告", list(REPORT_COLUMNS), ([r.get(c) for c in REPORT_COLUMNS] for r in reports))
    book.save(out / "findings.xlsx")
    (out / "dashboard.html").write_text(dashboard_html(rows, findings), encoding="utf-8")


def _bars(title: str, counts: Counter[str], limit: int = 15) -> str:
    items = counts.most_common(limit)
    if not items:
        return f"<h2>{escape(title)}</h2><p>无</p>"
    top = max(n for _, n in items)
    height = 22 * len(items) + 10
    bars = []
    for i, (label, n) in enumerate(items):
        width = 360 * n / top
        y = 22 * i + 5
        bars.append(f"<text x='0' y='{y + 14}' font-size='12'>{escape(label)[:24]}</text>"
                    f"<rect x='200' y='{y}' width='{width:.0f}' height='16' fill='#4a7bd0'/>"
                    f"<text x='{205 + width:.0f}' y='{y + 13}' font-size='12'>{n}</text>")
    return f"<h2>{escape(title)}</h2><svg width='620' height='{height}' role='img'>{''.join(bars)}</svg>"


def dashboard_html(rows: list[dict[str, Any]], findings: list[dict[str, Any]]) -> str:
    ok = [r for r in rows if r.get("status") == "ok"]
    bad = [r for r in rows if r.get("status") != "ok"]
    from auditor.findings import CATEGORY_ZH

    # unreadable files have their own table below; the charts count findings in reports
    found = [f for f in findings if f["code"] != "INPUT"]
    by_category = Counter(CATEGORY_ZH.get(f["category"], f["category"]) for f in found if f["severity"] in ("error", "warning"))
    by_code = Counter(f["code"] for f in found if f["severity"] in ("error", "warning"))
    by_department = Counter(f["department"] or "（部门未识别）" for f in found if f["severity"] == "error")
    worst = sorted(ok, key=lambda r: (-(r["counts"]["error"]), -(r["counts"]["warning"])))[:20]
    errors = sum(r["counts"]["error"] for r in ok)
    table = "".join(
        f"<tr><td>{escape(str(r.get('department') or ''))}</td><td>{r.get('year') or ''}</td>"
        f"<td><a href='reports/{escape(r['name'])}.html'>{escape(Path(r['file']).name)}</a></td>"
        f"<td>{r['counts']['error']}</td><td>{r['counts']['warning']}</td><td>{r.get('tables_found')}</td></tr>"
        for r in worst
    )
    broken = "".join(f"<tr><td>{escape(Path(r['file']).name)}</td><td>{escape(r.get('reason', ''))}</td></tr>" for r in bad)
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>批量审核汇总</title>
<style>body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;max-width:1100px}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ddd;padding:.3em .6em}}.k{{display:inline-block;margin-right:2em;font-size:1.2em}}</style>
</head><body><h1>批量审核汇总</h1>
<p><span class="k">报告 {len(rows)} 份</span><span class="k">成功 {len(ok)}</span><span class="k">无法读取 {len(bad)}</span>
<span class="k">“错误”级问题 {errors}</span></p>
{_bars("按类别（错误与警告）", by_category)}
{_bars("按检查（错误与警告）", by_code)}
{_bars("按部门（错误）", by_department)}
<h2>问题最多的报告</h2><table><tr><th>部门</th><th>年度</th><th>文件</th><th>错误</th><th>警告</th><th>识别的表</th></tr>{table}</table>
<h2>无法读取的文件</h2><table><tr><th>文件</th><th>原因</th></tr>{broken or "<tr><td colspan=2>无</td></tr>"}</table>
<p>明细见 findings.csv / findings.xlsx；每份报告的完整结果在 reports/ 目录。</p></body></html>"""
