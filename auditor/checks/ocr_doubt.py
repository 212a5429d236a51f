"""Misread digits are not findings: an error that rests on a cell OCR was not sure of, or on a
figure of a sentence OCR read with an unsure digit, becomes a warning "可能为识别误差", and when
changing one unsure digit of one such cell or figure makes the failed identity hold, the message
says which digit (not a check itself; ``run_check`` calls
``soften`` on every check's findings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from auditor.findings import Finding, Severity
from auditor.model import Amount, Cell, Claim, Report

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


def _doubtful_claims(report: Report) -> dict[tuple[int | None, tuple[float, float, float, float] | None, str], list[Claim]]:
    """Narrative figures with a digit OCR was not sure of, by the sentence they stand in."""
    claims: dict[tuple[int | None, tuple[float, float, float, float] | None, str], list[Claim]] = {}
    for claim in report.claims:
        digits = claim.digit_confidence
        if digits and min(digits) < LOW_CONFIDENCE and claim.value is not None:
            where = claim.sentence.location
            claims.setdefault((where.page, where.bbox, claim.sentence.text), []).append(claim)
    return claims


def _figures_of(finding: Finding, doubtful: dict[tuple[int | None, tuple[float, float, float, float] | None, str],
                                                  list[Claim]]) -> list[Claim]:
    """The unsure narrative figures of the sentences a finding quotes that the finding prints."""
    said = " ".join((finding.observed or "", finding.expected or "", finding.message or ""))
    found: list[Claim] = []
    for e in finding.locations:
        for claim in doubtful.get((e.page, e.bbox, e.quote or ""), []):
            number = _NUMBER.search(claim.raw)
            if number and claim not in found and re.search(rf"(?<![\d.]){re.escape(number.group(0))}(?!\d|\.\d)", said):
                found.append(claim)
    return found


def soften(report: Report, findings: list[Finding]) -> list[Finding]:
    if not getattr(report.meta, "ocr_pages", None) or not any(f.severity is Severity.ERROR for f in findings):
        return findings
    doubtful = _doubtful_cells(report)
    figures = _doubtful_claims(report)
    if not doubtful and not figures:
        return findings
    result = []
    for finding in findings:
        if finding.severity is not Severity.ERROR:
            result.append(finding)
            continue
        cells = [doubtful[(e.page, e.bbox)] for e in finding.locations
                 if e.bbox is not None and (e.page, e.bbox) in doubtful]
        claims = _figures_of(finding, figures)
        if not cells and not claims:
            result.append(finding)
            continue
        where = []
        if cells:
            where.append("单元格中 " + "、".join(f"“{c.raw}”（识别把握 {c.confidence:.2f}）" for c in cells))
        if claims:
            where.append("正文数字中 " + "、".join(f"“{c.raw}”（识别把握 {min(c.digit_confidence or (1.0,)):.2f}）"
                                                  for c in claims))
        message = f"可能为识别误差：{finding.message}所涉{'，'.join(where)} 为扫描件 OCR 结果且把握较低，请对照原件核实。"
        repair = _repair(finding, [_Printed(c.raw, c.amount, c.digit_confidence) for c in cells]
                         + [_Printed.of_claim(c) for c in claims])
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


@dataclass(frozen=True)
class _Printed:
    """A figure as OCR read it: a cell's or a narrative claim's printed text, its value (a cell's
    amount, a claim's value in 万元 or its own unit) and each digit's confidence."""

    raw: str
    value: Amount | Decimal | None
    digit_confidence: tuple[float, ...] | None
    number: str = ""  # the printed number alone (a claim's raw has its unit); default: raw

    @classmethod
    def of_claim(cls, claim: Claim) -> _Printed:
        number = _NUMBER.search(claim.raw.replace("，", ","))
        value = claim.amount_wan if claim.amount_wan is not None else claim.value
        return cls(claim.raw, value, claim.digit_confidence, number.group(0) if number else "")


def _repair(finding: Finding, printed: list[_Printed]) -> str:
    """One unsure digit of one cell or figure whose change by the gap makes the identity hold."""
    observed, expected = _first_number(finding.observed), _first_number(finding.expected)
    if observed is None or expected is None or observed == expected:
        return ""
    gap = abs(observed - expected)
    for item in printed:
        fix = _digit_fix(item, gap)
        if fix:
            position, old, new, conf = fix
            return (f"若“{item.raw}”的第 {position} 位数字“{old}”实为“{new}”（该位识别把握 {conf:.2f}），"
                    f"差额 {gap} 正好消除。")
    return ""


def one_digit_fix(cell: Cell, gap: Decimal) -> tuple[int, str, str, float] | None:
    """(1-based digit position, printed digit, the digit(s) that close the gap, its confidence) for
    the least sure digit whose change by ±gap (in the cell's printed unit) closes the gap."""
    return _digit_fix(_Printed(cell.raw, cell.amount, cell.digit_confidence), gap)


def _digit_fix(item: _Printed, gap: Decimal) -> tuple[int, str, str, float] | None:
    value = item.value.value if isinstance(item.value, Amount) else item.value
    if value is None or not item.digit_confidence:
        return None
    raw = (item.number or item.raw).replace(",", "").replace("，", "").strip()
    digits = [ch for ch in raw if ch.isdigit()]
    if len(digits) != len(item.digit_confidence):
        return None
    try:
        printed = Decimal(raw.lstrip("-"))
    except InvalidOperation:
        return None
    if printed == 0 or value == 0:
        return None
    ratio = abs(value) / printed  # 万元 per printed unit
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    best = None
    for index, digit in enumerate(digits):
        place = Decimal(10) ** (len(digits) - decimals - 1 - index) * ratio
        steps = gap / place
        if steps != steps.to_integral_value() or not 1 <= steps <= 9:
            continue
        options = [str(n) for n in (int(digit) + int(steps), int(digit) - int(steps)) if 0 <= n <= 9]
        conf = item.digit_confidence[index]
        if options and conf < LOW_CONFIDENCE and (best is None or conf < best[3]):
            best = (index + 1, digit, "”或“".join(options), conf)
    return best
