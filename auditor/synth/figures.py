"""Consistent figures for synthetic reports: a department's accounts from which all nine
tables and the narrative are derived, so that every identity of DESIGN §3 holds.

Values are ``Decimal`` 万元. In ``exact`` mode every value has two decimals and every total
is the exact sum of its parts. In ``rounded`` mode the underlying values carry 元 cents
(six decimals of 万元) and every printed cell is rounded on its own, as real reports are:
totals then differ from the sum of their printed parts by rounding only, which the checks
must not call an error.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")

# A small catalogue of the national function classification (类 → 款 → 项), public names.
FUNCTION_TREE: dict[str, tuple[str, dict[str, tuple[str, dict[str, str]]]]] = {
    "201": ("一般公共服务支出", {
        "20103": ("政府办公厅（室）及相关机构事务", {"2010301": "行政运行", "2010350": "事业运行", "2010399": "其他政府办公厅（室）及相关机构事务支出"}),
        "20106": ("财政事务", {"2010601": "行政运行", "2010699": "其他财政事务支出"}),
    }),
    "205": ("教育支出", {
        "20501": ("教育管理事务", {"2050101": "行政运行", "2050199": "其他教育管理事务支出"}),
        "20502": ("普通教育", {"2050201": "学前教育", "2050202": "小学教育", "2050203": "初中教育"}),
    }),
    "207": ("文化旅游体育与传媒支出", {
        "20701": ("文化和旅游", {"2070101": "行政运行", "2070109": "群众文化"}),
    }),
    "208": ("社会保障和就业支出", {
        "20801": ("人力资源和社会保障管理事务", {"2080101": "行政运行", "2080109": "社会保险经办机构"}),
        "20805": ("行政事业单位养老支出", {"2080501": "行政单位离退休", "2080502": "事业单位离退休",
                                    "2080505": "机关事业单位基本养老保险缴费支出", "2080506": "机关事业单位职业年金缴费支出"}),
        "20899": ("其他社会保障和就业支出", {"2089999": "其他社会保障和就业支出"}),
    }),
    "210": ("卫生健康支出", {
        "21011": ("行政事业单位医疗", {"2101101": "行政单位医疗", "2101102": "事业单位医疗", "2101103": "公务员医疗补助"}),
    }),
    "212": ("城乡社区支出", {
        "21201": ("城乡社区管理事务", {"2120101": "行政运行", "2120104": "城管执法"}),
        "21202": ("城乡社区规划与管理", {"2120201": "城乡社区规划与管理"}),
        "21205": ("城乡社区环境卫生", {"2120501": "城乡社区环境卫生"}),
    }),
    "213": ("农林水支出", {
        "21301": ("农业农村", {"2130101": "行政运行", "2130104": "事业运行"}),
    }),
    "221": ("住房保障支出", {
        "22102": ("住房改革支出", {"2210201": "住房公积金", "2210202": "提租补贴", "2210203": "购房补贴"}),
    }),
    "224": ("灾害防治及应急管理支出", {
        "22401": ("应急管理事务", {"2240101": "行政运行", "2240106": "安全监管"}),
    }),
}

# 政府性基金 spending sits under 城乡社区 in most departments that have it.
FUND_ITEM = ("212", "21208", "国有土地使用权出让收入安排的支出", "2120803", "城市建设支出")

ECONOMIC_TREE: dict[str, tuple[str, dict[str, str]]] = {
    "301": ("工资福利支出", {"30101": "基本工资", "30102": "津贴补贴", "30103": "奖金", "30107": "绩效工资",
                         "30108": "机关事业单位基本养老保险缴费", "30109": "职业年金缴费", "30110": "职工基本医疗保险缴费",
                         "30112": "其他社会保障缴费", "30113": "住房公积金", "30199": "其他工资福利支出"}),
    "302": ("商品和服务支出", {"30201": "办公费", "30205": "水费", "30206": "电费", "30207": "邮电费", "30211": "差旅费",
                          "30213": "维修（护）费", "30216": "培训费", "30217": "公务接待费", "30226": "劳务费",
                          "30228": "工会经费", "30229": "福利费", "30231": "公务用车运行维护费", "30239": "其他交通费用",
                          "30299": "其他商品和服务支出"}),
    "303": ("对个人和家庭的补助", {"30302": "退休费", "30305": "生活补助", "30309": "奖励金", "30399": "其他对个人和家庭的补助"}),
    "310": ("资本性支出", {"31002": "办公设备购置", "31007": "信息网络及软件购置更新"}),
}

PLACES = ("东湖区", "西山县", "南溪区", "北岸县", "青石区", "白云县", "红岩区", "金沙县", "长河区", "松林县")
OFFICES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("人力资源和社会保障局", ("208", "210", "221")),
    ("社会保险服务中心", ("208", "210", "221")),
    ("教育局", ("205", "208", "210", "221")),
    ("城市管理局", ("212", "208", "210", "221")),
    ("卫生健康局", ("210", "208", "221")),
    ("农业农村局", ("213", "208", "210", "221")),
    ("文化旅游局", ("207", "208", "210", "221")),
    ("应急管理局", ("224", "208", "210", "221")),
    ("财政局", ("201", "208", "210", "221")),
)


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class ItemLine:
    """One 项 with its money: general-budget grant, government-fund grant and other money,
    each split into basic and project spending."""

    code: str
    label: str
    general_basic: Decimal = Decimal(0)
    general_project: Decimal = Decimal(0)
    fund_basic: Decimal = Decimal(0)
    fund_project: Decimal = Decimal(0)
    other_basic: Decimal = Decimal(0)
    other_project: Decimal = Decimal(0)
    budget_initial: Decimal = Decimal(0)  # 年初预算 of the general-budget part

    @property
    def general(self) -> Decimal:
        return self.general_basic + self.general_project

    @property
    def fund(self) -> Decimal:
        return self.fund_basic + self.fund_project

    @property
    def other(self) -> Decimal:
        return self.other_basic + self.other_project

    @property
    def basic(self) -> Decimal:
        return self.general_basic + self.fund_basic + self.other_basic

    @property
    def project(self) -> Decimal:
        return self.general_project + self.fund_project + self.other_project

    @property
    def total(self) -> Decimal:
        return self.basic + self.project


@dataclass
class ThreePublic:
    budget: dict[str, Decimal] = field(default_factory=dict)  # abroad / car_purchase / car_operation / reception
    final: dict[str, Decimal] = field(default_factory=dict)
    last_year_final: Decimal = Decimal(0)

    def total(self, stage: str) -> Decimal:
        values = self.budget if stage == "budget" else self.final
        return sum(values.values(), Decimal(0))


@dataclass
class PerformanceData:
    """One project's self-evaluation: funds block, indicators by tier, total."""

    name: str
    budget: Decimal
    executed: Decimal
    rate: Decimal
    funds_score: Decimal
    tiers: list[tuple[tuple[str, int], list[int]]]  # ((tier, points), indicator points)
    scores: list[list[int]]
    total: Decimal


@dataclass
class ReportData:
    seed: int
    year: int
    department: str
    place: str
    mode: str  # exact / rounded
    items: list[ItemLine]
    kuan_names: dict[str, str]
    class_names: dict[str, str]
    other_source: str  # the T2 column of the non-grant money: 事业收入 / 其他收入 / 上级补助收入
    carry_in: Decimal  # 年初结转和结余 (non-grant money), equal to 年末 in these reports
    economic: list[tuple[str, str, Decimal]]  # 5-digit economic rows of general-budget basic spending
    three_public: ThreePublic
    last_year_total: Decimal
    last_year_fiscal: Decimal
    running_costs: Decimal
    last_year_running: Decimal
    procurement: tuple[Decimal, Decimal, Decimal]  # goods, works, services
    vehicles: int
    budget_general: Decimal  # 年初预算 of all general-budget spending
    performance: PerformanceData | None = None

    # ---- totals ----------------------------------------------------------------------
    @property
    def general(self) -> Decimal:
        return sum((i.general for i in self.items), Decimal(0))

    @property
    def fund(self) -> Decimal:
        return sum((i.fund for i in self.items), Decimal(0))

    @property
    def other(self) -> Decimal:
        return sum((i.other for i in self.items), Decimal(0))

    @property
    def fiscal(self) -> Decimal:
        return self.general + self.fund

    @property
    def total(self) -> Decimal:
        return sum((i.total for i in self.items), Decimal(0))

    @property
    def basic(self) -> Decimal:
        return sum((i.basic for i in self.items), Decimal(0))

    @property
    def project(self) -> Decimal:
        return sum((i.project for i in self.items), Decimal(0))

    @property
    def general_basic(self) -> Decimal:
        return sum((i.general_basic for i in self.items), Decimal(0))

    @property
    def general_project(self) -> Decimal:
        return sum((i.general_project for i in self.items), Decimal(0))

    @property
    def personnel(self) -> Decimal:
        return sum((v for code, _, v in self.economic if code[:3] in ("301", "303")), Decimal(0))

    @property
    def public(self) -> Decimal:
        return sum((v for code, _, v in self.economic if code[:3] not in ("301", "303")), Decimal(0))

    def class_total(self, cls: str, attr: str = "total") -> Decimal:
        return sum((getattr(i, attr) for i in self.items if i.code.startswith(cls)), Decimal(0))

    def classes(self) -> list[str]:
        return sorted({i.code[:3] for i in self.items})

    def kuans(self, cls: str) -> list[str]:
        return sorted({i.code[:5] for i in self.items if i.code.startswith(cls)})


def _split(rng: random.Random, total: Decimal, parts: int, quantum: Decimal) -> list[Decimal]:
    """``total`` split into ``parts`` positive amounts on the ``quantum`` grid, summing exactly."""
    units = int((total / quantum).to_integral_value())
    if parts <= 1 or units < parts:
        return [total] + [Decimal(0)] * (parts - 1)
    weights = [rng.uniform(0.2, 1.0) for _ in range(parts)]
    scale = sum(weights)
    counts = [max(1, int(units * w / scale)) for w in weights]
    counts[-1] = units - sum(counts[:-1])
    if counts[-1] < 1:
        counts = [1] * (parts - 1) + [units - (parts - 1)]
    return [quantum * c for c in counts]


def generate(seed: int, mode: str = "exact", year: int | None = None) -> ReportData:
    """A consistent department from a seed: sizes from a few 万元 to billions."""
    rng = random.Random(seed)
    quantum = CENT if mode == "exact" else MICRO
    year = year or rng.randint(2016, 2025)
    place = rng.choice(PLACES)
    office, classes = rng.choice(OFFICES)
    department = f"示例市{place}{office}"
    scale = Decimal(str(round(10 ** rng.uniform(0.8, 5.6), 2)))  # ~6 万元 … ~400,000 万元 (40 亿)
    scale = max(scale, Decimal("5.00"))
    chosen = [c for c in classes if rng.random() < 0.85] or [classes[0]]
    items: list[ItemLine] = []
    kuan_names: dict[str, str] = {}
    class_names: dict[str, str] = {}
    leaves: list[tuple[str, str, str, str]] = []
    for cls in chosen:
        name, kuans = FUNCTION_TREE[cls]
        class_names[cls] = name
        for kuan, (kuan_name, xiangs) in kuans.items():
            if rng.random() < 0.6 or not leaves or kuan == next(iter(kuans)):
                for code, label in xiangs.items():
                    if rng.random() < 0.7:
                        leaves.append((cls, kuan, kuan_name, code + "|" + label))
    if not leaves:
        cls = chosen[0]
        kuan, (kuan_name, xiangs) = next(iter(FUNCTION_TREE[cls][1].items()))
        code, label = next(iter(xiangs.items()))
        leaves.append((cls, kuan, kuan_name, code + "|" + label))
    has_fund = rng.random() < 0.2
    amounts = _split(rng, scale, len(leaves), quantum)
    for (_cls, kuan, kuan_name, code_label), amount in zip(leaves, amounts):
        code, label = code_label.split("|")
        kuan_names[kuan] = kuan_name
        project_share = Decimal(str(round(rng.choice([0, 0, 0.1, 0.3, 0.6, 1.0]), 2)))
        other_share = Decimal(str(round(rng.choice([0, 0, 0, 0.05, 0.2]), 2)))
        other = (amount * other_share).quantize(quantum)
        general = amount - other
        g_project = (general * project_share).quantize(quantum)
        o_project = (other * project_share).quantize(quantum)
        item = ItemLine(code, label, general - g_project, g_project, Decimal(0), Decimal(0), other - o_project, o_project)
        change = Decimal(str(round(rng.choice([1.0, 1.0, rng.uniform(0.85, 1.15)]), 4)))
        item.budget_initial = q2(item.general * change) if rng.random() > 0.1 else Decimal(0)
        items.append(item)
    if has_fund:
        cls, kuan, kuan_name, code, label = FUND_ITEM
        class_names.setdefault(cls, FUNCTION_TREE[cls][0])
        kuan_names[kuan] = kuan_name
        fund_amount = (scale * Decimal(str(round(rng.uniform(0.05, 0.4), 2)))).quantize(quantum)
        items.append(ItemLine(code, label, fund_project=fund_amount))
    items.sort(key=lambda i: i.code)
    general_basic = sum((i.general_basic for i in items), Decimal(0))
    economic: list[tuple[str, str, Decimal]] = []
    if general_basic > 0:
        personnel_share = Decimal(str(round(rng.uniform(0.6, 0.92), 2)))
        pools = {"301": general_basic * personnel_share * Decimal("0.95")}
        pools["303"] = general_basic * personnel_share - pools["301"]
        pools["302"] = general_basic - pools["301"] - pools["303"]
        if rng.random() < 0.3:
            pools["310"] = (pools["302"] * Decimal("0.1"))
            pools["302"] -= pools["310"]
        pools = {k: v.quantize(quantum) for k, v in pools.items()}
        pools["302"] += general_basic - sum(pools.values())
        for cls, pool in pools.items():
            names = list(ECONOMIC_TREE[cls][1].items())
            picked = sorted(rng.sample(names, k=min(len(names), rng.randint(2, 6))))
            for (code, label), amount in zip(picked, _split(rng, pool, len(picked), quantum)):
                economic.append((code, label, amount))
    economic.sort()
    three = ThreePublic()
    if rng.random() < 0.6 and general_basic > 1:
        base = min(general_basic * Decimal("0.02"), Decimal(50))
        budget = {
            "abroad": Decimal(0) if rng.random() < 0.8 else q2(base * Decimal("0.3")),
            "car_purchase": Decimal(0) if rng.random() < 0.85 else q2(base * Decimal("0.8")),
            "car_operation": q2(base * Decimal(str(round(rng.uniform(0.2, 0.6), 2)))),
            "reception": q2(base * Decimal(str(round(rng.uniform(0.05, 0.3), 2)))),
        }
        three.budget = budget
        three.final = {k: q2(v * Decimal(str(round(rng.uniform(0.6, 1.0), 2)))) for k, v in budget.items()}
        three.last_year_final = q2(three.total("final") * Decimal(str(round(rng.uniform(0.8, 1.3), 2))))
        if three.last_year_final == three.total("final"):
            three.last_year_final += CENT
    else:
        three.budget = {k: Decimal(0) for k in ("abroad", "car_purchase", "car_operation", "reception")}
        three.final = dict(three.budget)
    total = sum((i.total for i in items), Decimal(0))
    carry = Decimal(0) if rng.random() < 0.7 else q2(total * Decimal("0.05"))
    growth = Decimal(str(round(rng.uniform(-0.25, 0.35), 3)))
    last_total = q2((q2(total) + carry) / (1 + growth)) if growth != -1 else q2(total)
    if last_total == q2(total) + carry:
        last_total -= CENT
    fiscal = sum((i.general + i.fund for i in items), Decimal(0))
    last_fiscal = q2(q2(fiscal) / (1 + growth / 2))
    if last_fiscal == q2(fiscal):
        last_fiscal -= CENT
    public = sum((v for code, _, v in economic if code[:3] not in ("301", "303")), Decimal(0))
    running = q2(public * Decimal(str(round(rng.uniform(0.5, 1.0), 2))))
    last_running = q2(running / Decimal(str(round(rng.uniform(0.8, 1.25), 2)))) if running else Decimal(0)
    if last_running == running and running:
        last_running -= CENT
    procurement_total = q2(q2(total) * Decimal(str(round(rng.uniform(0.0, 0.2), 2))))
    goods = q2(procurement_total * Decimal(str(round(rng.uniform(0.1, 0.7), 2))))
    works = q2((procurement_total - goods) * Decimal(str(round(rng.uniform(0.0, 0.5), 2))))
    services = procurement_total - goods - works
    data = ReportData(
        seed=seed,
        year=year,
        department=department,
        place=place,
        mode=mode,
        items=items,
        kuan_names=kuan_names,
        class_names=class_names,
        other_source=rng.choice(("事业收入", "其他收入", "上级补助收入")),
        carry_in=carry,
        economic=economic,
        three_public=three,
        last_year_total=last_total,
        last_year_fiscal=last_fiscal,
        running_costs=running,
        last_year_running=last_running,
        procurement=(goods, works, services),
        vehicles=rng.randint(0, 6),
        budget_general=sum((i.budget_initial for i in items), Decimal(0)),
    )
    if rng.random() < 0.5:
        project = next((i for i in items if i.general_project > 0), None)
        if project is not None:
            points = [(("产出", 50), [20, 20, 10]), (("效益", 30), [30]), (("满意度", 10), [10])]
            scores = [[p - rng.choice([0, 0, 1, 2]) for p in ps] for _, ps in points]
            executed = q2(project.general_project)
            project_budget = q2(project.general_project * Decimal(str(round(rng.uniform(1.0, 1.2), 2))))
            rate = executed / project_budget * 100 if project_budget else Decimal(100)
            funds_score = q2(Decimal(10) * min(rate, Decimal(100)) / 100)
            total_score = sum(sum(s) for s in scores) + funds_score
            data.performance = PerformanceData(
                name=f"{project.label}项目",
                budget=project_budget,
                executed=executed,
                rate=q2(rate),
                funds_score=funds_score,
                tiers=[(tier, list(ps)) for tier, ps in points],
                scores=scores,
                total=q2(total_score),
            )
    return data
