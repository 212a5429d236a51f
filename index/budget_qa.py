"""Questions about a 部门预算, and about how a 决算 executed its budget (deterministic, cited).

- On a budget: "今年预算比去年增加多少" (the 上年预算数 column when printed, else the change the
  预算说明 states for the department's total), "三公经费预算是多少" (the 三公 table, its parts and
  the change the text states), "预算总额是多少".
- On a 决算 with the same department's budget attached (``answerer.budget_report``, set by
  ``auditor ask --budget`` or the workbench): "预算执行得怎么样" — spending against the budget,
  the 三公 items against their budget, and whether the 决算's 年初预算 figures are the budget's.
  Without a budget it answers from the 决算's own 预算数 columns and says so.

Question words are data (index/budget_qa.yaml). Called from ``Answerer._single`` (a one-line
hook); returns None for any other question.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml

from auditor.checks.budget.narrative import Cell, ties, total_row
from auditor.model import Claim, Report, Table, TableKind
from index.answer import Answer, Answerer, fmt_amount
from index.facts import Citation

_VOCAB = Path(__file__).with_name("budget_qa.yaml")
THREE_ITEMS = (("abroad", "因公出国（境）费"), ("car_total", "公务用车购置及运行维护费"), ("reception", "公务接待费"))


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    data: dict[str, list[str]] = yaml.safe_load(_VOCAB.read_text(encoding="utf-8"))
    return {key: re.compile("|".join(words)) for key, words in data.items()}


def budget_answer(answerer: Answerer, question: str) -> Answer | None:
    q = question.strip()
    p = _patterns()
    report = answerer.report
    if p["execution"].search(q) and report.meta.document_type == "final_accounts":
        return _execution(q, report, answerer.budget_report)
    if report.meta.document_type != "budget":
        return None
    if p["three_public"].search(q):
        return _three_public(q, report)
    if not p["whole_budget"].search(q):
        return None
    if p["change"].search(q):
        return _change(q, report)
    if p["total"].search(q):
        return _total(q, report)
    return None


def _cite(cell: Cell) -> Citation:
    e = cell.evidence()
    return Citation(page=e.page, line=e.line, table=e.table, row=e.row, column=e.column, quote=e.quote, bbox=e.bbox,
                    file=e.file)


def _cite_claim(claim: Claim) -> Citation:
    s = claim.sentence
    return Citation(page=s.location.page, line=s.location.line, quote=s.text[:200], bbox=s.location.bbox)


def _answer(q: str, intent: str, subject: str, text: str, citations: list[Citation], computation: str = "") -> Answer:
    numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", text)
    return Answer(q, text, intent, subject, True, citations=citations, computation=computation, numbers=numbers)


def _missing(q: str, intent: str, subject: str, text: str) -> Answer:
    return Answer(q, text, intent, subject, False)


def _cell(report: Report, kind: TableKind, key: str) -> Cell | None:
    table = report.table(kind)
    row = total_row(table) if table is not None else None
    if table is None or row is None or key not in row.cells:
        return None
    return Cell(table, row, key)


def _stated_change(report: Report, groups: tuple[str, ...], subject: re.Pattern[str] | None = None) -> tuple[Claim, list[Claim]] | None:
    """A figure of the text tied to a table and the change stated right after it (same sentence)."""
    for tie in ties(report):
        if tie.group not in groups or (subject is not None and not subject.search(tie.claim.subject)):
            continue
        after = [c for c in report.claims if c.sentence is tie.claim.sentence and c.span[0] > tie.claim.span[0]
                 and c.kind == "growth"]
        if after:
            return tie.claim, after[:2]
    return None


def _said(changes: list[Claim]) -> str:
    """"增加 X 万元，增长 Y%" as the text states it."""
    words = {("up", False): "增加", ("down", False): "减少", ("up", True): "增长", ("down", True): "下降"}
    return "，".join(words.get((c.direction, c.unit == "%"), "") + c.raw for c in changes)


def _change(q: str, report: Report) -> Answer:
    current, prior = _cell(report, TableKind.B3, "total"), _cell(report, TableKind.B3, "prior")
    if current is not None and prior is not None and prior.value:
        diff = current.value - prior.value
        word = "增加" if diff >= 0 else "减少"
        text = (f"本年支出预算合计{fmt_amount(current.value)}万元，上年预算数{fmt_amount(prior.value)}万元，"
                f"{word}{fmt_amount(abs(diff))}万元，{'增长' if diff >= 0 else '下降'}"
                f"{fmt_amount(abs(diff) / prior.value * 100)}%（按支出预算总表计算）。")
        return _answer(q, "growth", "预算总额", text, [_cite(current), _cite(prior)],
                       f"{fmt_amount(current.value)} − {fmt_amount(prior.value)} = {fmt_amount(diff)}")
    stated = _stated_change(report, ("totals",))
    if stated is None:
        return _missing(q, "growth", "预算总额", "预算表未列上年预算数，预算说明也未给出与上年的比较。")
    claim, changes = stated
    text = f"据预算说明，“{claim.subject}”{claim.raw}，与上年相比{_said(changes)}。"
    return _answer(q, "growth", claim.subject, text, [_cite_claim(claim)])


def _three_public(q: str, report: Report) -> Answer:
    table = report.table(TableKind.B7)
    row = total_row(table) if table is not None else None
    if table is None or row is None:
        tied = [t for t in ties(report) if t.group == "three_public"]
        if not tied:
            return _missing(q, "budget", "三公经费", "报告中未找到“三公”经费预算表或相关说明。")
        claim = tied[0].claim
        return _answer(q, "budget", "三公经费", f"据预算说明，“{claim.subject}”{claim.raw}。", [_cite_claim(claim)])
    total_key = "budget.three_total" if "budget.three_total" in row.cells else "budget.total"
    total = Cell(table, row, total_key)
    parts = [(name, Cell(table, row, f"budget.{key}")) for key, name in THREE_ITEMS if f"budget.{key}" in row.cells]
    text = f"“三公”经费预算{fmt_amount(total.value)}万元"
    if parts:
        text += "，其中" + "，".join(f"{name}{fmt_amount(c.value)}万元" for name, c in parts)
    text += "。"
    citations = [_cite(total)] + [_cite(c) for _, c in parts]
    stated = _stated_change(report, ("three_public",), re.compile(r"三公"))
    if stated is not None:
        claim, changes = stated
        text += f"预算说明称与上年相比{_said(changes)}。"
        citations.append(_cite_claim(claim))
    return _answer(q, "budget", "三公经费", text, citations)


def _total(q: str, report: Report) -> Answer:
    for kind in (TableKind.B3, TableKind.B1, TableKind.B2):
        cell = _cell(report, kind, "total")
        if cell is not None:
            return _answer(q, "budget", "预算总额", f"本年部门预算（收入、支出）总额{fmt_amount(cell.value)}万元。", [_cite(cell)])
    return _missing(q, "budget", "预算总额", "报告中未找到收支预算的合计。")


def _final_spending(final: Report) -> Cell | None:
    for kind, key in ((TableKind.T3, "total"), (TableKind.T1, "total")):
        table = final.table(kind)
        if table is None:
            continue
        row = total_row(table)
        if row is not None and key in row.cells:
            return Cell(table, row, key)
        rows = [r for r in table.rows if r.side == "expense" and re.search(r"支出合计", r.label)]
        if rows and "total" in rows[0].cells:
            return Cell(table, rows[0], "total")
    return None


def _execution(q: str, final: Report, budget: Report | None) -> Answer:
    from auditor.pairing import budget_facts, compare_facts

    lines: list[str] = []
    citations: list[Citation] = []
    t7: Table | None = final.table(TableKind.T7)
    if budget is not None:
        spent, planned = _final_spending(final), _cell(budget, TableKind.B3, "total")
        if spent is not None and planned is not None and planned.value:
            lines.append(f"本年支出决算{fmt_amount(spent.value)}万元，当年部门预算支出{fmt_amount(planned.value)}万元，"
                         f"执行率{fmt_amount(spent.value / planned.value * 100)}%。")
            citations += [_cite(spent), _cite(planned)]
        gaps = compare_facts(budget_facts(final), budget_facts(budget))
        if gaps:
            lines.append(f"决算所列年初预算有{len(gaps)}处与部门预算不符：" + "；".join(
                f"{g['subject']}决算列{Decimal(g['final']):,.2f}万元、预算为{Decimal(g['budget']):,.2f}万元" for g in gaps[:4]) + "。")
        else:
            lines.append("决算所列年初预算（三公经费、按项列示的数）与部门预算一致。")
    else:
        lines.append("未提供同年度的部门预算（可用 --budget 给出），以下依据决算所列预算数。")
    row = total_row(t7) if t7 is not None else None
    if t7 is not None and row is not None:
        parts = []
        for key, name in (("total", "“三公”经费"),) + THREE_ITEMS:
            b, f = row.cells.get(f"budget.{key}"), row.cells.get(f"final.{key}")
            if b is None or f is None or b.value is None:
                continue
            outturn = f.value or Decimal(0)
            rate = f"，完成{fmt_amount(outturn / b.value * 100)}%" if b.value else ""
            parts.append(f"{name}预算{fmt_amount(b.value)}万元、决算{fmt_amount(outturn)}万元{rate}")
            citations += [_cite(Cell(t7, row, f"budget.{key}")), _cite(Cell(t7, row, f"final.{key}"))]
        if parts:
            lines.append("；".join(parts) + "。")
    if len(lines) == 1 and budget is None:
        return _missing(q, "budget", "预算执行", lines[0] + "决算中也未找到可对照的预算数。")
    return _answer(q, "budget", "预算执行", "".join(lines), citations)


