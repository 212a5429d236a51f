"""Government budget classification codes (政府收支分类科目).

功能分类 (function): 3 digits = 类, 5 = 款, 7 = 项. 经济分类 (economic): 3 = 类, 5 = 款.
The 类 names are the national standard list (财政部《政府收支分类科目》), used to tie a
T1 / T4 line such as "八、社会保障和就业支出" to the code 208 in T3 / T5.
"""

from __future__ import annotations

import re

FUNCTION_CLASS_NAMES: dict[str, str] = {
    "201": "一般公共服务支出",
    "202": "外交支出",
    "203": "国防支出",
    "204": "公共安全支出",
    "205": "教育支出",
    "206": "科学技术支出",
    "207": "文化旅游体育与传媒支出",
    "208": "社会保障和就业支出",
    "209": "社会保险基金支出",
    "210": "卫生健康支出",
    "211": "节能环保支出",
    "212": "城乡社区支出",
    "213": "农林水支出",
    "214": "交通运输支出",
    "215": "资源勘探工业信息等支出",
    "216": "商业服务业等支出",
    "217": "金融支出",
    "219": "援助其他地区支出",
    "220": "自然资源海洋气象等支出",
    "221": "住房保障支出",
    "222": "粮油物资储备支出",
    "223": "国有资本经营预算支出",
    "224": "灾害防治及应急管理支出",
    "227": "预备费",
    "229": "其他支出",
    "230": "转移性支出",
    "231": "债务还本支出",
    "232": "债务付息支出",
    "233": "债务发行费用支出",
    "234": "抗疫特别国债安排的支出",
}

# Older names of the same 类 (renamed over the years); matched as aliases.
_CLASS_ALIASES: dict[str, str] = {
    "文化体育与传媒支出": "207",
    "文化旅游体育与传媒": "207",
    "医疗卫生与计划生育支出": "210",
    "医疗卫生支出": "210",
    "资源勘探信息等支出": "215",
    "资源勘探电力信息等支出": "215",
    "国土海洋气象等支出": "220",
    "粮油物资储备管理等支出": "222",
}

ECONOMIC_CLASS_NAMES: dict[str, str] = {
    "301": "工资福利支出",
    "302": "商品和服务支出",
    "303": "对个人和家庭的补助",
    "307": "债务利息及费用支出",
    "309": "资本性支出（基本建设）",
    "310": "资本性支出",
    "311": "对企业补助（基本建设）",
    "312": "对企业补助",
    "313": "对社会保障基金补助",
    "399": "其他支出",
}

# 人员经费 = 工资福利支出 + 对个人和家庭的补助 (economic 类 codes)
PERSONNEL_CLASSES = ("301", "303")

_ORDINAL_PREFIX = re.compile(r"^[\s　]*(?:[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、．.])\s*")


def strip_ordinal(label: str) -> str:
    """'八、社会保障和就业支出' -> '社会保障和就业支出'."""
    return _ORDINAL_PREFIX.sub("", label).strip()


def compact(text: str) -> str:
    return re.sub(r"[\s　]+", "", text)


def function_class_for_label(label: str) -> str | None:
    """The 功能分类 类 code a T1 / T4 spending line names, or None."""
    name = compact(strip_ordinal(label))
    if not name:
        return None
    for code, standard in FUNCTION_CLASS_NAMES.items():
        if name == standard:
            return code
    for alias, code in _CLASS_ALIASES.items():
        if name == alias or name == alias + "支出":
            return code
    return None


def code_level(code: str) -> int:
    """1 = 类 (3 digits), 2 = 款 (5), 3 = 项 (7); 0 when not a code."""
    return {3: 1, 5: 2, 7: 3}.get(len(code), 0) if code.isdigit() else 0


def parent_code(code: str) -> str | None:
    if len(code) == 7:
        return code[:5]
    if len(code) == 5:
        return code[:3]
    return None


def is_economic_code(code: str) -> bool:
    return code[:1] in {"3", "5"} and len(code) in (3, 5)


CODE_RE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


def looks_like_code(text: str) -> bool:
    return bool(CODE_RE.match(compact(text)))
