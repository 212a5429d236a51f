"""Questions across many reports: the facts of every report of a batch in one DuckDB file,
and answers to rankings, trends over years, filters, sums and averages, every row cited to
its report file, page (or line) and cell.

* ``report_facts`` turns one read and audited report into rows (cells, claims, findings);
  the batch worker writes them next to the report's JSON (``reports/<name>.facts.jsonl``).
* ``build_corpus`` loads the rows of every report of a batch output folder into
  ``corpus.duckdb`` (schema in docs/corpus.md); a report that could not be read gets a
  ``reports`` row with its error and nothing else.
* ``parse_question`` turns a question into a typed ``CorpusQuery`` with the vocabulary in
  ``corpus_vocab.yaml``; ``run_query`` builds SQL from the typed query with parameters only
  (the question's text never becomes SQL).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from index.text import unquoted

if TYPE_CHECKING:
    from index.facts import Fact, FactBase

DB_NAME = "corpus.duckdb"
FACTS_SUFFIX = ".facts.jsonl"  # one line per row: "<table>\t<json object>"; the first line describes the report
VOCAB_PATH = Path(__file__).with_name("corpus_vocab.yaml")
MAX_ROWS = 200

SCHEMA = """
CREATE TABLE reports (
  report_id INTEGER PRIMARY KEY, file VARCHAR, files VARCHAR[], name VARCHAR, department VARCHAR, year INTEGER,
  document_type VARCHAR, scope VARCHAR, pages INTEGER, source_kind VARCHAR, status VARCHAR, error VARCHAR,
  error_kind VARCHAR, tables_found INTEGER, tables_missed VARCHAR[], checks_run INTEGER, checks_total INTEGER,
  errors INTEGER, warnings INTEGER, page_notes INTEGER, html VARCHAR);
CREATE TABLE cells (
  report_id INTEGER, table_kind VARCHAR, table_title VARCHAR, row_label VARCHAR, code VARCHAR, level INTEGER,
  side VARCHAR, column_key VARCHAR, column_name VARCHAR, amount DECIMAL(24,6), unit VARCHAR, text VARCHAR,
  page INTEGER, line INTEGER, bbox DOUBLE[], file VARCHAR, suspect BOOLEAN, finding_note VARCHAR);
CREATE TABLE claims (
  report_id INTEGER, kind VARCHAR, subject VARCHAR, value DECIMAL(24,6), unit VARCHAR, amount_wan DECIMAL(24,6),
  raw VARCHAR, page INTEGER, line INTEGER, bbox DOUBLE[], section VARCHAR, sentence VARCHAR, suspect BOOLEAN,
  finding_note VARCHAR);
CREATE TABLE findings (
  report_id INTEGER, code VARCHAR, severity VARCHAR, category VARCHAR, title VARCHAR, message VARCHAR,
  page INTEGER, line INTEGER);
"""

_JSON_COLUMNS = {
    "cells": ("report_id INTEGER, table_kind VARCHAR, table_title VARCHAR, row_label VARCHAR, code VARCHAR, "
              "level INTEGER, side VARCHAR, column_key VARCHAR, column_name VARCHAR, amount VARCHAR, unit VARCHAR, "
              "text VARCHAR, page INTEGER, line INTEGER, bbox DOUBLE[], file VARCHAR, suspect BOOLEAN, finding_note VARCHAR"),
    "claims": ("report_id INTEGER, kind VARCHAR, subject VARCHAR, value VARCHAR, unit VARCHAR, amount_wan VARCHAR, "
               "raw VARCHAR, page INTEGER, line INTEGER, bbox DOUBLE[], section VARCHAR, sentence VARCHAR, suspect BOOLEAN, "
               "finding_note VARCHAR"),
    "findings": ("report_id INTEGER, code VARCHAR, severity VARCHAR, category VARCHAR, title VARCHAR, message VARCHAR, "
                 "page INTEGER, line INTEGER"),
}
_REPORT_COLUMNS = ("report_id INTEGER, file VARCHAR, files VARCHAR[], name VARCHAR, department VARCHAR, year INTEGER, "
                   "document_type VARCHAR, scope VARCHAR, pages INTEGER, source_kind VARCHAR, status VARCHAR, "
                   "error VARCHAR, error_kind VARCHAR, tables_found INTEGER, tables_missed VARCHAR[], checks_run INTEGER, "
                   "checks_total INTEGER, errors INTEGER, warnings INTEGER, page_notes INTEGER, html VARCHAR")
_DECIMAL_COLUMNS = {"amount", "value", "amount_wan"}


class CorpusError(ValueError):
    """A corpus that cannot be opened or built; the message is Chinese."""


# ---- facts of one report ------------------------------------------------------------------

_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")


def _bbox(location: Any) -> list[float] | None:
    box = getattr(location, "bbox", None)
    return [round(float(v), 2) for v in box] if box else None


def _grid_cells(table: Any) -> list[dict[str, Any]]:
    """Cells of a table read only as a grid (绩效自评表, 机关运行经费表 ...): every number with
    the header printed above it in its column; the row is named by the project the table is
    about (the cell after 项目名称) or by the row's first text."""
    grid = table.grid
    subject = ""
    for row in grid:
        texts = [c.text.strip() for c in row]
        for i, text in enumerate(texts):
            if unquoted(text) in ("项目名称", "项目") and subject == "":
                subject = next((t for t in texts[i + 1:] if t), "")
    out = []
    for r, row in enumerate(grid):
        label = next((c.text.strip() for c in row if c.text.strip() and not _NUMBER.match(unquoted(c.text))), "")
        for col, cell in enumerate(row):
            text = unquoted(cell.text)
            if not _NUMBER.match(text):
                continue
            header = ""
            for above in range(r - 1, -1, -1):
                if col < len(grid[above]):
                    candidate = unquoted(grid[above][col].text)
                    if candidate and not _NUMBER.match(candidate):
                        header = candidate
                        break
            try:
                value = Decimal(text.rstrip("%").replace(",", ""))
            except InvalidOperation:
                continue
            out.append({"table_kind": table.kind.value, "table_title": table.title, "row_label": subject or label,
                        "code": "", "level": 0, "side": "", "column_key": f"col{col}", "column_name": header,
                        "amount": str(value), "unit": "%" if text.endswith("%") else table.unit or "",
                        "text": cell.text.strip(), "page": cell.location.page, "line": cell.location.line,
                        "bbox": _bbox(cell.location), "file": cell.location.file})
    return out


def _marks(base: FactBase, fact: Fact | None, suspect: bool = False) -> dict[str, Any]:
    """What a single-report answer says with a figure: text shaped like an instruction to an
    answerer (never answered), and the audit's findings about the figure (finding_notes)."""
    from index import finding_notes

    found = finding_notes.findings_of(base, [fact])[: finding_notes.MAX_NOTES] if fact is not None else []
    return {"suspect": suspect or bool(fact is not None and fact.extra.get("suspect")),
            "finding_note": "".join(finding_notes.describe(f) for f in found) or None}


def report_facts(report: Any, result: Any = None) -> dict[str, Any]:
    """The rows one report adds to the corpus: its description, every table cell (amounts in
    万元 as exact decimals, or the printed text), every narrative claim and every finding. The
    figures are marked from the report's FactBase (index/facts.py), as single-report answers
    read them: ``suspect`` and the ``finding_note`` of the findings tied to the figure."""
    from index.facts import build_facts, cell_id  # the audit's machinery, for the batch worker only
    from index.injection import is_instruction

    meta = report.meta
    base = build_facts(report, result)
    used: set[str] = set()

    def cell_fact(table: Any, row: Any, key: str, value: Decimal, raw: str) -> Fact | None:
        for fact in base.printed_again(cell_id(table, row, key)):  # a row printed twice: its own cell
            if fact.id not in used and fact.value == value and fact.citation.quote == raw:
                used.add(fact.id)
                return fact
        return None

    cells: list[dict[str, Any]] = []
    for table in report.tables:
        if table.kind.value == "OTHER":
            # a table read only as a grid has no facts: its rows are tested as FactBase tests a row label
            cells += [{**c, "suspect": is_instruction(c["row_label"]), "finding_note": None} for c in _grid_cells(table)]
            continue
        names = {c.key: "/".join(h for h in c.header if h) for c in table.columns}
        for row in table.rows:
            for key, cell in row.cells.items():
                amount = cell.amount
                if amount is None and not cell.raw.strip():
                    continue
                fact = cell_fact(table, row, key, amount.value, cell.raw) if amount is not None else None
                cells.append({
                    "table_kind": table.kind.value, "table_title": table.title, "row_label": unquoted(row.label),
                    "code": row.code, "level": row.level, "side": row.side, "column_key": key,
                    "column_name": names.get(key, key), "amount": str(amount.value) if amount is not None else None,
                    "unit": "%" if amount is not None and amount.is_percent else "万元", "text": cell.raw.strip(),
                    "page": cell.location.page, "line": cell.location.line, "bbox": _bbox(cell.location),
                    "file": cell.location.file, **_marks(base, fact)})
    claim_facts: dict[str, list[Fact]] = {}
    for fact in base.of_kind("claim"):
        claim_facts.setdefault(fact.sources[0], []).append(fact)
    claims = []
    for claim in report.claims:
        if claim.kind in ("year", "date"):
            continue
        location = claim.sentence.location
        wan = claim.amount_wan
        sentence = base.get(f"S{claim.sentence.index}")
        fact = next((f for f in claim_facts.get(f"S{claim.sentence.index}", []) if f.id not in used
                     and f.value == claim.value and f.extra.get("raw") == claim.raw), None)
        if fact is not None:
            used.add(fact.id)
        claims.append({
            "kind": claim.kind, "subject": unquoted(claim.subject),
            "value": str(claim.value) if claim.value is not None else None, "unit": claim.unit,
            "amount_wan": str(wan) if wan is not None else None, "raw": claim.raw, "page": location.page,
            "line": location.line, "bbox": _bbox(location), "section": claim.sentence.section_title,
            "sentence": claim.sentence.text[:400],
            **_marks(base, fact, suspect=bool(sentence is not None and sentence.extra.get("suspect")))})
    findings = []
    for finding in getattr(result, "findings", []) or []:
        where = next((loc for loc in finding.locations if loc.page or loc.line), None)
        findings.append({"code": finding.code, "severity": finding.severity.value, "category": finding.category,
                         "title": finding.title, "message": finding.message[:1000],
                         "page": where.page if where else None, "line": where.line if where else None})
    counts = result.counts() if result is not None else {}
    coverage = result.coverage() if result is not None else {}
    report_row = {
        "department": meta.department, "year": meta.year, "document_type": meta.document_type, "scope": meta.scope,
        "pages": meta.page_count, "source_kind": meta.source_kind, "files": [f.name for f in meta.files],
        "tables_found": len(report.recognition.found), "tables_missed": sorted(report.recognition.missed),
        "checks_run": coverage.get("checks_run"), "checks_total": coverage.get("checks_total"),
        "errors": counts.get("error", 0), "warnings": counts.get("warning", 0), "page_notes": len(meta.page_notes)}
    return {"report": report_row, "cells": cells, "claims": claims, "findings": findings}


def write_facts(path: Path, facts: dict[str, Any]) -> None:
    """The facts as lines the corpus build copies without parsing them again."""
    lines = ["report\t" + json.dumps(facts["report"], ensure_ascii=False, separators=(",", ":"))]
    for name in _JSON_COLUMNS:
        lines += [f"{name}\t" + json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in facts.get(name, [])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _read_facts(path: Path) -> tuple[dict[str, Any], list[str]]:
    """The report line (parsed) and the other lines (as written) of a facts file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    name, _, first = lines[0].partition("\t") if lines else ("", "", "")
    if name != "report":
        raise ValueError("not a facts file")
    info = json.loads(first)
    if not isinstance(info, dict):
        raise ValueError("not a facts file")
    return info, lines[1:]


# ---- building the database ----------------------------------------------------------------

@dataclass
class BuildStats:
    path: Path
    reports: int
    ok: int
    errors: int
    cells: int
    claims: int
    findings: int
    seconds: float


def _batch_rows(out: Path) -> list[dict[str, Any]]:
    state = out / "batch.json"
    try:
        rows = json.loads(state.read_text(encoding="utf-8")).get("rows", [])
    except (OSError, ValueError, AttributeError) as exc:
        raise CorpusError(f"{out} 不是批量审核的输出文件夹（缺少可读的 batch.json）") from exc
    return [r for r in rows if isinstance(r, dict) and r.get("file")]


def build_corpus(out: Path, db_path: Path | None = None, rows: list[dict[str, Any]] | None = None) -> BuildStats:
    """Load the facts of every report of the batch output folder ``out`` into one DuckDB file
    (``out/corpus.duckdb`` unless ``db_path``); the file is replaced atomically."""
    import duckdb

    started = time.perf_counter()
    rows = _batch_rows(out) if rows is None else rows
    db_path = db_path or out / DB_NAME
    db_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = db_path.with_name(db_path.name + ".tmp")
    temporary.unlink(missing_ok=True)
    reports: list[dict[str, Any]] = []
    counts = {"reports": 0, "cells": 0, "claims": 0, "findings": 0}
    load = {"reports": _REPORT_COLUMNS, **_JSON_COLUMNS}
    with tempfile.TemporaryDirectory() as scratch:
        handles = {name: open(Path(scratch) / f"{name}.jsonl", "w", encoding="utf-8") for name in load}
        try:
            for report_id, row in enumerate(rows, start=1):
                facts: tuple[dict[str, Any], list[str]] | None = None
                status, error, kind = row.get("status", "error"), row.get("reason", ""), row.get("kind", "")
                if status == "ok":
                    try:
                        facts = _read_facts(out / "reports" / f"{row['name']}{FACTS_SUFFIX}")
                    except (OSError, ValueError, KeyError, UnicodeDecodeError):
                        reason = f"：{row['facts_error']}" if row.get("facts_error") else "（请用当前版本重新运行批量审核）"
                        status, error, kind = "error", f"该报告已审核，但未能载入语料库{reason}", "no_facts"
                info = facts[0] if facts is not None else {}
                files = info.get("files") or [Path(p).name for p in (row.get("group") or [row["file"]])]
                year = info.get("year") or row.get("year")
                reports.append({
                    "report_id": report_id, "file": str(row["file"]), "files": files, "name": row.get("name", ""),
                    "department": info.get("department") or row.get("department") or "",
                    "year": year if isinstance(year, int) else None, "document_type": info.get("document_type"),
                    "scope": info.get("scope"), "pages": info.get("pages"), "source_kind": info.get("source_kind"),
                    "status": status, "error": error or "", "error_kind": kind or "",
                    "tables_found": info.get("tables_found"), "tables_missed": info.get("tables_missed") or [],
                    "checks_run": info.get("checks_run"), "checks_total": info.get("checks_total"),
                    "errors": info.get("errors"), "warnings": info.get("warnings"), "page_notes": info.get("page_notes"),
                    "html": f"reports/{row['name']}.html" if status == "ok" else None})
                handles["reports"].write(json.dumps(reports[-1], ensure_ascii=False) + "\n")
                counts["reports"] += 1
                if facts is None:
                    continue
                head = f'{{"report_id":{report_id},'
                for line in facts[1]:
                    name, _, item = line.partition("\t")
                    handle = handles.get(name)
                    if handle is not None and item.startswith("{") and len(item) > 2:
                        handle.write(head + item[1:] + "\n")
                        counts[name] += 1
        finally:
            for handle in handles.values():
                handle.close()
        con = duckdb.connect(str(temporary))
        try:
            con.execute(SCHEMA)
            for name, columns in load.items():
                if not counts[name]:
                    continue
                spec = "{" + ", ".join(f"'{c.split()[0]}': '{c.split(maxsplit=1)[1]}'" for c in columns.split(", ")) + "}"
                select = ", ".join(f"CAST({c.split()[0]} AS DECIMAL(24,6))" if c.split()[0] in _DECIMAL_COLUMNS
                                   else c.split()[0] for c in columns.split(", "))
                # the path is ours (a temporary file), the column list a constant of this module
                con.execute(f"INSERT INTO {name} SELECT {select} FROM read_json(?, format='newline_delimited', "
                            f"columns={spec}, maximum_object_size=16777216)", [str(Path(scratch) / f"{name}.jsonl")])
            con.execute("CREATE INDEX cells_report ON cells (report_id)")
        finally:
            con.close()
    os.replace(temporary, db_path)
    ok = sum(1 for r in reports if r["status"] == "ok")
    return BuildStats(db_path, len(reports), ok, len(reports) - ok, counts["cells"], counts["claims"], counts["findings"],
                      time.perf_counter() - started)


def corpus_path(target: Path | str) -> Path:
    """The DuckDB file of a batch output folder (or the file itself); Chinese error when absent."""
    path = Path(target)
    if path.is_dir():
        db = path / DB_NAME
        if not db.exists():
            if (path / "batch.json").exists():
                return build_corpus(path).path  # an older batch output: build it now
            raise CorpusError(f"文件夹 {path} 中没有语料库（{DB_NAME}）；请先运行 auditor batch")
        return db
    if path.is_file():
        return path
    raise CorpusError(f"找不到语料库：{path}")


# ---- questions ----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def vocabulary() -> dict[str, Any]:
    data = yaml.safe_load(VOCAB_PATH.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@dataclass
class CorpusQuery:
    """A corpus question as data: what to compute (op) over which figure (subject)."""

    op: str  # rank / trend / filter / count / sum / average
    subject: str
    year: int | None = None
    last_years: int | None = None  # "近五年"
    year_from: int | None = None  # "2019年以来", "2019年至2023年"
    year_to: int | None = None
    department: str | None = None  # resolved against reports.department
    top: int | None = None
    ascending: bool = False
    comparator: str | None = None
    threshold: Decimal | None = None
    problem: str = ""  # why the question cannot be answered (Chinese)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["threshold"] = str(self.threshold) if self.threshold is not None else None
        return data


_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def _cn_int(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in _CN_NUM:
        return _CN_NUM[text]
    if text.startswith("十") and text[1:] in _CN_NUM:
        return 10 + _CN_NUM[text[1:]]
    if len(text) >= 2 and text[0] in _CN_NUM and text[1] == "十":
        return _CN_NUM[text[0]] * 10 + (_CN_NUM.get(text[2:], 0) if len(text) > 2 else 0)
    return None


def _subject_of(question: str) -> str | None:
    best, length = None, 0
    for key, spec in vocabulary()["subjects"].items():
        for word in spec["words"]:
            word = unquoted(word)
            if word in question and len(word) > length:
                best, length = key, len(word)
    return best


def _lcs(a: str, b: str) -> int:
    """Longest common subsequence length (department names against the question)."""
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if ch == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def resolve_department(question: str, departments: list[str]) -> tuple[str | None, str]:
    """The department a question names: the name sharing the longest common subsequence of
    characters with the question (so "东湖人社局" finds "…东湖区人力资源和社会保障局"), leaving out
    the prefix every name shares. It must match at least four characters and a third of the rest
    of the name, and lead the next name by two characters; a closer race is ambiguous."""
    names = sorted(set(d for d in departments if d))
    if not names:
        return None, ""
    common = os.path.commonprefix(names) if len(names) > 1 else ""  # a prefix every name shares says nothing
    scored = sorted(((_lcs(name[len(common):], question), name) for name in names), key=lambda s: (-s[0], len(s[1]), s[1]))
    best, name = scored[0]
    rest = len(name) - len(common)
    if best < min(4, rest) or best < rest / 3:
        return None, ""
    if len(scored) > 1 and best - scored[1][0] < 2:
        if best >= 0.6 * rest:
            return None, f"问题中的部门不明确：可能是“{name}”或“{scored[1][1]}”，请写出部门全称"
        return None, ""
    return name, ""


def parse_question(question: str, departments: list[str] | None = None) -> CorpusQuery:
    """A typed query from a question (no SQL here). Unknown subjects give ``problem``."""
    vocab = vocabulary()
    text = unquoted(question)[:300]
    subject = _subject_of(text)
    if subject is None:
        names = "、".join(s["label"] for s in vocab["subjects"].values())
        return CorpusQuery("rank", "", problem=f"没有识别出要比较的项目；可问：{names}")
    ops = vocab["operations"]
    query = CorpusQuery("rank", subject)
    years = [int(y) for y in re.findall(r"((?:20|19)\d{2})(?:年|－|-|—|~|至|到)", text)]
    if len(years) >= 2:  # "2019年至2023年": a range
        query.year_from, query.year_to = min(years), max(years)
    elif years and re.search(rf"{years[0]}年(?:度)?(?:以来|至今|起|之后|后)", text):
        query.year_from = years[0]
    elif years:
        query.year = years[0]
    span = re.search(r"(?:近|最近|过去)?([0-9一二两三四五六七八九十]+)年(?:来|以来|间|中)?", text)
    if span and not years and re.search(r"近|最近|过去|年来|以来", span.group(0)):
        query.last_years = _cn_int(span.group(1))
    ambiguous = ""
    if departments:
        query.department, ambiguous = resolve_department(text, departments)
    top = re.search(r"前([0-9一二两三四五六七八九十]+)(?:名|位|个|家)?", text) or re.search(
        r"最(?:多|高|大|少|低|小)的([0-9一二两三四五六七八九十]+)(?:个|家)", text)
    if top:
        query.top = _cn_int(top.group(1))
    query.ascending = any(w in text for w in vocab["ascending"])
    comparison = _comparison(text)
    if any(w in text for w in ops["trend"]) or query.year_from or query.last_years or (
            query.department and not comparison):
        query.op = "trend"
    elif comparison is not None:
        query.comparator, query.threshold = comparison
        query.op = "count" if any(w in text for w in ops["count"]) else "filter"
    elif any(w in text for w in ops["count"]):
        query.op, query.comparator, query.threshold = "count", ">", Decimal(0)
    elif any(w in text for w in ops["average"]):
        query.op = "average"
    elif any(w in text for w in ops["rank"]) or top:
        query.op = "rank"
        if query.top is None and re.search(r"哪个|哪家|谁|最(?:多|高|大|少|低|小)", text) and "哪些" not in text:
            query.top = 1
    elif any(w in text for w in ops["sum"]):
        query.op = "sum"
    if ambiguous and query.op == "trend":  # a ranking or a sum does not need the department
        query.problem = ambiguous
    return query


def _comparison(text: str) -> tuple[str, Decimal] | None:
    vocab = vocabulary()
    if re.search(r"(?:为|等于|是)(?:0|零)(?!\.\d*[1-9])", text) and "不为" not in text:
        return "=", Decimal(0)
    if re.search(r"不为(?:0|零)|非零|大于(?:0|零)(?![.\d])", text):
        return ">", Decimal(0)
    words = sorted(((w, op) for op, ws in vocab["comparators"].items() for w in ws), key=lambda p: -len(p[0]))
    number = r"([0-9]+(?:\.[0-9]+)?)(%|％|万元|亿元|元|辆|个百分点)?"
    for word, op in words:
        if word in ("以上", "以下"):
            found = re.search(number + r"(?:及)?" + word, text)
        else:
            found = re.search(re.escape(word) + r"(?:百分之)?" + number, text)
        if found:
            value = Decimal(found.group(1))
            unit = found.group(2) or ""
            if unit == "亿元":
                value *= 10000
            elif unit == "元":
                value /= 10000
            if found.group(0).endswith("以上") and "及以上" in text:
                op = ">="
            elif found.group(0).endswith("以下") and "及以下" in text:
                op = "<="
            return op, value
    return None


# ---- answering ----------------------------------------------------------------------------

@dataclass
class CorpusAnswer:
    question: str
    text: str
    query: dict[str, Any]
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    chart_svg: str = ""
    seconds: float = 0.0
    ok: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.question, "text": self.text, "query": self.query, "columns": self.columns,
                "rows": [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in r.items()} for r in self.rows],
                "chart_svg": self.chart_svg, "seconds": round(self.seconds, 4), "ok": self.ok}


def _base_sql(spec: dict[str, Any]) -> tuple[str, list[Any]]:
    """One figure per report: (report, department, year, value, where) as SQL with parameters.
    Only 决算 reports unless the subject names another document type (a budget's 机关运行经费 is
    a plan, not an outturn)."""
    if spec["source"] == "findings":  # how many findings of the given levels a report has
        sql = """
            SELECT r.report_id, r.department, r.year, r.file, r.files, CAST(count(*) AS DECIMAL(24,6)) AS value,
                   min(f.page) AS page, min(f.line) AS line, NULL AS part, NULL AS table_kind, NULL AS table_title,
                   NULL AS row_label, NULL AS column_name, NULL AS printed,
                   '问题代码 ' || string_agg(DISTINCT f.code, '、' ORDER BY f.code) || '（详见审核报告 ' || r.html || '）'
                       AS sentence, 'finding' AS origin, NULL AS note
            FROM findings f JOIN reports r ON r.report_id = f.report_id
            WHERE r.status = 'ok' AND coalesce(r.document_type, 'final_accounts') = ? AND list_contains(?, f.severity)
            GROUP BY r.report_id, r.department, r.year, r.file, r.files, r.html"""
        return sql, [spec.get("document", "final_accounts"), list(spec["severities"])]
    if spec["source"] == "cell":
        if spec.get("headers"):
            match, params = "list_contains(?, c.column_name)", [list(spec["headers"])]
        else:
            match = "list_contains(?, c.row_label) AND list_contains(?, c.column_key)"
            params = [list(spec["rows"]), list(spec["columns"])]
        sql = f"""
            SELECT r.report_id, r.department, r.year, r.file, r.files, c.amount AS value, c.page, c.line, c.file AS part,
                   c.table_kind, c.table_title, c.row_label, c.column_name, c.text AS printed, NULL AS sentence,
                   'cell' AS origin, c.finding_note AS note
            FROM cells c JOIN reports r ON r.report_id = c.report_id
            WHERE r.status = 'ok' AND coalesce(r.document_type, 'final_accounts') = ? AND c.amount IS NOT NULL AND list_contains(?, c.table_kind) AND {match}
              AND NOT coalesce(c.suspect, false)
            QUALIFY row_number() OVER (PARTITION BY c.report_id, c.row_label ORDER BY c.page NULLS LAST, c.line) = 1"""
        return sql, [spec.get("document", "final_accounts"), list(spec["tables"]), *params]
    subjects = [unquoted(w) for w in spec["subjects"]]
    # the first subject of the vocabulary's list that a claim names wins, then the earliest claim
    priority = "CASE " + " ".join(f"WHEN contains(c.subject, ?) THEN {i}" for i in range(len(subjects))) + " END"
    units = list(spec.get("units") or [])
    sql = f"""
        SELECT r.report_id, r.department, r.year, r.file, r.files, coalesce(c.amount_wan, c.value) AS value, c.page,
               c.line, NULL AS part, NULL AS table_kind, NULL AS table_title, c.subject AS row_label,
               NULL AS column_name, c.raw AS printed, c.sentence, 'claim' AS origin, c.finding_note AS note
        FROM claims c JOIN reports r ON r.report_id = c.report_id
        WHERE r.status = 'ok' AND coalesce(r.document_type, 'final_accounts') = ? AND c.value IS NOT NULL AND list_contains(?, c.kind)
          AND NOT coalesce(c.suspect, false)
          AND regexp_matches(c.subject, ?) AND (len(?) = 0 OR list_contains(?, c.unit))
        QUALIFY row_number() OVER (PARTITION BY c.report_id ORDER BY {priority}, c.page NULLS LAST, c.line) = 1"""
    return sql, [spec.get("document", "final_accounts"), list(spec["kinds"]), "|".join(re.escape(w) for w in subjects),
                 units, units, *subjects]


_OPS = {">": ">", ">=": ">=", "<": "<", "<=": "<=", "=": "="}


_SAFE_CONFIG: dict[str, str | bool | int | float | list[str]] = {"enable_external_access": False, "autoinstall_known_extensions": False,
                "autoload_known_extensions": False, "lock_configuration": True}


class Corpus:
    """An open corpus database (read only)."""

    def __init__(self, target: Path | str) -> None:
        import duckdb

        self.path = corpus_path(target)
        try:
            # read only, no file or network access from SQL, and the four tables must be plain
            # tables (a crafted file cannot pass a view that reads other files off as facts)
            self.con = duckdb.connect(str(self.path), read_only=True, config=_SAFE_CONFIG)
            kinds = dict(self.con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
        except duckdb.Error as exc:
            raise CorpusError(f"无法打开语料库 {self.path}：不是本工具生成的 DuckDB 文件") from exc
        if any(kinds.get(name) != "BASE TABLE" for name in ("reports", "cells", "claims", "findings")):
            self.con.close()
            raise CorpusError(f"无法打开语料库 {self.path}：不是本工具生成的语料库（缺少或替换了 reports/cells/claims/findings 表）")
        self.departments = [r[0] for r in self.con.execute(
            "SELECT DISTINCT department FROM reports WHERE status = 'ok' AND department <> ''").fetchall()]

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def summary(self) -> dict[str, Any]:
        reports, ok, departments, first, last = self.con.execute(
            "SELECT count(*), count(*) FILTER (status = 'ok'), count(DISTINCT department) FILTER (status = 'ok'), "
            "min(year), max(year) FROM reports").fetchone()  # type: ignore[misc]
        return {"reports": reports, "ok": ok, "errors": reports - ok, "departments": departments, "first_year": first,
                "last_year": last}

    def ask(self, question: str) -> CorpusAnswer:
        started = time.perf_counter()
        query = parse_question(question, self.departments)
        answer = self.answer(question, query)
        answer.seconds = time.perf_counter() - started
        return answer

    def answer(self, question: str, query: CorpusQuery) -> CorpusAnswer:
        if query.problem:
            return CorpusAnswer(question, query.problem, query.to_dict(), ok=False)
        spec = vocabulary()["subjects"][query.subject]
        base, params = _base_sql(spec)
        label, unit = spec["label"], spec["unit"]
        if query.op == "trend":
            return _with_notes(self._trend(question, query, base, params, label, unit))
        year = query.year or self._latest_year(base, params)
        if year is None:
            return CorpusAnswer(question, f"语料库中没有任何报告载有“{label}”。", query.to_dict(), ok=False)
        query.year = year
        sql = f"SELECT * FROM ({base}) f WHERE f.year = ?"
        args: list[Any] = [*params, year]
        if query.comparator is not None and query.threshold is not None:
            sql += f" AND f.value {_OPS[query.comparator]} ?"
            args.append(query.threshold)
        direction = "ASC" if query.ascending else "DESC"
        if query.op == "rank" and query.top:  # the top N and every figure tied with the N-th
            sql += f" QUALIFY rank() OVER (ORDER BY f.value {direction}) <= ?"
            args.append(query.top)
        sql += f" ORDER BY f.value {direction}, f.department LIMIT ?"
        args.append(MAX_ROWS)
        rows = self._rows(sql, args)
        return _with_notes(self._compose(question, query, rows, label, unit, year))

    def _latest_year(self, base: str, params: list[Any]) -> int | None:
        found = self.con.execute(f"SELECT max(year) FROM ({base}) f", params).fetchone()
        return found[0] if found else None

    def _rows(self, sql: str, args: list[Any]) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, args)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values)) for values in cursor.fetchall()]

    def _trend(self, question: str, query: CorpusQuery, base: str, params: list[Any], label: str,
               unit: str) -> CorpusAnswer:
        if query.department:
            rows = self._rows(f"SELECT * FROM ({base}) f WHERE f.department = ? ORDER BY f.year", [*params, query.department])
            who = query.department
        else:  # the whole corpus, year by year
            rows = self._rows(f"SELECT f.year, sum(f.value) AS value, count(*) AS reports FROM ({base}) f "
                              "GROUP BY f.year ORDER BY f.year", params)
            who = "全部部门合计"
        if query.last_years and rows:  # the corpus's last N years, whether or not this department has them all
            found = self.con.execute("SELECT max(year) FROM reports WHERE status = 'ok'").fetchone()
            last = found[0] if found and found[0] else max(r["year"] for r in rows)
            rows = [r for r in rows if r["year"] > last - query.last_years]
        if query.year:
            rows = [r for r in rows if r["year"] == query.year]
        rows = [r for r in rows if (query.year_from is None or r["year"] >= query.year_from)
                and (query.year_to is None or r["year"] <= query.year_to)]
        if not rows:
            return CorpusAnswer(question, f"语料库中没有{who}的“{label}”数据。", query.to_dict(), ok=False)
        lines = [f"{r['year']}年{_fmt(r['value'], unit)}" for r in rows]
        text = f"{who}历年{label}：" + "；".join(lines) + "。"
        if len(rows) >= 2:
            first, last_row = rows[0], rows[-1]
            change = last_row["value"] - first["value"]
            word = "增加" if change >= 0 else "减少"
            text += f"{last_row['year']}年比{first['year']}年{word}{_fmt(abs(change), unit)}"
            if first["value"]:
                text += f"（{'增长' if change >= 0 else '下降'}{_pct(abs(change), first['value'])}%）"
            text += "。"
        if not query.department:
            text += "（问题中没有语料库里的部门名称，按年度合计全部报告。）"
        table = [self._cited(r, unit) for r in rows] if query.department else [
            {"年度": r["year"], "数值": r["value"], "报告数": r["reports"], "出处": "按年度合计（各报告出处见逐部门查询）"}
            for r in rows]
        chart = line_chart([(str(r["year"]), r["value"]) for r in rows], f"{who} · {label}（{unit}）")
        return CorpusAnswer(question, text, query.to_dict(), list(table[0]), table, chart)

    def _compose(self, question: str, query: CorpusQuery, rows: list[dict[str, Any]], label: str, unit: str,
                 year: int) -> CorpusAnswer:
        table = [self._cited(r, unit) for r in rows]
        columns = list(table[0]) if table else []
        condition = ""
        if query.comparator is not None and query.threshold is not None:
            shown = f"{query.threshold.normalize():f}" + ("%" if unit == "%" else unit)
            condition = f"{_CMP_ZH[query.comparator]}{shown}"
        if query.op in ("sum", "average"):
            if not rows:
                return CorpusAnswer(question, f"{year}年没有载有“{label}”的报告。", query.to_dict(), ok=False)
            total = sum((r["value"] for r in rows), Decimal(0))
            if query.op == "sum":
                text = f"{year}年{len(rows)}个部门的{label}合计{_fmt(total, unit)}。"
            else:
                text = f"{year}年{len(rows)}个部门的{label}平均为{_fmt(total / len(rows), unit)}（合计{_fmt(total, unit)}）。"
            return CorpusAnswer(question, text + "（逐部门数值与出处见下表。）", query.to_dict(), columns, table)
        if query.op in ("filter", "count"):
            if not rows:
                text = f"{year}年没有{label}{condition}的部门（共0个）。"
            else:
                names = "、".join(f"{r['department']}（{_fmt(r['value'], unit)}）" for r in rows[:20])
                more = f"等{len(rows)}个" if len(rows) > 20 else f"共{len(rows)}个"
                text = f"{year}年{label}{condition}的部门{more}：{names}。"
            chart = bar_chart([(r["department"], r["value"]) for r in rows[:20]], f"{year}年 {label}（{unit}）") if rows else ""
            return CorpusAnswer(question, text, query.to_dict(), columns, table, chart)
        if not rows:
            return CorpusAnswer(question, f"{year}年没有载有“{label}”的报告。", query.to_dict(), ok=False)
        order = "最少" if query.ascending else "最多"
        if len(rows) == 1 and query.top == 1:
            r = rows[0]
            text = f"{year}年{label}{order}的部门是{r['department']}，{_fmt(r['value'], unit)}。"
        elif query.top == 1:
            names = "、".join(r["department"] for r in rows[:20])
            text = f"{year}年{label}{order}的部门有{len(rows)}个并列，均为{_fmt(rows[0]['value'], unit)}：{names}。"
        else:
            ranked = "；".join(f"{i}. {r['department']} {_fmt(r['value'], unit)}" for i, r in enumerate(rows[:20], 1))
            text = f"{year}年{label}{'由低到高' if query.ascending else '由高到低'}：{ranked}。"
        chart = bar_chart([(r["department"], r["value"]) for r in rows[:20]], f"{year}年 {label}（{unit}）")
        return CorpusAnswer(question, text, query.to_dict(), columns, table, chart)

    @staticmethod
    def _cited(row: dict[str, Any], unit: str) -> dict[str, Any]:
        cited = {"部门": row["department"], "年度": row["year"], "数值": row["value"], "单位": unit,
                 "出处": citation(row)}
        if row.get("note"):
            cited[NOTE_COLUMN] = row["note"]
        return cited


NOTE_COLUMN = "审核提示"


def _with_notes(answer: CorpusAnswer) -> CorpusAnswer:
    """Figures the audit flagged are said to be, as in a single report's answer: the findings
    in their own column, and a sentence saying how many of the figures they touch."""
    noted = sum(1 for r in answer.rows if r.get(NOTE_COLUMN))
    if not noted:
        return answer
    for row in answer.rows:
        row.setdefault(NOTE_COLUMN, "")
    answer.columns = list(answer.rows[0])
    answer.text += f"注意，其中{noted}个数字涉及审核发现的问题（见“{NOTE_COLUMN}”列）。"
    return answer


_CMP_ZH = {">": "大于", ">=": "不低于", "<": "小于", "<=": "不超过", "=": "等于"}


def citation(row: dict[str, Any]) -> str:
    """“文件 第N页 表…“行”行“列”列（印为 …）” or the narrative sentence."""
    name = row.get("part") or Path(str(row.get("file") or "")).name
    where = f"第{row['page']}页" if row.get("page") else (f"第{row['line']}行" if row.get("line") else "")
    if row.get("table_kind"):
        from auditor.model import TABLE_NAMES_ZH, TableKind

        try:
            table = row.get("table_title") or TABLE_NAMES_ZH[TableKind(row["table_kind"])]
        except ValueError:
            table = row.get("table_title") or row["table_kind"]
        cell = f"{table}“{row['row_label']}”行“{row.get('column_name') or ''}”列（印为 {row.get('printed')}）"
    elif row.get("origin") == "finding":
        cell = f"首个问题在{where}；{row.get('sentence') or ''}"
        where = ""
    else:
        cell = f"说明：“{str(row.get('sentence') or '')[:80]}”"
    return " ".join(part for part in (name, where, cell) if part)


def _q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _fmt(value: Any, unit: str) -> str:
    value = Decimal(value)
    if unit in ("辆", "个"):  # counts
        return f"{value.normalize():f}{unit}"
    if unit == "%":
        return f"{_q2(value)}%"
    return f"{_q2(value):,}万元"


def _pct(part: Decimal, whole: Decimal) -> str:
    return str(_q2(Decimal(part) / Decimal(whole) * 100))


# ---- charts (our own SVG; text escaped) -----------------------------------------------------

def bar_chart(items: list[tuple[str, Any]], title: str) -> str:
    if not items:
        return ""
    values = [float(v) for _, v in items]
    top = max(max(values), 0.0) or 1.0
    height = 24 * len(items) + 40
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='720' height='{height}' role='img' "
             f"aria-label='{escape(title)}'><text x='0' y='16' font-size='14' font-weight='bold'>{escape(title)}</text>"]
    for i, ((label, _), value) in enumerate(zip(items, values)):
        y = 30 + 24 * i
        width = max(0.0, 400 * value / top)
        parts.append(f"<text x='0' y='{y + 13}' font-size='12'>{escape(label[-18:])}</text>"
                     f"<rect x='230' y='{y}' width='{width:.1f}' height='16' fill='#4a7bd0'/>"
                     f"<text x='{236 + width:.1f}' y='{y + 13}' font-size='12'>{escape(f'{value:,.2f}')}</text>")
    return "".join(parts) + "</svg>"


def line_chart(points: list[tuple[str, Any]], title: str) -> str:
    if not points:
        return ""
    values = [float(v) for _, v in points]
    low, high = min(values + [0.0]), max(values) or 1.0
    span = (high - low) or 1.0
    width, height, left, top = 720, 300, 70, 40
    inner_w, inner_h = width - left - 30, height - top - 50
    step = inner_w / max(1, len(points) - 1)
    coords = [(left + i * step, top + inner_h - (v - low) / span * inner_h) for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
             f"aria-label='{escape(title)}'><text x='0' y='16' font-size='14' font-weight='bold'>{escape(title)}</text>",
             f"<line x1='{left}' y1='{top + inner_h}' x2='{left + inner_w}' y2='{top + inner_h}' stroke='#999'/>",
             f"<polyline points='{path}' fill='none' stroke='#d0574a' stroke-width='2'/>"]
    for (label, _), (x, y), value in zip(points, coords, values):
        parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='#d0574a'/>"
                     f"<text x='{x:.1f}' y='{top + inner_h + 18}' font-size='12' text-anchor='middle'>{escape(label)}</text>"
                     f"<text x='{x:.1f}' y='{y - 8:.1f}' font-size='11' text-anchor='middle'>{escape(f'{value:,.2f}')}</text>")
    return "".join(parts) + "</svg>"


# ---- output -------------------------------------------------------------------------------

def answer_html(answers: list[CorpusAnswer], source: str = "") -> str:
    blocks = []
    for answer in answers:
        head = "".join(f"<th>{escape(c)}</th>" for c in answer.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(cell_text(r.get(c)))}</td>" for c in answer.columns) + "</tr>"
                       for r in answer.rows)
        table = f"<table><tr>{head}</tr>{body}</table>" if answer.rows else ""
        blocks.append(f"<section><h2>问：{escape(answer.question)}</h2><p>{escape(answer.text)}</p>"
                      f"{answer.chart_svg}{table}</section>")
    return ("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>语料库问答</title><style>"
            "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;max-width:1100px}"
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ddd;padding:.3em .6em;font-size:.9em}"
            f"</style></head><body><h1>语料库问答</h1><p>语料库：{escape(source)}</p>{''.join(blocks)}</body></html>")


def cell_text(value: Any) -> str:
    if isinstance(value, Decimal):
        return f"{_q2(value):,}"
    return "" if value is None else str(value)
