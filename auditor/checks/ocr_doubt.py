"""Misread digits are not findings: an error that rests on a cell OCR was not sure of becomes
a warning "可能为识别误差", and when changing one unsure digit of one such cell makes the
failed identity hold, the message says which digit (not a check itself; ``run_check`` calls
``soften`` on every check's findings).
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from auditor.findings import Finding, Severity
from auditor.model import Cell, Report

LOW_CONFIDENCE = 0.90  # the same threshold as auditor.ingest.ocr.LOW_CONFIDENCE
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _doubtful_cells(report: Report) -> dict[tuple[int | None, tuple[float, float, float, float]], Cell]:
    cells = {}
    for table in report.tables:
        for row in table.rows:
            for cell in row.cells.values():
                conf = getattr(cell, "confidence", None)
                if conf is not None and conf < LOW_CONFIDENCE and cell.location.bbox is not None:
                    cells[(cell.location.page, cell.location.bbox)] = cell
    return cells


def soften(report: Report, findings: list[Finding]) -> list[Finding]:
    if not getattr(report.meta, "ocr_pages", None) or not any(f.severity is Severity.ERROR for f in findings):
        return findings
    doubtful = _doubtful_cells(report)
    if not doubtful:
        return findings
    result = []
    for finding in findings:
        cells = [doubtful[(e.page, e.bbox)] for e in finding.locations
                 if finding.severity is Severity.ERROR and e.bbox is not None and (e.page, e.bbox) in doubtful]
        if not cells:
            result.append(finding)
            continue
        unsure = "、".join(f"“{c.raw}”（识别把握 {c.confidence:.2f}）" for c in cells)
        message = f"可能为识别误差：{finding.message}所涉单元格中 {unsure} 为扫描件 OCR 结果且把握较低，请对照原件核实。"
        repair = _repair(finding, cells)
        if repair:
            message += repair
        result.append(replace(finding, severity=Severity.WARNING, title=f"{finding.title}（可能为识别误差）",
                              message=message))
    return result


def _first_number(text: str) -> Decimal | None:
    match = _NUMBER.search(text or "")
    if not match:
        return None
    try:
        return Decimal(match.group(0).replace(",", ""))
    except InvalidOperation:
        return None


def _repair(finding: Finding, cells: list[Cell]) -> str:
    """One unsure digit of one cell whose change by the gap makes the identity hold."""
    observed, expected = _first_number(finding.observed), _first_number(finding.expected)
    if observed is None or expected is None or observed == expected:
        return ""
    gap = abs(observed - expected)
    for cell in cells:
        fix = one_digit_fix(cell, gap)
        if fix:
            position, old, new, conf = fix
            return (f"若“{cell.raw}”的第 {position} 位数字“{old}”实为“{new}”（该位识别把握 {conf:.2f}），"
                    f"差额 {gap} 正好消除。")
    return ""


def one_digit_fix(cell: Cell, gap: Decimal) -> tuple[int, str, str, float] | None:
    """(1-based digit position, printed digit, the digit(s) that close the gap, its confidence) for
    the least sure digit whose change by ±gap (in the cell's printed unit) closes the gap."""
    if cell.amount is None or not cell.digit_confidence:
        return None
    raw = cell.raw.replace(",", "").replace("，", "").strip()
    digits = [ch for ch in raw if ch.isdigit()]
    if len(digits) != len(cell.digit_confidence):
        return None
    try:
        printed = Decimal(raw.lstrip("-"))
    except InvalidOperation:
        return None
    if printed == 0 or cell.amount.value == 0:
        return None
    ratio = abs(cell.amount.value) / printed  # 万元 per printed unit
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    best = None
    for index, digit in enumerate(digits):
        place = Decimal(10) ** (len(digits) - decimals - 1 - index) * ratio
        steps = gap / place
        if steps != steps.to_integral_value() or not 1 <= steps <= 9:
            continue
        options = [str(n) for n in (int(digit) + int(steps), int(digit) - int(steps)) if 0 <= n <= 9]
        conf = cell.digit_confidence[index]
        if options and conf < LOW_CONFIDENCE and (best is None or conf < best[3]):
            best = (index + 1, digit, "”或“".join(options), conf)
    return best
