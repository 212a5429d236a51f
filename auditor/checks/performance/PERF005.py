from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.findings import Evidence, Severity
from auditor.model import Report
from auditor.performance import Indicator, PerformanceTable, performance_tables

# a figure with its unit: "1158 人", "8.34 万", "5.1 万人", "96.5%"
_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*(万)?\s*(人次|人|名|家|户|个|件|座|辆|次|%)?")
_DONE = re.compile(r"(已完成|完成|实际|实现|达到)\s*$")
_RATE = re.compile(r"完成率\s*(?:为|达到?)?\s*(\d+(?:\.\d+)?)\s*%")


def _quantity(text: str) -> tuple[Decimal, str] | None:
    """The first figure of an indicator value and its unit kind ("%" or "count")."""
    match = _VALUE.search(text.replace(",", "").replace("，", ""))
    if match is None:
        return None
    value = Decimal(match.group(1))
    if match.group(2):
        value *= 10000
    return value, "%" if match.group(3) == "%" else "count"


def _stated(sentence: str, name: str) -> list[tuple[Decimal, str, bool, int]]:
    """Figures the sentence gives right after the indicator's name: (value, kind, said to be
    done, position after the figure)."""
    found = []
    text = re.sub(r"\s+", "", sentence)
    for match in re.finditer(re.escape(name), text):
        after = text[match.end() : match.end() + 12]
        figure = re.match(r"[为是达到约共计至：:]{0,3}(\d+(?:\.\d+)?)(万)?(人次|人|名|家|户|个|件|座|辆|次|%)?", after)
        if figure is None or not figure.group(3):
            continue  # a bare number without a unit is not read as an indicator value
        value = Decimal(figure.group(1)) * (10000 if figure.group(2) else 1)
        kind = "%" if figure.group(3) == "%" else "count"
        done = bool(_DONE.search(text[max(0, match.start() - 4) : match.start()]))
        found.append((value, kind, done, match.end() + figure.end()))
    return found


@register("PERF005", "performance.indicator_matches_text", "performance")
def indicator_matches_text(report: Report, ctx: CheckContext) -> None:
    """The indicator values the text states equal the 实际完成值 of the self-evaluation table.

    **What it checks**: for every indicator of a 绩效自评表 whose 实际完成值 is a figure (a count of
    people, units, a rate), each sentence of the report that names the indicator and gives a
    figure of the same kind right after it and says it was done ("已完成政府代缴人数…", "实际…"):
    the figure equals the table's 实际完成值 (a figure without such a word may describe a part,
    "新增参保人数", and is not compared). A 完成率 stated with it is recomputed as 实际完成值 /
    年度指标值.

    **Why it matters**: the narrative and the self-evaluation attached to it report the same
    result; when they differ, one of them was copied from the plan rather than the outcome.

    **Bad example**: text "已完成政府代缴人数1200人，完成率100%" while the table's 实际完成值 is
    1158人 against a 年度指标值 of 1200人 (96.5%).

    **Good example**: text "已完成政府代缴人数1158人，完成率96.5%".

    **Basis**: 绩效自评 (预算绩效管理): the text reports the self-evaluation's outcomes.

    **检查内容**: 绩效自评表中实际完成值为数字的每个指标（人数、户数、比率等），正文中凡提到该指标名称
    并紧跟同类数字、且说明“已完成/实际”的句子，所述数字应等于自评表的实际完成值（未说明完成的数字可能只是
    其中一部分，不比较）；同句所述完成率按实际完成值 ÷ 年度指标值重算。

    **为何重要**: 正文与所附绩效自评表报告的是同一结果；两者不一致，说明有一处照抄了计划数而不是实际数。
    """
    tables = performance_tables(report)
    indicators: list[tuple[PerformanceTable, Indicator]] = [
        (t, i) for t in tables for i in t.indicators if i.actual and _quantity(i.actual) and len(i.name) >= 3]
    if not indicators:
        raise NotApplicable("绩效自评表中没有以数字表示实际完成值的指标")
    for table, indicator in indicators:
        actual = _quantity(indicator.actual)
        target = _quantity(indicator.target) if indicator.target else None
        assert actual is not None
        for sentence in report.sentences:
            if indicator.name not in re.sub(r"\s+", "", sentence.text):
                continue
            for value, kind, done, end in _stated(sentence.text, indicator.name):
                if kind != actual[1]:
                    continue
                ctx.comparisons += 1
                where = [Evidence(page=sentence.location.page, line=sentence.location.line, quote=sentence.text,
                                  bbox=sentence.location.bbox),
                         Evidence(page=indicator.location.page, line=indicator.location.line,
                                  table=table.title[:30], row=indicator.name, column="实际完成值",
                                  quote=indicator.actual, bbox=indicator.location.bbox)]
                project = f"（{table.project}）" if table.project else ""
                if value != actual[0] and done:
                    ctx.add(
                        Severity.ERROR,
                        "正文所述指标值与绩效自评表不符",
                        f"正文称“{indicator.name}”为{value.normalize():f}，绩效自评表{project}的实际完成值为"
                        f"“{indicator.actual}”。",
                        observed=f"{value.normalize():f}", expected=indicator.actual, locations=where,
                    )
                rate = _RATE.search(re.sub(r"\s+", "", sentence.text)[end:end + 30])
                if rate and target is not None and target[1] == actual[1] == "count" and target[0]:
                    ctx.comparisons += 1
                    expected = actual[0] / target[0] * 100
                    stated = Decimal(rate.group(1))
                    if abs(stated - expected) > Decimal("0.5"):
                        ctx.add(
                            Severity.ERROR,
                            "正文所述完成率与绩效自评表不符",
                            f"正文称“{indicator.name}”完成率{stated.normalize():f}%，按绩效自评表{project}实际完成值"
                            f"“{indicator.actual}”÷ 年度指标值“{indicator.target}”应为{expected:.1f}%。",
                            observed=f"{stated.normalize():f}%", expected=f"{expected:.1f}%",
                            locations=[where[0], replace(where[1], column="完成率（实际完成值 ÷ 年度指标值）",
                                                         quote=f"{indicator.actual} ÷ {indicator.target}")],
                        )
