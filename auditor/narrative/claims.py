"""Claims as data: every number in a narrative sentence, classified by the words around it.

A number's kind comes from the text just before it in its clause (and its unit after):
"增加 43.97 万元" is a change, "占 85.32%" a share, "完成年初预算的 96.36%" a completion rate,
"年初预算为 215.94 万元" a budget, "支出决算为 208.09 元" an outturn, "0 辆" a count; any other
money figure is an amount whose subject is the clause text before it. Subjects missing from a
clause are taken from the sentence's first claim, the numbered item, or the sentence before.
"""

from __future__ import annotations

import re
from decimal import Decimal

from auditor.codes import compact
from auditor.model import Claim, NarrativeSentence, Report
from auditor.narrative.relations import vocab as _vocab

NUMBER = r"(?<![\d.．A-Za-z])(?P<num>\d{1,3}(?:[,，]\d{3})+|\d+)(?:\s*[.．]\s*(?P<frac>\d+))?"
MONEY_UNITS = ("亿元", "万元", "千元", "元")
COUNT_UNITS = ("台（套）", "台(套)", "人次", "批次", "个", "人", "辆", "家", "台", "套", "项", "名", "户", "件", "所", "处", "次", "条")
_UNIT_RE = re.compile(
    r"\s*(?P<unit>亿元|万元|千元|元|万(?![元人])|%|％|" + "|".join(re.escape(u) for u in COUNT_UNITS) + r"|年度|年|月|日|分)?"
)
_TOKEN = re.compile(NUMBER)

_CLAUSE_BOUNDARY = re.compile(r"[，,。；;：:]")
# change words by direction: data (auditor/narrative/vocab.yaml "rising" / "falling")
_RISING = tuple(_vocab()["rising"])
_FALLING = tuple(_vocab()["falling"])
_GROWTH = re.compile(
    r"(" + "|".join(sorted(_RISING + _FALLING, key=len, reverse=True)) + r")了?(?:（(?:增加|减少|增长|下降)）)?\s*$"
)
_SHARE = re.compile(r"占(?P<whole>[^，。；]*?)的?\s*(?:比重|比例)?(?:为)?\s*$")
_COMPLETION = re.compile(r"完成(?P<basis>年初预算|全年预算|调整预算|预算)?数?的?\s*$")
_BUDGET = re.compile(r"(?P<basis>年初预算|全年预算|调整预算|预算)数?(?:为|是|安排)?\s*$")
_OUTTURN = re.compile(r"(?:支出)?决算数?(?:为|是)?\s*$")
_YEAR_CONTEXT = re.compile(r"(与|比|较|同|相比|上年|上一)")
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
_COMPARE = re.compile(
    r"(?P<lhs>决算数?|支出决算数?|实际支出)\s*(?P<word>大于|小于|等于|高于|低于|超过|少于|多于|同|与)"
    r"(?P<basis>年初预算|全年预算|调整预算|预算)数?\s*(?P<tail>持平|相等|一致)?"
)
_SAME_AS_LAST_YEAR = re.compile(r"与上年(?:度)?(?:相)?持平|同上年(?:度)?持平|与上一年度持平")
_LIST = re.compile(r"主要(?:包括|用于)(?:以下方面)?[：:]?(?P<items>[^。；]+)")
_NO_DATA = re.compile(
    r"(?:无|没有|未发生|未安排)(?:使用)?(?P<what>[^，。；]{0,40}?(?:收入|支出|经费|资金))"
)
_SUBJECT_NOISE = re.compile(
    r"^(?:其中|主要用于以下方面|主要用于|主要包括|具体情况如下|包括|分别为|分别是|共计|合计为|全年|本年度?|"
    r"与上年相比|与上年度相比|比上年|较上一?年?度?|较上年|同比)[：:，,]?"
)
_SUBJECT_TAIL = re.compile(r"(?:为|是|共计|达到?|总额为|金额为|合计为|约|累计|分别为|共|各)$")
_BARE_REFERENCE = re.compile(
    r"^(?:与|较|比|同)?(?:上年|上一年度?|上年度|年初|全年|调整)?(?:相比|相较|对比|同期)?(?:决算|预算)?数?(?:分别)?$|^分别$|^(?:和|及|与|、|以及)$"
)
_YEAR_PREFIX = re.compile(r"^(?:(?:19|20)\d{2}\s*年度?)")
# "本部门", "本中心", "我局", "部门（单位）": the department speaking of itself
_SELF_REFERENCE = re.compile(r"^(?:本|我)(?:部门|单位|中心|局|委|办|院|所|厅|部|会|站|队|处|馆)|部门（单位）|（单位）")
_CODE_REMARK = re.compile(r"[（(](?:科目)?编[码号][:：]?\d*[）)]|^\d{3,8}[-－]?|(?<=[-－])?科目编[码号]\d+[-－]")
_LEADING_NUMBER = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|\d{1,2}[、．.](?!\d))")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")


def _value(match: re.Match[str]) -> tuple[Decimal, int]:
    whole = match.group("num").replace(",", "").replace("，", "")
    frac = match.group("frac")
    text = f"{whole}.{frac}" if frac else whole
    return Decimal(text), len(frac) if frac else 0


def clean_subject(text: str, department: str = "") -> str:
    subject = compact(text).translate(_QUOTES)
    subject = _LEADING_NUMBER.sub("", subject)
    subject = _CODE_REMARK.sub("", subject)
    if department:
        subject = subject.replace(compact(department), "")
    previous = None
    while previous != subject:
        previous = subject
        subject = _SELF_REFERENCE.sub("", subject)
        subject = _YEAR_PREFIX.sub("", subject)
        subject = _SUBJECT_NOISE.sub("", subject)
        subject = _SUBJECT_TAIL.sub("", subject)
    subject = subject.lstrip("、（(），,．.").rstrip("、，,（(")
    if subject.startswith(("含", "（含")):
        subject = subject.lstrip("（含")
    return "" if _BARE_REFERENCE.match(subject) else subject


def _clause_prefix(text: str, start: int, floor: int = 0) -> str:
    """The text of the number's clause before it (after the previous number, if closer)."""
    cut = floor
    for boundary in _CLAUSE_BOUNDARY.finditer(text, floor, start):
        cut = boundary.end()
    prefix = text[cut:start]
    opened = text.rfind("（", floor, cut)
    if prefix.count("）") > prefix.count("（") and opened >= 0:
        # the cut fell inside a remark ("…补助（科目编码：2130701）24.5万元"): the clause starts
        # before the parenthesis
        cut = floor
        for boundary in _CLAUSE_BOUNDARY.finditer(text, floor, opened):
            cut = boundary.end()
        prefix = text[cut:start]
    # "（类）" naming and quoted names are part of a subject, not clause breaks
    if text[max(0, cut - 3) : cut] in ("（类）", "（款）", "（项）") or re.search(r"（[类款项]）$", text[:cut]):
        back = text.rfind("，", 0, cut - 3)
        back = max(back, text.rfind("：", 0, cut - 3), text.rfind("；", 0, cut - 3))
        prefix = text[back + 1 : start]
    return prefix


def extract_sentence_claims(sentence: NarrativeSentence, department: str = "") -> list[Claim]:
    text = sentence.text
    claims: list[Claim] = []
    previous_end = 0
    previous_kind: tuple[str, dict[str, str]] = ("", {})
    for match in _TOKEN.finditer(text):
        unit_match = _UNIT_RE.match(text, match.end())
        unit = unit_match.group("unit") if unit_match and unit_match.group("unit") else ""
        end = unit_match.end() if unit and unit_match is not None else match.end()
        value, decimals = _value(match)
        frac = match.group("frac") or ""
        if unit in ("年", "年度") and len(frac) == 4 and frac[:2] in ("19", "20") and re.search(r"\s", match.group(0)):
            # "附件：1. 2022 年度…": a list number, then a year — not the decimal 1.2022
            value, decimals = Decimal(frac), 0
        raw = text[match.start() : end]
        if not unit and _is_code(text, match):
            continue  # "（科目编码2010301）", "2012999群团事务": a classification code, not a figure
        prefix = _clause_prefix(text, match.start(), previous_end)
        previous_end = end
        if unit in ("年", "年度") and 1990 <= value <= 2100 and decimals == 0:
            after = text[end : end + 12]
            date = _DATE.match(text, match.start())
            if date:
                claims.append(
                    Claim("date", prefix, value, "年", date.group(0), sentence, (match.start(), date.end()),
                          basis=f"{date.group('m')}-{date.group('d')}")
                )
            else:
                context = text[max(0, match.start() - 4) : match.start()] + after[:4]
                claims.append(
                    Claim("year", prefix, value, "年", raw, sentence, (match.start(), end),
                          basis="compare" if _YEAR_CONTEXT.search(context) else "")
                )
            continue
        if unit in ("月", "日", "分") or (unit in ("年", "年度")):
            continue
        if unit == "万":
            unit = "万元"  # "0.39 万（含…）": the 元 dropped; read as 万元
        if unit in ("%", "％"):
            unit = "%"
        if not unit and _measured(text, end):
            continue  # "已经完成52座": a count of something, not a percentage without "%"
        kind, extra = _classify(prefix, unit)
        if kind == "amount" and previous_kind[0] == "growth" and _CONJUNCTION.fullmatch(prefix.strip()):
            kind, extra = previous_kind  # "分别减少 0.20 万元和 0.30 万元": the second change too
        previous_kind = (kind, extra)
        if kind == "skip":
            continue
        claim = Claim(
            kind, "", value, unit, raw, sentence, (match.start(), end), decimals=decimals,
            whole=extra.get("whole", ""), direction=extra.get("direction", ""), basis=extra.get("basis", ""),
        )
        subject_text = prefix
        for pattern in (_GROWTH, _SHARE, _COMPLETION, _BUDGET, _OUTTURN):
            found = pattern.search(subject_text)
            if found:
                subject_text = subject_text[: found.start()]
                break
        claim.subject = clean_subject(subject_text, department)
        if kind == "count" and len(claim.subject) <= 2:
            # "编报绩效目标的 2024 年度项目 39 个": the year splits the subject in two
            whole = re.sub(r"(?:19|20)\d{2}\s*年度?", "", _clause_prefix(text, match.start()))
            if not re.search(r"\d", whole):
                claim.subject = clean_subject(whole, department) or claim.subject
        if kind == "count" and re.fullmatch(r"(?:较上年|比上年|同比)?(?:增加|减少|增长|下降)了?", claim.subject):
            claim.subject = ""  # "较上年减少 4 批次": the count of the thing named before
        elif kind == "count" and (not claim.subject or re.search(r"(?:中|等|了|有|共|计|完成|对|开展|涉及)$", claim.subject)):
            following = _FOLLOWING_NOUN.match(text, end)
            if following:  # "清理 801 个老身份证号码": the counted thing follows the number
                claim.subject = following.group(1)
        claims.append(claim)
    _inherit_subjects(claims, sentence)
    claims.extend(_compare_claims(sentence))
    claims.extend(_list_claims(sentence))
    claims.extend(_no_data_claims(sentence))
    return claims


_CONJUNCTION = re.compile(r"[和及与、]|以及")
_CODE_BEFORE = re.compile(r"(?:编码|编号|代码|科目)\s*[:：为]?\s*$")


def _is_code(text: str, match: re.Match[str]) -> bool:
    digits = match.group("num")
    if match.group("frac") or len(digits) < 3 or not digits.isdigit():
        return False
    if _CODE_BEFORE.search(text[max(0, match.start() - 6) : match.start()]):
        return True
    following = text[match.end() : match.end() + 1]
    return len(digits) in (3, 5, 7) and digits[0] in "2345" and bool(re.match(r"[\u4e00-\u9fff\-－]", following))


def _measured(text: str, end: int) -> bool:
    following = text[end : end + 4].lstrip()
    return any(following.startswith(word) for word in _vocab()["measure_words"])


def _classify(prefix: str, unit: str) -> tuple[str, dict[str, str]]:
    p = prefix.rstrip()
    if unit in COUNT_UNITS:
        return "count", {}
    growth = _GROWTH.search(p)
    if growth:
        word = growth.group(1)
        direction = "up" if word in _RISING else "down"
        if not unit:
            if word in ("增长", "下降", "上升", "降低"):
                return "growth", {"direction": direction, "basis": "no_percent"}
            return "skip", {}
        return "growth", {"direction": direction}
    if unit == "%":
        share = _SHARE.search(p)
        if share:
            return "share", {"whole": clean_subject(share.group("whole"))}
        completion = _COMPLETION.search(p)
        if completion:
            return "completion", {"basis": completion.group("basis") or "预算"}
        return "rate", {}
    if unit in MONEY_UNITS:
        budget = _BUDGET.search(p)
        if budget:
            return "budget", {"basis": budget.group("basis")}
        if _OUTTURN.search(p):
            return "outturn", {}
        return "amount", {}
    if not unit:
        # a bare number right after 占 / 增长 / 完成…的: a percentage printed without "%"
        share_match = _SHARE.search(p)
        if share_match:
            return "share", {"whole": clean_subject(share_match.group("whole")), "basis": "no_percent"}
        growth_word = re.search(r"(增长|下降|上升|降低)\s*$", p)
        if growth_word:
            direction = "up" if growth_word.group(1) in ("增长", "上升") else "down"
            return "growth", {"direction": direction, "basis": "no_percent"}
        if _COMPLETION.search(p):
            return "completion", {"basis": "no_percent"}
    return "skip", {}


_NAMED_CHANGE = re.compile(r"(?P<subject>[^，,。；;：:\d]{2,30}?(?:支出|收入|经费|总计|合计))(?:增加|减少|增长|下降|上升|降低)")


_BARE_FIGURE = re.compile(r"(?P<subject>[^，,。；;：:\d]{2,30}?)\s*\d+[.．]\d+\s*[，,]\s*(?:比|较|同比|与)")
_FOLLOWING_NOUN = re.compile(r"\s*([\u4e00-\u9fff“”（）]{2,14}?)(?=[，。；、,.;：:]|升位|进行|参加|$)")


def _inherit_subjects(claims: list[Claim], sentence: NarrativeSentence) -> None:
    """Fill empty subjects: a change, share, budget or outturn without its own subject speaks
    of the claim before it in the sentence ("项目支出增加，较上年增加 X 万元" names it in the
    clause before), else of the numbered item."""
    last = ""
    last_count = ""
    last_change = ""
    for claim in claims:
        if claim.kind == "count":
            if not claim.subject:
                claim.subject = last_count  # "团组 0 个、累计 0 人次"
            last_count = claim.subject
            continue
        if claim.kind in ("year", "date"):
            continue
        if claim.subject:
            if claim.kind in ("amount", "outturn", "budget"):
                last = claim.subject
                last_change = ""
            if claim.kind == "growth" and claim.unit in MONEY_UNITS:
                last_change = claim.subject
            continue
        if claim.kind == "growth" and claim.unit in ("%", "") and last_change:
            claim.subject = last_change  # "…各增加 X 万元，增长 Y%": the rate of the change before it
            continue
        if claim.kind == "growth":
            named = list(_NAMED_CHANGE.finditer(sentence.text, 0, claim.span[0]))
            if named and (not last or named[-1].start() > sentence.text.find(last)):
                claim.subject = clean_subject(named[-1].group("subject"))
                if claim.unit in MONEY_UNITS:
                    last_change = claim.subject
                continue
        if not last and claim.kind == "growth":
            bare = list(_BARE_FIGURE.finditer(sentence.text, 0, claim.span[0]))
            if bare:  # "项目支出58.40，比上年增加…": the figure printed without its unit
                last = clean_subject(bare[-1].group("subject"))
        claim.subject = last or sentence.item
        if claim.kind == "growth" and claim.unit in MONEY_UNITS:
            last_change = claim.subject


def _compare_claims(sentence: NarrativeSentence) -> list[Claim]:
    result = []
    for match in _COMPARE.finditer(sentence.text):
        word = match.group("word")
        tail = match.group("tail")
        if word in ("同", "与"):
            if not tail:
                continue
            relation = "eq"
        elif word in ("大于", "高于", "超过", "多于"):
            relation = "gt"
        elif word in ("小于", "低于", "少于"):
            relation = "lt"
        else:
            relation = "eq"
        result.append(
            Claim("compare", sentence.item, None, "", match.group(0), sentence, match.span(),
                  direction=relation, basis=match.group("basis"))
        )
    for match in _SAME_AS_LAST_YEAR.finditer(sentence.text):
        subject = clean_subject(_clause_prefix(sentence.text, match.start())) or sentence.item
        result.append(Claim("compare", subject, None, "", match.group(0), sentence, match.span(),
                            direction="eq", basis="上年"))
    return result


def _list_claims(sentence: NarrativeSentence) -> list[Claim]:
    result = []
    for match in _LIST.finditer(sentence.text):
        items_text = match.group("items")
        if re.search(r"\d", items_text):
            continue  # "主要用于以下方面：社会保障和就业支出 244.97 万元…": amounts, not a name list
        pieces = (re.sub(r"等方面$", "", i).strip("等及和与 ") for i in re.split(r"[、，,]", items_text))
        items = tuple(i for i in pieces if i)
        if len(items) < 2:
            continue
        owner = clean_subject(_clause_prefix(sentence.text, match.start()))
        if not owner:
            owner = _owner_before(sentence.text, match.start())
        result.append(Claim("list", owner, None, "", match.group(0), sentence, match.span(), items=items))
    return result


def _no_data_claims(sentence: NarrativeSentence) -> list[Claim]:
    result = []
    for match in _NO_DATA.finditer(sentence.text):
        what = compact(match.group("what"))
        if not any(k in what for k in ("政府性基金", "国有资本经营", "三公", "财政拨款")):
            continue
        result.append(Claim("no_data", what, None, "", match.group(0), sentence, match.span()))
    return result


def extract_claims(report: Report) -> list[Claim]:
    claims: list[Claim] = []
    previous_head = ""
    for sentence in report.sentences:
        found = extract_sentence_claims(sentence, report.meta.department)
        for claim in found:
            if not claim.subject and claim.kind in ("growth", "share", "completion", "budget", "outturn"):
                claim.subject = previous_head
        heads = [c.subject for c in found if c.kind in ("amount", "outturn") and c.subject]
        if heads:
            previous_head = heads[0]
        elif sentence.item:
            previous_head = sentence.item
        claims.extend(found)
    return claims


def _owner_before(text: str, start: int) -> str:
    """'人员经费193.51万元，占…，主要包括…': the list belongs to the last amount's subject."""
    before = text[:start]
    amounts = list(re.finditer(r"([^，,。；;：:\d]+?)\s*" + NUMBER + r"\s*(?:万元|元|亿元)", before))
    return clean_subject(re.sub(r"^\s*年度?", "", amounts[-1].group(1))) if amounts else ""
