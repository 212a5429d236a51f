"""Subject resolution: tie a claim to the table cell it talks about.

The section a sentence sits in says which table it explains (收入决算 → T2, 支出决算 → T3,
一般公共预算财政拨款支出 → T5, 基本支出 → T5 / T6, 三公 → T7 …); the subject names the row
(the standard totals, a 类/款/项 naming, a 类 name, 人员经费, 因公出国（境）费 …) and the claim's
kind picks the column (a budget figure reads a 预算数 column where the table has one). What
cannot be tied is kept with the reason, for coverage.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from auditor.checks.helpers import grand_total, summary_structure
from auditor.codes import FUNCTION_CLASS_NAMES, compact, function_class_for_label
from auditor.findings import column_name
from auditor.model import CellRef, Claim, Report, Row, Table, TableKind

RESOLVABLE = ("amount", "outturn", "budget", "share", "growth", "completion")

# subjects reported only in the text (no table carries them)
TEXT_ONLY = ("机关运行经费", "政府采购", "会议费", "培训费", "国有资产", "车辆", "账面", "绩效", "预算金额", "资金总额",
             "合同", "中小企业", "小微企业", "采购金额", "发放", "征缴", "补贴", "补助资金", "单位价值", "单价", "设备",
             "涉及资金", "项目总投资", "科目发生")

# names may hold parentheses themselves ("政府办公厅（室）及相关机构事务（款）"): only the
# markers （类）（款）（项） delimit them
_CLASS_NAMING = re.compile(
    r"(?P<lei>[^，。；：]+?)[（(]类[）)](?:(?P<kuan>[^，。；：]+?)[（(]款[）)])?(?:(?P<xiang>[^，。；：]+?)[（(]项[）)])?"
)

_T7_ITEMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("公务用车购置及运行维护费", "公务用车购置费及运行维护费", "公务用车购置及运行费", "公务用车购置和运行维护费"), "car_total"),
    (("公务用车购置",), "car_purchase"),
    (("公务用车运行",), "car_operation"),
    (("因公出国",), "abroad"),
    (("公务接待",), "reception"),
    (("三公经费", "三公"), "total"),
)

_T2_SOURCES: tuple[tuple[str, str], ...] = (
    ("财政拨款收入", "fiscal_grant"),
    ("上级补助收入", "superior_subsidy"),
    ("事业收入", "business_income"),
    ("经营收入", "operating_income"),
    ("附属单位上缴收入", "affiliated_income"),
    ("其他收入", "other_income"),
)


def table_context(section_title: str) -> TableKind | None:
    """Which table a narrative section explains, from its heading."""
    t = compact(section_title).translate(str.maketrans("", "", "“”\""))
    if "三公" in t:
        return TableKind.T7
    if "政府性基金" in t:
        return TableKind.T8
    if "国有资本经营" in t:
        return TableKind.T9
    if "基本支出" in t:
        return TableKind.T6
    if "一般公共预算" in t or ("财政拨款支出" in t and "收入" not in t):
        return TableKind.T5
    if "财政拨款收入支出" in t or "财政拨款收支" in t:
        return TableKind.T4
    if "支出决算" in t:
        return TableKind.T3
    if "收入决算" in t:
        return TableKind.T2
    if "收入支出决算总体" in t or "收支" in t:
        return TableKind.T1
    return None


_PART_NUMBERS = {"第四部分", "第五部分", "第六部分", "第七部分"}


def outside_table_explanations(claim: Claim) -> bool:
    """Attachments (绩效自评, 整体支出绩效评价报告), 名词解释 and performance sections use other
    scopes (按单位预算口径, project budgets): their figures are not the tables' figures."""
    title = compact(claim.sentence.section_title)
    return claim.sentence.part in _PART_NUMBERS or any(w in title for w in ("绩效", "附件", "名词解释"))


def similarity(a: str, b: str) -> float:
    a, b = compact(a), compact(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if a in b or b in a:
        return 0.9 if min(len(a), len(b)) >= 4 else 0.6
    return SequenceMatcher(None, a, b).ratio()


def _ref(table: Table, row: Row | None, column: str) -> CellRef | None:
    if row is None or table.column(column) is None and not any(c.key == column for c in table.columns):
        return None
    cell = row.cells.get(column)
    return CellRef(
        table=table.kind,
        row_code=row.code,
        row_label=row.label,
        column=column,
        amount=cell.amount if cell is not None else None,
        location=cell.location if cell is not None and (cell.location.bbox or cell.location.line) else row.location,
        column_name=column_name(table, column, row.side),
    )


def resolve_class_naming(subject: str, table: Table) -> tuple[Row | None, str]:
    """'社会保障和就业（类）人力资源和社会保障事务（款）社会保险经办机构（项）' -> the deepest row
    found, and a problem when a named 款 / 项 is not in the table."""
    match = _CLASS_NAMING.search(subject)
    if not match:
        return None, ""
    lei = compact(match.group("lei"))
    code = function_class_for_label(lei) or function_class_for_label(lei + "支出")
    rows = table.rows_by_code()
    row = rows.get(code) if code else None
    if row is None:
        candidates = [r for r in table.rows if r.level == 1 and r.code]
        best = max(candidates, key=lambda r: similarity(lei, r.label), default=None)
        if best is not None and similarity(lei, best.label) >= 0.75:
            row = best
    if row is None:
        return None, f"类“{lei}”在{table.kind.value}中不存在"
    for level_name, group in (("款", "kuan"), ("项", "xiang")):
        name = match.group(group)
        if not name:
            break
        children = [r for r in table.rows if r.code.startswith(row.code) and len(r.code) == len(row.code) + 2]
        best = max(children, key=lambda r: similarity(name, r.label), default=None)
        if best is None or similarity(name, best.label) < 0.75:
            return row, f"{level_name}“{compact(name)}”在{table.kind.value}的“{row.code} {row.label}”下不存在"
        row = best
    return row, ""


def _class_row(subject: str, table: Table) -> Row | None:
    """A 类 named by its standard name: '社会保障和就业支出（类）' or '住房保障支出'."""
    name = compact(re.sub(r"[（(]类[）)]", "", subject))
    code = function_class_for_label(name) or function_class_for_label(name + "支出")
    if code is None:
        return None
    return table.rows_by_code().get(code)


def resolve(claim: Claim, report: Report) -> tuple[CellRef | None, str]:
    ref, why = _resolve(claim, report)
    if ref is not None and claim.kind == "budget" and not ref.column.startswith("budget"):
        return None, f"{ref.table.value}没有预算数列"
    return ref, why


def _resolve(claim: Claim, report: Report) -> tuple[CellRef | None, str]:
    subject = compact(claim.subject).translate(str.maketrans("", "", "“”\""))
    if not subject:
        return None, "未识别出主语"
    if outside_table_explanations(claim):
        return None, "附件、绩效或名词解释中的数字（口径可能不同），不与决算表对照"
    context = table_context(claim.sentence.section_title)
    column_stage = "budget" if claim.kind == "budget" else "final"

    def table(kind: TableKind) -> Table | None:
        return report.table(kind)

    # a 类/款/项 naming: the item-by-item explanation of T5 (or T3 in the 支出 section)
    if _CLASS_NAMING.search(subject):
        kind = context if context in (TableKind.T3, TableKind.T5) else TableKind.T5
        t = table(kind)
        if t is None:
            return None, f"未识别到{kind.value}"
        row, problem = resolve_class_naming(subject, t)
        if problem:
            return None, problem
        if claim.kind == "budget":
            return (_ref(t, row, "budget"), "") if t.column("budget") else (None, f"{kind.value}无预算数列")
        return _ref(t, row, "total"), ""

    if any(word in subject for word in TEXT_ONLY):
        return None, "表中无此项（仅见于文字）"

    # 三公经费 (T7), by item and stage
    if context is TableKind.T7 or "三公" in subject or "公务接待" in subject or "因公出国" in subject or "公务用车" in subject:
        t = table(TableKind.T7)
        if t is None:
            return None, "未识别到T7"
        for words, item in _T7_ITEMS:
            if any(w in subject for w in words):
                key = f"{column_stage}.{item}"
                row = next((r for r in t.rows), None)
                if row is None:  # an empty 三公 table: every figure is blank
                    return CellRef(TableKind.T7, "", "", key, None, t.location), ""
                ref = _ref(t, row, key)
                return (ref, "") if ref else (None, f"T7无“{key}”列")
        return None, "未能对应到T7的列"

    if "人员经费" in subject or "公用经费" in subject:
        t = table(TableKind.T6)
        if t is None:
            return None, "未识别到T6"
        row = t.find_row("人员经费" if "人员经费" in subject else "公用经费")
        return _ref(t, row, "amount"), ""

    if "总计" in subject:
        summary_kind: TableKind = TableKind.T4 if "财政拨款" in subject else TableKind.T1
        t = table(summary_kind)
        if t is None:
            return None, f"未识别到{summary_kind.value}"
        income = [r for r in t.rows if r.side == "income"]
        grand = summary_structure(income)[3]
        key = next((c.key for c in t.columns if c.side == "income"), "amount")
        return _ref(t, grand, key), ""

    if "收入合计" in subject or subject in ("收入", "本年收入"):
        t = table(TableKind.T1)
        if t is not None:
            year = summary_structure([r for r in t.rows if r.side == "income"])[1]
            key = next((c.key for c in t.columns if c.side == "income"), "amount")
            return _ref(t, year, key), ""

    if "支出合计" in subject:
        t = table(TableKind.T1)
        if t is not None:
            year = summary_structure([r for r in t.rows if r.side == "expense"])[1]
            key = next((c.key for c in t.columns if c.side == "expense"), "amount")
            return _ref(t, year, key), ""

    for word, key in _T2_SOURCES:
        if subject.endswith(word) or subject == word:
            t = table(TableKind.T2)
            if t is None:
                return None, "未识别到T2"
            return _ref(t, grand_total(t), key), ""

    if "政府性基金" in subject or "国有资本经营" in subject:
        fund_kind: TableKind = TableKind.T8 if "政府性基金" in subject else TableKind.T9
        t = table(fund_kind)
        if t is None:
            return None, f"未识别到{fund_kind.value}"
        return _ref(t, grand_total(t), "income" if "收入" in subject else "total"), ""

    spending_table = TableKind.T3 if context is TableKind.T3 else TableKind.T5
    if "财政拨款" in subject or "一般公共预算" in subject:
        spending_table = TableKind.T5
    for word, key in (("基本支出", "basic"), ("项目支出", "project")):
        if subject.endswith(word):
            t = table(spending_table)
            if t is None:
                return None, f"未识别到{spending_table.value}"
            return _ref(t, grand_total(t), key), ""

    if subject.endswith(("财政拨款支出", "一般公共预算财政拨款支出")) and "基本" not in subject:
        t = table(TableKind.T5)
        if t is None:
            return None, "未识别到T5"
        return _ref(t, grand_total(t), "total"), ""

    if any(name in subject for name in FUNCTION_CLASS_NAMES.values()) or "（类）" in claim.subject:
        t = table(spending_table) or table(TableKind.T5)
        if t is not None:
            row = _class_row(subject, t)
            if row is not None:
                return _ref(t, row, "total"), ""
    return None, "未能对应到表中的行"


def resolve_whole(claim: Claim, report: Report) -> CellRef | None:
    """The whole of a share: named ("占本年支出合计的"), else the table total of the context."""
    if claim.whole:
        proxy = Claim("amount", claim.whole, None, "", claim.whole, claim.sentence)
        ref, _ = resolve(proxy, report)
        if ref is not None:
            return ref
    return None


def resolve_claims(report: Report) -> None:
    for claim in report.claims:
        if claim.kind not in RESOLVABLE:
            continue
        target, why = resolve(claim, report)
        claim.target = target
        claim.unresolved = "" if target is not None else why
