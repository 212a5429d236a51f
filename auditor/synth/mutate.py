"""Mutators: plant one slip in a consistent report, with its ground truth.

Each mutator takes a composed report (spec, anchors, data) and returns the changed spec
and a ``Plant`` naming the kind of slip, the checks expected to report it and where it is;
it returns None when the report has nothing to plant it in (no 三公 sentence, no
performance table…). ``within_rounding`` plants a change that must NOT be an error.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from auditor.synth.compose import Anchors, cn
from auditor.synth.figures import ReportData
from auditor.synth.spec import Heading, Paragraph, ReportSpec, TableSpec


@dataclass(frozen=True)
class Plant:
    kind: str
    codes: tuple[str, ...]  # checks any of which should report it
    where: str
    must_not_error: bool = False  # within-rounding changes: no error-severity finding allowed

    def to_dict(self) -> dict[str, object]:
        return {"kind": self.kind, "codes": list(self.codes), "where": self.where, "must_not_error": self.must_not_error}


Mutator = Callable[[ReportSpec, Anchors, ReportData, random.Random], tuple[ReportSpec, Plant] | None]
MUTATORS: dict[str, Mutator] = {}


def mutator(kind: str) -> Callable[[Mutator], Mutator]:
    def decorate(func: Mutator) -> Mutator:
        MUTATORS[kind] = func
        return func

    return decorate


# ---- helpers --------------------------------------------------------------------------


def _set_block(spec: ReportSpec, index: int, block: Heading | Paragraph | TableSpec) -> ReportSpec:
    blocks = list(spec.blocks)
    blocks[index] = block
    return replace(spec, blocks=tuple(blocks))


def _edit_text(spec: ReportSpec, anchors: Anchors, name: str, pattern: str, repl: Callable[[re.Match[str]], str]) -> ReportSpec | None:
    place = anchors.places.get(name)
    if place is None:
        return None
    index, _ = place
    block = spec.blocks[index]
    assert isinstance(block, Paragraph)
    new, count = re.subn(pattern, repl, block.text, count=1)
    if count == 0 or new == block.text:
        return None
    return _set_block(spec, index, replace(block, text=new))


def _table_index(spec: ReportSpec, kind: str) -> int | None:
    return next((i for i, b in enumerate(spec.blocks) if isinstance(b, TableSpec) and b.kind == kind), None)


def _bump(text: str, delta: Decimal) -> str:
    """A printed amount changed by ``delta`` (万元; ×10000 for 元 tables), printed alike."""
    digits = text.replace(",", "")
    value = Decimal(digits) + delta
    return f"{value:,.2f}" if "," in text or len(digits) > 9 else f"{value:.2f}"


def _pct_plus(match: re.Match[str], delta: str) -> str:
    return f"{match.group(1)}{Decimal(match.group(2)) + Decimal(delta):.2f}%"


# ---- text slips -----------------------------------------------------------------------


@mutator("unit_slip")
def unit_slip(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    for name in ("item_1_budget", "basic"):
        pattern = r"(支出决算为\d+\.\d{2})万元" if name.startswith("item") else r"(人员经费\d+\.\d{2})万元"
        new = _edit_text(spec, anchors, name, pattern, lambda m: f"{m.group(1)}元")
        if new is not None:
            return new, Plant("unit_slip", ("UNIT001",), name)
    return None


@mutator("duplicate_section_number")
def duplicate_section_number(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    if len(anchors.headings) < 4:
        return None
    k = rng.randrange(2, len(anchors.headings) - 1)
    index = anchors.headings[k]
    block = spec.blocks[index]
    assert isinstance(block, Heading)
    text = re.sub(r"^[一二三四五六七八九十]+、", f"{cn(k)}、", block.text)
    return _set_block(spec, index, replace(block, text=text)), Plant("duplicate_section_number", ("STR004",), block.text)


@mutator("skipped_section_number")
def skipped_section_number(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    if len(anchors.headings) < 3:
        return None
    k = len(anchors.headings) - 1
    index = anchors.headings[k]
    block = spec.blocks[index]
    assert isinstance(block, Heading)
    text = re.sub(r"^[一二三四五六七八九十]+、", f"{cn(k + 2)}、", block.text)
    return _set_block(spec, index, replace(block, text=text)), Plant("skipped_section_number", ("STR004",), block.text)


@mutator("part_greater_than_whole")
def part_greater_than_whole(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    def repl(m: re.Match[str]) -> str:
        total = Decimal(m.group(2))
        return f"{m.group(1)}{max(total * Decimal('0.5'), Decimal('0.10')):.2f}万元，其中：政府采购货物支出{total + Decimal('1.00'):.2f}万元"

    new = _edit_text(spec, anchors, "procurement", r"(政府采购支出总额)(\d+\.\d{2})万元，其中：政府采购货物支出\d+\.\d{2}万元", repl)
    return (new, Plant("part_greater_than_whole", ("NAR006", "NAR020"), "procurement")) if new else None


@mutator("wrong_share")
def wrong_share(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    new = _edit_text(spec, anchors, "spending", r"(基本支出\d+\.\d{2}万元，占)(\d+\.\d{2})%", lambda m: _pct_plus(m, "3.00" if Decimal(m.group(2)) < 90 else "-3.00"))
    return (new, Plant("wrong_share", ("NAR002",), "spending")) if new else None


@mutator("wrong_growth")
def wrong_growth(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    new = _edit_text(spec, anchors, "total_growth", r"((?:增长|下降))(\d+\.\d{2})%", lambda m: _pct_plus(m, "5.00"))
    return (new, Plant("wrong_growth", ("NAR003",), "total_growth")) if new else None


@mutator("wrong_completion")
def wrong_completion(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    for name in ("item_1_budget", "item_2_budget", "completion_total"):
        new = _edit_text(spec, anchors, name, r"(完成年初预算的)(\d+\.\d{2})%", lambda m: _pct_plus(m, "7.00"))
        if new is not None:
            return new, Plant("wrong_completion", ("NAR004",), name)
    return None


@mutator("wrong_comparison_word")
def wrong_comparison_word(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    swap = {"大于": "小于", "小于": "大于", "等于": "大于"}
    for name in sorted(n for n in anchors.places if n.endswith("_budget")):
        new = _edit_text(spec, anchors, name, r"决算数(大于|小于|等于)年初预算数", lambda m: f"决算数{swap[m.group(1)]}年初预算数")
        if new is not None:
            return new, Plant("wrong_comparison_word", ("NAR005",), name)
    return None


@mutator("wrong_year")
def wrong_year(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    y = data.year
    if rng.random() < 0.5:
        new = _edit_text(spec, anchors, "assets", rf"截至{y}年", lambda m: f"截至{y - 1}年")
        if new is not None:
            return new, Plant("wrong_year", ("YEAR002",), "assets")
    new = _edit_text(spec, anchors, "composition", rf"{y}年度部门决算编制范围", lambda m: f"{y - 1}年度部门决算编制范围")
    return (new, Plant("wrong_year", ("YEAR001",), "composition")) if new else None


@mutator("leftover_placeholder")
def leftover_placeholder(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    new = _edit_text(spec, anchors, "total_growth", r"主要原因是[^。]*", lambda m: "主要原因是XXXXXX")
    if new is None or rng.random() < 0.5:
        new = _edit_text(spec, anchors, "total_growth", r"(增加|减少)(\d)", lambda m: f"{m.group(1)}（减少）{m.group(2)}" if m.group(1) == "增加" else f"{m.group(1)}（增加）{m.group(2)}")
    return (new, Plant("leftover_placeholder", ("TPL001",), "total_growth")) if new else None


@mutator("narrative_amount")
def narrative_amount(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    new = _edit_text(spec, anchors, "income", r"(本年收入合计)(\d+\.\d{2})", lambda m: f"{m.group(1)}{Decimal(m.group(2)) + Decimal('10.00'):.2f}")
    return (new, Plant("narrative_amount", ("NAR001",), "income")) if new else None


@mutator("toc_heading_mismatch")
def toc_heading_mismatch(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    entries = [i for i, t in enumerate(spec.toc) if re.match(r"^[一二三四五六七八九十]+、.*说明$", t)]
    if not entries:
        return None
    i = rng.choice(entries)
    toc = list(spec.toc)
    removed = toc.pop(i)
    return replace(spec, toc=tuple(toc)), Plant("toc_heading_mismatch", ("STR005",), removed)


# ---- narrative relation slips (issue: narrative understanding) -----------------------


def _w(value: Decimal) -> str:
    return f"{value:.2f}"


@mutator("parts_not_whole")
def parts_not_whole(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """基本支出 + 项目支出 no longer make 本年支出合计: the 项目支出 figure is off by 5.00."""
    new = _edit_text(spec, anchors, "spending", r"(项目支出)(\d+\.\d{2})(万元)",
                     lambda m: f"{m.group(1)}{_w(Decimal(m.group(2)) + Decimal('5.00'))}{m.group(3)}")
    return (new, Plant("parts_not_whole", ("NAR020", "NAR006", "NAR001", "NAR002"), "spending")) if new else None


@mutator("contradictory_change_words")
def contradictory_change_words(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """One change called a rise and a fall: "增加 X 万元，下降 Y%"."""
    swap = {"增长": "下降", "下降": "增长"}
    new = _edit_text(spec, anchors, "total_growth", r"(万元，)(增长|下降)(\d)", lambda m: f"{m.group(1)}{swap[m.group(2)]}{m.group(3)}")
    return (new, Plant("contradictory_change_words", ("NAR022",), "total_growth")) if new else None


@mutator("rate_on_current_base")
def rate_on_current_base(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """The growth rate computed as change ÷ this year instead of change ÷ last year."""
    place = anchors.places.get("total")
    if place is None:
        return None
    found = re.search(r"(\d+\.\d{2})万元", place[1])
    if found is None:
        return None
    current = Decimal(found.group(1))

    def repl(m: re.Match[str]) -> str:
        change = Decimal(m.group(2))
        rate = (change / current * 100).quantize(Decimal("0.01"))
        return f"{m.group(1)}{m.group(2)}万元，{m.group(3)}{rate}%"

    new = _edit_text(spec, anchors, "total_growth", r"((?:增加|减少))(\d+\.\d{2})万元，(增长|下降)\d+\.\d{2}%", repl)
    if new is None:
        return None
    return new, Plant("rate_on_current_base", ("NAR003",), "total_growth")


@mutator("placeholder_amount")
def placeholder_amount(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """An amount replaced by a placeholder ("XX万元", "略万元")."""
    mark = rng.choice(["XX", "略", "××"])
    new = _edit_text(spec, anchors, "procurement", r"(政府采购工程支出)\d+\.\d{2}(万元)", lambda m: f"{m.group(1)}{mark}{m.group(2)}")
    return (new, Plant("placeholder_amount", ("NAR024",), "procurement")) if new else None


@mutator("template_blank")
def template_blank(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """A template blank left in: "增加 万元"."""
    for name in ("running", "total_growth"):
        new = _edit_text(spec, anchors, name, r"((?:增加|减少))\d+\.\d{2}(万元)", lambda m: f"{m.group(1)} {m.group(2)}")
        if new is not None:
            return new, Plant("template_blank", ("NAR024",), name)
    return None


@mutator("doubled_unit")
def doubled_unit(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    new = _edit_text(spec, anchors, "total", r"万元。", lambda m: "万元万元。")
    return (new, Plant("doubled_unit", ("NAR024",), "total")) if new else None


@mutator("magnitude_slip")
def magnitude_slip(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """A part printed in 亿元 inside a list of 万元 figures (人员经费 X 亿元)."""
    new = _edit_text(spec, anchors, "basic", r"(人员经费[1-9]\d*\.\d{2})万元", lambda m: f"{m.group(1)}亿元")
    return (new, Plant("magnitude_slip", ("NAR023", "NAR006", "NAR020", "NAR026", "NAR001", "UNIT001"), "basic")) if new else None


@mutator("invalid_class_code")
def invalid_class_code(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """A code written into an item with one digit too many (an 8-digit 项 code)."""
    item = next((i for i in data.items if i.general > 0), None)
    if item is None:
        return None
    new = _edit_text(spec, anchors, "item_1", r"（项）。", lambda m: f"（项）（科目编码{item.code}{rng.randrange(10)}）。")
    return (new, Plant("invalid_class_code", ("NAR025",), "item_1")) if new else None


@mutator("part_above_total")
def part_above_total(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """公务用车购置及运行维护费 above the whole "三公"经费."""
    place = anchors.places.get("three_public")
    found = re.search(r"支出决算为(\d+\.\d{2})万元", place[1]) if place else None
    if found is None or Decimal(found.group(1)) <= 0:
        return None
    above = Decimal(found.group(1)) + Decimal("3.00")
    new = _edit_text(spec, anchors, "three_public_items", r"(公务用车购置及运行维护费支出决算)\d+\.\d{2}(万元)",
                     lambda m: f"{m.group(1)}{_w(above)}{m.group(2)}")
    return (new, Plant("part_above_total", ("NAR026", "NAR020", "NAR006", "NAR001"), "three_public_items")) if new else None


@mutator("vehicle_count_mismatch")
def vehicle_count_mismatch(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """The kinds of vehicles listed add up to more than the stated total."""
    new = _edit_text(spec, anchors, "assets", r"共有车辆(\d+)辆。",
                     lambda m: f"共有车辆{m.group(1)}辆，其中：一般公务用车{int(m.group(1)) + 1}辆、其他用车1辆。")
    return (new, Plant("vehicle_count_mismatch", ("NAR029",), "assets")) if new else None


@mutator("within_rounding_total")
def within_rounding_total(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """The spending total printed at one decimal (correctly rounded) above its two-decimal
    parts: their sum differs by less than the rounding, so no error is allowed."""

    def repl(m: re.Match[str]) -> str:
        return f"{m.group(1)}{Decimal(m.group(2)).quantize(Decimal('0.1'))}万元"

    new = _edit_text(spec, anchors, "spending", r"(本年支出合计)(\d+\.\d{2})万元", repl)
    return (new, Plant("within_rounding_total", (), "spending", must_not_error=True)) if new else None


@mutator("within_rounding_rate")
def within_rounding_rate(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """A rate printed at one decimal instead of two (correctly rounded): must not be an error."""

    def repl(m: re.Match[str]) -> str:
        return f"{m.group(1)}{Decimal(m.group(2)).quantize(Decimal('0.1'))}%"

    new = _edit_text(spec, anchors, "total_growth", r"((?:增长|下降))(\d+\.\d{2})%", repl)
    return (new, Plant("within_rounding_rate", (), "total_growth", must_not_error=True)) if new else None


# ---- table slips ----------------------------------------------------------------------


def _change_cell(spec: ReportSpec, kind: str, choose: Callable[[TableSpec], tuple[int, int] | None], delta: Decimal) -> tuple[ReportSpec, str] | None:
    index = _table_index(spec, kind)
    if index is None:
        return None
    table = spec.blocks[index]
    assert isinstance(table, TableSpec)
    spot = choose(table)
    if spot is None:
        return None
    r, c = spot
    rows = [list(row) for row in table.rows]
    old = rows[r][c]
    scale = Decimal(10000) if table.unit == "元" else Decimal(1)
    base = old if old.strip() not in ("", "-", "—") else "0.00"
    rows[r][c] = _bump(base, delta * scale if delta >= Decimal("0.01") else delta)
    return _set_block(spec, index, replace(table, rows=tuple(tuple(row) for row in rows))), f"{kind} row {r} col {c}: {old} -> {rows[r][c]}"


def _item_row(table: TableSpec) -> tuple[int, int] | None:
    """A 7-digit item row's first amount cell that is not blank."""
    for r, row in enumerate(table.rows):
        code = "".join(row[c] for c in range(len(row)) if table.role(c) == "code")
        if len(code) == 7:
            for c, text in enumerate(row):
                if table.role(c) == "amount" and text.strip() not in ("", "-", "0.00"):
                    return r, c
    return None


@mutator("sum_off")
def sum_off(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    result = _change_cell(spec, "T3", _item_row, Decimal("1.00"))
    if result is None:
        return None
    return result[0], Plant("sum_off", ("SUM001", "SUM003", "SUM004", "XT002", "XT007"), result[1])


@mutator("cross_table_mismatch")
def cross_table_mismatch(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    def class_line(table: TableSpec) -> tuple[int, int] | None:
        for r, row in enumerate(table.rows):
            for c, text in enumerate(row):
                if table.role(c) == "amount" and c > 1 and text.strip() not in ("", "-", "0.00"):
                    return r, c
        return None

    result = _change_cell(spec, "T1", class_line, Decimal("2.00"))
    if result is None:
        return None
    # the changed T1 figure no longer equals the same figure in T2 / T3 / T4, nor the T1 totals
    return result[0], Plant("cross_table_mismatch", ("XT001", "XT002", "XT003", "XT004", "XT005", "SUM005"), result[1])


@mutator("missing_table")
def missing_table(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    kind = rng.choice(["T7", "T9", "T6"])
    index = _table_index(spec, kind)
    if index is None:
        return None
    blocks = list(spec.blocks)
    del blocks[index]
    # the 目录 still lists the table: STR005 reports the entry with nothing behind it
    return replace(spec, blocks=tuple(blocks)), Plant("missing_table", ("STR001", "STR005"), kind)


@mutator("missing_no_data_statement")
def missing_no_data_statement(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    index = _table_index(spec, "T9")
    if index is None:
        return None
    table = spec.blocks[index]
    assert isinstance(table, TableSpec)
    if not table.notes:
        return None
    return _set_block(spec, index, replace(table, notes=())), Plant("missing_no_data_statement", ("STR002",), "T9")


@mutator("grade_score")
def grade_score(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    index = next((i for i, b in enumerate(spec.blocks) if isinstance(b, TableSpec) and "绩效自评" in b.title), None)
    if index is None:
        return None
    table = spec.blocks[index]
    assert isinstance(table, TableSpec)
    rows = [list(r) for r in table.rows]
    last = rows[-1]
    grade = last[-1]
    wrong = {"等级：优": "等级：良", "等级：良": "等级：优", "等级：中": "等级：优", "等级：差": "等级：良"}[grade]
    last[-1] = wrong
    return _set_block(spec, index, replace(table, rows=tuple(map(tuple, rows)))), Plant("grade_score", ("PERF002",), wrong)


# ---- a change within rounding: must not be an error ------------------------------------


@mutator("within_rounding")
def within_rounding(spec: ReportSpec, anchors: Anchors, data: ReportData, rng: random.Random) -> tuple[ReportSpec, Plant] | None:
    """A 类 total off by 0.01 from its 款 rows (two parts or more): inside the interval bound."""

    def class_row(table: TableSpec) -> tuple[int, int] | None:
        for r, row in enumerate(table.rows):
            code = "".join(row[c] for c in range(len(row)) if table.role(c) == "code")
            if len(code) == 3:
                children = sum(1 for other in table.rows
                               if "".join(other[c] for c in range(len(other)) if table.role(c) == "code").startswith(code)
                               and len("".join(other[c] for c in range(len(other)) if table.role(c) == "code")) == 5)
                if children >= 1:
                    for c, text in enumerate(row):
                        if table.role(c) == "amount" and text.strip() not in ("", "-", "0.00"):
                            return r, c
        return None

    index = _table_index(spec, "T3")
    in_yuan = index is not None and getattr(spec.blocks[index], "unit", "") == "元"
    # 0.01 of the printed unit: 0.01 万元, or 0.01 元 in a table printed in 元
    result = _change_cell(spec, "T3", class_row, Decimal("0.000001") if in_yuan else Decimal("0.01"))
    if result is None:
        return None
    return result[0], Plant("within_rounding", (), result[1], must_not_error=True)


def plant(kind: str, spec: ReportSpec, anchors: Anchors, data: ReportData, seed: int) -> tuple[ReportSpec, Plant] | None:
    return MUTATORS[kind](spec, anchors, data, random.Random(seed))
