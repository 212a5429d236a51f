"""Relations between the claims of a sentence: which amount a rate belongs to, which figure is
last year's, which figures are the parts of which whole. See docs/claims.md.

Everything is positional and data-driven (auditor/narrative/vocab.yaml): a rate belongs to the
change printed just before it, and the change to the nearest figure before that which is not
last year's, not inside a parenthesised remark and not a "其中" part of another line. A figure is
last year's when the words before it say so ("比2014年决算数 X 万元"). Parts are the figures after
a "其中"/"主要包括"/"分别为" up to the end of the parenthesis, or the clause list, that opened it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from auditor.model import Claim, NarrativeSentence, Report, numeral_value

MONEY_KINDS = ("amount", "outturn")
MONEY_UNITS = ("万元", "元", "亿元", "千元")
_VOCAB = Path(__file__).with_name("vocab.yaml")


@cache
def vocab() -> dict[str, Any]:
    data = yaml.safe_load(_VOCAB.read_text(encoding="utf-8"))
    return {key: list(value) for key, value in data.items()}


@cache
def patterns(key: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in vocab()[key])


def paren_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the parenthesised remarks ("（其中…）", "(…)"), outermost only."""
    spans = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char in "（(":
            if depth == 0:
                start = index
            depth += 1
        elif char in "）)" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, index + 1))
    if depth:
        spans.append((start, len(text)))
    return spans


def inside_parens(claim: Claim) -> tuple[int, int] | None:
    """The parenthesised remark the figure sits in ("（其中含…收入 30.00 万元）"), if any."""
    for span in paren_spans(claim.sentence.text):
        if span[0] < claim.span[0] < span[1]:
            return span
    return None


def is_prior(claim: Claim) -> bool:
    """The figure is last year's: "比2014年决算数 X 万元", "上年决算数为 X 万元"."""
    before = claim.sentence.text[max(0, claim.span[0] - 24) : claim.span[0]]
    before = re.split(r"[，,。；;：:]", before)[-1]
    return any(p.search(before) for p in patterns("prior_before"))


@dataclass
class RateLink:
    rate: Claim
    change: Claim
    current: Decimal | None  # this year's figure in 万元
    current_half: Decimal
    current_raw: str
    prior: Decimal | None  # last year's figure, when the text states it
    prior_raw: str
    subject: str = ""  # the line the rate belongs to


_BARE = re.compile(r"(?<![\d.．])(\d+(?:[.．]\d+))(?![\d.．]|\s*(?:%|％|年|月|日|万|元|亿|个|人|辆|倍|分|项|次|天))")


def _bare_amount(text: str, start: int, end: int) -> tuple[Decimal, int, str] | None:
    """A decimal number printed without a unit between start and end (the last one)."""
    found = list(_BARE.finditer(text, start, end))
    if not found:
        return None
    raw = found[-1].group(1).replace("．", ".")
    return Decimal(raw), len(raw.split(".")[1]), found[-1].group(0)


def rate_links(report: Report) -> list[RateLink]:
    """Each growth rate with the change before it and the figure the change belongs to."""
    by_sentence: dict[int, list[Claim]] = {}
    for claim in report.claims:
        by_sentence.setdefault(id(claim.sentence), []).append(claim)
    links = []
    previous_main: dict[int, Claim] = {}
    sentences = report.sentences
    for position, sentence in enumerate(sentences):
        claims = sorted(by_sentence.get(id(sentence), []), key=lambda c: c.span[0])
        mains = [c for c in claims if c.kind in MONEY_KINDS and c.amount_wan is not None
                 and inside_parens(c) is None and not is_prior(c)]
        if mains:
            previous_main[position] = mains[-1]
        for index, rate in enumerate(claims):
            if rate.kind != "growth" or rate.unit not in ("%", "") or rate.value is None:
                continue
            change = next((c for c in reversed(claims[:index])
                           if c.kind == "growth" and c.unit in MONEY_UNITS and c.amount_wan is not None), None)
            if change is None or any(c.kind == "growth" and c.unit in ("%", "")
                                     for c in claims[claims.index(change) + 1 : index]):
                continue
            change_paren = inside_parens(change)
            before = [c for c in claims if c.span[0] < change.span[0] and c.kind in MONEY_KINDS and c.amount_wan is not None]
            prior = next((c for c in reversed(before) if is_prior(c)), None)
            candidates = [c for c in before if not is_prior(c)
                          and (inside_parens(c) is None or inside_parens(c) == change_paren)]
            current: Claim | None = candidates[-1] if candidates else None
            start = current.span[1] if current is not None else 0
            bare = _bare_amount(sentence.text, start, change.span[0])
            link = RateLink(rate, change, None, Decimal(0), "", None, "")
            if prior is not None and prior.amount_wan is not None:
                link.prior, link.prior_raw = prior.amount_wan, prior.raw
            if bare is not None:
                link.current, link.current_half, link.current_raw = bare[0], Decimal(5).scaleb(-(bare[1] + 1)), bare[2]
            elif current is not None:
                link.current, link.current_half, link.current_raw = current.amount_wan, half_wan(current), current.raw
                link.subject = current.subject
            elif not before and position > 0 and position - 1 in previous_main:
                # "…支出 75.03 万元（其中…）。较上年增加 49.83 万元，增长…": the line of the sentence before
                head = previous_main[position - 1]
                link.current, link.current_half, link.current_raw = head.amount_wan, half_wan(head), head.raw
                link.subject = head.subject
            if link.prior is None and link.current is not None:
                _prefer_list_total(link, sentence.text, before, sentences[position - 1] if position else None,
                                   by_sentence, bool(before))
            if link.current is None and link.prior is None:
                continue
            links.append(link)
    return links


def _explains(rate: Claim, change: Claim, current: Decimal) -> bool:
    """The printed rate is the change over last year's figure (current − change), to the
    rate's printed precision."""
    assert rate.value is not None
    prior = current - signed_change(change)
    if prior <= 0:
        return False
    expected = abs(signed_change(change)) / prior * 100
    return abs(expected - rate.value) <= Decimal(5).scaleb(-(rate.decimals + 1)) + Decimal("0.01")


def _prefer_list_total(link: RateLink, text: str, before: list[Claim], previous: NarrativeSentence | None,
                       by_sentence: dict[int, list[Claim]], same_sentence: bool) -> None:
    """"…电视 1226.15 万元，其中工资 806.75 万元，…其他 118.75 万元。较上年增加 536.86 万元，
    增长 77.89%": a change after a 其中 list belongs to the line the list details, not to the
    list's last item. When the rate does not fit the figure first chosen (the last item), it is
    bound to the amount printed before 其中 (in this sentence, or the sentence before when this
    one has no figure of its own) and recomputed on it."""
    assert link.current is not None
    if _explains(link.rate, link.change, link.current):
        return
    if same_sentence:
        head_text, pool = text, before
    elif previous is not None:
        head_text, pool = previous.text, [c for c in by_sentence.get(id(previous), []) if c.kind in MONEY_KINDS
                                          and c.amount_wan is not None]
    else:
        return
    opener = head_text.rfind("其中", 0, link.change.span[0] if same_sentence else len(head_text))
    if opener < 0:
        return
    totals = [c for c in pool if c.span[1] <= opener and c.amount_wan is not None and not is_prior(c)]
    items = [c for c in pool if c.span[0] > opener]
    if not totals or len(items) < 2:
        return
    total = totals[-1]
    assert total.amount_wan is not None
    # the list's last item does not explain the rate: the line before 其中 is what the change is of
    link.current, link.current_half, link.current_raw = total.amount_wan, half_wan(total), total.raw
    link.subject = total.subject


def half_wan(claim: Claim) -> Decimal:
    """The rounding radius of a printed amount, in 万元 (whole 万元 figures read as 0.01)."""
    factor = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000), "千元": Decimal("0.1")}
    decimals = (claim.decimals or 2) if claim.unit == "万元" else claim.decimals
    return Decimal(5).scaleb(-(decimals + 1)) * factor.get(claim.unit, Decimal(1))


def parts_end(text: str, open_at: int) -> int:
    """Where a parts list opened at ``open_at`` ends: the close of the parenthesis it sits in,
    else the end of the sentence (the caller also stops at a clause naming another total)."""
    for span in paren_spans(text):
        if span[0] < open_at < span[1]:
            return span[1]
    stop = re.search(r"[。！？]", text[open_at:])
    return open_at + stop.start() if stop else len(text)


# --- roles, parts and wholes --------------------------------------------------------------

_YEAR_BEFORE = re.compile(r"((?:19|20)\d{2})\s*年")


@cache
def _roles() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((name, re.compile(pattern)) for name, pattern in vocab()["roles"])


_THIS_YEAR_TOTAL = re.compile(r"本年|当年|全年|合计|总额|年度")


def role_of(claim: Claim) -> str | None:
    subject = re.sub(r"[“”\"'‘’\s]", "", claim.subject)
    for name, pattern in _roles():
        if pattern.search(subject):
            if name in ("income", "spending"):
                # a bare "支出 X 万元" (after "住房公积金(项):") is a line, not the year's total
                clause = re.split(r"[，,。；;：:]", claim.sentence.text[: claim.span[0]])[-1]
                if not _THIS_YEAR_TOTAL.search(clause):
                    return None
            return name
    return None


def other_year(claim: Claim, report_year: int | None) -> bool:
    """The figure is stated for another year than the report's: "2014年度支出 1.11 万元"."""
    if report_year is None:
        return False
    clause = re.split(r"[，,。；;]", claim.sentence.text[: claim.span[0]])[-1]
    years = [int(y) for y in _YEAR_BEFORE.findall(clause)]
    return bool(years) and years[-1] != report_year


_BUDGET_FIGURE = re.compile(r"预算(?:数|金额)?$|年初预算|全年预算|调整预算")


def in_attachments(claim: Claim) -> bool:
    """第四–第六部分 (名词解释, 附件: 绩效 reports of other scopes)."""
    return numeral_value(claim.sentence.part or "") in (4, 5, 6)


def current_figures(report: Report) -> list[Claim]:
    """This year's money figures of the 情况说明: not last year's, not another year's, not a
    change, not in the attachments."""
    return [
        c for c in report.claims
        if c.kind in MONEY_KINDS and c.amount_wan is not None and not is_prior(c) and not in_attachments(c)
        and not other_year(c, report.meta.year) and not _BUDGET_FIGURE.search(c.subject)
    ]


def roled(report: Report) -> list[tuple[str, Claim]]:
    result = []
    for claim in current_figures(report):
        role = role_of(claim)
        if role is not None:
            result.append((role, claim))
    return result


def changes_by_role(report: Report) -> list[tuple[str, Claim]]:
    """Money changes ("减少 0.15 万元") with the role of the figure they change."""
    result = []
    for claim in report.claims:
        if claim.kind == "growth" and claim.unit in MONEY_UNITS and claim.amount_wan is not None:
            role = role_of(claim)
            if role is not None:
                result.append((role, claim))
    return result


def signed_change(claim: Claim) -> Decimal:
    assert claim.amount_wan is not None
    return claim.amount_wan if claim.direction == "up" else -claim.amount_wan


def near(a: Claim, b: Claim, after: int = 2) -> bool:
    """b is in a's sentence or one of the ``after`` sentences after it, in the same section."""
    return (b.sentence.section_title == a.sentence.section_title
            and 0 <= b.sentence.index - a.sentence.index <= after)


def tolerance(claims: list[Claim]) -> Decimal:
    """DESIGN §4: each printed figure is an interval of its own rounding radius (0.005 万元
    for two decimals); a sum disagrees only when the intervals cannot meet."""
    return sum((half_wan(c) for c in claims), Decimal(0))


def stated_parts(whole: Claim, candidates: Iterable[Claim], tests: Iterable[Callable[[Claim], bool]]) -> list[Claim | None]:
    """For each part test, the first candidate in the whole's sentence or the two after it (same
    section) that passes it, or None (shared by NAR020 and the budget narrative's text sums)."""
    window = [c for c in candidates if c is not whole and near(whole, c)]
    return [next((c for c in window if test(c)), None) for test in tests]


def parts_gap(whole: Claim, parts: list[Claim]) -> tuple[Decimal, Decimal, Decimal]:
    """(Σ parts, whole − Σ parts, rounding tolerance of all the figures), in 万元."""
    assert whole.amount_wan is not None
    total = sum((p.amount_wan for p in parts if p.amount_wan is not None), Decimal(0))
    return total, whole.amount_wan - total, tolerance([whole, *parts])
