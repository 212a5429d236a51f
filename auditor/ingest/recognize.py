"""Table recognition: which of the nine tables a title names, and what each column means.

Titles vary by province and year ("一般公共预算财政拨款基本支出决算明细表", "一般公共预算
财政拨款基本支出决算表", "财政拨款“三公”经费支出决算表", "国有资本经营预算财政拨款
收入支出决算表"...). Rules are ordered from the most specific; each names the words it needs,
so a title is recognised by meaning, not by exact text. The "公开0X表" label is the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from auditor.codes import compact
from auditor.model import TableKind


@dataclass(frozen=True)
class TitleRule:
    kind: TableKind
    all_of: tuple[str, ...]
    none_of: tuple[str, ...] = ()


# Order matters: the first rule whose words all occur (and none of its exclusions) wins.
TITLE_RULES: tuple[TitleRule, ...] = (
    TitleRule(TableKind.T7, ("三公", "决算")),
    TitleRule(TableKind.T8, ("政府性基金", "决算")),
    TitleRule(TableKind.T9, ("国有资本经营", "决算")),
    TitleRule(TableKind.T6, ("基本支出", "决算"), ("项目支出",)),
    TitleRule(TableKind.T5, ("一般公共预算", "支出决算")),
    TitleRule(TableKind.T4, ("财政拨款收入支出决算总表",)),
    TitleRule(TableKind.T1, ("收入支出决算总表",)),
    TitleRule(TableKind.T2, ("收入决算表",)),
    TitleRule(TableKind.T3, ("支出决算表",)),
)

# Other tables some regions add: recognised as tables (so they are not read as text), kept
# as OTHER.
OTHER_TITLE_WORDS: tuple[str, ...] = (
    "机关运行经费",
    "政府采购",
    "国有资产",
    "项目支出决算表",
    "绩效",
    "会议费",
    # 部门预算 tables (read and kept; checked by budget rules, not as 决算 tables)
    "预算总表",
    "预算表",
    "决算表",
)

_LABEL_RE = re.compile(r"公开\s*0?(\d{1,2})\s*表")
_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』")


def normalise_title(text: str) -> str:
    return compact(text).translate(_QUOTES)


def _budget_rules() -> list[tuple[TableKind, list[list[str]], list[str]]]:
    import yaml  # type: ignore[import-untyped]

    path = Path(__file__).with_name("budget_tables.yaml")
    return [(TableKind(r["kind"]), r["all_of"], r.get("none_of", [])) for r in yaml.safe_load(path.read_text(encoding="utf-8"))]


BUDGET_RULES = _budget_rules()
_QUALIFIER_RE = re.compile(r"[（(](?:按)?(?:功能|经济)(?:科目|分类)(?:科目)?[）)]$")


def budget_kind(title: str) -> TableKind | None:
    """The 部门预算 table a (normalised) title names, or None."""
    if "决算" in title or "预算" not in title:
        return None
    for kind, all_of, none_of in BUDGET_RULES:
        if any(all(w in title for w in words) for words in all_of) and not any(w in title for w in none_of):
            return kind
    return None


def kind_from_title(text: str) -> TableKind | None:
    """The standard table a title line names (决算 T1–T9, 预算 B1–B11), OTHER for a known extra,
    None if not a title."""
    title = _QUALIFIER_RE.sub("", normalise_title(text))  # "…支出预算表（功能科目）"
    if not title.endswith(("表", "表）", "表)")) and "决算表" not in title:
        return None
    if re.search(r"[；;。]|^附件[:：]|^\d+[.．、]", title):
        return None  # a list of attachments or a sentence, not a table's title
    if len(title) > 60 or re.match(r"^第[一二三四五六七八九十\d]+部分", title) or re.search(r"(部门|单位|年度)(决算|预算)表$", title):
        return None  # a part's title ("第二部分 2022年度部门决算表", "…局2024年度部门决算表"), not a table
    for rule in TITLE_RULES:
        if all(w in title for w in rule.all_of) and not any(w in title for w in rule.none_of):
            return rule.kind
    budget = budget_kind(title)
    if budget is not None:
        return budget
    if any(w in title for w in OTHER_TITLE_WORDS):
        return TableKind.OTHER
    return None


def kind_from_label(text: str) -> tuple[str, TableKind | None] | None:
    """'公开 05 表' -> ('公开05表', T5); labels beyond 09 are extras (OTHER)."""
    match = _LABEL_RE.search(compact(text))
    if not match:
        return None
    number = int(match.group(1))
    label = f"公开{number:02d}表"
    if 1 <= number <= 9:
        return label, TableKind(f"T{number}")
    return label, TableKind.OTHER


# ---- columns -------------------------------------------------------------------------

# (key, words any of which the header must contain), tried in order, per table kind.
_VALUE_COLUMNS: dict[TableKind, tuple[tuple[str, tuple[str, ...]], ...]] = {
    TableKind.T1: (
        ("budget", ("预算数", "年初预算", "全年预算")),
        ("amount", ("决算数", "金额", "合计", "本年数")),
    ),
    TableKind.T2: (
        ("total", ("本年收入合计", "收入合计", "合计")),
        ("fiscal_grant", ("财政拨款",)),
        ("superior_subsidy", ("上级补助",)),
        ("business_income", ("事业收入",)),
        ("operating_income", ("经营收入",)),
        ("affiliated_income", ("附属单位",)),
        ("other_income", ("其他收入",)),
    ),
    TableKind.T3: (
        ("total", ("本年支出合计", "支出合计", "合计")),
        ("basic", ("基本支出",)),
        ("project", ("项目支出",)),
        ("remit_superior", ("上缴上级",)),
        ("operating", ("经营支出",)),
        ("affiliated_subsidy", ("附属单位",)),
    ),
    TableKind.T4: (
        ("general_budget", ("一般公共预算",)),
        ("gov_fund", ("政府性基金",)),
        ("state_capital", ("国有资本经营",)),
        ("total", ("合计", "小计", "金额", "决算数")),
    ),
    TableKind.T5: (
        ("basic", ("基本支出",)),
        ("project", ("项目支出",)),
        ("total", ("小计", "合计", "本年支出", "决算数")),
    ),
    TableKind.T6: (
        ("personnel", ("人员经费",)),
        ("public", ("公用经费",)),
        ("amount", ("决算数", "金额", "合计")),
    ),
    TableKind.T8: (
        ("opening", ("年初结转",)),
        ("income", ("本年收入",)),
        ("closing", ("年末结转",)),
        ("basic", ("基本支出",)),
        ("project", ("项目支出",)),
        ("total", ("小计", "合计", "本年支出")),
    ),
    TableKind.T9: (
        ("opening", ("年初结转",)),
        ("income", ("本年收入",)),
        ("closing", ("年末结转",)),
        ("basic", ("基本支出",)),
        ("project", ("项目支出",)),
        ("total", ("小计", "合计", "本年支出")),
    ),
}


# 部门预算 tables: the same meanings for every kind (a budget prints 上年 / 本年 / 增减 columns).
_BUDGET_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("prior", ("上年预算", "上年数", "上年执行", "上年")),
    ("change_rate", ("增减率", "增长率", "增幅", "%")),
    ("change", ("增减", "增加额", "比上年")),
    ("basic", ("基本支出",)),
    ("project", ("项目支出",)),
    ("personnel", ("人员经费",)),
    ("public", ("公用经费",)),
    ("reserve", ("机动经费", "预留")),
    ("carry_over", ("结转下年",)),
    ("total", ("合计", "小计", "本年预算", "预算数", "金额", "总计", "机关运行经费")),
)


def value_column_key(kind: TableKind, header: tuple[str, ...]) -> str | None:
    """The meaning of a value column from its header path (top to bottom), or None."""
    if kind is TableKind.T7:
        return _three_public_key(header)
    if kind is TableKind.B7:
        key = _three_public_key(header)
        if key is not None:
            stage = "prior" if any("上年" in h for h in header) else "budget"
            return f"{stage}.{key.split('.', 1)[1]}"
        return None
    rules = _BUDGET_COLUMNS if kind.value.startswith("B") else _VALUE_COLUMNS.get(kind, ())
    # The deepest header text decides first; a parent header (e.g. "本年支出") decides
    # only when the deeper text names nothing.
    for text in reversed([compact(h) for h in header if h]):
        for key, words in rules:
            if any(w in text for w in words):
                return key
    return None


def _three_public_key(header: tuple[str, ...]) -> str | None:
    """T7 columns: a stage (预算数 / 决算数) and an item (合计, 因公出国, 公务用车 小计 /
    购置 / 运行维护, 公务接待), in any header order."""
    texts = [normalise_title(h) for h in header if h]
    stage = "final"
    items: list[str] = []
    for text in texts:
        if text in {"预算数", "预算", "全年预算数", "年初预算数"} or (text.endswith("预算数") and len(text) <= 6):
            stage = "budget"
        elif text in {"决算数", "决算", "实际支出"} or (text.endswith("决算数") and len(text) <= 6):
            stage = "final"
        else:
            items.append(text)
    for position in range(len(items) - 1, -1, -1):
        leaf = items[position]
        parent = items[position - 1] if position else ""
        if "出国" in leaf:
            item = "abroad"
        elif "接待" in leaf:
            item = "reception"
        elif "会议费" in leaf:
            item = "meeting"  # some budgets print 会议费 and 培训费 beside the 三公 (Jiangsu)
        elif "培训费" in leaf:
            item = "training"
        elif "小计" in leaf and "三公" in parent:
            item = "three_total"  # the 三公 subtotal when 合计 also covers 会议费 / 培训费
        elif "小计" in leaf or ("购置" in leaf and "运行" in leaf):
            item = "car_total"
        elif "购置" in leaf:
            item = "car_purchase"
        elif "运行" in leaf or "维护" in leaf:
            item = "car_operation"
        elif "合计" in leaf:
            item = "total"
        else:
            continue
        return f"{stage}.{item}"
    if texts and not items:
        return f"{stage}.total"
    return None


# Words that name a row in some tables and a column in others: the 决算 基本支出表 prints
# "人员经费合计" / "公用经费合计" lines (or a section line "人员经费"), a budget's 基本支出预算表
# heads its columns 合计 | 人员经费 | 公用经费.
ROW_OR_COLUMN_WORDS = ("人员经费", "公用经费")
# Column names printed beside them in a header row.
_HEADER_SIBLINGS = ("合计", "小计", "科目", "编码", "代码", "名称", "金额", "预算数", "决算数", "基本支出")


def names_row_words(cells: list[str]) -> bool:
    """A words-only row holding 人员经费 / 公用经费 is a data line, unless they head columns: a
    cell that is the word alone, beside a cell naming another column (合计, 科目名称...)."""
    texts = [compact(t) for t in cells if compact(t)]
    holding = [t for t in texts if any(w in t for w in ROW_OR_COLUMN_WORDS)]
    if not holding:
        return False
    alone = any(t.removesuffix("支出") in ROW_OR_COLUMN_WORDS for t in holding)
    siblings = any(any(w in t for w in _HEADER_SIBLINGS) for t in texts if t not in holding)
    return not (alone and siblings)


def is_code_header(text: str) -> bool:
    t = compact(text)
    return "编码" in t or "代码" in t or t in {"类", "款", "项", "科目编码"}


def is_label_header(text: str) -> bool:
    t = compact(text)
    return "科目名称" in t or t in {"项目", "项目名称", "名称", "科目"} or t.endswith("名称")


def is_line_no_header(text: str) -> bool:
    return "行次" in compact(text)
