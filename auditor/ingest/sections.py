"""Headings, the 目录 and the sections of the narrative."""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.codes import compact
from auditor.ingest.document import TextLine
from auditor.model import Section, Sentence, TocEntry

_CN = "一二三四五六七八九十百零"
_PART_RE = re.compile(rf"^第([{_CN}\d]+)部分\s*(.*)$")
_L1_RE = re.compile(rf"^([{_CN}]+)\s*[、．.]\s*(.+)$")
_L2_RE = re.compile(rf"^[（(]\s*([{_CN}]+)\s*[）)]\s*(.+)$")
_L3_RE = re.compile(r"^(\d{1,2})\s*[、．.]\s*(?!\d)(.+)$")
_BULLET_RE = re.compile(r"^[-•·●◆■]\s+")
_TOC_TAIL_RE = re.compile(r"(?:[.．·\-—_ ]{2,}|…+)\s*\d+\s*$|\s+\d+\s*$")
_PAGE_NUMBER_RE = re.compile(r"^[-—\s]*\d{1,3}[-—\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")


@dataclass(frozen=True)
class Heading:
    level: int
    number: str
    title: str


def strip_bullet(text: str) -> str:
    return _BULLET_RE.sub("", text.strip())


def parse_heading(text: str) -> Heading | None:
    """A numbered heading: 第X部分 (0), 一、 (1), （一） (2), 1、 (3); else None."""
    line = strip_bullet(text)
    if match := _PART_RE.match(compact(line)):
        return Heading(0, f"第{match.group(1)}部分", match.group(2).strip())
    if match := _L1_RE.match(line):
        return Heading(1, match.group(1), match.group(2).strip())
    if match := _L2_RE.match(line):
        return Heading(2, f"（{match.group(1)}）", match.group(2).strip())
    if match := _L3_RE.match(line):
        return Heading(3, match.group(1), match.group(2).strip())
    return None


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER_RE.match(text.strip()))


def toc_text(text: str) -> str:
    """A 目录 line without its dot leader and page number (the number may have wrapped onto
    the next line, leaving the leader)."""
    return re.sub(r"(?:[.．·_]{2,}|…+)\s*$", "", _TOC_TAIL_RE.sub("", text).strip()).strip()


def is_toc_marker(text: str) -> bool:
    return compact(text) in {"目录", "目 录"}


_TOC_LEADER_RE = re.compile(r"([.．·_]{3,}|…+|[-—]{4,}|\s{2,})\s*\d{1,3}\s*$")


_GLUED_PAGE_RE = re.compile(r"[\u4e00-\u9fff）)”](\d{1,3})$")


def has_toc_tail(text: str) -> bool:
    """A 目录 line: a dot leader (or a wide gap) and a page number at its end."""
    return bool(_TOC_LEADER_RE.search(text.strip()))


def parse_toc(lines: list[TextLine]) -> tuple[list[TocEntry], int]:
    """The 目录 entries and the index of the first line after the 目录 (0 when none).

    The 目录 starts at a "目录" line, or (unmarked) at a run of three lines with dot leaders
    and page numbers. Entries are numbered headings, table titles and any line ending in a
    dot leader and page number. The 目录 ends at the first line that is none of these, where
    its first entry appears again as a body heading, or where a new page starts with a line
    that has no page number after the entries had them.
    """
    from auditor.ingest.recognize import kind_from_title

    start = next((i for i, line in enumerate(lines) if is_toc_marker(line.text)), None)
    if start is None:
        start = _unmarked_toc_start(lines)
        if start is None:
            return [], 0
        start -= 1  # the loop starts after the (absent) marker
    entries: list[TocEntry] = []
    index = start + 1
    first_key: str | None = None
    tailed = 0
    last_page = lines[start].location.page if start >= 0 else None
    while index < len(lines):
        raw = lines[index].text
        text = toc_text(raw)
        if not text or is_page_number(text):
            index += 1
            continue
        tail = has_toc_tail(raw)
        glued = _GLUED_PAGE_RE.search(text)
        if glued and not tail:
            text, tail = text[: glued.start(1)], True  # "收入决算表8": the page number glued on
        page = lines[index].location.page
        if tailed >= 2 and not tail and page is not None and last_page is not None and page != last_page:
            following = lines[index + 1].text if index + 1 < len(lines) else ""
            if not has_toc_tail(following) and not is_page_number(following):
                break  # the body starts on a new page (an entry wrapped over its page number continues)
        heading = parse_heading(text)
        is_table_title = kind_from_title(text) is not None
        if not entries and _TOC_COLUMNS_RE.match(compact(text)):
            index += 1  # the list's own column heads ("序号 报表名称 页码")
            continue
        if heading is None and not tail and not is_table_title:
            break
        key = compact(text)
        if entries and any(compact(e.title) == key for e in entries if e.number):
            break  # an entry's title again, without its number: the body's first title
        if first_key is None:
            first_key = key
        elif key == first_key or (heading is not None and heading.level == 0 and _is_body_repeat(entries, heading)):
            break
        if tail:
            tailed += 1
        last_page = page
        if heading is not None:
            entries.append(TocEntry(text=text, number=heading.number, title=heading.title, level=heading.level,
                                    location=lines[index].location))
        elif is_table_title:
            entries.append(TocEntry(text=text, number="", title=text, level=1, location=lines[index].location))
        index += 1
    return entries, index


_TOC_COLUMNS_RE = re.compile(r"^(序号|编号|报表名称|表格名称|表名|名称|内容|页码|页次)+$")


def _unmarked_toc_start(lines: list[TextLine], run: int = 3) -> int | None:
    """A 目录 printed without its "目录" line: the first run of ``run`` consecutive lines
    ending in dot leaders and page numbers."""
    count = 0
    for index, line in enumerate(lines):
        if has_toc_tail(line.text) and _TOC_LEADER_RE.search(line.text.strip()).group(1).strip():  # type: ignore[union-attr]
            count += 1
            if count == run:
                return index - run + 1
        else:
            count = 0
    return None


def _is_body_repeat(entries: list[TocEntry], heading: Heading) -> bool:
    return any(e.level == 0 and e.number == heading.number for e in entries)


def build_sections(lines: list[TextLine]) -> list[Section]:
    """Sections from body lines: each numbered heading opens one; other lines are its
    paragraphs. Lines before the first heading go to a level-0 preamble section."""
    sections: list[Section] = []
    part = ""
    current: Section | None = None
    for line in lines:
        text = strip_bullet(line.text)
        if not text or is_page_number(text):
            continue
        heading = parse_heading(text)
        if (
            heading is None
            and current is not None
            and current.level == 0
            and current.title
            and not current.paragraphs
            and len(text) <= 8
        ):
            current.title += text  # a part heading wrapped onto a short second line
            current.heading += text
            continue
        if heading is not None and _is_heading_like(heading, text):
            if heading.level == 0:
                part = heading.number
            current = Section(
                number=heading.number,
                title=heading.title,
                level=heading.level,
                heading=text,
                location=line.location,
                part=part,
            )
            sections.append(current)
            if heading.level >= 3 or len(heading.title) > 30:
                # a numbered paragraph: the text is its own content too
                current.paragraphs.append(Sentence(text=text, location=line.location, char_confidence=_sure(line, text)))
            continue
        if current is not None and current.level == 0 and current.number and not current.title and not current.paragraphs:
            current.title = text  # "第一部分" on one line, its title on the next
            current.heading = f"{current.heading} {text}"
            continue
        if current is None:
            current = Section(number="", title="", level=0, heading="", location=line.location)
            sections.append(current)
        if current.paragraphs and _is_broken(current.paragraphs[-1].text) and heading is None:
            # a paragraph cut by a page break: "…支出决" + "算数为244.97万元…"
            previous = current.paragraphs[-1]
            sure = _sure(line, text)
            joined = None
            if previous.char_confidence is not None or sure is not None:
                joined = (previous.char_confidence or (None,) * len(previous.text)) + (sure or (None,) * len(text))
            current.paragraphs[-1] = Sentence(text=previous.text + text, location=previous.location,
                                              char_confidence=joined)
            continue
        current.paragraphs.append(Sentence(text=text, location=line.location, char_confidence=_sure(line, text)))
    return sections


def _sure(line: TextLine, text: str) -> tuple[float | None, ...] | None:
    """OCR: the confidences of ``text``, a part of the line's text (None: text layer)."""
    if line.char_confidence is None or len(line.char_confidence) != len(line.text):
        return None
    start = line.text.find(text)
    return tuple(line.char_confidence[start:start + len(text)]) if start >= 0 else None


def _is_heading_like(heading: Heading, text: str) -> bool:
    if heading.level == 3:
        # "1、..." is a heading only when short; long ones are numbered paragraphs
        return len(text) <= 60
    return True


_SENTENCE_END = tuple("。；！？：…”；.;!?:")


def _is_broken(text: str) -> bool:
    """A paragraph that stops mid-sentence (no closing punctuation) and is long enough to
    be prose rather than a title line."""
    return len(text) >= 20 and not text.rstrip().endswith(_SENTENCE_END)
