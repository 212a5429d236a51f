"""Facts: every table cell, table row, narrative sentence and claim, derived figure and
finding of a report, each with a stable id, its value and unit, and a citation a reader
can check (table, row, column, page, bbox, quote). Answers cite facts by id; every number
an answer states must be one of these values or a computation over them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from auditor.audit import AuditResult
from auditor.findings import Finding, column_name
from auditor.model import TABLE_NAMES_ZH, BBox, Location, Report, Row, Table, TableKind
from auditor.numbers import fmt
from index.injection import instruction_windows, is_instruction
from index.text import compact

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Citation:
    page: int | None = None
    line: int | None = None
    table: str | None = None
    row: str | None = None
    column: str | None = None
    quote: str | None = None
    bbox: BBox | None = None
    file: str | None = None  # a report read from several files: the file the cell or sentence is in

    def to_dict(self) -> dict[str, object]:
        return {"page": self.page, "line": self.line, "table": self.table, "row": self.row, "column": self.column,
                "quote": self.quote, "bbox": list(self.bbox) if self.bbox else None, "file": self.file}

    def where(self) -> str:
        parts = []
        if self.table:
            name = TABLE_NAMES_ZH.get(TableKind(self.table), "") if self.table in TableKind._value2member_map_ else ""
            parts.append(f"{name}（{self.table}）" if name else self.table)
        if self.row:
            parts.append(f"“{self.row}”")
        if self.column:
            parts.append(f"“{self.column}”列")
        if self.page:
            parts.append(f"第{self.page}页")
        elif self.line:
            parts.append(f"第{self.line}行")
        if self.file:
            parts.append(f"见 {self.file}")
        return "，".join(parts)


@dataclass
class Fact:
    id: str
    kind: str  # cell / row / table / sentence / claim / derived / finding
    text: str  # what is indexed and shown
    citation: Citation
    value: Decimal | None = None
    unit: str = ""
    subject: str = ""  # row label, claim subject
    table: str = ""
    code: str = ""
    column: str = ""  # column key
    side: str = ""
    formula: str = ""
    sources: tuple[str, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "text": self.text, "value": str(self.value) if self.value is not None else None,
                "unit": self.unit, "subject": self.subject, "table": self.table, "code": self.code,
                "column": self.column, "formula": self.formula, "sources": list(self.sources),
                "citation": self.citation.to_dict()}


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def row_key(row: Row) -> str:
    key = row.code or compact(row.label)
    return f"{row.side}:{key}" if row.side else key


def cell_id(table: Table, row: Row, column: str) -> str:
    return f"{table.kind.value}.{row_key(row)}.{column}"


def _location_citation(location: Location, **kwargs: object) -> Citation:
    return Citation(page=location.page, line=location.line, bbox=location.bbox, file=location.file,
                    **kwargs)  # type: ignore[arg-type]


def table_facts(report: Report) -> list[Fact]:
    facts: list[Fact] = []
    for table in report.tables:
        if table.kind is TableKind.OTHER:
            continue
        name = TABLE_NAMES_ZH[table.kind]
        pages = "、".join(str(p) for p in table.pages) or "-"
        facts.append(Fact(
            id=f"{table.kind.value}", kind="table",
            text=f"{name}（{table.kind.value}{('，' + table.label) if table.label else ''}），单位：{table.unit}，第{pages}页"
                 + ("；" + table.no_data_statement if table.no_data_statement else ""),
            citation=_location_citation(table.location, table=table.kind.value, quote=table.title),
            table=table.kind.value,
        ))
        for row in table.rows:
            parts = []
            label = f"{row.code} {row.label}".strip()
            # the label alone, or with its figures when it dictates them ("回答：…" then the cells)
            printed = " ".join([row.label, *(c.raw for c in row.cells.values() if c.raw)])
            dictated = bool(re.search(r"[:：=]", unicodedata.normalize("NFKC", row.label))) and is_instruction(printed)
            suspect = {"suspect": "1"} if is_instruction(row.label) or dictated else {}
            for key, cell in row.cells.items():
                if cell.amount is None or "#" in key or key.startswith("col"):
                    continue
                header = column_name(table, key, row.side)
                value = cell.amount.value
                parts.append(f"{header} {fmt(value)}万元")
                facts.append(Fact(
                    id=cell_id(table, row, key), kind="cell",
                    text=f"{name}（{table.kind.value}）{label} {header}：{fmt(value)}万元",
                    citation=_location_citation(cell.location if cell.location.bbox or cell.location.line else row.location,
                                                table=table.kind.value, row=label, column=header, quote=cell.raw),
                    value=value, unit="万元", subject=row.label, table=table.kind.value, code=row.code, column=key,
                    side=row.side, extra=dict(suspect),
                ))
            if parts:
                facts.append(Fact(
                    id=f"{table.kind.value}.{row_key(row)}", kind="row",
                    text=f"{name}（{table.kind.value}）{label}：" + "；".join(parts),
                    citation=_location_citation(row.location, table=table.kind.value, row=label, quote=row.label),
                    subject=row.label, table=table.kind.value, code=row.code, side=row.side, extra=dict(suspect),
                ))
    return facts


# Text in a report that addresses an assistant rather than a reader (index/injection.py):
# kept as data, never offered to an LLM as a fact and never accepted as a figure.
__all__ = ["is_instruction"]


CLAIM_KIND_ZH = {"amount": "金额", "budget": "预算数", "outturn": "决算数", "share": "占比", "growth": "增减",
                 "completion": "完成率", "compare": "比较", "count": "数量", "year": "年份", "date": "日期",
                 "list": "列举", "no_data": "无此项资金"}


def suspect_sentences(report: Report) -> set[int]:
    """Indexes of the narrative sentences shaped like instructions to an answerer: alone, as
    a pair of neighbours (split across lines), or under a heading that is one."""
    sentences = report.sentences
    flagged = {sentences[i].index for i in instruction_windows([s.text for s in sentences])}
    headings = {s.section_title for s in sentences if s.section_title and is_instruction(s.section_title)}
    headings |= {s.item for s in sentences if s.item and is_instruction(s.item)}
    return flagged | {s.index for s in sentences if s.section_title in headings or (s.item and s.item in headings)}


def _table_cell_id(report: Report, claim: object) -> str:
    """The id of the table cell a claim was tied to, when there is one."""
    target = getattr(claim, "target", None)
    if target is None:
        return ""
    table = report.table(target.table)
    if table is None:
        return ""
    for row in table.rows:
        if (target.row_code and row.code == target.row_code) or (not target.row_code and row.label == target.row_label):
            if target.column in row.cells:
                return cell_id(table, row, target.column)
    return ""


def narrative_facts(report: Report) -> list[Fact]:
    facts: list[Fact] = []
    suspect = suspect_sentences(report)
    for sentence in report.sentences:
        facts.append(Fact(
            id=f"S{sentence.index}", kind="sentence", text=sentence.text,
            citation=_location_citation(sentence.location, quote=sentence.text),
            subject=sentence.item or sentence.section_title,
            extra={"section": sentence.section_title, **({"suspect": "1"} if sentence.index in suspect else {})},
        ))
    counter: dict[int, int] = {}
    for claim in report.claims:
        if claim.value is None or claim.sentence.index in suspect:
            continue
        n = counter.get(claim.sentence.index, 0) + 1
        counter[claim.sentence.index] = n
        value = claim.value
        unit = claim.unit
        tied: dict[str, str] = {"value_wan": str(claim.amount_wan)} if claim.amount_wan is not None else {}
        if claim.target is not None and claim.target.amount is not None and claim.amount_wan is not None:
            tied.update({"table_value": str(claim.target.amount.value), "table_cell": _table_cell_id(report, claim)})
        facts.append(Fact(
            id=f"S{claim.sentence.index}.C{n}", kind="claim",
            text=f"{claim.subject} {claim.raw}（正文·{CLAIM_KIND_ZH.get(claim.kind, claim.kind)}）",
            citation=_location_citation(claim.sentence.location, quote=claim.sentence.text),
            value=value, unit=unit, subject=claim.subject, sources=(f"S{claim.sentence.index}",),
            extra={"kind": claim.kind, "basis": claim.basis, "direction": claim.direction, "whole": claim.whole,
                   "section": claim.sentence.section_title, "item": claim.sentence.item, "raw": claim.raw, **tied},
        ))
    return facts


def derived_facts(report: Report, cells: dict[str, Fact]) -> list[Fact]:
    """Shares that readers ask for, computed from cells, with their formula and sources."""
    facts: list[Fact] = []

    def share(part_id: str, whole_id: str, label: str) -> None:
        part, whole = cells.get(part_id), cells.get(whole_id)
        if part is None or whole is None or not whole.value or part.value is None:
            return
        value = q2(part.value / whole.value * HUNDRED)
        facts.append(Fact(
            id=f"D.share.{part_id}/{whole_id}", kind="derived",
            text=f"{label}：{fmt(part.value)} ÷ {fmt(whole.value)} × 100% = {value}%",
            citation=part.citation, value=value, unit="%", subject=part.subject, table=part.table,
            formula=f"{fmt(part.value)} ÷ {fmt(whole.value)} × 100% = {value}%", sources=(part_id, whole_id),
        ))

    for table in report.tables:
        if table.kind not in (TableKind.T3, TableKind.T5, TableKind.T2):
            continue
        total = next((r for r in table.rows if not r.code and compact(r.label) in ("合计", "总计")), None)
        if total is None:
            continue
        whole_id = cell_id(table, total, "total")
        for key in ("basic", "project", "fiscal_grant", "other_income", "business_income"):
            if key in total.cells:
                share(cell_id(table, total, key), whole_id, f"{TABLE_NAMES_ZH[table.kind]}{column_name(table, key)}占合计的比例")
        for row in table.rows:
            if row.code and len(row.code) == 3:
                share(cell_id(table, row, "total"), whole_id, f"{row.label}占{TABLE_NAMES_ZH[table.kind]}合计的比例")
    t6 = report.table(TableKind.T6)
    if t6 is not None:
        personnel, public = t6.find_row("人员经费"), t6.find_row("公用经费")
        if personnel is not None and public is not None and personnel.value("amount") and public.value("amount"):
            basic = personnel.value("amount") + public.value("amount")  # type: ignore[operator]
            for row in (personnel, public):
                value = q2(row.value("amount") / basic * HUNDRED)  # type: ignore[operator]
                facts.append(Fact(
                    id=f"D.share.{cell_id(t6, row, 'amount')}/T6.basic", kind="derived",
                    text=f"{row.label}占基本支出的比例：{fmt(row.value('amount'))} ÷ {fmt(basic)} × 100% = {value}%",
                    citation=cells[cell_id(t6, row, "amount")].citation, value=value, unit="%", subject=row.label,
                    table="T6", formula=f"{fmt(row.value('amount'))} ÷ ({fmt(personnel.value('amount'))} + "
                                        f"{fmt(public.value('amount'))}) × 100% = {value}%",
                    sources=(cell_id(t6, personnel, "amount"), cell_id(t6, public, "amount")),
                ))
    return facts


def finding_facts(findings: list[Finding]) -> list[Fact]:
    facts = []
    for finding in findings:
        loc = finding.locations[0] if finding.locations else None
        facts.append(Fact(
            id=f"F.{finding.fingerprint}", kind="finding",
            text=f"审核发现的问题（{finding.severity.zh}，{finding.code}）：{finding.title}——{finding.message}",
            citation=Citation(page=loc.page if loc else None, line=loc.line if loc else None, table=loc.table if loc else None,
                              row=loc.row if loc else None, column=loc.column if loc else None,
                              quote=loc.quote if loc else None, bbox=loc.bbox if loc else None,
                              file=loc.file if loc else None),
            subject=finding.title,
            extra={"code": finding.code, "severity": finding.severity.value, "severity_zh": finding.severity.zh,
                   "title": finding.title, "message": finding.message, "observed": finding.observed,
                   "expected": finding.expected},
        ))
    return facts


_NUMBER = re.compile(r"\d[\d,]*(?:\.\s?\d+)?")


def _numbers(text: str) -> set[Decimal]:
    out = set()
    for raw in _NUMBER.findall(text or ""):
        try:
            out.add(Decimal(raw.replace(",", "").replace(" ", "")))
        except ArithmeticError:
            continue
    return out


def _same_text(a: str | None, b: str | None) -> bool:
    """A finding's quote and a sentence: one holds the other's opening (whitespace ignored)."""
    x, y = compact(a or ""), compact(b or "")
    if not x or not y:
        return False
    head = min(len(x), len(y), 16)
    return x[:head] in y or y[:head] in x


def tie_findings(facts: list[Fact], findings: list[Fact], sources: list[Finding]) -> None:
    """The finding facts, each tied to the cells, rows, sentences and claims its evidence
    points at: ``extra["targets"]`` on the finding, ``extra["findings"]`` on each fact tied.
    A claim is tied when its figure is one the finding names (observed, expected, message),
    and the sentence itself always."""
    cells_by_place: dict[tuple[str, str], list[Fact]] = {}
    rows_by_place: dict[tuple[str, str], Fact] = {}
    tables: dict[str, Fact] = {}
    sentences: list[Fact] = []
    claims_of: dict[str, list[Fact]] = {}
    for fact in facts:
        c = fact.citation
        if fact.kind == "cell" and c.table and c.row:
            cells_by_place.setdefault((c.table, compact(c.row)), []).append(fact)
        elif fact.kind == "row" and c.table and c.row:
            rows_by_place.setdefault((c.table, compact(c.row)), fact)
        elif fact.kind == "table":
            tables.setdefault(fact.id, fact)
        elif fact.kind == "sentence":
            sentences.append(fact)
        elif fact.kind == "claim" and fact.sources and fact.extra.get("kind") not in ("year", "date", "list"):
            claims_of.setdefault(fact.sources[0], []).append(fact)  # a year or a date is not a figure
    by_page: dict[tuple[int | None, int | None], list[Fact]] = {}
    for fact in sentences:
        by_page.setdefault((fact.citation.page, fact.citation.line), []).append(fact)
    for finding, source in zip(findings, sources):
        named = _numbers(f"{source.observed} {source.expected}")
        in_message = _numbers(source.message)
        targets: list[Fact] = []
        for e in source.locations:
            if e.table and e.row and (e.table, compact(e.row)) in cells_by_place:
                cells = cells_by_place[(e.table, compact(e.row))]
                column = compact(e.column or "")
                chosen = [f for f in cells if not column or compact(f.citation.column or "") == column]
                chosen = chosen or [f for f in cells if column and column.split("/")[-1] in compact(f.citation.column or "")]
                targets += chosen or cells
                row = rows_by_place.get((e.table, compact(e.row)))
                if row is not None:
                    targets.append(row)
                continue
            if e.table and not e.row and e.table in tables:
                targets.append(tables[e.table])
                continue
            if not e.quote or (e.page is None and e.line is None):
                continue
            for sentence in by_page.get((e.page, e.line), []):
                if not _same_text(e.quote, sentence.text):
                    continue
                targets.append(sentence)
                claims = claims_of.get(sentence.id, [])
                chosen = [c for c in claims if c.value is not None and c.value in named]
                chosen = chosen or [c for c in claims if c.value is not None and c.value in in_message]
                targets += chosen  # a finding about the sentence's wording (a name, a list) is not about its figures
        if any(t.extra.get("suspect") for t in targets):
            # evidence in text shaped like an instruction (index/injection.py): the finding's
            # own words quote it, so an answer names the finding without them
            finding.extra["suspect_evidence"] = "1"
        seen: list[str] = []
        for target in targets:
            if target.id in seen:
                continue
            seen.append(target.id)
            tied = [i for i in target.extra.get("findings", "").split(",") if i]
            if finding.id not in tied:
                target.extra["findings"] = ",".join([*tied, finding.id])
        finding.extra["targets"] = ",".join(seen)


@dataclass
class FactBase:
    report: Report
    facts: list[Fact]
    checks: dict[str, str] = field(default_factory=dict)  # check code -> outcome ("pass", "fail", ...); empty: not audited

    def __post_init__(self) -> None:
        # ids must be unique (the vector store refuses duplicates): a row label printed twice
        # in one table, or a table printed twice, gives its later facts "#2", "#3" ...
        seen: dict[str, int] = {}
        for fact in self.facts:
            count = seen.get(fact.id, 0) + 1
            seen[fact.id] = count
            if count > 1:
                fact.id = f"{fact.id}#{count}"
        self.by_id = {f.id: f for f in self.facts}

    def get(self, fact_id: str) -> Fact | None:
        return self.by_id.get(fact_id)

    def printed_again(self, fact_id: str) -> list[Fact]:
        """The fact of this id and those of the same place printed again ("#2", "#3" …), in order."""
        found: list[Fact] = []
        while (fact := self.by_id.get(fact_id if not found else f"{fact_id}#{len(found) + 1}")) is not None:
            found.append(fact)
        return found

    def of_kind(self, *kinds: str) -> list[Fact]:
        return [f for f in self.facts if f.kind in kinds]


_GENERIC_SUBJECT = re.compile(r"^(?:项目|执行|实际|完成|参保|新增|发放|其中|合计|共计|本部门|本单位|截至)")


def _statement_key(fact: Fact) -> tuple[str, ...] | None:
    """What two statements about the same thing share: kind, unit, basis, the same specific
    name (not a generic one such as 项目 / 执行数 / 实际支出 that recurs for every item) and
    the numbered item it is under; None for a generic or short name."""
    name = compact(fact.subject)
    if len(name) < 4 or _GENERIC_SUBJECT.match(name):
        return None
    return (fact.extra.get("kind", ""), fact.unit, fact.extra.get("basis", ""), name, fact.extra.get("item", ""))


def mark_contested(facts: list[Fact]) -> None:
    """A narrative figure that contradicts its table cell or another statement of the same
    subject (same kind, unit and basis) gets ``extra["contested_by"]``: the ids that say
    otherwise. Such a figure is never answered or verified as fact without the contradiction."""
    claims = [f for f in facts if f.kind == "claim" and f.value is not None and not f.extra.get("suspect")]
    cells_by_row: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.kind == "cell" and fact.code and fact.value is not None and not fact.extra.get("suspect"):
            cells_by_row.setdefault(compact(fact.subject), []).append(fact)
    peers: dict[tuple[str, ...], list[Fact]] = {}
    keys = [_statement_key(claim) for claim in claims]
    for claim, key in zip(claims, keys):
        if key is not None:
            peers.setdefault(key, []).append(claim)
    for claim, key in zip(claims, keys):
        against: list[str] = []
        table_value, value_wan = claim.extra.get("table_value"), claim.extra.get("value_wan")
        if claim.extra.get("kind") not in ("amount", "outturn"):
            pass  # a growth, a share, a budget figure is not the cell's own value
        elif table_value and value_wan and Decimal(table_value) != Decimal(value_wan):
            against.append(claim.extra.get("table_cell") or "table")
        elif value_wan and not table_value and claim.extra.get("kind") in ("amount", "outturn"):
            # not tied by the reader, but named exactly like a classified row: its figures must agree
            name = re.sub(r"^(?:本年度?|全年|\d{4}年度?)|(?:的)?(?:支出|决算数?|花费)$", "", compact(claim.subject))
            row_cells = cells_by_row.get(name, [])
            if row_cells and all(c.value != Decimal(value_wan) for c in row_cells):
                total = next((c for c in row_cells if c.column in ("total", "amount")), row_cells[0])
                against.append(total.id)
        for other in peers.get(key, []) if key is not None else []:
            if other is not claim and other.sources != claim.sources and other.value != claim.value:
                against.append(other.id)
        if against:
            claim.extra["contested_by"] = ",".join(against)


def build_facts(report: Report, result: AuditResult | None = None) -> FactBase:
    facts = table_facts(report)
    cells = {f.id: f for f in facts if f.kind == "cell"}
    facts += narrative_facts(report)
    mark_contested(facts)
    facts += derived_facts(report, cells)
    if result is None:
        return FactBase(report, facts)
    sources = result.findings
    findings = finding_facts(sources)
    base = FactBase(report, facts + findings, {r.code: r.outcome.value for r in result.results})
    tie_findings(base.facts, findings, sources)  # after the ids are made unique
    return base
