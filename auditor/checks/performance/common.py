"""Shared helpers for the performance checks (not a check)."""

from __future__ import annotations

from decimal import Decimal

from auditor.findings import Evidence
from auditor.model import Location
from auditor.performance import Figure, PerformanceTable


def table_name(perf: PerformanceTable) -> str:
    return f"“{perf.project}”" + "项目支出绩效自评表" if perf.project else f"“{perf.title}”"


def figure_evidence(perf: PerformanceTable, figure: Figure | None, column: str, row: str = "") -> Evidence:
    location = figure.location if figure is not None else perf.location
    return Evidence(page=location.page, line=location.line, table=perf.title, row=row or None, column=column,
                    quote=figure.raw if figure is not None else "（空）", bbox=location.bbox)


def at(location: Location, quote: str, table: str) -> Evidence:
    return Evidence(page=location.page, line=location.line, table=table, quote=quote, bbox=location.bbox)


def total(figures: list[Figure | None]) -> Decimal:
    return sum((f.value for f in figures if f is not None), Decimal(0))


def funds_counted(perf: PerformanceTable) -> bool:
    """Whether the 总分 includes the funds-execution points (分值 of the 资金 block): true when
    the indicator points plus those points make the printed total."""
    if perf.funds_points is None or perf.total_points is None:
        return False
    indicator_points = total([i.points for i in perf.indicators])
    return indicator_points + perf.funds_points.value == perf.total_points.value
