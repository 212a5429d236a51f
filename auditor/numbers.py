"""Numbers as printed in reports: '2,940.05', '251. 21', '-', '—', '', '0.00', '85.32%'.

Values are converted to 万元; the printed precision is tracked so that rounding
tolerances follow what was printed (an amount printed in 元 with 2 decimals is precise to
0.000001 万元).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from auditor.model import Amount

# Marks that mean "nothing here" in a number cell.
EMPTY_MARKS = frozenset({"", "-", "—", "--", "——", "－", "/", "—-", "–", "…", "0-"})

_NUMBER_RE = re.compile(r"^[-−–]?\(?\d[\d,，]*(?:\.\d+)?\)?%?$")
_SPACES_RE = re.compile(r"[\s\u00a0\u3000]+")

UNIT_FACTORS: dict[str, Decimal] = {
    "万元": Decimal(1),
    "元": Decimal("0.0001"),
    "亿元": Decimal(10000),
    "千元": Decimal("0.1"),
}
_UNIT_EXPONENT = {"万元": 0, "元": 4, "亿元": -4, "千元": 1}


def clean_number_text(raw: str) -> str:
    """Drop spaces inside a number ('251. 21' -> '251.21') and normalise full-width marks."""
    text = _SPACES_RE.sub("", raw)
    return (
        text.replace("，", ",")
        .replace("．", ".")
        .replace("％", "%")
        .replace("−", "-")
        .replace("－", "-")
    )


def is_empty_mark(raw: str) -> bool:
    return clean_number_text(raw) in EMPTY_MARKS


def looks_numeric(raw: str) -> bool:
    text = clean_number_text(raw)
    return bool(text) and bool(_NUMBER_RE.match(text))


def parse_amount(raw: str, unit: str = "万元") -> Amount | None:
    """Parse a printed amount and convert it to 万元. Blank / dash marks give None.

    Raises ValueError for text that is neither a number nor an empty mark.
    """
    text = clean_number_text(raw)
    if text in EMPTY_MARKS:
        return None
    if not _NUMBER_RE.match(text):
        raise ValueError(f"不是数字：{raw!r}")
    negative = text.startswith(("-", "–")) or (text.startswith("(") and text.endswith(")"))
    is_percent = text.endswith("%")
    digits = text.strip("-–()%").replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise ValueError(f"不是数字：{raw!r}") from exc
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    if negative:
        value = -value
    if is_percent:
        return Amount(value=value, raw=raw, decimals=decimals, is_percent=True)
    factor = UNIT_FACTORS.get(unit, Decimal(1))
    if factor != 1:
        value = value * factor
        decimals = decimals + _UNIT_EXPONENT.get(unit, 0)
    return Amount(value=value, raw=raw, decimals=max(decimals, 0))


def try_parse_amount(raw: str, unit: str = "万元") -> Amount | None:
    """parse_amount that gives None for text that is not a number."""
    try:
        return parse_amount(raw, unit)
    except ValueError:
        return None


_UNIT_LINE_RE = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|亿元|千元|元)")


def find_unit(text: str) -> str | None:
    """The unit named by a '单位：万元' line, or None."""
    match = _UNIT_LINE_RE.search(text.replace(" ", ""))
    return match.group(1) if match else None


def fmt(value: Decimal | None, places: int = 2) -> str:
    """Format an amount for a message: '1,234.56'."""
    if value is None:
        return "空"
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum):,}"
