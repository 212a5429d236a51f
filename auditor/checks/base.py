"""The check engine: a registry of pure checks, each with a stable code and its docs.

A check is a function ``(report, ctx) -> None`` that records findings and comparisons on
``ctx``. It raises ``NotApplicable`` or ``InsufficientData`` to say why it could not run;
any other exception is recorded as a ``parse_error`` result and the run goes on.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from auditor.findings import Evidence, Finding, Severity, group_repeats
from auditor.model import Amount, Report, TableKind
from auditor.numbers import fmt

ZERO = Decimal(0)
MIN_DECIMALS = 2  # amounts are rounded to 0.01 万元 (DESIGN §4); '25' means 25.00


class Outcome(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    INSUFFICIENT_DATA = "insufficient_data"
    PARSE_ERROR = "parse_error"

    @property
    def zh(self) -> str:
        return {
            "pass": "通过",
            "fail": "未通过",
            "not_applicable": "不适用",
            "insufficient_data": "数据不足",
            "parse_error": "解析错误",
        }[self.value]


class NotApplicable(Exception):
    """The check does not apply to this report (e.g. the table is legitimately empty)."""


class InsufficientData(Exception):
    """The check applies but what it needs could not be found or read."""


@dataclass
class CheckContext:
    report: Report
    code: str
    category: str
    findings: list[Finding] = field(default_factory=list)
    comparisons: int = 0

    def add(
        self,
        severity: Severity,
        title: str,
        message: str,
        observed: str = "",
        expected: str = "",
        locations: Iterable[Evidence] = (),
        category: str | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                code=self.code,
                severity=severity,
                category=category or self.category,
                title=title,
                message=message,
                observed=observed,
                expected=expected,
                locations=tuple(locations),
            )
        )

    def compare_sum(
        self,
        total: Amount | None,
        parts: list[Amount | None],
        title: str,
        what: str,
        locations: Iterable[Evidence],
    ) -> bool:
        """Total vs Σ parts with interval rounding. Records an error beyond the bound, a
        rounding note within it. Returns True when they agree exactly or within rounding."""
        if total is None and all(p is None for p in parts):
            return True
        self.comparisons += 1
        gap, bound, summed = sum_gap(total, parts)
        if gap == 0:
            return True
        shown = fmt(total.value if total else ZERO)
        observed = f"{shown}（合计）"
        expected = f"{fmt(summed)}（各项之和）"
        if abs(gap) > bound:
            self.add(
                Severity.ERROR,
                title,
                f"{what}：合计为{shown}万元，各项之和为{fmt(summed)}万元，相差{fmt(gap)}万元，"
                f"超出四舍五入允许的误差（±{fmt(bound, 3)}万元）。",
                observed,
                expected,
                locations,
            )
            return False
        self.add(
            Severity.INFO,
            "尾差",
            f"{what}：相差{fmt(gap)}万元，在四舍五入误差（±{fmt(bound, 3)}万元）以内，属尾差。",
            observed,
            expected,
            locations,
            category="rounding",
        )
        return True

    def compare_equal(
        self,
        left: Amount | None,
        right: Amount | None,
        title: str,
        what: str,
        left_name: str,
        right_name: str,
        locations: Iterable[Evidence],
    ) -> bool:
        """The same figure in two places: equal, or an overlap of their rounding intervals."""
        self.comparisons += 1
        if left is None and right is None:
            return True  # both blank: the same (empty) figure
        a = left.value if left else ZERO
        b = right.value if right else ZERO
        gap = a - b
        if gap == 0:
            return True
        bound = half_unit(left) + half_unit(right)
        if abs(gap) > bound:
            self.add(
                Severity.ERROR,
                title,
                f"{what}：{left_name}为{fmt(a)}万元，{right_name}为{fmt(b)}万元，相差{fmt(gap)}万元。",
                f"{fmt(a)}（{left_name}）",
                f"{fmt(b)}（{right_name}）",
                locations,
            )
            return False
        self.add(
            Severity.INFO,
            "尾差",
            f"{what}：{left_name}为{fmt(a)}万元，{right_name}为{fmt(b)}万元，相差{fmt(gap)}万元，在四舍五入误差以内。",
            f"{fmt(a)}（{left_name}）",
            f"{fmt(b)}（{right_name}）",
            locations,
            category="rounding",
        )
        return True


def half_unit(amount: Amount | None) -> Decimal:
    """The rounding radius of a printed amount (0 for a blank: a blank is exactly zero)."""
    if amount is None:
        return ZERO
    return Decimal(5).scaleb(-(max(amount.decimals, MIN_DECIMALS) + 1))


def sum_gap(total: Amount | None, parts: list[Amount | None]) -> tuple[Decimal, Decimal, Decimal]:
    """(total − Σ parts, the interval bound, Σ parts). The bound is the sum of the rounding
    radii of the total and of every printed part: 0.005 × (n + 1) for n parts at 0.01."""
    summed = sum((p.value for p in parts if p is not None), ZERO)
    gap = (total.value if total is not None else ZERO) - summed
    bound = half_unit(total) + sum((half_unit(p) for p in parts), ZERO)
    return gap, bound, summed


CheckFunc = Callable[[Report, CheckContext], None]


@dataclass(frozen=True)
class Check:
    code: str
    name: str  # dotted name, e.g. "arithmetic.parent_equals_children"
    category: str  # structure / arithmetic / cross_table / ...
    func: CheckFunc
    tables: tuple[TableKind, ...] = ()
    status: str = "stable"

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip()

    @property
    def summary(self) -> str:
        return self.doc.splitlines()[0] if self.doc else ""

    def doc_section(self, heading: str) -> str:
        """The text under '**heading**:' in the docstring, its wrapped lines joined: with a
        space, except where the wrap falls between two Chinese characters."""
        match = re.search(rf"\*\*{re.escape(heading)}\*\*:\s*(.*?)(?=\n\s*\*\*|\Z)", self.doc, re.S)
        if not match:
            return ""
        text = _CJK_WRAP.sub("", match.group(1))
        return " ".join(text.split())


_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_WRAP = re.compile(rf"(?<=[{_CJK}])[ \t]*\n\s*(?=[{_CJK}])")  # a line break between two Chinese characters

DOC_SECTIONS = ("What it checks", "Why it matters", "Bad example", "Good example", "Basis")
DOC_SECTIONS_ZH = ("检查内容", "为何重要")  # the same explanation in Chinese, for the reviewer UI

REGISTRY: dict[str, Check] = {}


def register(
    code: str, name: str, category: str, tables: tuple[TableKind, ...] = ()
) -> Callable[[CheckFunc], CheckFunc]:
    def decorate(func: CheckFunc) -> CheckFunc:
        if code in REGISTRY:
            raise ValueError(f"check code {code} registered twice")
        REGISTRY[code] = Check(code=code, name=name, category=category, func=func, tables=tables)
        return func

    return decorate


@dataclass
class CheckResult:
    code: str
    name: str
    category: str
    outcome: Outcome
    findings: list[Finding]
    comparisons: int = 0
    reason: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "outcome": self.outcome.value,
            "comparisons": self.comparisons,
            "findings": len(self.findings),
            "reason": self.reason,
        }


def run_check(check: Check, report: Report) -> CheckResult:
    ctx = CheckContext(report=report, code=check.code, category=check.category)
    try:
        check.func(report, ctx)
        ctx.findings = group_repeats(ctx.findings)  # one finding per kind and place, with all locations
    except NotApplicable as exc:
        return CheckResult(check.code, check.name, check.category, Outcome.NOT_APPLICABLE, [], 0, str(exc))
    except InsufficientData as exc:
        return CheckResult(
            check.code, check.name, check.category, Outcome.INSUFFICIENT_DATA, group_repeats(ctx.findings),
            ctx.comparisons, str(exc)
        )
    except Exception as exc:  # noqa: BLE001 - a crashing check is a result, the run goes on
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return CheckResult(
            check.code, check.name, check.category, Outcome.PARSE_ERROR, [], ctx.comparisons, f"检查时出错：{detail}"
        )
    from auditor.checks.ocr_doubt import soften  # an error resting on an unsure OCR digit: a warning

    ctx.findings = soften(report, ctx.findings)
    failed = any(f.severity is not Severity.INFO for f in ctx.findings)
    outcome = Outcome.FAIL if failed else Outcome.PASS
    reason = ""
    if not ctx.findings and ctx.comparisons == 0 and outcome is Outcome.PASS:
        return CheckResult(
            check.code, check.name, check.category, Outcome.INSUFFICIENT_DATA, [], 0, "没有可核对的数据"
        )
    return CheckResult(check.code, check.name, check.category, outcome, ctx.findings, ctx.comparisons, reason)


def select_checks(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Check]:
    """Checks whose code starts with any selected prefix (all when none) and with no
    ignored prefix. Prefixes are case-insensitive: 'SUM', 'XT00', 'STR001'."""
    load_all()
    chosen = [p.upper() for p in select if p]
    dropped = [p.upper() for p in ignore if p]
    result = []
    for code in sorted(REGISTRY):
        if chosen and not any(code.startswith(p) for p in chosen):
            continue
        if any(code.startswith(p) for p in dropped):
            continue
        result.append(REGISTRY[code])
    return result


def load_all() -> None:
    """Import every check module so that each registers itself."""
    import importlib
    import pkgutil

    import auditor.checks as package

    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.ispkg:
            importlib.import_module(module.name)
