"""The report's outline: numbering sequences of headings and the 目录 matched to them.

Shared by the numbering and 目录 checks so that one slip gives one finding: a heading
numbered "五" where "六" belongs is a single duplicate, not a duplicate plus a gap plus a
目录 mismatch.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from auditor.codes import compact
from auditor.ingest.recognize import kind_from_title
from auditor.model import Report, Section, TocEntry, numeral_value

_CN_NUMERALS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """3 -> '三', 15 -> '十五', 20 -> '二十'."""
    if n < 10:
        return _CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    prefix = "" if tens == 1 else _CN_NUMERALS[tens]
    return prefix + "十" + (_CN_NUMERALS[ones] if ones else "")


def format_number(level: int, n: int) -> str:
    if level == 0:
        return f"第{to_chinese(n)}部分"
    if level == 1:
        return f"{to_chinese(n)}、"
    if level == 2:
        return f"（{to_chinese(n)}）"
    return f"{n}."


@dataclass(frozen=True)
class NumberingSlip:
    kind: str  # "duplicate" / "gap" / "order"
    section: Section
    previous: Section | None
    expected: int
    found: int


def sibling_groups(sections: list[Section]) -> list[list[Section]]:
    """Headings that should count 1, 2, 3...: the parts; the 一、 headings of each part;
    the （一） headings under each 一、 heading."""
    groups: dict[tuple[str, ...], list[Section]] = {}
    parent_l1 = ""
    for index, section in enumerate(sections):
        if section.ordinal is None or not section.number:
            continue
        if section.level == 0:
            parent_l1 = ""
            key: tuple[str, ...] = ("parts",)
        elif section.level == 1:
            parent_l1 = f"{section.part}#{index}"
            key = ("l1", section.part)
        elif section.level == 2:
            key = ("l2", section.part, parent_l1)
        else:
            continue
        groups.setdefault(key, []).append(section)
    return list(groups.values())


def numbering_slips(sections: list[Section]) -> list[NumberingSlip]:
    slips: list[NumberingSlip] = []
    for group in sibling_groups(sections):
        previous_value = 0
        previous: Section | None = None
        for index, section in enumerate(group):
            value = section.ordinal or 0
            expected = previous_value + 1
            following = group[index + 1].ordinal if index + 1 < len(group) else None
            if value == expected:
                pass
            elif index == 0 and section.level == 0:
                pass  # parts before the first recognised one may be a cover or preamble
            elif value == 1 and previous_value > 1:
                pass  # a new list starts (an attachment with its own numbering)
            elif value == previous_value and (following is None or following == expected + 1):
                slips.append(NumberingSlip("duplicate", section, previous, expected, value))
                value = expected  # the slip is this heading's number; the count goes on
            elif value > expected:
                slips.append(NumberingSlip("gap", section, previous, expected, value))
            else:
                slips.append(NumberingSlip("order", section, previous, expected, value))
            previous_value = value
            previous = section
    return slips


@dataclass(frozen=True)
class TocMatch:
    entry: TocEntry
    section: Section | None
    table_title: str | None
    similarity: float


def _similar(a: str, b: str) -> float:
    a, b = compact(a), compact(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a in b or b in a:
        return 0.9
    return SequenceMatcher(None, a, b).ratio()


def toc_parts(entries: list[TocEntry]) -> list[tuple[TocEntry, str]]:
    """Each entry with the 第X部分 it stands under."""
    part = ""
    result = []
    for entry in entries:
        if entry.level == 0:
            part = entry.number
        result.append((entry, part))
    return result


def match_toc(report: Report, threshold: float = 0.6) -> list[TocMatch]:
    """Each 目录 entry with the body heading (or table) it names, by part, level and title."""
    matches: list[TocMatch] = []
    used: set[int] = set()
    table_kinds = {t.kind for t in report.tables}
    for entry, part in toc_parts(report.toc):
        kind = kind_from_title(entry.title) if entry.level >= 1 else None
        candidates = [
            (i, s)
            for i, s in enumerate(report.sections)
            if s.level == entry.level and i not in used and (entry.level == 0 or s.part == part)
        ]
        best: tuple[float, int, Section] | None = None
        for i, section in candidates:
            if entry.level == 0 and section.number != entry.number:
                continue  # parts are matched by their number
            score = _similar(entry.title, section.title)
            if entry.level == 0:
                score = max(score, 0.95)
            elif section.number == entry.number:
                score += 0.1
            if best is None or score > best[0]:
                best = (score, i, section)
        if best is not None and best[0] >= threshold:
            used.add(best[1])
            matches.append(TocMatch(entry, best[2], None, best[0]))
        elif kind is not None and kind in table_kinds:
            matches.append(TocMatch(entry, None, entry.title, 1.0))
        else:
            matches.append(TocMatch(entry, None, None, best[0] if best else 0.0))
    return matches


def number_value(text: str) -> int | None:
    return numeral_value(text)


def title_printed(report: Report, entry: TocEntry, threshold: float = 0.8) -> bool:
    """A 目录 entry's title stands in the body as a plain line (a heading printed without
    its number, or with a slightly different name)."""
    title = compact(entry.title)
    if not title:
        return False
    for line in report.lines:
        if line.location == entry.location:
            continue
        text = compact(line.text)
        if title in text or (abs(len(text) - len(title)) <= 6 and _similar(title, text) >= threshold):
            return True
    return False
