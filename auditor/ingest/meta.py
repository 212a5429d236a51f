"""The department and the report year, read from the report's own words.

Tried in order, the first that names a department wins:
1. a labelled line ("部门：X", "单位名称：X"), the commonest value;
2. "第一部分 X概况";
3. the title line in any common form, at the start of one of the first lines, also when the body
   runs on after it: "X2022年度部门决算", "2017年度X决算说明", "2015年度X部门决算说 明",
   "X部门2016年度决算公开", "X关于2016年度部门决算的说明";
4. the department a batch notice names ("关于批复X2014年度部门决算的通知");
5. a web page's "来源：X" line, the subject of the functions section ("X的主要职责是"), or a
   signature line ("X2015年2月10日").
The year: the title's year, else "现将…2016年度部门决算", else the commonest "20XX年度".
"""

from __future__ import annotations

import re
from collections import Counter

from auditor.codes import compact
from auditor.ingest.document import TextLine

_DEPT_RE = re.compile(r"^(?:部门|单位|编制单位|部门名称|单位名称)\s*[:：]\s*(.+)$")
_YEAR_RE = re.compile(r"(20\d{2})\s*年度")
_NAME = r"[\u4e00-\u9fff（）()·]{2,40}?"
_KIND = r"(?:部门)?(?:决算|预算)(?:说明|情况说明|公开说明|公开|报告|编制说明)?"
_TITLES = (
    # "2017年度X决算说明", "2017年X部门决算"
    re.compile(r"^(?P<y>20\d{2})年度?(?P<name>" + _NAME + r")" + _KIND),
    # "X2022年度部门决算", "X部门2016年度决算公开"
    re.compile(r"^(?P<name>" + _NAME + r")(?:部门)?(?P<y>20\d{2})年度?" + _KIND),
    # "X关于2016年度部门决算的说明"
    re.compile(r"^(?P<name>" + _NAME + r")关于(?P<y>20\d{2})年度?" + _KIND),
)
_NOTICE = re.compile(r"关于批复(?P<name>" + _NAME + r")(?P<y>20\d{2})年度?部门决算")
_DUTIES = re.compile(r"(?P<name>[\u4e00-\u9fff（）]{2,40}?)(?:部门|单位)?的主要职责")
_SOURCE = re.compile(r"^来源[:：](?P<name>" + _NAME + r")(?:附件|$)")
_SIGNATURE = re.compile(r"(?P<name>" + _NAME + r")(?P<y>20\d{2})年\d{1,2}月\d{1,2}日$")
_NOT_A_NAME = re.compile(r"^(?:关于|现将|按照|根据|依据|本|我|部门|单位|年度|说明|公开|各|全|批复|财政)|(?:通知|文件|如下)$")
_LEADING_NOISE = re.compile(
    r"^(?:目录|目\s*录|附件\d*|[:：\s]|[一二三四五六七八九十\d]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|(?:部门|单位)?主要职责)+"
)
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十\d]+[、.．]|[（(][一二三四五六七八九十\d]+[）)])")


def _clean(name: str) -> str:
    name = _LEADING_NOISE.sub("", name).strip("《》“”\"：:，, ")
    name = re.sub(r"(?:部门|单位|关于)$", "", name)
    if len(name) < 2 or _NOT_A_NAME.search(name):
        return ""
    return name


def _title(text: str) -> tuple[str, int | None]:
    if _NUMBERED.match(text):
        return "", None  # "（一）X2014年部门决算总收入…": a body line, not the title
    for pattern in _TITLES:
        match = pattern.match(text)
        if match:
            name = _clean(match.group("name"))
            if name:
                return name, int(match.group("y"))
    return "", None


def department(lines: list[TextLine]) -> str:
    names: Counter[str] = Counter()
    for line in lines:
        match = _DEPT_RE.match(compact(line.text))
        if match:
            name = match.group(1).strip()
            name = re.split(r"(?:单位|金额单位)[:：]|公开\d", name)[0].strip()
            if name and "万元" not in name and name not in ("元", "千元", "亿元"):
                names[name] += 1
    if names:
        return names.most_common(1)[0][0]
    for line in lines:
        match = re.match(r"^第一部分(.+?)(?:单位|部门)?(?:概况|基本情况)$", compact(line.text))
        if match and len(match.group(1)) >= 2:
            return match.group(1)
    head = [compact(line.text) for line in lines[:15]]
    for index, text in enumerate(head):
        if text == "部门决算" and index > 0:
            return head[index - 1]
        name, _ = _title(text)
        if name:
            return name
        match = re.match(r"^(?:20\d{2}年度?)?(.+?)(?:20\d{2}年度?)?部门决算$", text)
        if match and len(match.group(1)) >= 2:
            return match.group(1)
    for text in head:
        match = _NOTICE.search(text)
        if match and _clean(match.group("name")):
            return _clean(match.group("name"))
    for line in reversed(lines[-10:]):
        match = _SOURCE.search(compact(line.text))
        if match and _clean(match.group("name")):
            return _clean(match.group("name"))
    for line in lines[:40]:
        match = _DUTIES.search(compact(line.text))
        if match and _clean(match.group("name")):
            return _clean(match.group("name"))
    for line in reversed(lines[-10:]):
        match = _SIGNATURE.search(compact(line.text))
        if match and _clean(match.group("name")):
            return _clean(match.group("name"))
    return ""


def year(lines: list[TextLine]) -> int | None:
    for line in lines[:15]:
        _, found = _title(compact(line.text))
        if found:
            return found
    for line in lines[:60]:
        match = re.search(r"现将.{0,20}?(20\d{2})年度?(?:部门)?决算", compact(line.text))
        if match:
            return int(match.group(1))
    years: Counter[int] = Counter()
    for line in lines[:60]:
        for match in _YEAR_RE.finditer(compact(line.text)):
            years[int(match.group(1))] += 1
    return years.most_common(1)[0][0] if years else None
