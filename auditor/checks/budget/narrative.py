"""The 部门预算 narrative tied to its tables (shared by BUD004–BUD009; not a check).

The narrative's claims are read by the 决算 machinery (auditor/narrative/claims.py); a budget
calls its own figures "预算 X 万元", which the claim parser files as kind ``budget`` — in a budget
that *is* the amount, so :func:`budget_view` re-files them as amounts before the shared relations
(rate links, parts lists) are used. Which table cell a figure names is data
(auditor/narrative/budget_vocab.yaml).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any

import yaml

from auditor.checks.base import CheckContext, half_unit
from auditor.checks.narrative.common import sentence_evidence, text_half_wan
from auditor.findings import Evidence, Severity, cell_evidence
from auditor.model import TABLE_NAMES_ZH, Claim, Report, Row, Table, TableKind, is_total_label
from auditor.narrative.relations import is_prior, parts_gap, stated_parts
from auditor.numbers import fmt

_VOCAB = Path(__file__).resolve().parents[2] / "narrative" / "budget_vocab.yaml"
MONEY_UNITS = ("万元", "元", "亿元", "千元")
ZERO = Decimal(0)
GROUP_NAMES = {
    "totals": "收支总额",
    "split": "基本支出与项目支出",
    "three_public": "“三公”经费",
    "running": "机关运行经费",
    "procurement": "政府采购预算",
}


@cache
def vocab() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_VOCAB.read_text(encoding="utf-8"))
    return data


@cache
def _noise() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in vocab()["subject_noise"])


@cache
def _targets() -> tuple[tuple[str, re.Pattern[str], tuple[tuple[str, str, str], ...]], ...]:
    return tuple(
        (t["group"], re.compile(t["subject"]), tuple((str(c[0]), str(c[1]), str(c[2])) for c in t["cells"]))
        for t in vocab()["targets"]
    )


def normalise(subject: str) -> str:
    s = re.sub(r"[\s“”\"'‘’「」]", "", subject)
    previous = None
    while previous != s:
        previous = s
        for pattern in _noise():
            s = pattern.sub("", s)
    return re.sub(r"(支出)+", "支出", s)


def budget_view(report: Report) -> Report:
    """The report with "预算 X 万元" figures filed as amounts (in a budget they are the amount)."""
    view = copy.copy(report)
    view.claims = [replace(c, kind="amount") if c.kind == "budget" else c for c in report.claims]
    return view


def money_claims(report: Report) -> list[Claim]:
    return [
        c for c in report.claims
        if c.kind in ("amount", "budget") and c.unit in MONEY_UNITS and c.value is not None and not is_prior(c)
    ]


@dataclass
class Cell:
    table: Table
    row: Row
    key: str

    @property
    def value(self) -> Decimal:
        """The cell in 万元, as every amount is once parsed (a blank cell of a printed row is 0)."""
        return self.row.value(self.key) or ZERO

    @property
    def half(self) -> Decimal:
        """Its rounding radius (a table printed in 元 has more decimals in 万元: half_unit knows)."""
        cell = self.row.cells.get(self.key)
        return half_unit(cell.amount if cell is not None else None)

    def evidence(self) -> Evidence:
        return cell_evidence(self.table, self.row, self.key)

    def describe(self) -> str:
        name = TABLE_NAMES_ZH.get(self.table.kind, "") if self.table.kind is not TableKind.OTHER else ""
        return f"{self.table.kind.value if name else ''}{name or self.table.title}“{self.evidence().column}”"


def _tables(report: Report, spec: str) -> list[Table]:
    if spec.startswith("title:"):
        words = spec.split(":", 1)[1]
        return [t for t in report.tables if words in re.sub(r"\s", "", t.title) and t.rows]
    kind = TableKind(spec)
    return [t for t in report.tables if t.kind is kind]


def total_row(table: Table) -> Row | None:
    """The 合计 / 总计 row, or the only data row (支出预算总表 prints only totals)."""
    for row in table.rows:
        if not row.code and is_total_label(row.label):
            return row
    for row in table.rows:
        if not row.code and re.fullmatch(r"(?:收入|支出|收支)?(?:总计|合计)|本年(?:预算)?数?", re.sub(r"\s", "", row.label)):
            return row
    data = [r for r in table.rows if r.cells]
    return data[0] if len(data) == 1 else None


def _rows(table: Table, spec: str) -> list[Row]:
    if spec == "total":
        row = total_row(table)
        return [row] if row is not None else []
    if spec.startswith("label:"):
        pattern = re.compile(spec.split(":", 1)[1])
        return [r for r in table.rows if pattern.search(re.sub(r"\s", "", r.label))][:1]
    return []


def _keys(table: Table, row: Row, spec: str) -> list[str]:
    keys = [c.key for c in table.columns]
    if spec == "*":
        return [k for k in keys if row.cells.get(k) is not None and row.cells[k].amount is not None]
    if spec.endswith("*"):
        return [k for k in keys if k.startswith(spec[:-1]) and row.cells.get(k) is not None and row.cells[k].amount is not None]
    if spec not in keys or any(k.startswith(spec + "#") for k in keys):
        return []  # a meaning read for two columns: which one holds the figure is not known
    if table.kind is TableKind.B7 and any(k.startswith("col") for k in keys):
        return []  # a 三公 column not recognised: the items may be shifted
    return [spec]


def cells_for(report: Report, specs: tuple[tuple[str, str, str], ...]) -> list[Cell]:
    found = []
    for table_spec, row_spec, key_spec in specs:
        for table in _tables(report, table_spec):
            for row in _rows(table, row_spec):
                found += [Cell(table, row, key) for key in _keys(table, row, key_spec)]
    return found


@dataclass
class Tie:
    claim: Claim
    group: str
    cells: list[Cell]


@cache
def _narrower() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in vocab()["narrower_scope"])


def narrower_scope(claim: Claim) -> bool:
    """The figure is of one 类 / 款 / 项 ("检察（款）：预算支出合计 X 万元"), not the department's."""
    before = claim.sentence.text[: claim.span[0]]
    return any(p.search(before) or p.search(claim.sentence.section_title) for p in _narrower())


def ties(report: Report) -> Iterator[Tie]:
    for claim in money_claims(report):
        if narrower_scope(claim):
            continue
        subject = normalise(claim.subject)
        for group, pattern, specs in _targets():
            if pattern.search(subject):
                yield Tie(claim, group, cells_for(report, specs))
                break


def group_of(subject: str) -> str:
    s = normalise(subject)
    return next((group for group, pattern, _ in _targets() if pattern.search(s)), "")


def check_ties(report: Report, ctx: CheckContext, group: str) -> int:
    """Each narrative figure of the group equals one of the table cells it names. Returns the
    number of figures compared."""
    compared = 0
    for tie in ties(report):
        if tie.group != group or not tie.cells:
            continue
        claim = tie.claim
        text = claim.amount_wan
        if text is None:
            continue
        compared += 1
        ctx.comparisons += 1
        bound = text_half_wan(claim)
        if any(abs(text - c.value) <= bound + c.half for c in tie.cells):
            continue
        best = min(tie.cells, key=lambda c: abs(text - c.value))
        if claim.unit == "元" and claim.value is not None and abs(claim.value - best.value) <= bound * 10000 + best.half:
            ctx.add(
                Severity.ERROR,
                "正文金额单位有误",
                f"正文称“{claim.subject}”为{claim.raw}，{best.describe()}为{fmt(best.value)}万元：正文把万元写成了元。",
                observed=f"正文 {claim.raw}",
                expected=f"{fmt(best.value)}万元",
                locations=[sentence_evidence(claim), best.evidence()],
            )
            continue
        ctx.add(
            Severity.ERROR,
            f"正文{GROUP_NAMES[group]}与预算表不一致",
            f"正文称“{claim.subject}”为{claim.raw}，{best.describe()}为{fmt(best.value)}万元，相差{fmt(text - best.value)}万元。",
            observed=f"正文 {claim.raw}",
            expected=f"表中 {fmt(best.value)}万元",
            locations=[sentence_evidence(claim), best.evidence()],
        )
    return compared


def _matches(pattern: str, claim: Claim) -> bool:
    return re.search(pattern, normalise(claim.subject)) is not None


def check_text_sums(report: Report, ctx: CheckContext, group: str) -> int:
    """A whole the text states equals the sum of the parts it lists (in the same sentence or the
    two after it, same section). Returns the number of sums compared."""
    compared = 0
    claims = [c for c in money_claims(report) if c.amount_wan is not None]
    ties_by_claim = {id(t.claim): t for t in ties(report)}
    for rule in vocab()["text_sums"]:
        if rule["group"] != group:
            continue
        for index, whole in enumerate(claims):
            if not _matches(rule["whole"], whole):
                continue
            found = stated_parts(whole, claims[index + 1 :], [partial(_matches, pattern) for pattern in rule["parts"]])
            parts = [p for p in found if p is not None]
            if len(parts) < int(rule["required"]) or len(parts) < 2:
                continue
            severity = Severity.ERROR
            if len(parts) < len(rule["parts"]) and not _missing_parts_zero(report, rule, parts, ties_by_claim):
                if rule.get("incomplete") != "warning":
                    continue
                severity = Severity.WARNING
            compared += 1
            ctx.comparisons += 1
            total, gap, bound = parts_gap(whole, parts)
            if abs(gap) <= bound:
                continue
            names = "、".join(f"“{p.subject}”{p.raw}" for p in parts)
            unsaid = "（正文未列出其余部分，或其为 0）" if severity is Severity.WARNING else ""
            ctx.add(
                severity,
                f"正文{GROUP_NAMES[group]}各部分之和与总额不符",
                f"正文称“{whole.subject}”为{whole.raw}，所列{names}合计{fmt(total)}万元，相差{fmt(gap)}万元{unsaid}。",
                observed=f"正文 {whole.raw}",
                expected=f"各部分之和 {fmt(total)}万元",
                locations=[sentence_evidence(whole)] + [sentence_evidence(p) for p in parts if p.sentence is not whole.sentence][:3],
            )
    return compared


def _missing_parts_zero(report: Report, rule: dict[str, Any], found: list[Claim], ties_by_claim: dict[int, Tie]) -> bool:
    """Parts the text leaves out count as 0 only when the table prints them as 0 (or does not
    print them at all, while printing the parts the text names)."""
    found_patterns = [p for p in rule["parts"] if any(_matches(p, c) for c in found)]
    if not any(ties_by_claim.get(id(c)) and ties_by_claim[id(c)].cells for c in found):
        return False
    for pattern in rule["parts"]:
        if pattern in found_patterns:
            continue
        specs = next((s for _, p, s in _targets() if p.pattern == pattern), None)
        if specs is None:
            return False
        if any(c.value != 0 for c in cells_for(report, specs)):
            return False
    return True


@cache
def _unchanged() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in vocab()["unchanged"])


@dataclass
class StatedChange:
    tie: Tie
    cell: Cell
    amount: Claim | None  # "增加 X 万元"
    rate: Claim | None  # "增长 Y%"
    unchanged: bool  # "与上年数一致"


def _prior_key(key: str) -> str:
    return "prior." + key.split(".", 1)[1] if key.startswith("budget.") else "prior"


def stated_changes(report: Report) -> Iterator[StatedChange]:
    """Each tied figure with the change the text states for it and the table cell that prints
    last year's budget beside it (上年预算数)."""
    by_sentence: dict[int, list[Claim]] = {}
    for claim in report.claims:
        by_sentence.setdefault(id(claim.sentence), []).append(claim)
    for tie in ties(report):
        claim = tie.claim
        text = claim.amount_wan
        if text is None:
            continue
        cells = [c for c in tie.cells if abs(text - c.value) <= text_half_wan(claim) + c.half]
        cell = next((c for c in cells if _prior_key(c.key) in c.row.cells), None)
        if cell is None:
            continue
        same = sorted(by_sentence.get(id(claim.sentence), []), key=lambda c: c.span[0])
        after = [c for c in same if c.span[0] > claim.span[0]]
        stop = next((i for i, c in enumerate(after) if c.kind in ("amount", "budget") and c.unit in MONEY_UNITS), len(after))
        window = after[:stop]
        clause_end = window[-1].span[1] if window else (after[stop].span[0] if stop < len(after) else len(claim.sentence.text))
        clause = claim.sentence.text[claim.span[1] : clause_end + 12]
        if not any(c.kind == "growth" for c in window):
            following = [s for s in report.sentences if s.index == claim.sentence.index + 1
                         and s.section_title == claim.sentence.section_title]
            if following and stop == len(after):
                nxt = by_sentence.get(id(following[0]), [])
                if nxt and all(c.kind == "growth" for c in nxt if c.unit in MONEY_UNITS + ("%",)):
                    window, clause = nxt, following[0].text
        amount = next((c for c in window if c.kind == "growth" and c.unit in MONEY_UNITS), None)
        rate = next((c for c in window if c.kind == "growth" and c.unit == "%"), None)
        unchanged = amount is None and rate is None and any(p.search(clause) for p in _unchanged())
        if amount is None and rate is None and not unchanged:
            continue
        yield StatedChange(tie, cell, amount, rate, unchanged)
