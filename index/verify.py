"""The verifier every LLM answer goes through before a user sees it: each figure in it must
be a fact's value *of the same kind and unit* or a computation the deterministic answerer
recorded, and each cited fact id must exist (and not be report text shaped like an
instruction).

A figure is read with its unit and compared by kind:

- amounts (元 / 千元 / 万元 / 亿元) are converted to 万元 and compared with amount facts in 万元:
  "251.21亿元" is not 251.21万元, "2,512,100元" is;
- percentages (% / ％ / 个百分点) only match percentages;
- counts (个 / 辆 / 人 / 次 / 家 / 项 …) only match counts;
- a bare figure (no unit) must be printed somewhere in the facts or computations as is.

Full-width digits, spaces or zero-width characters between digits and thousands separators
are normalised first, so "７７７ ７７７万元" is read as 777777万元.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from index.facts import FactBase

_ID = re.compile(r"【([^】]{1,80})】|\[([A-Za-z][\w.:/\u4e00-\u9fff]{1,80})\]")
_COUNT_UNITS = "人次|批次|个|辆|人|次|家|项|名|批|台|套|件|处|所|座|条|户|艘|架|部"
_NUMBER = re.compile(
    r"(?<![\dA-Za-z.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\s*"
    rf"(亿元|千万元|百万元|万元|千元|元|个百分点|%|‰|{_COUNT_UNITS})?"
)
_SKIP_AFTER = re.compile(r"^\s*(?:年|月|日|号|页|部分|、|类|款|级|岁|时|分|秒|倍|周|季度)")
_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")
_DIGIT_GAPS = re.compile(r"(?<=\d)[ \t\u3000\u00a0]+(?=\d)")

WAN = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "百万元": Decimal(100),
       "千万元": Decimal(1000), "亿元": Decimal(10000)}
AMOUNT = "amount"
PERCENT = "percent"
COUNT = "count"
BARE = "bare"


def kind_of(unit: str) -> str:
    if unit in WAN:
        return AMOUNT
    if unit in ("%", "％", "个百分点", "‰"):
        return PERCENT
    if unit and re.fullmatch(_COUNT_UNITS, unit):
        return COUNT
    return BARE


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
              "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_SMALL) + "万亿"
# a number in Chinese characters followed by a money unit ("七十七万七千七百七十七万元"; the lazy
# numeral leaves the unit's 万 to the unit), or a percentage ("百分之八十五点三二")
_CN_AMOUNT = re.compile(rf"([{_CN_CHARS}]+?(?:点[{''.join(_CN_DIGITS)}]+)?)(?=亿元|万元|元)")
_CN_COUNT = re.compile(rf"([{_CN_CHARS}]{{2,}}?)(?=(?:{_COUNT_UNITS}))")
_CN_PERCENT = re.compile(rf"百分之([{_CN_CHARS}]+(?:点[{''.join(_CN_DIGITS)}]+)?)")


def chinese_number(text: str) -> Decimal | None:
    """"七十七万七千七百七十七" → 777777, "二百五十一点二一" → 251.21; None when not a number."""
    whole, _, fraction = text.partition("点")
    total = section = number = 0
    for ch in whole:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (number or 1) * _CN_SMALL[ch]
            number = 0
        elif ch == "万":
            section = (section + number) * 10_000
            total, section, number = total + section, 0, 0
        elif ch == "亿":
            total = (total + section + number) * 100_000_000
            section = number = 0
        else:
            return None
    value = total + section + number
    if not whole and not fraction:
        return None
    digits = "".join(str(_CN_DIGITS[ch]) for ch in fraction if ch in _CN_DIGITS)
    return Decimal(f"{value}.{digits}") if digits else Decimal(value)


def _arabic(match: re.Match[str], suffix: str = "") -> str:
    numeral = match.group(1)
    rest = match.string[match.end():]
    if len(numeral) < 2 and not suffix and not rest.startswith(("万元", "亿元")):
        return match.group(0)  # a lone 一 / 十 before 元 or 个 is rarely a figure; leave it
    if not suffix and "亿" in numeral and "万" not in numeral.rsplit("亿", 1)[1] and rest.startswith("万元"):
        value = chinese_number(numeral + "万")  # 一亿二千万元: 120,000,000 元
        return match.group(0) if value is None else f"{value}元" + "\x00"
    value = chinese_number(numeral)
    return match.group(0) if value is None else f"{value}{suffix}"


def normalise_figures(text: str) -> str:
    """Full-width forms folded, zero-width characters and spaces between digits removed,
    numbers written in Chinese characters before a money unit or as 百分之… turned into digits."""
    folded = _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", text))
    folded = _CN_PERCENT.sub(lambda m: _arabic(m, "%"), folded)
    folded = _CN_AMOUNT.sub(_arabic, folded).replace("元\x00万元", "元")
    folded = _CN_COUNT.sub(_arabic, folded)
    return _DIGIT_GAPS.sub("", folded)


@dataclass
class Verification:
    ok: bool
    unverified: list[str] = field(default_factory=list)
    unknown_ids: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"ok": self.ok, "unverified": self.unverified, "unknown_ids": self.unknown_ids, "cited": self.cited}


@dataclass
class Allowed:
    """The figures a correct answer may state, by kind: amounts in 万元, percentages, counts,
    and bare figures as printed."""

    amounts: set[Decimal] = field(default_factory=set)
    percents: set[Decimal] = field(default_factory=set)
    counts: set[Decimal] = field(default_factory=set)
    bare: set[Decimal] = field(default_factory=set)
    contested: Allowed | None = None  # figures the report contradicts elsewhere

    def add(self, value: Decimal, unit: str) -> None:
        kind = kind_of(unit)
        value = value.normalize()
        self.bare.add(value)
        if kind == AMOUNT:
            self.amounts.add((value * WAN[unit]).normalize())
        elif kind == PERCENT:
            self.percents.add(value)
        elif kind == COUNT:
            self.counts.add(value)

    def admits(self, value: Decimal, unit: str) -> bool:
        kind = kind_of(unit)
        value = value.normalize()
        if kind == AMOUNT:
            wan = (value * WAN[unit]).normalize()
            return wan in self.amounts or any(_rounds_to(a, value, unit) for a in self.amounts)
        if kind == PERCENT:
            return value in self.percents
        if kind == COUNT:
            return value in self.counts
        return value in self.bare

    def __contains__(self, value: object) -> bool:  # the old interface: any kind, as printed
        return isinstance(value, Decimal) and value.normalize() in self.bare


def _rounds_to(wan: Decimal, value: Decimal, unit: str) -> bool:
    """A fact in 万元 stated rounded in the answer's unit ("约2.51亿元" for 25121.00万元): only
    with at least two decimals kept, never to a whole number."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int) or exponent > -2:
        return False
    stated = wan / WAN[unit]
    return stated.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP) == value


def allowed_values(base: FactBase, extra: list[str] | None = None, ids: set[str] | None = None) -> Allowed:
    """Every figure a correct answer may state: the values of the facts it was given (all
    facts when ``ids`` is None) with their unit, the report year and the year before, and
    the figures of recorded computations with theirs (a bare figure in a computation is in
    万元, the tables' unit). Facts from text that addresses an assistant are never sources."""
    allowed = Allowed(contested=Allowed())
    for fact in base.facts:
        if fact.value is None or fact.extra.get("suspect") or (ids is not None and fact.id not in ids):
            continue
        if fact.extra.get("contested_by"):
            allowed.contested.add(fact.value, fact.unit or "")  # type: ignore[union-attr]
            continue
        allowed.add(fact.value, fact.unit or "")
    year = base.report.meta.year
    if year:
        allowed.bare.update({Decimal(year), Decimal(year - 1)})
    for text in extra or []:
        for match in _NUMBER.finditer(normalise_figures(text or "")):
            value, unit = _to_decimal(match), match.group(3) or ""
            if allowed.contested.admits(value, unit or "万元") and not allowed.admits(value, unit or "万元"):  # type: ignore[union-attr]
                continue  # the draft quotes a contested figure to say it is contested
            allowed.add(value, unit)
            if not unit:
                allowed.add(value, "万元")
    return allowed


_CONTRADICTION = re.compile(r"不一致|不相符|不符|矛盾|有误|差异|存疑|问题清单")


def _sentence_at(text: str, position: int) -> str:
    start = max(text.rfind(p, 0, position) for p in "。！？!?\n") + 1
    ends = [i for i in (text.find(p, position) for p in "。！？!?\n") if i >= 0]
    return text[start:min(ends) + 1 if ends else len(text)]


def _to_decimal(match: re.Match[str]) -> Decimal:
    whole = match.group(1).replace(",", "")
    frac = match.group(2)
    try:
        return Decimal(f"{whole}.{frac}" if frac else whole)
    except InvalidOperation:  # pragma: no cover - the pattern admits digits only
        return Decimal(0)


def verify(text: str, base: FactBase, computations: list[str] | None = None, ids: set[str] | None = None) -> Verification:
    """Check an answer: its figures, by kind and unit, against the facts it was given (``ids``;
    all facts when None) and the recorded computations; its cited ids against the facts."""
    text = normalise_figures(text)
    cited = [a or b for a, b in _ID.findall(text)]
    unknown = []
    for i in cited:
        fact = base.get(i.strip())
        if fact is None or fact.extra.get("suspect"):
            unknown.append(i)
    body = _ID.sub(" ", text)  # ids are not figures
    allowed = allowed_values(base, computations, ids)
    unverified = []
    for match in _NUMBER.finditer(body):
        unit = match.group(3) or ""
        digits = match.group(1).replace(",", "")
        if body[max(0, match.start() - 1):match.start()] == "第":
            continue  # 第8页, 第3项: ordinals
        if not unit and len(digits) == 4 and re.match(r"^\s*年", body[match.end():]):
            continue  # 2024年: a year
        if not unit and len(digits) <= 2 and _SKIP_AFTER.match(body[match.end():]):
            continue  # 第8页, 3月, 208类: dates, pages, ordinals
        if not unit and len(digits) <= 2 and not match.group(2):
            continue  # a small bare number (an ordinal, a list index)
        value = _to_decimal(match)
        if allowed.admits(value, unit):
            continue
        if allowed.contested is not None and allowed.contested.admits(value, unit) and \
                _CONTRADICTION.search(_sentence_at(body, match.start())):
            continue  # a contested figure stated as such ("…与表中数字不一致")
        unverified.append(match.group(0).strip())
    return Verification(ok=not unverified and not unknown, unverified=unverified, unknown_ids=unknown, cited=cited)
