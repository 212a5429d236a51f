from __future__ import annotations

import re
from dataclasses import dataclass, field

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.codes import FUNCTION_CLASS_NAMES, compact, function_class_for_label, strip_ordinal
from auditor.findings import Evidence, Severity
from auditor.model import NarrativeSentence, Report, TableKind

# tables whose rows are 功能分类 类 / 款 / 项 (T6 is by 经济分类)
FUNCTION_TABLES = (TableKind.T5, TableKind.T3, TableKind.T2, TableKind.T8, TableKind.T9)
SUMMARY_TABLES = (TableKind.T1, TableKind.T4)

# a naming: "X（类）", optionally followed by "Y（款）" and "Z（项）"; names may hold parentheses
# themselves ("政府办公厅（室）及相关机构事务（款）"): only the markers delimit them
_NAMING = re.compile(
    r"(?P<lei>[^，。；：、]+?)[（(]类[）)](?:(?P<kuan>[^，。；：、]+?)[（(]款[）)])?(?:(?P<xiang>[^，。；：、]+?)[（(]项[）)])?"
)
# lead-in words that may stand before a 类 name the tables do not know
_LEAD_WORDS = re.compile(r"^(?:其中|主要用于|主要是|用于|包括|为|是|对|在|按|以及|及|和)+")
_PARENS = str.maketrans({"（": "(", "）": ")", "“": "", "”": "", '"': ""})
LEVEL_ZH = {1: "类", 2: "款", 3: "项"}


_PLACEHOLDER = re.compile(r"^[XＸ×xｘ*＊]+$")  # a blank template's "XX（类）": TPL001 reports it


def clean(label: str) -> str:
    """A printed label without an ordinal ("一、") or a trailing "…" (a template's "and so on")."""
    return re.sub(r"(?:…+|\.{3,})$", "", compact(strip_ordinal(label)))


def norm(name: str) -> str:
    """A printed name compared loosely: no spaces, half-width parentheses, no trailing 支出."""
    return re.sub(r"支出$", "", clean(name).translate(_PARENS))


@dataclass
class Names:
    """The function-classification rows of the report's tables: labels by code, children by parent."""

    labels: dict[str, set[str]] = field(default_factory=dict)  # code -> the labels printed for it
    children: dict[str, dict[str, str]] = field(default_factory=dict)  # parent code -> {norm(label): code}

    def add(self, code: str, label: str) -> None:
        if len(code) not in (3, 5, 7) or not label.strip():
            return
        self.labels.setdefault(code, set()).add(clean(label))
        parent = code[:-2] if len(code) > 3 else ""
        self.children.setdefault(parent, {})[norm(label)] = code

    def shown(self, code: str) -> str:
        return f"{code} {sorted(self.labels.get(code, {''}))[0]}"

    def listed(self, parent: str, limit: int = 6) -> str:
        codes = sorted(self.children.get(parent, {}).values())
        names = [self.shown(c) for c in codes[:limit]]
        return "、".join(names) + ("等" if len(codes) > limit else "")


def report_names(report: Report) -> Names:
    names = Names()
    for table in report.tables:
        if table.kind in FUNCTION_TABLES:
            for row in table.rows:
                if row.code.isdigit():
                    names.add(row.code, row.label)
        elif table.kind in SUMMARY_TABLES:  # their spending lines are 类 ("八、社会保障和就业支出")
            for row in table.rows:
                if len(row.code) == 3 and row.code.isdigit():
                    names.add(row.code, row.label)
    return names


def class_name(text: str, names: Names) -> tuple[str, str | None]:
    """The 类 named by the text before "（类）" and its code: the longest tail of the text that is
    a national 类 name (or an older one) or a 类 the tables print; else the tail after the last
    figure or lead-in word, without a code."""
    text = compact(text)
    top = names.children.get("", {})
    for start in range(len(text)):
        tail = text[start:]
        code = function_class_for_label(tail) or function_class_for_label(tail + "支出") or top.get(norm(tail))
        if code is not None:
            return tail, code
    tail = re.sub(r"^.*[\d%]", "", text)
    tail = re.sub(r"^(?:万元|元|[（(][一二三四五六七八九十]+[）)])", "", tail)
    return _LEAD_WORDS.sub("", tail), None


@dataclass
class Problem:
    level: int
    name: str
    parent: str  # the code the name was looked up under ("" for a 类)
    detail: str
    sentences: list[NarrativeSentence] = field(default_factory=list)


def check_naming(match: re.Match[str], names: Names) -> Problem | None:
    """The first level of "X（类）Y（款）Z（项）" whose name is not printed in the tables."""
    lei, code = class_name(match.group("lei"), names)
    if not lei or _PLACEHOLDER.match(lei):
        return None
    if code is None:
        if not (lei.endswith("支出") or match.group("kuan")):  # "（类）" after words that are not a name
            return None
        return Problem(1, lei, "", "不是政府收支分类的类级科目名称，表中也没有此类")
    if code not in names.labels:
        return Problem(1, lei, "", f"表中没有{code}类（表中的类：{names.listed('') or '无'}）")
    printed = {norm(label) for label in names.labels[code]} | {norm(FUNCTION_CLASS_NAMES.get(code, ""))}
    if norm(lei) not in printed:  # an old name of the 类 where the table prints the current one
        return Problem(1, lei, "", f"表中此类印作“{names.shown(code)}”")
    for level, group in ((2, "kuan"), (3, "xiang")):
        raw = match.group(group)
        if not raw:
            return None
        name = compact(raw)
        if _PLACEHOLDER.match(name):
            return None
        child = names.children.get(code, {}).get(norm(name))
        if child is None:
            under = names.listed(code)
            detail = f"表中“{names.shown(code)}”下没有此{LEVEL_ZH[level]}" + (f"（其下为：{under}）" if under else "")
            return Problem(level, name, code, detail)
        code = child
    return None


@register("NAR008", "narrative.subject_exists_in_tables", "narrative")
def subject_exists_in_tables(report: Report, ctx: CheckContext) -> None:
    """A 类 / 款 / 项 named in the text is printed in the report's tables under that name.

    **What it checks**: every "X（类）Y（款）Z（项）" naming in the narrative (also a 类 alone,
    "社会保障和就业支出（类）754.75万元") is looked up in the tables by 功能分类 (T5, T3, T2, T8,
    T9): the 类 by its national name or the label the tables print, each 款 / 项 by its exact
    name (spaces, full-width parentheses and a trailing 支出 aside) among the children of the
    level above. The first name that is not there is reported, once per wrong name, with every
    sentence that holds it as evidence and the names the table has under that parent.

    **Why it matters**: the explanation then speaks of a line that does not exist; the reader
    cannot find its figure, and the text may describe last year's or another unit's accounts.
    An old name of a renamed 项 is the typical case: the text was copied from an earlier year.

    **Bad example**: "其他文化体育与传媒支出（项）" where the table's 项 is "2079999
    其他文化旅游体育与传媒支出"; "住房保障支出（类）住房保障支出（款）" where the 款 is "22102
    住房改革支出".

    **Good example**: "住房保障支出（类）住房改革支出（款）住房公积金（项）".

    **Basis**: 政府收支分类科目; DESIGN §3 (subjects named in the text that do not exist).

    **检查内容**: 正文中按“××（类）××（款）××（项）”表述的科目（也包括只写“××（类）”的），在按功能
    分类的表（T5、T3、T2、T8、T9）中查找：类按全国统一名称或表中印出的名称，款、项按名称（不计空格、
    全角括号和末尾的“支出”）在上一级科目的下级中精确查找。找不到的名称予以报告，同一名称只报一次，
    证据为写有该名称的每一句，并列出表中该上级科目下的实际名称。

    **为何重要**: 说明中提到的科目在表中并不存在时，读者找不到对应的数字，这段文字也可能说的是上
    年或其他单位的账目；科目改名后仍用旧名，多半是照抄了往年的文字。
    """
    names = report_names(report)
    if not names.labels:
        raise NotApplicable("未识别到按功能分类的表（T2、T3、T5）")
    sentences = [s for s in report.sentences if re.search(r"[（(]类[）)]", s.text)]
    if not sentences:
        raise NotApplicable("正文中没有按类、款、项表述的科目")
    problems: dict[tuple[int, str, str], Problem] = {}
    for sentence in sentences:
        for match in _NAMING.finditer(sentence.text):
            ctx.comparisons += 1
            problem = check_naming(match, names)
            if problem is None:
                continue
            kept = problems.setdefault((problem.level, problem.parent, norm(problem.name)), problem)
            if sentence not in kept.sentences:
                kept.sentences.append(sentence)
    for problem in problems.values():
        level = LEVEL_ZH[problem.level]
        ctx.add(
            Severity.WARNING,
            f"正文科目“{problem.name}”在表中不存在",  # the name in the title: a list of findings tells them apart
            f"正文所称{level}“{problem.name}”：{problem.detail}。",
            observed=f"{problem.name}（{level}）",
            expected="与表中科目名称一致",
            locations=[
                Evidence(page=s.location.page, line=s.location.line, quote=s.text, bbox=s.location.bbox)
                for s in problem.sentences
            ],
        )
