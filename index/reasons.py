"""The report's own reasons: for a subject asked about ("为什么…增加", "…小于预算的原因"),
the sentences in which the report says why (原因是 / 主要原因 / 主要是 / 由于 / 系 / 因…),
or failing that what the money was for (主要用于 / 用于), found wherever the subject is
named (sections and attachments), including the sentence after the figure.

The cue words are data (reasons.yaml). Nothing here invents a reason: every reason is a
verbatim piece of one of the report's sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from auditor.model import Report
from index.query import clean_subject
from index.text import compact, name_key

DATA = Path(__file__).with_name("reasons.yaml")
WINDOW = 5  # the subject's sentence and the four after it (within its numbered item)
NUMBERING = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+\s*[、.．])\s*")
PLACEHOLDER = re.compile(r"^[XＸx×\.…]+$|XXX")


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


@cache
def _cues() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(c["pattern"]), c["kind"]) for c in _data()["cues"]]


@dataclass
class Reason:
    sentence: int  # the sentence's index (fact id "S{index}")
    text: str  # the reason, verbatim
    kind: str  # reason / purpose
    cue: str
    anchor: int  # the sentence naming the subject


def _extract(text: str) -> list[tuple[str, str, str, int]]:
    """(reason, kind, cue, where the cue starts) for every cue in a sentence, strongest cue first."""
    found = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _cues():
        for match in pattern.finditer(text):
            if any(a <= match.start() < b for a, b in taken):
                continue
            if kind == "reason_before":  # "…考察学习次数增多，相应增加接待费用": the cause comes first
                clauses = re.split(r"[。；;！!？?]", text[: match.start()])[-1].split("，")
                kept: list[str] = []
                for clause in reversed(clauses):  # back to the last clause stating a figure
                    if re.search(r"\d", clause) and kept:
                        break
                    kept.insert(0, clause)
                reason = "，".join(kept).strip(" ，,：:")
                kind = "reason"
            else:
                rest = text[match.end():].lstrip(" ，,：:")
                enumerated = re.match(r"(?:一是|一、|1[、.．])", rest)  # "一是…；二是…": every part
                reason = re.split(r"[。！!？?]" if enumerated else r"[。；;！!？?]", rest, maxsplit=1)[0].strip(" ，,：:")
            if len(compact(reason)) < 2 or PLACEHOLDER.search(reason):
                continue
            taken.append((match.start(), match.end() + len(reason)))
            found.append((reason, kind, match.group(0), match.start()))
    return found


def _earlier_reason(sentences: list, index: int) -> str | None:  # type: ignore[type-arg]
    """The nearest reason stated before sentence ``index`` that is not itself "同上"."""
    for s in reversed(sentences[max(0, index - 40) : index]):
        for reason, kind, _, _ in _extract(s.text):
            if kind in ("reason", "reason_before") and not re.fullmatch(r"(?:同上|同前|如上|同上述)[。．]?", compact(reason)):
                return reason
    return None


def find_reasons(report: Report, subject: str, question: str = "") -> list[Reason]:
    """The report's reasons about the subject, best first. With no subject, the reasons
    for the difference the question names (from the budget, from last year)."""
    data = _data()
    sentences = report.sentences
    name = name_key(clean_subject(subject))
    about_budget = bool(re.search(data["budget_words"], question))
    about_growth = bool(re.search(data["growth_words"], question)) and not about_budget
    if not name and not (about_budget or about_growth):
        return []
    scored: list[tuple[tuple[int, ...], Reason]] = []
    bare = re.sub(r"(?:的)?(?:支出|经费|费用|资金)$", "", name)
    names = [n for n in dict.fromkeys((name, bare)) if len(n) >= 2]
    for position, anchor in enumerate(sentences):
        text = name_key(anchor.text)
        item = name_key(anchor.item or "")
        if name:
            hit = next((i for i, n in enumerate(names) if n in text), None)
            if hit is not None:
                exact = hit
            elif item and (name in item or (len(item) >= 4 and item in name)):
                exact = 2
            else:
                continue
        else:
            exact = 1
        for distance, s in enumerate(sentences[position : position + WINDOW]):
            if distance and (s.item != anchor.item or s.section_title != anchor.section_title) \
                    and not re.match(r"\s*(?:主要)?原因", s.text):
                break
            context = "".join(x.text for x in sentences[position : position + distance + 1])
            for reason, kind, cue, start in _extract(s.text):
                if name and distance == 0 and hit is not None and not any(n in name_key(s.text[:start]) for n in names):
                    continue  # the subject is named only inside another item's reason
                after = position + distance + 1
                if re.fullmatch(r"(?:同上|同前|如上|同上述)[。．]?", compact(reason)):  # "主要原因同上": the reason above
                    earlier = _earlier_reason(sentences, position + distance)
                    if earlier is None:
                        continue
                    reason = f"{earlier}（报告写“{cue}同上”，指上文所述）"
                if re.search(r"以下|如下|下列", reason) and after < len(sentences):  # "由以下因素…。一是…"
                    reason = f"{reason}：{sentences[after].text.strip()}"

                fit = 0
                if about_budget:
                    fit = 0 if re.search(data["budget_context"], context) else 2
                elif about_growth:
                    fit = 0 if re.search(data["growth_context"], context) and not re.search("预算数", s.text) else 1
                strength = 0 if kind == "reason" else 1
                if fit and (not name or about_budget):
                    continue  # a reason for last year's change does not explain a gap from the budget
                focus = 0 if not name or any(n in name_key(NUMBERING.sub("", anchor.text))[: len(n) + 2] for n in names) else 1
                scored.append(((fit, strength, exact, focus, distance, position),
                               Reason(s.index, reason, kind, cue, anchor.index)))
    scored.sort(key=lambda x: x[0])
    out: list[Reason] = []
    for _, found in scored:
        if all((r.sentence, r.text) != (found.sentence, found.text) for r in out):
            out.append(found)
    return out
