"""The narrative as sentences, each with its section and numbered-item topic."""

from __future__ import annotations

import re

from auditor.model import NarrativeSentence, Report, Section

_SPLIT = re.compile(r"(?<=[。！？!?])")
_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[、.．]|[（(]\d{1,2}[）)])\s*(?!\d)")
_CLASS_NAMING = re.compile(r"（类）|\(类\)")
_ITEM_TAIL = re.compile(r"(?:支出)?(?:决算|预算)?数?(?:为|是)?$")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a sentence ends at 。！？ (kept with it); a 其中 list joined
    by ；stays in one sentence."""
    result = []
    offset = 0
    for piece in _SPLIT.split(text):
        if piece.strip():
            result.append((offset + len(piece) - len(piece.lstrip()), piece.strip()))
        offset += len(piece)
    return result


def item_subject(text: str) -> str:
    """The topic a numbered item announces: '1、社会保障和就业（类）…（项）。主要用于…' gives the
    类/款/项 naming; '2、公务接待费支出 0.39 万元。' gives '公务接待费支出'."""
    body = _ITEM.sub("", text, count=1)
    first = re.split(r"[。；;]", body, maxsplit=1)[0]
    if _CLASS_NAMING.search(first):
        return first.strip()
    head = re.split(r"\s*\d", first, maxsplit=1)[0].strip("：:， ")
    return _ITEM_TAIL.sub("", head)


def build_sentences(report: Report) -> list[NarrativeSentence]:
    sentences: list[NarrativeSentence] = []
    heading_title = ""
    for section in report.sections:
        if section.level in (0, 1, 2):
            heading_title = section.title
        item = ""
        if section.level >= 3:
            item = item_subject(section.heading)
        for paragraph in section.paragraphs:
            if _ITEM.match(paragraph.text):
                item = item_subject(paragraph.text)
            sure = paragraph.char_confidence
            for offset, text in split_sentences(paragraph.text):
                sentences.append(
                    NarrativeSentence(
                        text=text,
                        location=paragraph.location,
                        section_title=_title_of(section, heading_title),
                        part=section.part,
                        item=item,
                        index=len(sentences),
                        char_confidence=tuple(sure[offset:offset + len(text)]) if sure is not None else None,
                    )
                )
    return sentences


def _title_of(section: Section, heading_title: str) -> str:
    return section.title if section.level in (0, 1, 2) else heading_title
