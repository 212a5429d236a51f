from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.codes import compact
from auditor.findings import Evidence, Severity
from auditor.model import Report, Sentence

# leading administrative divisions of a name: 上海市 / 普陀区 / 某某县 / 某某自治州 …
_DIVISION = re.compile(r"[\u4e00-\u9fff]{1,7}?(?:特别行政区|自治区|自治州|自治县|地区|新区|省|市|区|县|州|盟|旗)")
_PARTY = re.compile(r"^(?:中共|中国共产党)")
# a division name (two characters or more before the level) at the end of the text before a name
_NAMED_DIVISION = re.compile(r"[\u4e00-\u9fff]{2,}(?:省|市|区|县|州|盟|旗)$")
_LEVEL_WORDS = re.compile(r"(?:本|全|该|各|我|市|区|县)(?:省|市|区|县)$")
# a header field naming the department: "部门：…", "单位：…", "编制单位：…"
_FIELD = re.compile(r"(?:编制单位|填报单位|单位名称|部门名称|预算单位|部门|单位)\s*[：:]\s*(?P<name>[^\s：:，,；;。]+)")
_UNIT_WORDS = re.compile(r"万元|千元|亿元|^元$|^[个人辆台套次项%]$")
_NAME_RUN = re.compile(r"[\u4e00-\u9fff（）()]+$")
_AFTER_NAME = re.compile(r"\s*(?:\d{4}\s*年|本年度|概况|部门决算|部门预算|本级|所属|部门（单位）|部门\(单位\)|共有|$)")
_LONGER_NAME = re.compile(r"[\u4e00-\u9fff]{0,4}(?:分局|分中心|分院|分所|分会|支队|大队|中队|派出)")  # another body named after it
_BEFORE_NAME = re.compile(r"(?:^|[，。；：:、“（(\s]|第[一二三四五六七八九十]+部分)$")
SIMILAR = 0.8  # a printed name this close to the department's is taken as the department's, misprinted


def name_parts(name: str) -> tuple[tuple[str, ...], str]:
    """(leading divisions, the rest): '中共上海市普陀区委社会工作部' -> (('上海市', '普陀区'), '委社会工作部')."""
    rest = _PARTY.sub("", compact(name))
    divisions: list[str] = []
    while True:
        match = _DIVISION.match(rest)
        if match is None or match.end() == len(rest):
            break
        divisions.append(match.group(0))
        rest = rest[match.end():]
    return tuple(divisions), re.sub(r"^[省市区县州旗](?=委)", "", rest)  # "区委社会工作部" is "普陀区委…"


def same_department(a: str, b: str) -> bool:
    """The same name, or one is the other without its leading divisions (上级行政区划): '上海市普陀区
    规划和自然资源局', '普陀区规划和自然资源局' and '规划和自然资源局' agree; '上海市规划和自然资源局'
    does not (a different division)."""
    divisions_a, core_a = name_parts(a)
    divisions_b, core_b = name_parts(b)
    if core_a != core_b:
        return False
    short, long = sorted((divisions_a, divisions_b), key=len)
    return not short or long[-len(short):] == short


def is_unit(value: str) -> bool:
    return bool(_UNIT_WORDS.search(value)) or len(value) < 4 or bool(re.search(r"\d", value))


@dataclass
class Mention:
    name: str
    lines: list[Sentence] = field(default_factory=list)


def field_names(line: Sentence) -> list[str]:
    """Department names in header fields of the line ("部门：示例区教育局 公开01表")."""
    names = []
    for match in _FIELD.finditer(line.text):
        value = re.split(r"公开\d+表|金额单位|单位[：:]", match.group("name"))[0]
        if not is_unit(value):
            names.append(value)
    return names


def text_names(text: str, department: str, anchor: str) -> list[str]:
    """Names printed where the department's name stands (a title, a heading, the subject of a
    sentence) that end like the department's name and read almost like it, but are not it
    nor one of its short forms."""
    found = []
    start = 0
    while (at := text.find(anchor, start)) >= 0:
        end = at + len(anchor)
        start = end
        if _LONGER_NAME.match(text, end):
            continue
        run = _NAME_RUN.search(text[:end])
        if run is None:
            continue
        head = text[: run.start()]
        word = run.group(0)
        agreed = False
        for cut in range(len(word)):
            before = word[:cut]
            if same_department(word[cut:], department) and not (
                _NAMED_DIVISION.search(before) and not _LEVEL_WORDS.search(before)
            ):
                agreed = True
                break
        if agreed:
            continue
        best = max(range(len(word)), key=lambda c: (SequenceMatcher(None, word[c:], department).ratio(), -c))
        name = word[best:]
        if SequenceMatcher(None, name, department).ratio() < SIMILAR:
            continue
        before = (head + word[:best]).rstrip()
        if _BEFORE_NAME.search(before) or _AFTER_NAME.match(text[end:]):
            found.append(name)
    return found


@register("STR007", "structure.department_name_consistent", "structure")
def department_name_consistent(report: Report, ctx: CheckContext) -> None:
    """The department's name is printed the same everywhere (its standard short forms allowed).

    **What it checks**: the name the report gives itself (the tables' "部门：…" line, else the
    第一部分 heading or the cover) against every other place it is printed: the header fields
    "部门：…" / "单位：…" / "编制单位：…" of the tables, the cover, part and table titles, and the
    narrative where the name stands as a title or as the subject ("X 2024 年度收入支出总计…",
    "说明：X本年度没有…"). A short form that leaves out the leading divisions (上级行政区划: "上海市",
    then the 区 / 县) agrees; a name with another division, other words or a wrong character is
    reported once per wording, with every line that prints it.

    **Why it matters**: a table titled with another department's name (a city bureau's instead
    of the district's) or a misspelt name in the text suggests copied tables or text, and the
    report may not be the one it claims to be.

    **Bad example**: the part title "上海市规划和自然资源局 2024 年度部门决算表" in the report of
    "上海市普陀区规划和自然资源局"; "上海市普陀区规划与自然资源局 2024 年度无政府性基金…".

    **Good example**: "上海市普陀区规划和自然资源局" on the cover, "部门：普陀区规划和自然资源局" in
    the tables, "规划和自然资源局" in a sentence.

    **Basis**: 部门决算公开 requires the report to be the named department's; DESIGN §1 (cover,
    tables, narrative of one department).

    **检查内容**: 以报告自称的部门名称（表头“部门：……”，否则“第一部分 ……概况”或封面）为准，核对其
    他印有部门名称的地方：各表表头的“部门：”“单位：”“编制单位：”，封面、各部分标题和表的标题，以及
    正文中以部门名称作标题或主语的地方（如“X 2024 年度收入支出总计……”“说明：X本年度没有……”）。省去
    前面上级行政区划（如“上海市”，再省去区、县）的简称视为一致；行政区划不同、多字少字或错字的，
    按不同写法各报告一次，并列出印有该写法的每一行。

    **为何重要**: 表的标题印着别的部门（如把区局写成市局）或正文把部门名称写错，往往说明表格或文字
    是照搬的，报告可能并非其所称部门的报告。
    """
    department = compact(report.meta.department)
    if len(department) < 4:
        raise NotApplicable("未识别出部门名称")
    _, core = name_parts(department)
    anchor = core[-3:]
    mentions: dict[str, Mention] = {}
    for line in report.lines:
        names = field_names(line)
        ctx.comparisons += len(names)
        wrong = [n for n in names if not same_department(n, department)]
        if anchor in compact(line.text):
            ctx.comparisons += 1
            wrong += text_names(compact(line.text), department, anchor)
        for name in wrong:
            mention = mentions.setdefault(name, Mention(name))
            if line not in mention.lines:
                mention.lines.append(line)
    for mention in mentions.values():
        ctx.add(
            Severity.WARNING,
            f"部门名称“{mention.name}”与报告其他地方不一致",  # the wording in the title: rows tell apart
            f"此处印作“{mention.name}”，报告自称“{report.meta.department}”；省去上级行政区划的简称"
            f"（如“{short_form(department)}”）可以，行政区划或文字不同则不是同一名称。",
            observed=mention.name,
            expected=report.meta.department,
            locations=[
                Evidence(page=ln.location.page, line=ln.location.line, quote=ln.text, bbox=ln.location.bbox)
                for ln in mention.lines
            ],
        )


def short_form(department: str) -> str:
    divisions, core = name_parts(department)
    if not divisions:
        return department
    prefix = "中共" if _PARTY.match(department) else ""
    rest = compact(department)[len(prefix) + len("".join(divisions)):]
    return prefix + divisions[-1] + rest
