"""Every check's YAML fixture cases (tests are data, as in sqlfluff): `pytest -k SUM001`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from auditor.checks.base import REGISTRY, load_all, run_check
from tests.conftest import report_from_text

FIXTURES = Path(__file__).parent / "fixtures" / "checks"


def _cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            cases.append((data["code"], case))
    return cases


CASES = _cases()


@pytest.mark.parametrize(("code", "case"), CASES, ids=[f"{c}-{case['name']}" for c, case in CASES])
def test_fixture(code: str, case: dict) -> None:
    load_all()
    report = report_from_text(case["report"])
    result = run_check(REGISTRY[code], report)
    assert result.outcome.value == case["outcome"], (result.outcome, result.reason, [f.message for f in result.findings])
    severities = sorted(f.severity.value for f in result.findings)
    if "severities" in case:
        assert severities == sorted(case["severities"]), [f.message for f in result.findings]
    for needle in case.get("messages", []):
        assert any(needle in f.message for f in result.findings), (needle, [f.message for f in result.findings])


def test_every_check_has_pass_and_fail_fixtures() -> None:
    load_all()
    by_code: dict[str, set[str]] = {}
    for code, case in CASES:
        by_code.setdefault(code, set()).add(case["outcome"])
    for code in REGISTRY:
        assert code in by_code, f"{code} 没有测试用例"
        assert "pass" in by_code[code] and "fail" in by_code[code], f"{code} 需要 pass 与 fail 两类用例"
