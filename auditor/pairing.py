"""A department's final accounts against its own budget of the same year (部门决算 ↔ 部门预算).

The 决算 states its 年初预算 (the budget approved at the start of the year) in the 三公 table's
预算数 columns and in sentences ("…（项）年初预算为X万元", "“三公”经费…预算为X万元"); the
部门预算 published that spring prints the same figures (一般公共预算支出预算表 by 项, the 三公
经费预算表). They must agree. Both sides are reduced to comparable facts (JSON-serialisable, so a
batch can pair reports read in different processes), then compared.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from auditor.findings import Evidence, Finding, Severity
from auditor.model import Report, TableKind

PAIR_CODE = "PAIR001"
THREE_PUBLIC_ZH = {"total": "“三公”经费合计", "three_total": "“三公”经费小计", "abroad": "因公出国（境）费", "car_total": "公务用车购置及运行维护费",
                   "car_purchase": "公务用车购置费", "car_operation": "公务用车运行维护费", "reception": "公务接待费"}
_ITEM_RE = re.compile(r"([^（）()，,。：:；;、\d]+)[（(]项[）)]")
TOLERANCE = Decimal("0.01")

Fact = list[Any]  # [value as str, quote, page]


def budget_facts(report: Report) -> dict[str, dict[str, Fact]]:
    """The budget figures a report states: for a 部门预算 its 本年预算数, for a 部门决算 its 年初预算."""
    facts: dict[str, dict[str, Fact]] = {"three_public": {}, "items": {}}
    if report.meta.document_type == "budget":
        # this year's budget, and the 上年预算数 it prints (to compare with last year's budget)
        facts.update(prior_three_public={}, prior_items={})
        b7 = report.table(TableKind.B7)
        if b7 is not None:
            for row in b7.rows:
                for key, cell in row.cells.items():
                    stage, _, item = key.partition(".")
                    group = {"budget": "three_public", "prior": "prior_three_public"}.get(stage)
                    if group and item in THREE_PUBLIC_ZH and cell.value is not None:
                        facts[group].setdefault(item, [str(cell.value), cell.raw, cell.location.page])
        for kind in (TableKind.B5, TableKind.B10):
            table = report.table(kind)
            if table is None:
                continue
            for row in table.rows:
                if row.level != 3 or not row.label:
                    continue
                for key, group in (("total", "items"), ("prior", "prior_items")):
                    value = row.value(key)
                    if value is not None:
                        facts[group].setdefault(_name(row.label), [str(value), f"{row.code} {row.label}", row.location.page])
        three = facts["three_public"]
        if "three_total" in three:  # 合计 also covers 会议费 / 培训费: the 三公 total is the subtotal
            three["total"] = three.pop("three_total")
        return facts
    t7 = report.table(TableKind.T7)
    if t7 is not None:
        for row in t7.rows:
            for key, cell in row.cells.items():
                stage, _, item = key.partition(".")
                if stage == "budget" and item in THREE_PUBLIC_ZH and cell.value is not None:
                    facts["three_public"].setdefault(item, [str(cell.value), cell.raw, cell.location.page])
    for claim in report.claims:
        if claim.kind != "budget" or claim.amount_wan is None or claim.basis not in ("年初预算", "预算"):
            continue
        page = claim.sentence.location.page
        target = claim.target
        if target is not None and target.table is TableKind.T7 and target.column.startswith("budget."):
            facts["three_public"].setdefault(target.column.split(".", 1)[1], [str(claim.amount_wan), claim.sentence.text, page])
            continue
        match = _ITEM_RE.search(claim.subject.replace(" ", "")) or _ITEM_RE.search(claim.sentence.item.replace(" ", ""))
        if match and claim.basis == "年初预算":
            facts["items"].setdefault(_name(match.group(1)), [str(claim.amount_wan), claim.sentence.text, page])
    return facts


def _name(label: str) -> str:
    return re.sub(r"[\s“”\"]", "", label).removesuffix("支出") or label


def compare_facts(final: dict[str, dict[str, Fact]], budget: dict[str, dict[str, Fact]],
                  groups: tuple[str, ...] = ("three_public", "items"), prefix: str = "") -> list[dict[str, Any]]:
    """Each figure both documents state, where they differ (beyond rounding). ``prefix``
    picks the first document's groups ("prior_" for a budget's 上年预算数)."""
    gaps = []
    for group in groups:
        for key, (value, quote, page) in final.get(prefix + group, {}).items():
            other = budget.get(group, {}).get(key)
            if other is None:
                continue
            gap = Decimal(value) - Decimal(other[0])
            if abs(gap) > TOLERANCE:
                name = THREE_PUBLIC_ZH.get(key, key) if group == "three_public" else f"{key}（项）"
                gaps.append({"subject": name, "final": value, "budget": other[0], "gap": str(gap),
                             "final_quote": quote, "final_page": page, "budget_quote": other[1], "budget_page": other[2]})
    return gaps


def comparable(final: dict[str, dict[str, Fact]], budget: dict[str, dict[str, Fact]]) -> int:
    return sum(1 for group in ("three_public", "items") for key in final.get(group, {}) if key in budget.get(group, {}))


def pair_findings(gaps: list[dict[str, Any]], final_name: str, budget_name: str) -> list[Finding]:
    findings = []
    for gap in gaps:
        findings.append(Finding(
            code=PAIR_CODE,
            severity=Severity.ERROR,
            category="cross_document",
            title="年初预算与当年部门预算不符",
            message=f"“{gap['subject']}”决算所列年初预算为{Decimal(gap['final']):,.2f}万元，当年部门预算为"
                    f"{Decimal(gap['budget']):,.2f}万元，相差{Decimal(gap['gap']):,.2f}万元。",
            observed=f"{Decimal(gap['final']):,.2f}",
            expected=f"{Decimal(gap['budget']):,.2f}",
            locations=(
                Evidence(page=gap["final_page"], quote=str(gap["final_quote"])[:200]),
                # the budget is another document: its page is given as the page of that file
                Evidence(page=None, quote=str(gap["budget_quote"])[:200], file=budget_name, file_page=gap["budget_page"]),
            ),
        ))
    return findings


def pair_result(final: Report, budget: Report) -> Any:
    """The comparison as a check result (code PAIR001) to add to the 决算's audit."""
    from pathlib import Path

    from auditor.checks.base import CheckResult, Outcome

    final_facts, budget_facts_ = budget_facts(final), budget_facts(budget)
    count = comparable(final_facts, budget_facts_)
    name = "pairing.initial_budget_matches_budget"
    if not count:
        return CheckResult(PAIR_CODE, name, "cross_document", Outcome.INSUFFICIENT_DATA, [], 0,
                           "两份文件没有可对照的预算数（三公经费预算、按项列示的年初预算）")
    budget_name = " + ".join(f.name for f in budget.meta.files) or Path(budget.meta.source).name
    gaps = compare_facts(final_facts, budget_facts_)
    findings = pair_findings(gaps, "", budget_name)
    for n, gap in enumerate(gaps):
        # a budget of several files (说明 + 公开表): the file the figure is in, and its page there
        source = budget.meta.file_of(gap["budget_page"]) if len(budget.meta.files) > 1 else None
        if source is not None:
            first, other = findings[n].locations[:2]
            other = replace(other, file=source.name, file_page=source.local_page(gap["budget_page"]))
            findings[n] = replace(findings[n], locations=(first, other))
    return CheckResult(PAIR_CODE, name, "cross_document", Outcome.FAIL if findings else Outcome.PASS, findings, count)
