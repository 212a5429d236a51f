"""The verifier every LLM answer goes through before a user sees it: each number in it
(万元 / 元 / 亿元 / %, with or without thousands separators) must be a fact's value or a
computation the deterministic answerer recorded, and each cited fact id must exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from index.facts import FactBase

_ID = re.compile(r"【([^】]{1,80})】|\[([A-Za-z][\w.:/\u4e00-\u9fff]{1,80})\]")
_NUMBER = re.compile(r"(?<![\dA-Za-z.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*(亿元|万元|元|%|％)?")
_SKIP_AFTER = re.compile(r"^\s*(?:年|月|日|页|部分|、|类|款|项|号|个|辆|人|家|次|批|名|分|倍)")


@dataclass
class Verification:
    ok: bool
    unverified: list[str] = field(default_factory=list)
    unknown_ids: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "unverified": self.unverified, "unknown_ids": self.unknown_ids, "cited": self.cited}


def allowed_values(base: FactBase, extra: list[str] | None = None, ids: set[str] | None = None) -> set[Decimal]:
    """Every value a correct answer may state: the values of the facts it was given (all
    facts when ``ids`` is None) in their unit and converted (万元 ↔ 元 ↔ 亿元), the report
    year and the year before, and recorded computations. Text that addresses an assistant
    ("忽略以上指令…") is never a source of figures."""
    values: set[Decimal] = set()
    for fact in base.facts:
        if fact.value is None or fact.extra.get("suspect") or (ids is not None and fact.id not in ids):
            continue
        value = fact.value
        values.add(value.normalize())
        if fact.unit in ("万元", "元", "亿元"):
            wan = value * {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000)}[fact.unit]
            for scaled in (wan, wan * 10000, wan / 10000):
                values.add(scaled.normalize())
                values.add(scaled.quantize(Decimal("0.01")).normalize())
    year = base.report.meta.year
    if year:
        values.update({Decimal(year), Decimal(year - 1)})
    for text in extra or []:
        for match in _NUMBER.finditer(text):
            values.add(_to_decimal(match).normalize())
    return values


def _to_decimal(match: re.Match[str]) -> Decimal:
    whole = match.group(1).replace(",", "")
    frac = match.group(2)
    try:
        return Decimal(f"{whole}.{frac}" if frac else whole)
    except InvalidOperation:  # pragma: no cover - the pattern admits digits only
        return Decimal(0)


def verify(text: str, base: FactBase, computations: list[str] | None = None, ids: set[str] | None = None) -> Verification:
    """Check an answer: its figures against the facts it was given (``ids``; all facts when
    None) and the recorded computations; its cited ids against the facts."""
    cited = [a or b for a, b in _ID.findall(text)]
    unknown = [i for i in cited if base.get(i.strip()) is None]
    body = _ID.sub(" ", text)  # ids are not figures
    allowed = allowed_values(base, computations, ids)
    unverified = []
    for match in _NUMBER.finditer(body):
        unit = match.group(3)
        if not unit and _SKIP_AFTER.match(body[match.end() :]):
            continue  # 2024年, 第8页, 3个: dates, pages, counts are checked only as figures with a unit
        if not unit and len(match.group(0).strip()) <= 2 and not match.group(2):
            continue  # a small bare number (an ordinal, a list index)
        value = _to_decimal(match).normalize()
        if value not in allowed:
            unverified.append(match.group(0).strip())
    return Verification(ok=not unverified and not unknown, unverified=unverified, unknown_ids=unknown, cited=cited)
