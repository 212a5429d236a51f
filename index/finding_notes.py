"""Findings travel with figures: an answer that states a figure the audit flagged says so,
in plain Chinese (what is wrong, what it should be, the check's code, where), and an answer
about whether a figure is right says "未发现问题" only for checks that covered it and passed,
naming them, and says which covering checks did not run.

The ties between findings and figures are made in index/facts.py (``tie_findings``); the
words (check names, which checks cover which kind of figure) are in finding_notes.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from index.facts import Fact, FactBase
from index.text import compact

DATA = Path(__file__).with_name("finding_notes.yaml")
OUTCOME_ZH = {"pass": "通过", "fail": "未通过", "not_applicable": "不适用", "insufficient_data": "数据不足",
              "parse_error": "运行出错"}
MAX_NOTES = 3


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def check_name(code: str) -> str:
    name = _data()["check_names"].get(code)
    return f"{name}（{code}）" if name else code


def _shown(finding: Fact) -> bool:
    return finding.extra.get("severity") in _data()["severities"]


FIGURES = ("cell", "row", "table", "claim", "derived")


def findings_of(base: FactBase, facts: list[Fact], text: str | None = None) -> list[Fact]:
    """The findings (error / warning) tied to any of these facts, in the audit's order. A
    sentence quoted for its words (a reason) brings its findings only when the answer's
    text holds the figure the finding is about."""
    ids: list[str] = []
    said = compact(text or "")
    for fact in facts:
        if fact.kind == "finding":
            continue
        if fact.kind not in FIGURES and text is not None:
            for fid in fact.extra.get("findings", "").split(","):
                finding = base.get(fid) if fid else None
                observed = compact(finding.extra.get("observed", "")) if finding is not None else ""
                if finding is not None and observed and re.search(r"\d", observed) and observed in said and fid not in ids:
                    ids.append(fid)
            continue
        table = base.get(fact.table) if fact.kind == "cell" and fact.table else None  # "T7 is empty, not said so"
        for fid in [*fact.extra.get("findings", "").split(","), *(table.extra.get("findings", "").split(",") if table else [])]:
            if fid and fid not in ids:
                ids.append(fid)
    found = [f for f in (base.get(i) for i in ids) if f is not None and _shown(f)]
    rank = {"error": 0, "warning": 1}
    return sorted(found, key=lambda f: rank.get(f.extra.get("severity", ""), 2))


def describe(finding: Fact) -> str:
    """One finding in a sentence a reader understands: what is wrong, what it should be,
    which check found it, where."""
    x = finding.extra
    if x.get("suspect_evidence"):  # never repeat figures from text that addresses an answerer
        return (f"审核{('发现错误' if x.get('severity') == 'error' else '提示')}：{x.get('title') or finding.subject}"
                f"（检查 {x.get('code', '')}；所涉文字疑似针对问答程序的指令，不予引用）")
    message = x.get("message") or finding.text
    expected = (x.get("expected") or "").strip()
    tail = ""
    if expected and compact(expected) not in compact(message) and re.match(r"-?\d", expected):
        tail = f"应为{expected}。"
    where = finding.citation.where()
    return (f"审核{('发现错误' if x.get('severity') == 'error' else '提示')}：{x.get('title') or finding.subject}——"
            f"{message.rstrip('。')}。{tail}（检查 {x.get('code', '')}" + (f"；{where}" if where else "") + "）")


NOTE_LEAD = "注意，此数字涉及审核发现的问题"


def note(base: FactBase, facts: list[Fact], text: str, skip: set[str] | None = None) -> tuple[str, list[Fact]]:
    """The sentence an answer gets when a figure it states is flagged, and those findings."""
    skip = skip or set()
    findings = [f for f in findings_of(base, facts, text) if f.id not in skip and f.extra.get("code") not in skip]
    if not findings:
        return "", []
    shown = findings[:MAX_NOTES]
    more = f"另有{len(findings) - len(shown)}处相关问题见问题清单。" if len(findings) > len(shown) else ""
    return NOTE_LEAD + "。" + "".join(describe(f) for f in shown) + more, shown


@dataclass
class Coverage:
    ran: list[str]  # covering checks that ran (and did not flag these figures)
    not_run: list[str]  # "name（outcome）"

    def statement(self, subject: str) -> str:
        """'未发现问题' only with the checks that ran; what did not run is said too."""
        parts = []
        if self.ran:
            parts.append(f"未发现与“{subject}”相关的问题：覆盖它的检查{'、'.join(self.ran)}已运行，未对它报告问题。")
        else:
            parts.append(f"没有覆盖“{subject}”的检查得以运行，因此不能说它没有问题。")
        if self.not_run:
            parts.append(f"未能核对：{'、'.join(self.not_run)}。")
        return "".join(parts)


def covering_checks(base: FactBase, facts: list[Fact]) -> list[str]:
    """Codes of the checks that look at these figures: by table for cells, by kind for claims."""
    from auditor.checks.base import select_checks

    codes: list[str] = []
    tables = {f.table for f in facts if f.kind in ("cell", "row", "table") and f.table}
    if tables:
        for check in select_checks():
            if any(t.value in tables for t in check.tables):
                codes.append(check.code)
        if any(f.table in ("T1", "T2", "T3", "T4", "T5", "T6", "T7") for f in facts):
            codes += ["NAR001", "STR006"]
    for fact in facts:
        if fact.kind == "claim":
            codes += _data()["claim_checks"].get(fact.extra.get("kind", ""), [])
    return list(dict.fromkeys(codes))


def coverage(base: FactBase, facts: list[Fact]) -> Coverage:
    ran, not_run = [], []
    for code in covering_checks(base, facts):
        outcome = base.checks.get(code)
        if outcome is None:
            continue
        if outcome in ("pass", "fail"):  # a check that failed elsewhere ran over these figures too
            ran.append(check_name(code))
        else:
            not_run.append(f"{check_name(code)}（{OUTCOME_ZH.get(outcome, outcome)}）")
    if not base.checks:
        not_run.append("本报告未经审核检查")
    return Coverage(ran, not_run)
