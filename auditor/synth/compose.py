"""From consistent figures (``figures.ReportData``) to a renderable report (``ReportSpec``) in
one of three layouts, with a narrative written from templates in varied phrasing.

Layouts (as seen in real reports):
- ``hunan``: "公开0X表" labels, one code column, 合计 first, 行次 in the summary tables, the
  basic-expenditure table three column groups wide;
- ``shanghai``: no labels, codes split over 类 / 款 / 项 columns, 合计 last in T5, the basic-
  expenditure table two groups wide, zeros printed as 0.00;
- ``plain``: stresses extraction: horizontal rules only, merged header cells, amounts in 元
  with thousands separators, zeros as "-", the basic-expenditure table one group wide so that
  it runs over several pages.

``compose`` also returns anchors: where each statement of the narrative stands (block index
and the exact text), so that mutators can plant a slip at a known place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from auditor.codes import FUNCTION_CLASS_NAMES
from auditor.synth.figures import ECONOMIC_TREE, ReportData, q2
from auditor.synth.spec import SPAN_LEFT as L
from auditor.synth.spec import SPAN_UP as U
from auditor.synth.spec import Heading, Paragraph, ReportSpec, TableSpec

LAYOUT_NAMES = ("hunan", "shanghai", "plain")
CN = "零一二三四五六七八九十"

# T1 / T4 spending lines in the national order (the 类 a department may print)
SUMMARY_CLASSES = ("201", "202", "203", "204", "205", "206", "207", "208", "210", "211", "212", "213", "214", "215",
                   "216", "217", "219", "220", "221", "222", "223", "224", "229")


def cn(n: int) -> str:
    if n <= 10:
        return CN[n] if n < 10 else "十"
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")


@dataclass
class Anchors:
    """Where the narrative says what: name -> (block index, exact text)."""

    places: dict[str, tuple[int, str]] = field(default_factory=dict)
    headings: list[int] = field(default_factory=list)  # block indexes of 一、 headings of 第三部分

    def add(self, name: str, block: int, text: str) -> None:
        self.places[name] = (block, text)


@dataclass
class Style:
    layout: str
    unit: str  # 万元 / 元
    zero: str  # how a zero prints in amount cells: "", "0.00", "-"
    thousands: bool

    def money(self, value: Decimal, blank_zero: bool = True) -> str:
        if self.unit == "元":
            value = value * 10000
        value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if value == 0 and blank_zero:
            return self.zero
        return f"{value:,.2f}" if self.thousands else f"{value:.2f}"


STYLES = {
    "hunan": Style("hunan", "万元", "", False),
    "shanghai": Style("shanghai", "万元", "0.00", False),
    "plain": Style("plain", "元", "-", True),
}


def w(value: Decimal) -> str:
    """An amount as the narrative prints it (万元, two decimals)."""
    return f"{q2(value):.2f}"


def pct(part: Decimal, whole: Decimal) -> str:
    if whole == 0:
        return "0.00"
    return f"{(part / whole * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"


class _Composer:
    def __init__(self, data: ReportData, layout: str, rng: random.Random) -> None:
        self.d = data
        self.layout = layout
        self.style = STYLES[layout]
        self.rng = rng
        self.blocks: list[Heading | Paragraph | TableSpec] = []
        self.anchors = Anchors()
        self.toc: list[str] = []

    # ---- helpers -------------------------------------------------------------------
    def para(self, text: str, name: str = "") -> None:
        if name:
            self.anchors.add(name, len(self.blocks), text)
        self.blocks.append(Paragraph(text))

    def heading(self, text: str, level: int, in_toc: bool = True) -> None:
        if in_toc:
            self.toc.append(text)
        if level == 1 and self.toc and any(t.startswith("第三部分") for t in self.toc):
            self.anchors.headings.append(len(self.blocks))
        self.blocks.append(Heading(text, level))

    def label(self, n: int) -> str:
        return f"公开{n:02d}表" if self.layout == "hunan" else ""

    def dept(self) -> str:
        return self.d.department if self.layout == "hunan" else ""

    # ---- code columns --------------------------------------------------------------
    def code_cells(self, code: str) -> list[str]:
        if self.layout != "shanghai":
            return [code]
        return [code[:3], code[3:5] if len(code) >= 5 else "", code[5:7] if len(code) == 7 else ""]

    def code_header(self) -> list[list[str]]:
        if self.layout != "shanghai":
            return [["功能分类科目编码"]]
        return [["功能分类科目编码", L, L], ["类", "款", "项"]]

    def coded_rows(self, values: dict[str, list[Decimal]], total_first: bool) -> list[list[str]]:
        """Rows for the 类 / 款 / 项 hierarchy, values summed up from the 项 rows."""
        rows: list[list[str]] = []
        width = len(next(iter(values.values()))) if values else 0
        totals = [sum((v[i] for v in values.values()), Decimal(0)) for i in range(width)]
        blank_code = [""] * len(self.code_cells("208"))
        total_row = blank_code + ["合计"] + [self.style.money(t) for t in totals]
        if self.layout == "shanghai":
            total_row = ["合计"] + [L] * (len(blank_code)) + [self.style.money(t) for t in totals]
        body: list[list[str]] = []
        for cls in sorted({c[:3] for c in values}):
            names = {**self.d.class_names}
            sums = [sum((v[i] for c, v in values.items() if c.startswith(cls)), Decimal(0)) for i in range(width)]
            body.append(self.code_cells(cls) + [names.get(cls, FUNCTION_CLASS_NAMES.get(cls, ""))] + [self.style.money(s) for s in sums])
            for kuan in sorted({c[:5] for c in values if c.startswith(cls)}):
                sums = [sum((v[i] for c, v in values.items() if c.startswith(kuan)), Decimal(0)) for i in range(width)]
                body.append(self.code_cells(kuan) + [self.d.kuan_names.get(kuan, "")] + [self.style.money(s) for s in sums])
                for code in sorted(c for c in values if c.startswith(kuan)):
                    item = next(i for i in self.d.items if i.code == code)
                    body.append(self.code_cells(code) + [item.label] + [self.style.money(x) for x in values[code]])
        rows = [total_row] + body if total_first else body + [total_row]
        return rows

    def coded_roles(self, amounts: int) -> tuple[str, ...]:
        return tuple(["code"] * len(self.code_cells("208")) + ["label"] + ["amount"] * amounts)

    # ---- tables --------------------------------------------------------------------
    def t1(self) -> TableSpec:
        d, s = self.d, self.style
        other = d.other
        income = [
            ("一、一般公共预算财政拨款收入", d.general), ("二、政府性基金预算财政拨款收入", d.fund),
            ("三、国有资本经营预算财政拨款收入", Decimal(0)),
            ("四、上级补助收入", other if d.other_source == "上级补助收入" else Decimal(0)),
            ("五、事业收入", other if d.other_source == "事业收入" else Decimal(0)), ("六、经营收入", Decimal(0)),
            ("七、附属单位上缴收入", Decimal(0)), ("八、其他收入", other if d.other_source == "其他收入" else Decimal(0)),
        ]
        expense = [(f"{cn(i + 1)}、{FUNCTION_CLASS_NAMES[c]}", d.class_total(c)) for i, c in enumerate(SUMMARY_CLASSES)]
        with_line = self.layout == "hunan"
        rows: list[list[str]] = []
        for i in range(max(len(income), len(expense))):
            left = income[i] if i < len(income) else ("", Decimal(0))
            right = expense[i] if i < len(expense) else ("", Decimal(0))
            row = [left[0]] + ([str(i + 1)] if with_line else []) + [s.money(left[1]) if left[0] else ""]
            row += [right[0]] + ([str(i + 1 + 31)] if with_line else []) + [s.money(right[1])]
            rows.append(row)
        closing = [
            ("本年收入合计", d.total, "本年支出合计", d.total),
            ("使用非财政拨款结余", Decimal(0), "结余分配", Decimal(0)),
            ("年初结转和结余", d.carry_in, "年末结转和结余", d.carry_in),
            ("总计", d.total + d.carry_in, "总计", d.total + d.carry_in),
        ]
        for n, (a, av, b, bv) in enumerate(closing):
            row = [a] + ([str(27 + n)] if with_line else []) + [s.money(av)] + [b] + ([str(58 + n)] if with_line else []) + [s.money(bv)]
            rows.append(row)
        header: list[list[str]]
        roles: tuple[str, ...]
        if with_line:
            header = [["收入", L, L, "支出", L, L], ["项目", "行次", "决算数", "项目", "行次", "决算数"]]
            roles = ("label", "line", "amount", "label", "line", "amount")
        else:
            header = [["收入", L, "支出", L], ["项目", "决算数", "项目", "决算数"]]
            roles = ("label", "amount", "label", "amount")
        return TableSpec("T1", "收入支出决算总表", s.unit, self.label(1), self.dept(), "", tuple(map(tuple, header)),
                         tuple(map(tuple, rows)), roles, (), ("注：本表反映部门本年度的总收支和年末结转结余情况。",), "portrait")

    def t2(self) -> TableSpec:
        d, s = self.d, self.style
        sources = ["superior_subsidy", "business_income", "operating_income", "affiliated_income", "other_income"]
        source_of = {"上级补助收入": "superior_subsidy", "事业收入": "business_income", "其他收入": "other_income"}
        col = sources.index(source_of[d.other_source])
        values = {}
        for item in d.items:
            row = [item.total, item.general + item.fund] + [Decimal(0)] * 5
            row[2 + col] = item.other
            values[item.code] = row
        names = ["本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
        code_header = self.code_header()
        header = self._coded_header(code_header, names)
        rows = self.coded_rows(values, total_first=True)
        return TableSpec("T2", "收入决算表", s.unit, self.label(2), self.dept(), "", header, tuple(map(tuple, rows)),
                         self.coded_roles(7), (), ("注：本表反映部门本年度取得的各项收入情况。",), "landscape")

    def _coded_header(self, code_header: list[list[str]], names: list[str], group: str = "") -> tuple[tuple[str, ...], ...]:
        width_code = len(code_header[0])
        if len(code_header) == 1:
            first = ["项目"] + [L] * width_code + ([group] + [L] * (len(names) - 1) if group else names)
            second = code_header[0] + ["科目名称"] + (names if group else [U] * len(names))
            return (tuple(first), tuple(second))
        first = ["项目"] + [L] * width_code + ([group] + [L] * (len(names) - 1) if group else names)
        second = code_header[0] + ["科目名称"] + (names if group else [U] * len(names))
        third = code_header[1] + [U] + [U] * len(names)
        return (tuple(first), tuple(second), tuple(third))

    def t3(self) -> TableSpec:
        d, s = self.d, self.style
        values = {i.code: [i.total, i.basic, i.project, Decimal(0), Decimal(0), Decimal(0)] for i in d.items}
        names = ["本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
        header = self._coded_header(self.code_header(), names)
        rows = self.coded_rows(values, total_first=True)
        return TableSpec("T3", "支出决算表", s.unit, self.label(3), self.dept(), "", header, tuple(map(tuple, rows)),
                         self.coded_roles(6), (), ("注：本表反映部门本年度各项支出情况。",), "landscape")

    def t4(self) -> TableSpec:
        d, s = self.d, self.style
        income = [("一、一般公共预算财政拨款", d.general), ("二、政府性基金预算财政拨款", d.fund), ("三、国有资本经营预算财政拨款", Decimal(0))]
        expense = []
        for i, c in enumerate(SUMMARY_CLASSES):
            general = d.class_total(c, "general")
            fund = d.class_total(c, "fund")
            expense.append((f"{cn(i + 1)}、{FUNCTION_CLASS_NAMES[c]}", general + fund, general, fund))
        rows = []
        for i in range(len(expense)):
            left = income[i] if i < len(income) else ("", Decimal(0))
            name, total, general, fund = expense[i]
            rows.append([left[0], s.money(left[1]) if left[0] else "", name, s.money(total), s.money(general), s.money(fund), s.zero])
        fiscal = d.general + d.fund
        rows.append(["本年收入合计", s.money(fiscal), "本年支出合计", s.money(fiscal), s.money(d.general), s.money(d.fund), s.zero])
        rows.append(["年初财政拨款结转和结余", s.zero, "年末财政拨款结转和结余", s.zero, s.zero, s.zero, s.zero])
        for name in ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"):
            rows.append([name, s.zero, "", "", "", "", ""])
        rows.append(["总计", s.money(fiscal), "总计", s.money(fiscal), s.money(d.general), s.money(d.fund), s.zero])
        header = (("收入", L, "支出", L, L, L, L),
                  ("项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"))
        return TableSpec("T4", "财政拨款收入支出决算总表", s.unit, self.label(4), self.dept(), "", header,
                         tuple(map(tuple, rows)), ("label", "amount", "label", "amount", "amount", "amount", "amount"), (),
                         ("注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的总收支和年末结转结余情况。",),
                         "landscape")

    def t5(self) -> TableSpec:
        d, s = self.d, self.style
        values = {i.code: [i.general, i.general_basic, i.general_project] for i in d.items if i.general > 0}
        names = ["合计", "基本支出", "项目支出"]
        header = self._coded_header(self.code_header(), names, group="本年支出")
        rows = self.coded_rows(values, total_first=self.layout != "shanghai") if values else []
        return TableSpec("T5", "一般公共预算财政拨款支出决算表", s.unit, self.label(5), self.dept(), "", header,
                         tuple(map(tuple, rows)), self.coded_roles(3), (), ("注：本表反映部门本年度一般公共预算财政拨款实际支出情况。",),
                         "portrait")

    def t6(self) -> TableSpec:
        d, s = self.d, self.style
        groups = {"hunan": 3, "shanghai": 2, "plain": 1}[self.layout]
        lines: list[tuple[str, str, Decimal]] = []
        for cls in sorted({c[:3] for c, _, _ in d.economic}):
            amount = sum((v for c, _, v in d.economic if c.startswith(cls)), Decimal(0))
            lines.append((cls, ECONOMIC_TREE[cls][0], amount))
            lines.extend((c, n, v) for c, n, v in d.economic if c.startswith(cls))
        personnel_lines = [x for x in lines if x[0][:3] in ("301", "303")]
        public_lines = [x for x in lines if x[0][:3] not in ("301", "303")]
        if groups == 1:
            columns = [lines]
        elif groups == 2:
            columns = [personnel_lines, public_lines]
        else:
            third = [x for x in public_lines if x[0][:3] != "302"]
            columns = [personnel_lines, [x for x in public_lines if x[0][:3] == "302"], third]
        height = max(len(c) for c in columns)
        rows: list[list[str]] = []
        for r in range(height):
            row: list[str] = []
            for column in columns:
                if r < len(column):
                    code, name, value = column[r]
                    row += [code, name, s.money(value, blank_zero=self.layout != "shanghai")]
                else:
                    row += ["", "", ""]
            rows.append(row)
        total_row = ["人员经费合计", L, s.money(d.personnel)]
        if groups == 1:
            rows.append(total_row)
            rows.append(["公用经费合计", L, s.money(d.public)])
        else:
            total_row += ["公用经费合计", L, s.money(d.public)]
            total_row += [""] * (3 * groups - len(total_row))
            rows.append(total_row)
        header = (tuple(["经济分类科目编码", "科目名称", "决算数"] * groups),)
        roles = tuple(["code", "label", "amount"] * groups)
        title = "一般公共预算财政拨款基本支出决算明细表" if self.layout == "hunan" else "一般公共预算财政拨款基本支出决算表"
        return TableSpec("T6", title, s.unit, self.label(6), self.dept(), "", header, tuple(map(tuple, rows)), roles, (),
                         ("注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",), "landscape" if groups == 3 else "portrait")

    def t7(self) -> TableSpec:
        d, s = self.d, self.style
        tp = d.three_public
        keys = ("abroad", "car_total", "car_purchase", "car_operation", "reception")

        def values(stage: str) -> list[Decimal]:
            v = tp.budget if stage == "budget" else tp.final
            return [sum(v.values(), Decimal(0)), v["abroad"], v["car_purchase"] + v["car_operation"], v["car_purchase"],
                    v["car_operation"], v["reception"]]

        header = (
            ("预算数", L, L, L, L, L, "决算数", L, L, L, L, L),
            ("合计", "因公出国（境）费", "公务用车购置及运行维护费", L, L, "公务接待费") * 2,
            (U, U, "小计", "公务用车购置费", "公务用车运行维护费", U) * 2,
        )
        empty = tp.total("budget") == 0 and tp.total("final") == 0
        rows: tuple[tuple[str, ...], ...] = ()
        notes = ["注：本表反映部门本年度“三公”经费支出预决算情况。"]
        if empty:
            notes.append(f"说明：{d.department}本年度没有财政拨款“三公”经费支出，故本表无数据。")
            if self.layout == "hunan":
                rows = (tuple("" for _ in range(12)),)
        else:
            rows = (tuple(s.money(v, blank_zero=False) for v in values("budget") + values("final")),)
        _ = keys
        return TableSpec("T7", "一般公共预算财政拨款“三公”经费支出决算表" if self.layout == "hunan" else "财政拨款“三公”经费支出决算表",
                         s.unit, self.label(7), self.dept(), "", header, rows, tuple(["amount"] * 12), (), tuple(notes), "landscape")

    def fund_table(self, kind: str) -> TableSpec:
        d, s = self.d, self.style
        names = ["年初结转和结余", "本年收入", "本年支出", L, L, "年末结转和结余"]
        subs = [U, U, "合计", "基本支出", "项目支出", U]
        code_header = self.code_header()
        width_code = len(code_header[0])
        first = ["项目"] + [L] * width_code + names
        second = code_header[0] + ["科目名称"] + subs
        header: tuple[tuple[str, ...], ...] = (tuple(first), tuple(second))
        if len(code_header) == 2:
            header += (tuple(code_header[1] + [U] + [U] * 6),)
        notes = []
        rows: list[list[str]] = []
        fund_items = [i for i in d.items if i.fund > 0] if kind == "T8" else []
        if fund_items:
            values = {i.code: [Decimal(0), i.fund, i.fund, i.fund_basic, i.fund_project, Decimal(0)] for i in fund_items}
            rows = self.coded_rows(values, total_first=True)
        else:
            what = "政府性基金预算财政拨款" if kind == "T8" else "国有资本经营预算财政拨款"
            rows = [[""] * width_code + ["合计"] + [""] * 6] if self.layout == "hunan" else []
            notes.append(f"说明：{d.department}本年度没有{what}收入和支出，故本表无数据。")
        title = "政府性基金预算财政拨款收入支出决算表" if kind == "T8" else "国有资本经营预算财政拨款收入支出决算表"
        return TableSpec(kind, title, s.unit, self.label(8 if kind == "T8" else 9), self.dept(), "", header,
                         tuple(map(tuple, rows)), self.coded_roles(6), (), tuple(notes), "landscape")

    def performance_table(self) -> TableSpec | None:
        perf = self.d.performance
        if perf is None:
            return None
        rows = [
            ["项目名称", L, perf.name, L, L, L, L, L],
            ["年度资金（万元）", "年度资金总额", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            [U, "合计", w(perf.budget), w(perf.budget), w(perf.executed), "10", f"{perf.rate}%", f"{perf.funds_score}"],
            ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ]
        second = {"产出": ["数量指标", "质量指标", "时效指标"], "效益": ["社会效益指标"], "满意度": ["服务对象满意度指标"]}
        first = True
        for ((tier, points), pts), scores in zip(perf.tiers, perf.scores):
            for n, (p, sc) in enumerate(zip(pts, scores)):
                rows.append([U if not first else "", f"{tier}指标（{points}分）" if n == 0 else U, second[tier][n],
                             f"指标{n + 1}", "达标", "达标", str(p), str(sc)])
                first = False
        rows.append(["总分", L, L, L, L, "100", f"{perf.total}", f"等级：{grade(perf.total)}"])
        return TableSpec("OTHER", f"{self.d.year}年度项目支出绩效自评表", "万元", "", "", "附件", (), tuple(map(tuple, rows)),
                         (), (), (), "portrait")

    # ---- narrative -----------------------------------------------------------------
    def narrative(self) -> None:
        d, y, r = self.d, self.d.year, self.rng
        total = d.total + d.carry_in
        change = total - d.last_year_total
        up = change >= 0
        n = 1
        self.heading(f"第三部分 {y}年度部门决算情况说明", 0)

        def h1(title: str) -> None:
            nonlocal n
            self.heading(f"{cn(n)}、{title}", 1)
            n += 1

        h1("收入支出决算总体情况说明")
        lead = r.choice([f"{y}年度收入、支出总计", f"{d.department}{y}年度收入支出总计", f"本部门{y}年度收支总计"])
        self.para(f"{lead}{w(total)}万元。", "total")
        self.para(
            f"与{y - 1}年度相比，收入、支出总计{'增加' if up else '减少'}{w(abs(change))}万元，"
            f"{'增长' if up else '下降'}{pct(abs(change), d.last_year_total)}%。主要原因是业务工作量变化。",
            "total_growth",
        )
        h1("收入决算情况说明")
        fiscal, other = d.general + d.fund, d.other
        text = f"{y}年度本年收入合计{w(d.total)}万元，其中：财政拨款收入{w(fiscal)}万元，占{pct(fiscal, d.total)}%"
        if other:
            text += f"；{d.other_source}{w(other)}万元，占{pct(other, d.total)}%"
        self.para(text + "。", "income")
        h1("支出决算情况说明")
        self.para(
            f"{y}年度本年支出合计{w(d.total)}万元，其中：基本支出{w(d.basic)}万元，占{pct(d.basic, d.total)}%；"
            f"项目支出{w(d.project)}万元，占{pct(d.project, d.total)}%。",
            "spending",
        )
        h1("财政拨款收入支出决算总体情况说明")
        fchange = fiscal - d.last_year_fiscal
        self.para(
            f"{y}年度财政拨款收入支出总计{w(fiscal)}万元。与{y - 1}年度相比，财政拨款收入支出总计"
            f"{'增加' if fchange >= 0 else '减少'}{w(abs(fchange))}万元，{'增长' if fchange >= 0 else '下降'}"
            f"{pct(abs(fchange), d.last_year_fiscal)}%。",
            "fiscal",
        )
        h1("一般公共预算财政拨款支出决算情况说明")
        self.heading("（一）一般公共预算财政拨款支出决算总体情况", 2, in_toc=False)
        self.para(f"{y}年度一般公共预算财政拨款支出{w(d.general)}万元，占本年支出合计的{pct(d.general, d.total)}%。", "general_share")
        self.heading("（二）一般公共预算财政拨款支出决算结构情况", 2, in_toc=False)
        parts = [f"{d.class_names[c]}（类）{w(d.class_total(c, 'general'))}万元，占{pct(d.class_total(c, 'general'), d.general)}%"
                 for c in d.classes() if d.class_total(c, "general") > 0]
        if parts:
            self.para(f"一般公共预算财政拨款支出{w(d.general)}万元，主要用于以下方面：" + "；".join(parts) + "。", "structure")
        self.heading("（三）一般公共预算财政拨款支出决算具体情况", 2, in_toc=False)
        budget = d.budget_general
        if budget:
            self.para(f"一般公共预算财政拨款支出年初预算为{w(budget)}万元，支出决算为{w(d.general)}万元，"
                      f"完成年初预算的{pct(d.general, budget)}%。", "completion_total")
        k = 1
        for item in d.items:
            if item.general <= 0:
                continue
            naming = f"{d.class_names[item.code[:3]]}（类）{d.kuan_names[item.code[:5]]}（款）{item.label}（项）"
            self.para(f"{k}、{naming}。", f"item_{k}")
            if item.budget_initial:
                word = "大于" if q2(item.general) > item.budget_initial else ("小于" if q2(item.general) < item.budget_initial else "等于")
                tail = (f"决算数{word}年初预算数" + ("的主要原因是年中追加任务。" if word == "大于" else
                                                 "的主要原因是厉行节约。" if word == "小于" else "。"))
                self.para(f"年初预算为{w(item.budget_initial)}万元，支出决算为{w(item.general)}万元，"
                          f"完成年初预算的{pct(item.general, item.budget_initial)}%，{tail}", f"item_{k}_budget")
            else:
                self.para(f"年初预算为0万元，支出决算为{w(item.general)}万元，决算数大于年初预算数的主要原因是年中追加预算。",
                          f"item_{k}_budget")
            k += 1
        h1("一般公共预算财政拨款基本支出决算情况说明")
        people = [n_ for c, n_, v in d.economic if c[:3] in ("301", "303") and v > 0][:5]
        public = [n_ for c, n_, v in d.economic if c[:3] not in ("301", "303") and v > 0][:5]
        text = f"{y}年度一般公共预算财政拨款基本支出{w(d.general_basic)}万元，其中：人员经费{w(d.personnel)}万元"
        if people:
            text += "，主要包括：" + "、".join(people)
        text += f"；公用经费{w(d.public)}万元"
        if public:
            text += "，主要包括：" + "、".join(public)
        self.para(text + "。", "basic")
        h1("一般公共预算财政拨款“三公”经费支出决算情况说明")
        tp = d.three_public
        if tp.total("final") == 0 and tp.total("budget") == 0:
            self.para(f"{d.department}{y}年度无“三公”经费财政拨款支出。", "three_public")
        else:
            b, f = tp.total("budget"), tp.total("final")
            word = "小于" if f < b else ("大于" if f > b else "等于")
            self.para(f"{y}年度“三公”经费财政拨款支出预算为{w(b)}万元，支出决算为{w(f)}万元，完成预算的{pct(f, b)}%，"
                      f"决算数{word}预算数。", "three_public")
            c3 = f - tp.last_year_final
            self.para(f"“三公”经费支出决算数比{y - 1}年度{'增加' if c3 >= 0 else '减少'}{w(abs(c3))}万元，"
                      f"{'增长' if c3 >= 0 else '下降'}{pct(abs(c3), tp.last_year_final)}%。", "three_public_growth")
            self.para(f"其中：因公出国（境）费支出决算{w(tp.final['abroad'])}万元；公务用车购置及运行维护费支出决算"
                      f"{w(tp.final['car_purchase'] + tp.final['car_operation'])}万元；公务接待费支出决算{w(tp.final['reception'])}万元。",
                      "three_public_items")
        h1("政府性基金预算财政拨款收入支出决算情况说明")
        if d.fund:
            self.para(f"{y}年度政府性基金预算财政拨款支出{w(d.fund)}万元。", "fund")
        else:
            self.para(f"{d.department}{y}年度无政府性基金预算财政拨款收入和支出。", "fund")
        h1("国有资本经营预算财政拨款收入支出决算情况说明")
        self.para(f"{d.department}{y}年度无国有资本经营预算财政拨款收入和支出。", "state_capital")
        h1("其他重要事项的情况说明")
        self.heading("（一）机关运行经费支出情况", 2, in_toc=False)
        rc = d.running_costs - d.last_year_running
        if d.running_costs:
            self.para(f"{y}年度机关运行经费支出{w(d.running_costs)}万元，比{y - 1}年度{'增加' if rc >= 0 else '减少'}"
                      f"{w(abs(rc))}万元，{'增长' if rc >= 0 else '下降'}{pct(abs(rc), d.last_year_running)}%。", "running")
        self.heading("（二）政府采购支出情况", 2, in_toc=False)
        goods, works, services = d.procurement
        ptotal = goods + works + services
        self.para(f"{y}年度政府采购支出总额{w(ptotal)}万元，其中：政府采购货物支出{w(goods)}万元、政府采购工程支出"
                  f"{w(works)}万元、政府采购服务支出{w(services)}万元。", "procurement")
        self.heading("（三）国有资产占有使用情况", 2, in_toc=False)
        self.para(f"截至{y}年12月31日，{d.department}共有车辆{d.vehicles}辆。", "assets")


def grade(score: Decimal) -> str:
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"


def compose(data: ReportData, layout: str = "hunan") -> tuple[ReportSpec, Anchors]:
    """The report spec of ``data`` in ``layout`` and where its statements stand."""
    if layout not in LAYOUT_NAMES:
        raise ValueError(f"未知的版式“{layout}”；可用：{', '.join(LAYOUT_NAMES)}")
    rng = random.Random(data.seed * 7 + LAYOUT_NAMES.index(layout))
    c = _Composer(data, layout, rng)
    d, y = data, data.year
    c.heading(f"第一部分 {d.department}概况", 0)
    c.heading("一、部门职责", 1)
    c.para(f"{d.department}负责本区域相关行政管理和公共服务工作。")
    c.heading("二、部门决算单位构成", 1)
    c.para(f"纳入{d.department}{y}年度部门决算编制范围的单位为本级。", "composition")
    c.heading(f"第二部分 {y}年度部门决算表", 0)
    tables = [c.t1(), c.t2(), c.t3(), c.t4(), c.t5(), c.t6(), c.t7(), c.fund_table("T8"), c.fund_table("T9")]
    for n, table in enumerate(tables, start=1):
        c.toc.append(f"{cn(n)}、{table.title}")
        c.blocks.append(table)
    c.narrative()
    c.heading("第四部分 名词解释", 0)
    c.para("一、财政拨款收入：指单位从同级财政部门取得的财政预算资金。")
    c.para("二、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。")
    perf = c.performance_table()
    if perf is not None:
        c.heading("第五部分 附件", 0)
        c.blocks.append(perf)
    spec = ReportSpec(
        title=f"{d.department}{y}年度部门决算",
        author=d.department,
        department=d.department,
        year=y,
        cover=(f"{y}年度", d.department, "部门决算"),
        toc=tuple(c.toc),
        blocks=tuple(c.blocks),
    )
    return spec, c.anchors
