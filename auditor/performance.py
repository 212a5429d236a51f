"""绩效自评表 (performance self-evaluation tables) read from their printed grid.

The tables are free-form (merged cells, tiers written as "产出指标(50分)", the grade as
"等级：优" or split over two cells), so they are read by the words in their cells rather than
by a fixed layout: the funds block (年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分),
the indicator block (一级指标 … 分值 / 得分) and the 总分 row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from auditor.codes import compact
from auditor.model import GridCell, Location, Report, Table, TableKind
from auditor.numbers import try_parse_amount

_TIER = re.compile(r"(产出|效益|满意度|成本|效果|影响)[^（(]*[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[）)]")
_GRADE = re.compile(r"等\s*级\s*[:：]?\s*(优秀|优|良好|良|中等|中|合格|差|不合格)")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?%?$")

GRADE_NAMES = {"优秀": "优", "优": "优", "良好": "良", "良": "良", "中等": "中", "中": "中", "合格": "中", "差": "差", "不合格": "差"}


def grade_for(score: Decimal) -> str:
    """The common national scale: 优 ≥ 90, 良 80–89, 中 60–79, 差 < 60."""
    if score >= 90:
        return "优"
    if score >= 80:
        return "良"
    if score >= 60:
        return "中"
    return "差"


@dataclass
class Figure:
    value: Decimal
    raw: str
    location: Location


@dataclass
class Indicator:
    tier: str
    tier_points: Decimal | None
    name: str
    points: Figure | None
    score: Figure | None
    target: str = ""  # 年度指标值 as printed
    actual: str = ""  # 实际完成值 as printed
    location: Location = field(default_factory=Location)  # the 实际完成值 cell


@dataclass
class PerformanceTable:
    title: str
    project: str  # 项目名称 for a project table, "" for the whole department
    location: Location
    budget_initial: Figure | None = None
    budget_full: Figure | None = None
    executed: Figure | None = None
    funds_points: Figure | None = None
    funds_rate: Figure | None = None
    funds_score: Figure | None = None
    indicators: list[Indicator] = field(default_factory=list)
    total_points: Figure | None = None
    total_score: Figure | None = None
    grade: str = ""
    grade_location: Location = field(default_factory=Location)


def _num(cell: GridCell) -> Figure | None:
    text = compact(cell.text)
    if not _NUMBER.match(text):
        return None
    amount = try_parse_amount(text)
    if amount is None:
        return None
    return Figure(amount.value, cell.text, cell.location)


def _find(row: list[GridCell], *words: str) -> int | None:
    for index, cell in enumerate(row):
        text = compact(cell.text)
        if all(w in text for w in words):
            return index
    return None


def read_performance_table(table: Table) -> PerformanceTable | None:
    grid = table.grid
    if not grid or not any(_find(r, "得分") is not None for r in grid):
        return None
    perf = PerformanceTable(title=table.title, project="", location=table.location)
    funds_cols: dict[str, int] = {}
    indicator_cols: dict[str, int] = {}
    tier, tier_points = "", None
    in_indicators = False
    before_tier = 0  # indicator rows read before the first tier label
    previous: list[GridCell] = []
    for row in grid:
        texts = [compact(c.text) for c in row]
        joined = "".join(texts)
        if "全年执行数" in joined and "分值" not in joined and previous and "分值" in "".join(compact(c.text) for c in previous):
            # 分值 / 执行率 / 得分 printed in cells spanning both header rows, their text on the
            # upper row (a table read without ruling lines): the two rows are one header
            row = [c if compact(c.text) or i >= len(previous) else previous[i] for i, c in enumerate(row)]
            texts = [compact(c.text) for c in row]
            joined = "".join(texts)
        previous = row
        if not perf.project:
            name_at = next((i for i, t in enumerate(texts) if t in ("专项名称", "项目名称")), None)
            if name_at is not None:
                perf.project = next((t for t in texts[name_at + 1 :] if t), "")
        if "全年执行数" in joined and "分值" in joined:
            funds_cols = {
                key: i
                for key, word in (("initial", "年初预算"), ("full", "全年预算"), ("executed", "全年执行"), ("points", "分值"),
                                  ("rate", "执行率"), ("score", "得分"))
                if (i := _find(row, word)) is not None
            }
            # a header cut short ("执行" for 执行率) still marks its column
            if "rate" not in funds_cols and (i := _find(row, "执行")) is not None and i != funds_cols.get("executed"):
                funds_cols["rate"] = i
            continue
        if funds_cols and "合计" in texts and perf.executed is None:
            values = {key: _cell_number(row, i) for key, i in funds_cols.items()}
            perf.budget_initial, perf.budget_full = values.get("initial"), values.get("full")
            perf.executed, perf.funds_points = values.get("executed"), values.get("points")
            perf.funds_rate, perf.funds_score = values.get("rate"), values.get("score")
            continue
        if "一级指标" in joined and "分值" in joined:
            indicator_cols = {"points": _find(row, "分值") or -1, "score": _find(row, "得分") or -1,
                              "target": _find(row, "指标值") or -1, "actual": _find(row, "实际完成") or -1}
            in_indicators = True
            continue
        if "总分" in texts:
            numbers = [f for c in row if (f := _num(c)) is not None]
            if numbers:
                perf.total_points = numbers[0]
            if len(numbers) > 1:
                perf.total_score = numbers[1]
            grade_cell = next((c for c in row if _GRADE.search(compact(c.text))), None)
            if grade_cell is not None:
                match = _GRADE.search(compact(grade_cell.text))
                assert match is not None
                perf.grade = GRADE_NAMES[match.group(1)]
                perf.grade_location = grade_cell.location
            in_indicators = False
            continue
        if not in_indicators:
            continue
        tier_match = _TIER.search(joined)
        if tier_match:
            tier, tier_points = tier_match.group(1), Decimal(tier_match.group(2))
        elif not tier:
            before_tier += 1
        points = _cell_number(row, indicator_cols.get("points", -1))
        score = _cell_number(row, indicator_cols.get("score", -1))
        if score is None:
            # a row printed one cell short (merged cells lost): the last two figures are
            # the points and the score
            filled = [c for c in row if compact(c.text)]
            tail = [_num(c) for c in filled[-2:]]
            if len(tail) == 2 and tail[0] is not None and tail[1] is not None and "%" not in filled[-1].text:
                points, score = tail[0], tail[1]
        if points is None and score is None:
            continue
        name = next((t for t in reversed(texts[: max(indicator_cols.get("points", 0) - 2, 1)]) if t and not _NUMBER.match(t)), "")
        target_at, actual_at = indicator_cols.get("target", -1), indicator_cols.get("actual", -1)
        if target_at > 0 and texts[target_at - 1]:
            name = texts[target_at - 1]  # the 三级指标 beside the 年度指标值
        target = texts[target_at] if 0 <= target_at < len(texts) else ""
        actual = texts[actual_at] if 0 <= actual_at < len(texts) else ""
        location = row[actual_at].location if 0 <= actual_at < len(row) else Location()
        perf.indicators.append(Indicator(tier, tier_points, name, points, score, target, actual, location))
    if before_tier:
        _centred_tiers(perf.indicators)
    return perf if perf.indicators or perf.total_score is not None or perf.executed is not None else None


def _centred_tiers(indicators: list[Indicator]) -> None:
    """Indicator rows before the first tier label: the tier labels stand in the middle of their
    blocks (cells centred vertically, read without ruling lines), not on their first rows. The
    rows are cut into blocks in order, each holding its label's row, whose points add up to the
    label's points; when no such cut exists the rows keep the labels as read (a mismatch stays
    for the checks to report)."""
    tiers: list[tuple[str, Decimal | None, int]] = []  # (tier, points, index of the label's row)
    for index, indicator in enumerate(indicators):
        if indicator.tier and (not tiers or tiers[-1][0] != indicator.tier):
            tiers.append((indicator.tier, indicator.tier_points, index))
    if not tiers or any(points is None or points <= 0 for _, points, _ in tiers):
        return
    if any(i.points is None for i in indicators):
        return
    blocks: list[tuple[int, int]] = []
    start = 0
    for n, (_, points, label_at) in enumerate(tiers):
        total, end = Decimal(0), start
        while end < len(indicators) and total < (points or 0):
            total += indicators[end].points.value  # type: ignore[union-attr]
            end += 1
        if total != points or not start <= label_at < end or (n + 1 < len(tiers) and tiers[n + 1][2] < end):
            return
        blocks.append((start, end))
        start = end
    if start != len(indicators):
        return
    for (tier, points, _), (a, b) in zip(tiers, blocks):
        for indicator in indicators[a:b]:
            indicator.tier, indicator.tier_points = tier, points


def _cell_number(row: list[GridCell], index: int) -> Figure | None:
    if index < 0 or index >= len(row):
        return None
    return _num(row[index])


def performance_tables(report: Report) -> list[PerformanceTable]:
    result = []
    for table in report.tables:
        if table.kind is TableKind.OTHER and "绩效" in table.title and "自评" in table.title:
            perf = read_performance_table(table)
            if perf is not None:
                result.append(perf)
    return result
