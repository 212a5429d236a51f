from __future__ import annotations

import re

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.findings import Evidence, Severity
from auditor.model import NarrativeSentence, Report

# "（科目编码2010301）", "科目编号：212", "2012999群团事务-…支出": a code the text names
_LABELLED = re.compile(r"(?:科目编码|科目编号|科目代码|分类编码|功能科目)\s*[:：为]?\s*(?P<code>\d{3,10})(?!\d)")
_LEADING = re.compile(r"(?:^|[（(）)、：:\s])(?P<code>2\d{4}(?:\d{2})?|2\d{7,9})(?=[\u4e00-\u9fff])")
# 功能分类 类 codes (201 一般公共服务 … 234 债务发行费用; 2xx) and 经济分类 类 codes (301…399, 501…599)
_FUNCTION_CLASSES = set(range(201, 235))
_ECONOMIC_CLASSES = set(range(301, 400)) | set(range(501, 600))


def _codes(sentence: NarrativeSentence) -> list[tuple[str, int]]:
    found = {m.start("code"): m.group("code") for m in _LABELLED.finditer(sentence.text)}
    for m in _LEADING.finditer(sentence.text):
        found.setdefault(m.start("code"), m.group("code"))
    return [(code, start) for start, code in sorted(found.items())]


def _table_codes(report: Report) -> set[str]:
    return {row.code for table in report.tables for row in table.rows if getattr(row, "code", "")}


@register("NAR025", "narrative.classification_codes", "narrative")
def classification_codes(report: Report, ctx: CheckContext) -> None:
    """Classification codes named in the narrative have a valid structure.

    **What it checks**: each code the narrative names ("科目编码2010301", "2012999群团事务…")
    has 3, 5 or 7 digits (类 / 款 / 项); its first three digits are an existing 类 (功能分类
    201–234, 经济分类 301–399 / 501–599); a 款 or 项 code named after its 类 code in the same
    sentence starts with it; and, when the report has tables, a 项 code is one of theirs.

    **Why it matters**: a code that cannot exist (8 digits, a 款 of another 类) means the text
    was typed by hand and may name the wrong line; readers use codes to find the line.

    **Bad example**: "城乡社区支出（科目编号212）…科目编码21308011-征地拆迁补偿支出…"

    **Good example**: "城乡社区支出（科目编号212）…科目编码2120801-征地拆迁补偿支出…"

    **Basis**: DESIGN §2 (功能分类: 3 digits = 类, 5 = 款, 7 = 项; a child starts with its parent).

    **检查内容**: 正文中写出的科目编码（如“科目编码2010301”“2012999群团事务……”）应为 3、5 或 7 位
    （类、款、项）；前三位应是存在的类（功能分类 201–234，经济分类 301–399、501–599）；同一句中写在类
    编码之后的款、项编码应以该类编码开头；报告附有表格时，项级编码应在表中出现。

    **为何重要**: 不可能存在的编码（8 位、挂在别的类下的款）说明文字是手工录入的，可能指错了科目；
    读者靠编码查找对应的表格行。
    """
    table_codes = _table_codes(report)
    seen = False
    for sentence in report.sentences:
        codes = _codes(sentence)
        parent = ""
        for code, _ in codes:
            seen = True
            ctx.comparisons += 1
            where = [Evidence(page=sentence.location.page, line=sentence.location.line, quote=sentence.text,
                              bbox=sentence.location.bbox)]
            head = int(code[:3])
            problem = ""
            if len(code) not in (3, 5, 7):
                problem = f"编码“{code}”为{len(code)}位，科目编码应为3位（类）、5位（款）或7位（项）"
            elif head not in _FUNCTION_CLASSES and head not in _ECONOMIC_CLASSES:
                problem = f"编码“{code}”的前三位“{code[:3]}”不是存在的类级科目"
            elif parent and len(code) > len(parent) and not code.startswith(parent):
                problem = f"编码“{code}”写在类/款编码“{parent}”之下，却不以“{parent}”开头"
            elif table_codes and len(code) == 7 and code not in table_codes:
                problem = f"编码“{code}”在报告的表格中不存在"
            if problem:
                ctx.add(Severity.ERROR if "表格" not in problem else Severity.WARNING,
                        "科目编码有误", problem + "。", observed=code, expected="有效的科目编码", locations=where)
            if len(code) in (3, 5) and not problem:
                parent = code
    if not seen:
        raise NotApplicable("正文没有写出科目编码")
