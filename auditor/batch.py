"""Batch audits: many reports in one run, one findings table, a dashboard, and no lost
work when a file is bad.

Each input is audited in a worker process (``local``) or on a Dask cluster (``dask``);
an unreadable file becomes an error row with its Chinese reason and the rest go on.
Outputs are named after the file and its content hash, so a re-run skips reports whose
content and tool version are unchanged (resume). Reports of one department in
consecutive years are compared: this year's "上年" figures against last year's outturn.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import stat
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

SUFFIXES = (".pdf", ".txt", ".html", ".htm", ".xlsx", ".xls")  # what a folder is searched for
NAMED_SUFFIXES = (*SUFFIXES, ".text", ".md")  # what is read when named (the reader also sniffs the content)


def expand_entries(inputs: Iterable[str]) -> tuple[list[Path], list[dict[str, Any]]]:
    """Files, folders (searched recursively for .pdf / .txt) and glob patterns, in a stable
    order; and an error row for every entry that yields nothing (a folder without reports, a
    pattern that matches nothing), so that no entry given is silently dropped. A file given by
    name is always kept: reading it says what is wrong (missing, special file, not a report)."""
    found: dict[str, Path] = {}
    problems: list[dict[str, Any]] = []
    for item in inputs:
        path = Path(item)
        if not item.strip():  # Path("") would mean the current folder
            problems.append(_problem(item, "输入项为空（未给出文件名）", "missing"))
            continue
        if _is_dir(path):
            candidates = sorted(p for p in path.rglob("*") if _is_regular(p) and p.suffix.lower() in SUFFIXES)
            if not candidates:
                problems.append(_problem(item, f"文件夹中没有可审核的文件（支持 {'、'.join(SUFFIXES)}）：{item}", "empty_folder"))
        elif any(ch in item for ch in "*?[") and not os.path.lexists(item):
            candidates = sorted(Path(p) for p in glob.glob(item, recursive=True) if not _is_dir(Path(p)))
            if not candidates:
                problems.append(_problem(item, f"通配符没有匹配到任何文件：{item}", "no_match"))
        else:
            candidates = [path]
        for candidate in candidates:
            suffix = candidate.suffix.lower()
            if suffix and suffix not in NAMED_SUFFIXES and _is_regular(candidate):
                problems.append(_problem(str(candidate), f"不支持的文件类型（扩展名 {candidate.suffix}）；支持 {'、'.join(SUFFIXES)}",
                                         "unsupported"))
                continue
            found.setdefault(_key(candidate), candidate)
    return sorted(found.values(), key=lambda p: str(p)), problems


def expand_inputs(inputs: Iterable[str]) -> list[Path]:
    """The files ``expand_entries`` finds (without the rows for empty entries)."""
    return expand_entries(inputs)[0]


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except OSError:  # missing, a symlink loop: reported when read
        return False


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _key(path: Path) -> str:
    try:
        return str(path.resolve(strict=True))
    except (OSError, RuntimeError):  # missing, a symlink loop
        return str(path)


def _problem(entry: str, reason: str, kind: str) -> dict[str, Any]:
    return {"file": entry, "name": "", "sha256": "", "version": "", "status": "error", "reason": reason, "kind": kind,
            "seconds": 0.0}


def file_digest(path: Path) -> str:
    """SHA-256 of a regular file, reading no more than the size it had when looked at (a file
    that keeps growing cannot make this endless); "unreadable" for anything else (FIFOs,
    devices, sockets, folders, symlink loops are never opened)."""
    from auditor.ingest import InputError
    from auditor.limits import check_path

    try:
        size = check_path(path).st_size
    except InputError:
        return "unreadable"
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while size > 0:
                block = handle.read(min(1 << 20, size))
                if not block:
                    break
                digest.update(block)
                size -= len(block)
    except OSError:
        return "unreadable"
    return digest.hexdigest()


# A report published as several files: the same name but for a word that says which part
# the file holds (说明 / 公开表, report / tables ...). Such files in one folder are one report.
_PART_WORDS = re.compile(
    r"(report|narrative|text|tables?|sheets?|attachments?|annex|情况说明|说明|正文|文字|公开表|报表|表格|附表|附件\d*|表)",
    re.IGNORECASE)


def report_key(path: Path) -> tuple[str, str] | None:
    """(folder, name without its part word) when the name carries a part word, else None."""
    stem = path.stem
    if not _PART_WORDS.search(stem):
        return None
    core = re.sub(r"[\s_\-.()（）]+", "", _PART_WORDS.sub("", stem)).lower()
    return (str(path.parent), core) if core else None


def group_files(paths: list[Path]) -> list[list[Path]]:
    """The jobs of a batch: files that are parts of one report (same folder, same name but
    for the part word) form one job, narrative first; every other file is a job of its own."""
    groups: dict[tuple[str, str], list[Path]] = defaultdict(list)
    for path in paths:
        key = report_key(path)
        if key is not None:
            groups[key].append(path)
    grouped = {str(p) for members in groups.values() if len(members) > 1 for p in members}
    jobs: list[list[Path]] = [[p] for p in paths if str(p) not in grouped]
    for members in groups.values():
        if len(members) > 1:
            jobs.append(sorted(members, key=_part_order))
    return sorted(jobs, key=lambda job: str(job[0]))


def _part_order(path: Path) -> tuple[int, str]:
    tables = re.search(r"tables?|sheets?|公开表|报表|表格|附表|表", path.stem, re.IGNORECASE) is not None
    return (1 if tables or path.suffix.lower() in {".xlsx", ".xls"} else 0, path.name)


def job_digest(job: list[Path]) -> str:
    digests = [file_digest(p) for p in job]
    if len(job) == 1 or "unreadable" in digests:
        return digests[0] if len(job) == 1 else "unreadable"
    return hashlib.sha256("".join(digests).encode()).hexdigest()


def _job_arg(job: list[Path]) -> str | list[str]:
    return str(job[0]) if len(job) == 1 else [str(p) for p in job]


def output_name(path: Path, digest: str) -> str:
    stem = re.sub(r"[^\w\u4e00-\u9fff.-]+", "_", path.stem)[:60] or "report"
    return f"{stem}-{digest[:10]}"


def process_one(path_text: str | list[str], out_dir_text: str, limits: Limits | None = None) -> dict[str, Any]:
    """Audit one file (or the files of one report) and write its JSON and HTML; never raises
    (errors become the row). Reading is bounded in time and memory (``limits``)."""
    from auditor.audit import audit_report, to_json_dict
    from auditor.ingest import InputError
    from auditor.limits import check_path, read_bounded
    from auditor.pairing import budget_facts
    from auditor.render.html import render_html

    job = [Path(p) for p in ([path_text] if isinstance(path_text, str) else path_text)]
    path, out_dir = job[0], Path(out_dir_text)
    started = time.perf_counter()
    row: dict[str, Any] = {"file": str(path), "name": output_name(path, "unreadable"), "sha256": "unreadable",
                           "version": code_fingerprint()}
    if len(job) > 1:
        row["group"] = [str(p) for p in job]
    try:
        for member in job:
            check_path(member)  # special files are refused before anything opens them (hashing too)
        digest = job_digest(job)
        name = output_name(path, digest)
        row.update(name=name, sha256=digest)
        report = read_bounded([str(p) for p in job] if len(job) > 1 else path, limits or Limits())
        result = audit_report(report)
        data = to_json_dict(result)
        reports = out_dir / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        (reports / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        (reports / f"{name}.html").write_text(render_html(result), encoding="utf-8")
        facts_error = _write_facts(report, result, reports / name)
        row.update(
            status="ok",
            reason="",
            department=report.meta.department,
            document=report.meta.document_name,
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
            budget_facts=budget_facts(report),
            ocr_pages=len(report.meta.ocr_pages),  # pages read by OCR, and the pages not read with why
            page_notes={str(page): note for page, note in sorted(report.meta.page_notes.items())},
        )
        if facts_error:
            row["facts_error"] = facts_error
    except InputError as exc:
        row.update(status="error", reason=exc.reason, kind=exc.kind)
    except Exception as exc:  # noqa: BLE001 - one bad file never stops a batch
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        row.update(status="error", reason=f"处理时出错：{detail}", kind="crash")
    row["seconds"] = round(time.perf_counter() - started, 3)
    return row


def _write_facts(report: Any, result: Any, stem: Path) -> str:
    """The report's rows for the corpus database (``<name>.facts.jsonl``); a failure here
    leaves the audit standing and is returned as text (the corpus row says why)."""
    try:
        from index.corpus import FACTS_SUFFIX, report_facts, write_facts

        write_facts(stem.with_name(stem.name + FACTS_SUFFIX), report_facts(report, result))
        return ""
    except Exception as exc:  # noqa: BLE001 - the audit's own outputs are already written
        return f"{type(exc).__name__}: {exc}"[:300]


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


Executor = Callable[[list[list[Path]], Path, int, Limits, Callable[[dict[str, Any]], None]], Iterator[dict[str, Any]]]


def _local(paths: list[list[Path]], out: Path, jobs: int, limits: Limits,
           _progress: Callable[[dict[str, Any]], None]) -> Iterator[dict[str, Any]]:
    if jobs <= 1:
        for job in paths:
            yield process_one(_job_arg(job), str(out), limits)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from auditor.limits import die_with_parent

    # fresh interpreters (not forks of a process that may run threads), which the kernel kills
    # when this process dies, even by SIGKILL: no orphaned workers after a crash
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(process_one, _job_arg(job), str(out), limits): job[0] for job in paths}
        for future in as_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - a worker that died (killed, out of memory)
                yield {**_problem(str(futures[future]), f"处理该文件的进程意外退出（{type(exc).__name__}），已跳过",
                                  "crash"), "version": code_fingerprint()}


class SchedulerError(RuntimeError):
    """The Dask scheduler cannot be reached (or Dask is not installed); the message is Chinese."""


def _dask(address: str) -> Executor:
    def run(paths: list[list[Path]], out: Path, jobs: int, limits: Limits,
            _progress: Callable[[dict[str, Any]], None]) -> Iterator[dict[str, Any]]:
        try:
            from distributed import Client, as_completed

            client = Client(address, timeout=30)
        except ImportError as exc:
            raise SchedulerError("未安装 Dask（pip install \"dask[distributed]\"）") from exc
        except (OSError, ValueError, TypeError) as exc:
            raise SchedulerError(f"无法连接 Dask 调度器 {address}：{exc}"[:300]) from exc
        with client:
            futures = client.map(process_one, [_job_arg(job) for job in paths], [str(out)] * len(paths),
                                 [limits] * len(paths), pure=False)
            for future in as_completed(futures):
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - a worker lost with its task
                    yield {**_problem(str(paths[futures.index(future)][0]),
                                      f"处理该文件的进程意外退出（{type(exc).__name__}），已跳过", "crash"),
                           "version": code_fingerprint()}

    return run


JOURNAL = "batch.progress.jsonl"  # one row per finished file, appended as it finishes
_REDO_KINDS = {"timeout", "too_large", "crash", "special", "missing", "directory", "unsupported", "empty_folder",
               "no_match"}  # errors that depend on the limits or the moment, not on the content


def _previous_rows(out: Path) -> dict[str, dict[str, Any]]:
    """Rows of earlier runs: the final state, then the journal of a run that did not finish."""
    previous: dict[str, dict[str, Any]] = {}
    try:
        for row in json.loads((out / "batch.json").read_text(encoding="utf-8")).get("rows", []):
            previous[row["file"]] = row
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass
    try:
        lines = (out / JOURNAL).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    for line in lines:
        try:
            row = json.loads(line)
            previous[row["file"]] = row
        except (ValueError, KeyError, TypeError):  # the last line of a run killed mid-write
            continue
    return previous


def _reusable(old: dict[str, Any] | None, job: list[Path], version: str, out: Path) -> bool:
    if not old or old.get("version") != version or old.get("kind") in _REDO_KINDS:
        return False
    if (old.get("group") or [str(job[0])]) != [str(p) for p in job]:
        return False
    digest = job_digest(job)
    if digest == "unreadable" or old.get("sha256") != digest:
        return False
    return old.get("status") == "error" or (out / "reports" / f"{old['name']}.json").exists()


def run_batch(inputs: Iterable[str], out: Path, jobs: int = 2, executor: str = "local", scheduler: str = "",
              limits: Limits | None = None, progress: Callable[[dict[str, Any], int, int], None] | None = None) -> BatchResult:
    """Audit every input; a row for every entry given. Each finished file is appended to the
    journal at once, so a run that is killed resumes with only the unfinished files."""
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    paths, problems = expand_entries(inputs)
    previous = _previous_rows(out)
    version = code_fingerprint()
    todo, kept = [], []
    for job in group_files(paths):
        old = previous.get(str(job[0]))
        if old is not None and _reusable(old, job, version, out):
            kept.append(old)
        else:
            todo.append(job)
    run: Executor = _dask(scheduler) if executor == "dask" else _local
    rows = [*kept, *problems]
    done = 0
    with (out / JOURNAL).open("a", encoding="utf-8") as journal:
        for row in run(todo, out, jobs, limits or Limits(), lambda r: None):
            rows.append(row)
            journal.write(json.dumps(row, ensure_ascii=False) + "\n")
            journal.flush()
            os.fsync(journal.fileno())
            done += 1
            if progress is not None:
                progress(row, done, len(todo))
    rows.sort(key=lambda r: r["file"])
    cross = cross_year_checks(rows) + budget_pair_checks(rows)
    state = out / "batch.json"
    temporary = out / "batch.json.tmp"
    temporary.write_text(json.dumps({"version": version, "rows": rows, "cross_year": cross}, ensure_ascii=False,
                                    indent=1), encoding="utf-8")
    os.replace(temporary, state)
    (out / JOURNAL).unlink(missing_ok=True)
    write_summary(rows, cross, out)
    _write_corpus(out, rows)
    return BatchResult(rows, len(kept), time.perf_counter() - started, cross)


def _write_corpus(out: Path, rows: list[dict[str, Any]]) -> None:
    """The facts of every report in one DuckDB file (corpus.duckdb, docs/corpus.md); a failure
    here is reported in corpus.error.txt and never loses the batch's other outputs."""
    try:
        from index.corpus import build_corpus

        build_corpus(out, rows=rows)
        (out / "corpus.error.txt").unlink(missing_ok=True)
    except Exception as exc:  # noqa: BLE001 - the audit results stand without the corpus
        (out / "corpus.error.txt").write_text(f"语料库未能生成：{type(exc).__name__}: {exc}"[:2000], encoding="utf-8")


def exit_code(result: BatchResult) -> int:
    """2 when any file could not be read, else 1 when any report has an error-level finding
    (or a cross-year error), else 0."""
    if any(r.get("status") != "ok" for r in result.rows):
        return 2
    if any((r.get("counts") or {}).get("error") for r in result.rows) or any(
            f.get("severity") == "error" for f in result.cross_year):
        return 1
    return 0


def budget_pair_checks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each 部门决算's 年初预算 against the same department's 部门预算 of that year (PAIR001):
    reports are paired by department (one name containing the other) and year."""
    from auditor.pairing import PAIR_CODE, compare_facts

    ok = [r for r in rows if r.get("status") == "ok" and r.get("department") and r.get("year") and r.get("budget_facts")]
    finals = [r for r in ok if r.get("document", "").endswith("决算")]
    budgets = [r for r in ok if r.get("document", "").endswith("预算")]
    findings = []
    for final in finals:
        for budget in budgets:
            a, b = final["department"], budget["department"]
            if budget["year"] != final["year"] or not (a in b or b in a):
                continue
            final["paired_budget"] = budget["file"]
            for gap in compare_facts(final["budget_facts"], budget["budget_facts"]):
                findings.append({
                    "code": PAIR_CODE, "severity": "error", "category": "cross_document", "department": a,
                    "year": final["year"], "file": final["file"], "title": "年初预算与当年部门预算不符",
                    "message": f"“{gap['subject']}”决算所列年初预算为{Decimal(gap['final']):,.2f}万元，"
                               f"{Path(budget['file']).name} 为{Decimal(gap['budget']):,.2f}万元，相差{Decimal(gap['gap']):,.2f}万元。",
                    "quote": gap["final_quote"], "previous_quote": gap["budget_quote"], "page": gap["final_page"],
                })
    for budget in budgets:  # a budget's 上年预算数 against last year's budget (PAIR002)
        for previous in budgets:
            a, b = budget["department"], previous["department"]
            if previous["year"] != budget["year"] - 1 or not (a in b or b in a):
                continue
            for gap in compare_facts(budget["budget_facts"], previous["budget_facts"], prefix="prior_"):
                findings.append({
                    "code": "PAIR002", "severity": "error", "category": "cross_document", "department": a,
                    "year": budget["year"], "file": budget["file"], "title": "上年预算数与上年部门预算不符",
                    "message": f"“{gap['subject']}”{budget['year']}年预算所列上年预算数为{Decimal(gap['final']):,.2f}万元，"
                               f"{previous['year']}年部门预算为{Decimal(gap['budget']):,.2f}万元，相差{Decimal(gap['gap']):,.2f}万元。",
                    "quote": gap["final_quote"], "previous_quote": gap["budget_quote"], "page": gap["final_page"],
                })
    return findings


def cross_year_checks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """This year's "上年" figures (this year minus the stated change) against last year's
    own figures, for reports of one department in consecutive years (决算 with 决算)."""
    by_department: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        if str(row.get("document", "决算")).endswith("预算"):
            continue
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
                  "error", "warning", "info", "seconds", "document", "group", "paired_budget")


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
        group = " + ".join(Path(p).name for p in row.get("group") or [])
        out.append({**{k: row.get(k, "") for k in REPORT_COLUMNS}, "group": group, "error": counts.get("error", ""),
                    "warning": counts.get("warning", ""), "info": counts.get("info", "")})
    return out


FINDING_HEADERS_ZH = {"department": "部门", "year": "年度", "file": "文件", "code": "代码", "severity": "级别",
                      "category": "类别", "title": "问题", "message": "说明", "page": "页/行"}
REPORT_HEADERS_ZH = {"file": "文件", "group": "同一报告的文件（按文件名合并）", "document": "类型",
                     "paired_budget": "对照的部门预算", "department": "部门", "year": "年度", "status": "状态", "reason": "原因", "pages": "页数",
                     "tables_found": "识别的表", "checks_run": "已运行检查", "checks_total": "检查总数", "error": "错误",
                     "warning": "警告", "info": "提示", "seconds": "用时（秒）"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH = {"ok": "成功", "error": "无法读取"}


def _finding_values(finding: dict[str, Any]) -> list[Any]:
    """One findings row for a reviewer: Chinese level and category (the JSON keeps the codes)."""
    from auditor.findings import CATEGORY_ZH

    zh = {"severity": SEVERITY_ZH.get(str(finding.get("severity")), finding.get("severity")),
          "category": CATEGORY_ZH.get(str(finding.get("category")), finding.get("category"))}
    return [zh.get(c, finding.get(c)) for c in FINDING_COLUMNS]


def _report_values(report: dict[str, Any]) -> list[Any]:
    return [STATUS_ZH.get(str(report.get(c)), report.get(c)) if c == "status" else report.get(c) for c in REPORT_COLUMNS]


def write_summary(rows: list[dict[str, Any]], cross: list[dict[str, Any]], out: Path) -> None:
    """findings.csv, reports.csv, findings.xlsx (Chinese headers and values, every text cell
    neutralised against formula injection) and dashboard.html."""
    from auditor.spreadsheet import csv_text

    findings = finding_rows(rows, cross)
    reports = report_rows(rows)
    finding_headers = [FINDING_HEADERS_ZH[c] for c in FINDING_COLUMNS]
    report_headers = [REPORT_HEADERS_ZH[c] for c in REPORT_COLUMNS]
    for name, headers, data in (("findings.csv", finding_headers, [_finding_values(f) for f in findings]),
                                ("reports.csv", report_headers, [_report_values(r) for r in reports])):
        with (out / name).open("w", encoding="utf-8-sig", newline="") as handle:
            handle.write(csv_text(headers, data))
    from openpyxl import Workbook

    from auditor.render.xlsx import add_sheet

    book = Workbook()
    add_sheet(book, "问题", finding_headers, (_finding_values(f) for f in findings), first=True)
    add_sheet(book, "报告", report_headers, (_report_values(r) for r in reports))
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
