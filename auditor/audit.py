"""Run the checks over a report: one list of findings and a coverage summary."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from auditor.checks.base import CheckResult, Outcome, run_check, select_checks
from auditor.findings import Finding, Severity
from auditor.ingest.document import union_bbox
from auditor.model import STANDARD_KINDS, TABLE_NAMES_ZH, Report

SCHEMA_VERSION = "1.0"


@dataclass
class AuditResult:
    report: Report
    results: list[CheckResult] = field(default_factory=list)
    review: dict[str, dict[str, str]] = field(default_factory=dict)  # fingerprint -> a reviewer's mark

    @property
    def findings(self) -> list[Finding]:
        items = [f for r in self.results for f in r.findings]
        return sorted(items, key=lambda f: (f.severity.rank, _first_page(f), f.code))

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity.value for f in self.findings)
        return {s.value: counter.get(s.value, 0) for s in Severity}

    def report_health(self):  # type: ignore[no-untyped-def]
        """The reading health of the audited report (see ``auditor/health.py``)."""
        return reading_health(self.report)

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)

    def coverage(self) -> dict[str, Any]:
        outcomes = Counter(r.outcome.value for r in self.results)
        ran = sum(outcomes.get(o.value, 0) for o in (Outcome.PASS, Outcome.FAIL))
        return {
            "checks_total": len(self.results),
            "checks_run": ran,
            "outcomes": {o.value: outcomes.get(o.value, 0) for o in Outcome},
            "comparisons": sum(r.comparisons for r in self.results),
            "tables_found": sorted(self.report.recognition.found),
            "tables_missing": {k: v for k, v in self.report.recognition.missed.items()},
            "claims": claims_coverage(self.report),
            "checks": [r.to_dict() for r in self.results],
        }


from auditor.health import TIEABLE, reading_health  # noqa: E402


def claims_coverage(report: Report) -> dict[str, Any]:
    """How many narrative claims were read, how many were tied to a table cell, and why the
    others were not (a claim that cannot be tied is reported, not silently skipped)."""
    kinds = Counter(c.kind for c in report.claims)
    tieable = [c for c in report.claims if c.kind in TIEABLE]
    not_tied = [c for c in tieable if c.target is None]
    return {
        "sentences": len(report.sentences),
        "claims": len(report.claims),
        "by_kind": dict(sorted(kinds.items())),
        "tieable": len(tieable),
        "tied": len(tieable) - len(not_tied),
        "not_tied": [
            {
                "page": c.sentence.location.page,
                "line": c.sentence.location.line,
                "kind": c.kind,
                "subject": c.subject,
                "raw": c.raw,
                "reason": c.unresolved,
            }
            for c in not_tied
        ],
    }


def _first_page(finding: Finding) -> int:
    for loc in finding.locations:
        if loc.page is not None:
            return loc.page
        if loc.line is not None:
            return loc.line
    return 0


# Checks whose rule holds for any report, 决算 or 预算 (the others are written for the nine
# 决算 tables and their narrative; budget rules are separate checks).
ANY_DOCUMENT = ("READ001", "TPL001", "STR004")


def audit_report(report: Report, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> AuditResult:
    checks = select_checks(select, ignore)
    results = []
    budget = report.meta.document_type == "budget"
    for check in checks:
        for_budget = check.code.startswith("BUD")
        if check.code not in ANY_DOCUMENT and for_budget != budget:
            target = "预算" if for_budget else "决算"
            results.append(CheckResult(check.code, check.name, check.category, Outcome.NOT_APPLICABLE, [], 0,
                                       f"本报告为{report.meta.document_name}，该检查针对{target}，不适用"))
            continue
        results.append(run_check(check, report))
    if report.char_boxes:
        for result in results:
            result.findings = [narrow_boxes(f, report) for f in result.findings]
    if len(report.meta.files) > 1:
        for result in results:
            result.findings = [name_files(f, report) for f in result.findings]
    return AuditResult(report=report, results=results)


_FIGURE = re.compile(r"-?\d[\d,，]*(?:\.\d+)?\s*(?:%|％|万元|亿元|元|个|人|辆)?")


def narrow_boxes(finding: Finding, report: Report) -> Finding:
    """Evidence that quotes a sentence of a PDF paragraph is boxed on that sentence, and on the
    figure the finding is about (its observed value) when the sentence prints it: a reviewer sees
    the very words, not the whole paragraph."""
    changed = []
    for e in finding.locations:
        entry = report.char_boxes.get((e.page, e.bbox)) if e.bbox is not None and e.quote else None
        if entry is None:
            changed.append(e)
            continue
        text, boxes = entry
        start = text.find(e.quote or "")
        if start < 0:
            changed.append(e)
            continue
        end = start + len(e.quote or "")
        for figure in _FIGURE.findall(finding.observed or ""):
            figure = figure.strip()
            at = text.find(figure, start, end) if len(figure) >= 2 else -1
            if at >= 0:
                start, end = at, at + len(figure)
                break
        box = union_bbox([b for b in boxes[start:end] if b is not None])
        changed.append(replace(e, bbox=box) if box is not None else e)
    return replace(finding, locations=tuple(changed))


def name_files(finding: Finding, report: Report) -> Finding:
    """A report read from several files: each location names its file and the page there."""
    located = []
    for e in finding.locations:
        source = report.meta.file_of(e.page)
        if source is not None:
            e = replace(e, file=source.name, file_page=source.local_page(e.page) if e.page is not None else None)
        located.append(e)
    return replace(finding, locations=tuple(located))


def audit_file(path: Path | str, select: Iterable[str] = (), ignore: Iterable[str] = (), max_pages: int | None = None) -> AuditResult:
    from auditor.ingest import load_report

    return audit_report(load_report(path, max_pages=max_pages), select, ignore)


def report_summary(report: Report) -> dict[str, Any]:
    meta = report.meta
    return {
        "department": meta.department,
        "year": meta.year,
        "document_type": meta.document_type,
        "scope": meta.scope,
        "unit": meta.unit,
        "source": meta.source,
        "source_kind": meta.source_kind,
        "page_count": meta.page_count,
        "sha256": meta.sha256,
        "files": [{"name": f.name, "kind": f.kind, "first_page": f.first_page, "pages": f.pages, "sha256": f.sha256}
                  for f in meta.files],
        "tables": [
            {
                "kind": t.kind.value,
                "name": TABLE_NAMES_ZH[t.kind],
                "title": t.title,
                "label": t.label,
                "unit": t.unit,
                "pages": t.pages,
                "rows": len(t.rows),
                "empty": t.is_empty,
                "no_data_statement": t.no_data_statement,
                "warnings": t.warnings,
            }
            for t in report.tables
            if t.kind in STANDARD_KINDS
        ],
        "reading": reading_health(report).to_dict(),
        "ocr_pages": list(meta.ocr_pages),
        "page_notes": {str(page): note for page, note in sorted(meta.page_notes.items())},
        "recognition": {
            "found": report.recognition.found,
            "missed": report.recognition.missed,
            "unrecognised": report.recognition.unrecognised,
        },
    }


def to_json_dict(result: AuditResult) -> dict[str, Any]:
    """The pinned JSON contract (``schema_version`` 1.0)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "report": report_summary(result.report),
        "coverage": result.coverage(),
        "summary": result.counts(),
        "findings": [_finding_dict(f, result.review) for f in result.findings],
    }


def _finding_dict(finding: Finding, review: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A finding as JSON; with the reviewer's mark when the report has been reviewed."""
    data = finding.to_dict()
    if review:
        data["review"] = review.get(finding.fingerprint)
    return data
