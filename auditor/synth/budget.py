"""Synthetic 部门预算: consistent figures, the 公开表 (收支预算总表 … 国有资本经营预算支出表, with
the 机关运行经费 and 政府采购 extras) and a 预算说明 written in several phrasings, and the
mutators that plant one slip each (the budget part of the planted-error corpus).

Figures satisfy the budget identities: each 类 / 款 = Σ its children; 合计 = 基本 + 项目;
一般公共预算 ⊂ all funds; 基本支出 = 人员经费 + 公用经费; 三公 = 出国 + 公务用车 + 接待;
公务用车 = 购置 + 运行; 政府采购 = 货物 + 工程 + 服务; changes = 本年 − 上年. Values are
Decimal 万元 with two decimals. A slip is planted by overriding one printed slot (a table cell
or a figure of the narrative) — ``render(data, slips)`` — so the rest stays consistent.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from auditor.synth.figures import ECONOMIC_TREE, FUNCTION_TREE, OFFICES, PLACES, q2
from auditor.synth.mutate import Plant
from auditor.synth.spec import Heading, Paragraph, ReportSpec, TableSpec

ZERO = Decimal(0)
PHRASINGS = ("jiangsu", "plain", "guangdong")
PERSONNEL_CLASSES = ("301", "303")


@dataclass
class Item:
    code: str  # 7-digit 项
    label: str
    basic: Decimal  # 一般公共预算 basic
    project: Decimal  # 一般公共预算 project
    other: Decimal  # project spending from 其他资金 (not in the 一般公共预算 tables)
    prior: Decimal  # last year's budget, all funds

    @property
    def total(self) -> Decimal:
        return self.basic + self.project + self.other


@dataclass
class BudgetData:
    seed: int
    department: str
    year: int
    items: list[Item]
    names: dict[str, str]  # 类 / 款 code -> name
    economic: list[tuple[str, str, Decimal]]  # 款 code, label, amount (基本支出, 一般公共预算)
    abroad: Decimal
    car_purchase: Decimal
    car_operation: Decimal
    reception: Decimal
    three_prior: Decimal
    running_prior: Decimal
    goods: Decimal
    works: Decimal
    services: Decimal
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum((i.total for i in self.items), ZERO)

    @property
    def prior(self) -> Decimal:
        return sum((i.prior for i in self.items), ZERO)

    @property
    def general(self) -> Decimal:
        return sum((i.basic + i.project for i in self.items), ZERO)

    @property
    def other(self) -> Decimal:
        return sum((i.other for i in self.items), ZERO)

    @property
    def basic(self) -> Decimal:
        return sum((i.basic for i in self.items), ZERO)

    @property
    def project(self) -> Decimal:
        return sum((i.project + i.other for i in self.items), ZERO)

    def economic_sum(self, classes: tuple[str, ...]) -> Decimal:
        return sum((a for code, _, a in self.economic if code[:3] in classes), ZERO)

    @property
    def personnel(self) -> Decimal:
        return self.economic_sum(PERSONNEL_CLASSES)

    @property
    def public(self) -> Decimal:
        return self.economic_sum(("302",))

    @property
    def car_total(self) -> Decimal:
        return self.car_purchase + self.car_operation

    @property
    def three(self) -> Decimal:
        return self.abroad + self.car_total + self.reception

    @property
    def procurement(self) -> Decimal:
        return self.goods + self.works + self.services


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _split(rng: random.Random, whole: Decimal, n: int) -> list[Decimal]:
    cents = int(whole * 100)
    cuts = sorted(rng.sample(range(1, cents), n - 1)) if n > 1 else []
    bounds = [0, *cuts, cents]
    return [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(n)]


def generate(seed: int) -> BudgetData:
    rng = random.Random(f"budget-{seed}")
    office, classes = OFFICES[seed % len(OFFICES)]
    department = f"{PLACES[seed % len(PLACES)]}{office}"
    year = 2019 + seed % 6
    items: list[Item] = []
    names: dict[str, str] = {}
    for cls in classes:
        if cls not in FUNCTION_TREE:
            continue
        cls_name, kuans = FUNCTION_TREE[cls]
        names[cls] = cls_name
        for kuan in sorted(rng.sample(sorted(kuans), k=min(len(kuans), rng.randint(1, 2)))):
            kuan_name, xiangs = kuans[kuan]
            names[kuan] = kuan_name
            for xiang in sorted(rng.sample(sorted(xiangs), k=min(len(xiangs), rng.randint(1, 2)))):
                basic = _cents(rng, 40, 900)
                project = _cents(rng, 0, 400) if rng.random() < 0.6 else ZERO
                items.append(Item(xiang, xiangs[xiang], basic, project, ZERO, ZERO))
    items[0].other = _cents(rng, 10, 120)
    for item in items:
        item.prior = q2(item.total / Decimal(rng.choice(("0.85", "0.9", "0.95", "1.05", "1.1", "1.2"))))
    basic = sum((i.basic for i in items), ZERO)
    public = q2(basic * Decimal(rng.choice(("0.18", "0.22", "0.26"))))
    personnel = basic - public
    economic: list[tuple[str, str, Decimal]] = []
    for cls, whole in (("301", q2(personnel * Decimal("0.88"))), ("303", personnel - q2(personnel * Decimal("0.88"))),
                       ("302", public)):
        labels = sorted(ECONOMIC_TREE[cls][1].items())
        if cls == "302":
            # 公务接待费 and 公务用车运行维护费 lines carry the 三公 figures
            chosen = [lbl for lbl in labels if lbl[0] in ("30201", "30211", "30217", "30231", "30299")]
        else:
            chosen = sorted(rng.sample(labels, k=min(len(labels), 3)))
        for (code, label), amount in zip(chosen, _split(rng, whole, len(chosen)), strict=True):
            economic.append((code, label, amount))
    economic.sort()
    reception = next(a for c, _, a in economic if c == "30217")
    car_operation = next(a for c, _, a in economic if c == "30231")
    abroad = _cents(rng, 0, 30) if rng.random() < 0.5 else ZERO
    three = abroad + car_operation + reception
    goods = _cents(rng, 5, 200)
    services = _cents(rng, 5, 300)
    works = _cents(rng, 10, 200) if rng.random() < 0.3 else ZERO
    return BudgetData(
        seed, department, year, items, names, economic, abroad, ZERO, car_operation, reception,
        three_prior=q2(three / Decimal(rng.choice(("0.8", "0.9", "1.1", "1.25")))),
        running_prior=q2(public / Decimal(rng.choice(("0.85", "0.95", "1.05", "1.15")))),
        goods=goods, works=works, services=services,
    )


# ---- rendering ----------------------------------------------------------------------------


def money(value: Decimal, thousands: bool = True) -> str:
    return f"{q2(value):,.2f}" if thousands else f"{q2(value):.2f}"


def pct(change: Decimal, prior: Decimal) -> str:
    return f"{q2(abs(change) / prior * 100):.2f}%"


class _Renderer:
    def __init__(self, data: BudgetData, slips: dict[str, str], phrasing: str) -> None:
        self.d = data
        self.slips = slips
        self.phrasing = phrasing
        self.blocks: list[Heading | Paragraph | TableSpec] = []
        self.toc: list[str] = []

    def cell(self, slot: str, value: Decimal) -> str:
        return self.slips.get(slot, money(value, thousands=False))

    def fig(self, slot: str, value: Decimal, unit: str = "万元") -> str:
        """A figure of the narrative, with its unit (a slip may replace either)."""
        text = self.slips.get(slot, money(value, thousands=self.phrasing != "plain"))
        return text + self.slips.get(slot + ".unit", unit)

    def change(self, slot: str, current: Decimal, prior: Decimal) -> str:
        diff = current - prior
        if diff == 0:
            return "与上年持平"
        word, rate_word = ("增加", "增长") if diff > 0 else ("减少", "下降")
        amount = self.fig(slot + ".change", abs(diff))
        rate = self.slips.get(slot + ".rate", pct(diff, prior))
        lead = {"jiangsu": "与上年相比", "plain": "比上年", "guangdong": "较上年预算"}[self.phrasing]
        return f"{lead}{word}{amount}，{rate_word}{rate}"

    # tables

    def table(self, title: str, header: tuple[str, ...], rows: list[tuple[str, ...]], roles: tuple[str, ...],
              notes: tuple[str, ...] = ()) -> None:
        n = len(self.toc) + 1
        self.toc.append(title)
        self.blocks.append(TableSpec(kind="OTHER", title=title, unit="万元", label=f"公开{n:02d}表",
                                     department=self.d.department, header=(header,), rows=tuple(rows), roles=roles,
                                     notes=notes))

    def coded_rows(self, prefix: str, columns: list[tuple[str, Callable[[Item], Decimal]]]) -> list[tuple[str, ...]]:
        """合计, then 类 / 款 / 项 rows of the function classification, one column per getter."""
        items = self.d.items
        rows = [("合计", "", *[self.cell(f"{prefix}.total.{key}", sum((get(i) for i in items), ZERO))
                                for key, get in columns])]
        for code in sorted({i.code[:3] for i in items} | {i.code[:5] for i in items} | {i.code for i in items}):
            members = [i for i in items if i.code.startswith(code)]
            label = self.d.names.get(code) or members[0].label
            rows.append((code, label, *[self.cell(f"{prefix}.{code}.{key}", sum((get(i) for i in members), ZERO))
                                        for key, get in columns]))
        return rows

    def tables(self) -> None:
        d = self.d
        general = [("total", lambda i: i.basic + i.project), ("basic", lambda i: i.basic), ("project", lambda i: i.project)]
        spending = [("prior", lambda i: i.prior), ("total", lambda i: i.total), ("basic", lambda i: i.basic),
                    ("project", lambda i: i.project + i.other)]
        classes = sorted({i.code[:3] for i in d.items})
        income = [("一般公共预算拨款收入", d.general), ("政府性基金预算拨款收入", ZERO), ("其他资金", d.other)]
        left = [(name, self.cell(f"B1.in.{n}", value)) for n, (name, value) in enumerate(income)]
        right = [(d.names[c], self.cell(f"B1.out.{c}", sum((i.total for i in d.items if i.code.startswith(c)), ZERO)))
                 for c in classes]
        height = max(len(left), len(right))
        left += [("", "")] * (height - len(left))
        right += [("", "")] * (height - len(right))
        rows: list[tuple[str, ...]] = [(a, b, c, e) for (a, b), (c, e) in zip(left, right, strict=True)]
        rows.append(("收入合计", self.cell("B1.in.total", d.total), "支出合计", self.cell("B1.out.total", d.total)))
        self.table("收支预算总表", ("收入项目", "本年预算数", "支出项目", "本年预算数"), rows,
                   ("label", "amount", "label", "amount"))
        prior_other = d.other
        self.table("收入预算总表", ("项目", "上年预算数", "本年预算数"), [
            ("收入总计", self.cell("B2.prior.total", d.prior), self.cell("B2.total", d.total)),
            ("一般公共预算拨款收入", self.cell("B2.prior.general", d.prior - prior_other), self.cell("B2.general", d.general)),
            ("政府性基金预算拨款收入", "0.00", "0.00"),
            ("其他资金", self.cell("B2.prior.other", prior_other), self.cell("B2.other", d.other)),
        ], ("label", "amount", "amount"))
        self.table("支出预算总表", ("科目编码", "科目名称", "上年预算数", "合计", "基本支出", "项目支出"),
                   self.coded_rows("B3", spending), ("code", "label", "amount", "amount", "amount", "amount"))
        self.table("一般公共预算支出预算表", ("科目编码", "科目名称", "合计", "基本支出", "项目支出"),
                   self.coded_rows("B5", general), ("code", "label", "amount", "amount", "amount"))
        # 合计 | 人员经费 | 公用经费, the usual layout (人员经费 = 工资福利 + 对个人和家庭的补助, 公用经费 =
        # 商品和服务支出); the other side of a line is left blank in one phrasing, 0.00 in the others
        blank = self.phrasing == "guangdong"

        def split_cells(slot: str, code: str, amount: Decimal) -> tuple[str, str, str]:
            personnel = amount if code[:3] in PERSONNEL_CLASSES else ZERO
            public = amount - personnel
            return (self.cell(f"{slot}.total", amount),
                    "" if blank and not personnel else self.cell(f"{slot}.personnel", personnel),
                    "" if blank and not public else self.cell(f"{slot}.public", public))

        rows = [("合计", "", self.cell("B6.total.total", d.basic), self.cell("B6.total.personnel", d.personnel),
                 self.cell("B6.total.public", d.public))]
        for cls in sorted({c[:3] for c, _, _ in d.economic}):
            members = [(c, lbl, a) for c, lbl, a in d.economic if c.startswith(cls)]
            rows.append((cls, ECONOMIC_TREE[cls][0], *split_cells(f"B6.{cls}", cls, sum((a for _, _, a in members), ZERO))))
            rows += [(code, label, *split_cells(f"B6.{code}", code, amount)) for code, label, amount in members]
        self.table("一般公共预算基本支出预算表", ("科目编码", "科目名称", "合计", "人员经费", "公用经费"), rows,
                   ("code", "label", "amount", "amount", "amount"))
        self.table("一般公共预算“三公”经费支出预算表",
                   ("合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费", "公务用车运行维护费", "公务接待费"),
                   [(self.cell("B7.total", d.three), self.cell("B7.abroad", d.abroad), self.cell("B7.car_total", d.car_total),
                     self.cell("B7.car_purchase", d.car_purchase), self.cell("B7.car_operation", d.car_operation),
                     self.cell("B7.reception", d.reception))], ("amount",) * 6)
        for title, scope in (("政府性基金预算支出表", "政府性基金"), ("国有资本经营预算支出表", "国有资本经营")):
            self.table(title, ("科目编码", "科目名称", "合计", "基本支出", "项目支出"), [("合计", "", "0.00", "0.00", "0.00")],
                       ("code", "label", "amount", "amount", "amount"), (f"本部门无{scope}预算，故本表无数据。",))
        rows = [("合计", "", self.cell("RUN.total", d.public))]
        rows += [(c, lbl, money(a, False)) for c, lbl, a in d.economic if c.startswith("302")]
        self.table("一般公共预算机关运行经费支出预算表", ("科目编码", "科目名称", "机关运行经费支出"), rows, ("code", "label", "amount"))
        self.table("政府采购预算表", ("采购类别", "金额"), [
            ("合计", self.cell("PROC.total", d.procurement)), ("货物", money(d.goods, False)),
            ("工程", money(d.works, False)), ("服务", money(d.services, False)),
        ], ("label", "amount"))

    # narrative

    def para(self, text: str) -> None:
        self.blocks.append(Paragraph(text))

    def narrative(self) -> None:
        d, y, p = self.d, self.d.year, self.phrasing
        self.blocks.append(Heading(f"第三部分 {d.department}{y}年部门预算情况说明", 0))
        self.blocks.append(Heading("一、收支预算总体情况", 1))
        if p == "jiangsu":
            self.para(f"{d.department}{y}年度收入、支出预算总计{self.fig('T.grand', d.total)}。")
        elif p == "plain":
            self.para(f"{y}年本部门收支总预算{self.fig('T.grand', d.total)}。")
        else:
            self.para(f"我单位{y}年收入、支出预算总额均为{self.fig('T.grand', d.total)}。")
        self.blocks.append(Heading("二、收入预算情况", 1))
        self.para(f"本年收入预算合计{self.fig('T.income', d.total)}，其中：一般公共预算收入{self.fig('T.general_in', d.general)}；"
                  f"其他资金{self.fig('T.other_in', d.other)}。")
        self.blocks.append(Heading("三、支出预算情况", 1))
        self.para(f"本年支出预算合计{self.fig('T.spending', d.total)}，{self.change('T.spending', d.total, d.prior)}。")
        self.para(f"其中：基本支出{self.fig('S.basic', d.basic)}，占{pct(d.basic, d.total)}；"
                  f"项目支出{self.fig('S.project', d.project)}，占{pct(d.project, d.total)}。")
        self.blocks.append(Heading("四、一般公共预算支出情况", 1))
        self.para(f"{y}年一般公共预算财政拨款支出预算{self.fig('T.general', d.general)}。")
        self.blocks.append(Heading("五、一般公共预算基本支出情况", 1))
        self.para(f"{y}年一般公共预算财政拨款基本支出预算{self.fig('S.gbasic', d.basic)}，其中：")
        self.para(f"人员经费{self.fig('S.personnel', d.personnel)}，主要包括基本工资、津贴补贴等；")
        self.para(f"公用经费{self.fig('S.public', d.public)}，主要包括办公费、差旅费等。")
        self.blocks.append(Heading("六、“三公”经费预算情况", 1))
        lead = {"jiangsu": f"{y}年度一般公共预算拨款安排的“三公”经费预算", "plain": f"{y}年“三公”经费预算",
                "guangdong": f"{y}年我单位“三公”经费预算"}[p]
        self.para(f"{lead}{self.fig('3.total', d.three)}，{self.change('3.total', d.three, d.three_prior)}。")
        self.para(f"其中：因公出国（境）费{self.fig('3.abroad', d.abroad)}，公务用车购置及运行维护费"
                  f"{self.fig('3.car_total', d.car_total)}，公务接待费{self.fig('3.reception', d.reception)}。")
        self.para(f"公务用车购置费{self.fig('3.car_purchase', d.car_purchase)}，公务用车运行维护费"
                  f"{self.fig('3.car_operation', d.car_operation)}。")
        self.blocks.append(Heading("七、机关运行经费预算情况", 1))
        self.para(f"{y}年一般公共预算机关运行经费预算{self.fig('R.total', d.public)}，"
                  f"{self.change('R.total', d.public, d.running_prior)}。")
        self.blocks.append(Heading("八、政府采购预算情况", 1))
        goods = {"jiangsu": "拟采购货物支出", "plain": "货物", "guangdong": "货物类"}[p]
        works = {"jiangsu": "拟采购工程支出", "plain": "工程", "guangdong": "工程类"}[p]
        services = {"jiangsu": "拟购买服务支出", "plain": "服务", "guangdong": "服务类"}[p]
        self.para(f"{y}年度政府采购预算总额{self.fig('P.total', d.procurement)}，其中：{goods}{self.fig('P.goods', d.goods)}、"
                  f"{works}{self.fig('P.works', d.works)}、{services}{self.fig('P.services', d.services)}。")


def render(data: BudgetData, slips: dict[str, str] | None = None, phrasing: str | None = None) -> ReportSpec:
    """The budget report of ``data`` (with ``slips`` overriding printed slots)."""
    phrasing = phrasing or PHRASINGS[data.seed % len(PHRASINGS)]
    r = _Renderer(data, slips or {}, phrasing)
    d = data
    r.blocks.append(Heading(f"第一部分 {d.department}概况", 0))
    r.blocks.append(Heading("一、部门职责", 1))
    r.para(f"{d.department}负责本区域相关行政管理和公共服务工作。")
    r.blocks.append(Heading(f"第二部分 {d.year}年部门预算表", 0))
    r.tables()
    r.narrative()
    return ReportSpec(
        title=f"{d.department}{d.year}年部门预算", author=d.department, department=d.department, year=d.year,
        cover=(f"{d.year}年", d.department, "部门预算"), toc=tuple(r.toc), blocks=tuple(r.blocks),
    )


# ---- mutators -----------------------------------------------------------------------------

BudgetMutator = Callable[[BudgetData, random.Random], tuple[dict[str, str], Plant] | None]
BUDGET_MUTATORS: dict[str, BudgetMutator] = {}


def budget_mutator(kind: str) -> Callable[[BudgetMutator], BudgetMutator]:
    def decorate(func: BudgetMutator) -> BudgetMutator:
        BUDGET_MUTATORS[kind] = func
        return func

    return decorate


def _off(value: Decimal, rng: random.Random) -> str:
    """The value off by 0.03–40.00 (up, or down when that stays above zero)."""
    delta = _cents(rng, 3, 40)
    down = rng.random() < 0.5 and value - delta > 0
    return money(value - delta if down else value + delta, thousands=False)


@budget_mutator("total_off")
def total_off(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    return {"B5.total.total": _off(d.general, rng)}, Plant("total_off", ("BUD001", "BUD002"), "一般公共预算支出预算表 合计")


@budget_mutator("item_sum_off")
def item_sum_off(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    item = rng.choice(d.items)
    return ({f"B3.{item.code}.prior": _off(item.prior, rng)},
            Plant("item_sum_off", ("BUD001",), f"支出预算总表 {item.code} 上年预算数"))


@budget_mutator("basic_plus_project")
def basic_plus_project(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    item = rng.choice(d.items)
    return ({f"B5.{item.code}.basic": _off(item.basic, rng)},
            Plant("basic_plus_project", ("BUD002",), f"一般公共预算支出预算表 {item.code} 基本支出"))


@budget_mutator("economic_split")
def economic_split(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    code, _, amount = rng.choice([e for e in d.economic if e[0][:3] in PERSONNEL_CLASSES])
    return ({f"B6.{code}.personnel": _off(amount, rng)},
            Plant("economic_split", ("BUD002", "BUD001"), f"一般公共预算基本支出预算表 {code} 人员经费"))


@budget_mutator("cross_table")
def cross_table(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    bump = _cents(rng, 20, 200)
    return ({"B6.total.total": money(d.basic + bump, False)},
            Plant("cross_table", ("BUD003", "BUD001", "BUD002"), "一般公共预算基本支出预算表 合计 > 支出预算总表 基本支出"))


@budget_mutator("narrative_total")
def narrative_total(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    slot, value = rng.choice((("T.income", d.total), ("T.grand", d.total), ("T.general", d.general)))
    return {slot: _off(value, rng)}, Plant("narrative_total", ("BUD004",), f"正文 {slot}")


@budget_mutator("stated_change")
def stated_change(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant] | None:
    diff = d.total - d.prior
    if diff == 0:
        return None
    return {"T.spending.change": _off(abs(diff), rng)}, Plant("stated_change", ("BUD005",), "正文 支出预算增减额")


@budget_mutator("stated_rate")
def stated_rate(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant] | None:
    diff = d.public - d.running_prior
    if diff == 0:
        return None
    rate = q2(abs(diff) / d.running_prior * 100) + Decimal(rng.choice(("1.3", "-0.7", "2.1", "0.4")))
    return {"R.total.rate": f"{abs(rate):.2f}%"}, Plant("stated_rate", ("BUD005",), "正文 机关运行经费增减率")


@budget_mutator("three_public_text")
def three_public_text(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    slot, value = rng.choice((("3.reception", d.reception), ("3.total", d.three), ("3.car_operation", d.car_operation)))
    return {slot: _off(value, rng)}, Plant("three_public_text", ("BUD006",), f"正文 {slot}")


@budget_mutator("running_text")
def running_text(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    return {"R.total": _off(d.public, rng)}, Plant("running_text", ("BUD007",), "正文 机关运行经费")


@budget_mutator("procurement_text")
def procurement_text(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    slot, value = rng.choice((("P.total", d.procurement), ("P.goods", d.goods), ("P.services", d.services)))
    return {slot: _off(value, rng)}, Plant("procurement_text", ("BUD008",), f"正文 {slot}")


@budget_mutator("split_text")
def split_text(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    slot, value = rng.choice((("S.basic", d.basic), ("S.project", d.project), ("S.personnel", d.personnel)))
    return {slot: _off(value, rng)}, Plant("split_text", ("BUD009",), f"正文 {slot}")


@budget_mutator("yuan_for_wan")
def yuan_for_wan(d: BudgetData, rng: random.Random) -> tuple[dict[str, str], Plant]:
    slot = rng.choice(("T.income", "T.spending", "T.general"))
    return {slot + ".unit": "元"}, Plant("yuan_for_wan", ("BUD004",), f"正文 {slot} 单位")


def plant_budget(kind: str, data: BudgetData, seed: int) -> tuple[dict[str, str], Plant] | None:
    return BUDGET_MUTATORS[kind](data, random.Random(f"{kind}-{seed}"))
