"""Shared helpers for the narrative checks (not a check)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from auditor.findings import Evidence, Severity
from auditor.model import TABLE_NAMES_ZH, CellRef, Claim, Report

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def sentence_evidence(claim: Claim) -> Evidence:
    s = claim.sentence
    return Evidence(page=s.location.page, line=s.location.line, quote=s.text, bbox=s.location.bbox)


def cell_ref_evidence(ref: CellRef) -> Evidence:
    row = f"{ref.row_code} {ref.row_label}".strip() or None
    return Evidence(
        page=ref.location.page,
        line=ref.location.line,
        table=ref.table.value,
        row=row,
        column=ref.column_name or ref.column,
        quote=ref.amount.raw if ref.amount is not None else "（空）",
        bbox=ref.location.bbox,
    )


def describe(ref: CellRef) -> str:
    row = ref.row_label or ref.row_code or "数据行"
    return f"{ref.table.value}{TABLE_NAMES_ZH[ref.table]}“{row}”"


def half(decimals: int, unit: str = "万元") -> Decimal:
    """Half a unit of the last printed digit, in the claim's own unit."""
    return Decimal(5).scaleb(-(decimals + 1))


def text_half_wan(claim: Claim) -> Decimal:
    """The rounding radius of a printed text amount, in 万元 (a whole number like '25万元'
    is taken as rounded to 0.01, as the tables are)."""
    factor = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000), "千元": Decimal("0.1")}
    decimals = (claim.decimals or 2) if claim.unit == "万元" else claim.decimals
    return half(decimals) * factor.get(claim.unit, Decimal(1))


def table_half(ref: CellRef) -> Decimal:
    if ref.amount is None:
        return ZERO
    return Decimal(5).scaleb(-(max(ref.amount.decimals, 2) + 1))


def table_value(ref: CellRef | None) -> Decimal | None:
    if ref is None:
        return None
    return ref.amount.value if ref.amount is not None else ZERO


def ratio_interval(num: Decimal, num_err: Decimal, den: Decimal, den_err: Decimal) -> tuple[Decimal, Decimal] | None:
    """The range of (num ± num_err) / (den ± den_err) × 100, or None when the denominator's
    interval contains zero (the ratio is undefined)."""
    lo_d, hi_d = den - den_err, den + den_err
    if lo_d <= 0 <= hi_d:
        return None
    corners = [(num + a) / (den + b) * HUNDRED for a in (-num_err, num_err) for b in (-den_err, den_err)]
    return min(corners), max(corners)


def printed_interval(claim: Claim) -> tuple[Decimal, Decimal]:
    assert claim.value is not None
    h = half(claim.decimals)
    return claim.value - h, claim.value + h


def overlaps(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def same_sentence(report: Report, claim: Claim, kinds: Iterable[str]) -> list[Claim]:
    wanted = set(kinds)
    return [c for c in report.claims if c.sentence is claim.sentence and c.kind in wanted]


def same_item(report: Report, claim: Claim, kinds: Iterable[str]) -> list[Claim]:
    """Claims of these kinds in the same sentence, else in the same numbered item (the
    sentences of one "1、…（项）" paragraph), nearest first."""
    found = same_sentence(report, claim, kinds)
    if found or not claim.sentence.item:
        return found
    wanted = set(kinds)
    index = claim.sentence.index
    nearby = [
        c
        for c in report.claims
        if c.kind in wanted
        and c.sentence.item == claim.sentence.item
        and abs(c.sentence.index - index) <= 3
        and c.sentence.section_title == claim.sentence.section_title
    ]
    return sorted(nearby, key=lambda c: abs(c.sentence.index - index))


def rate_slip_severity(claim: Claim, interval: tuple[Decimal, Decimal]) -> tuple[Severity, str]:
    """A printed rate outside its recomputed range: within one unit of the last printed digit
    it is a last-digit slip (truncated instead of rounded: a warning); beyond, an error."""
    assert claim.value is not None
    unit = Decimal(1).scaleb(-claim.decimals)
    if interval[0] - unit <= claim.value <= interval[1] + unit:
        return Severity.WARNING, "（末位相差1，疑为截尾而非四舍五入）"
    return Severity.ERROR, ""


def subject_key(subject: str) -> str:
    """A subject without the words that vary around it: '公务接待费支出决算' ~ '公务接待费'."""
    import re

    key = subject.replace(" ", "")
    key = re.sub(r"(支出)?(决算数?|预算数?)?$", "", key)
    return re.sub(r"支出$", "", key)


def same_subject(a: str, b: str) -> bool:
    ka, kb = subject_key(a), subject_key(b)
    return bool(ka) and bool(kb) and (ka == kb or ka.endswith(kb) or kb.endswith(ka))


def fmt_pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}%"
