"""A department's final accounts against its own budget of the same year (PAIR001): synthetic
pairs with planted differences (every one found) and consistent pairs (nothing found), through
the library, `auditor audit --budget` and `auditor batch`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.batch import run_batch
from auditor.cli import main
from auditor.ingest import load_report
from auditor.pairing import PAIR_CODE, pair_result

PAIRS = Path(__file__).parent / "fixtures" / "pairs"
FINAL = PAIRS / "final_2024.txt"
BUDGET = PAIRS / "budget_2024.txt"

# (what is changed in the budget, the subject the finding must name)
PLANTS = [
    ("2010301\t行政运行\t300.00\t300.00\t", "2010301\t行政运行\t280.00\t280.00\t", "行政运行（项）"),
    ("2010302\t一般行政管理事务\t120.00\t\t120.00", "2010302\t一般行政管理事务\t125.50\t\t125.50", "一般行政管理事务（项）"),
    ("10.00\t2.00\t6.00\t0.00\t6.00\t2.00", "11.00\t2.00\t6.00\t0.00\t6.00\t3.00", "公务接待费"),
    ("10.00\t2.00\t6.00\t0.00\t6.00\t2.00", "10.00\t3.00\t5.00\t0.00\t5.00\t2.00", "因公出国（境）费"),
]


def test_consistent_pair_has_no_finding() -> None:
    result = pair_result(load_report(FINAL), load_report(BUDGET))
    assert result.outcome.value == "pass" and not result.findings
    assert result.comparisons == 8  # six 三公 figures and two 项


@pytest.mark.parametrize(("old", "new", "subject"), PLANTS, ids=[p[2] for p in PLANTS])
def test_planted_difference_is_found(tmp_path: Path, old: str, new: str, subject: str) -> None:
    text = BUDGET.read_text(encoding="utf-8")
    assert old in text
    budget = tmp_path / "budget.txt"
    budget.write_text(text.replace(old, new), encoding="utf-8")
    result = pair_result(load_report(FINAL), load_report(budget))
    assert result.outcome.value == "fail"
    assert any(subject in f.message for f in result.findings), [f.message for f in result.findings]
    finding = next(f for f in result.findings if subject in f.message)
    assert finding.code == PAIR_CODE and finding.severity.value == "error"
    assert finding.locations[1].file == "budget.txt"  # evidence from both documents


def test_cli_audit_with_budget(tmp_path: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(main, ["audit", str(FINAL), "--budget", str(BUDGET), "--format", "json", "--select", "STR"])
    data = json.loads(clean.stdout)
    pair = next(c for c in data["coverage"]["checks"] if c["code"] == PAIR_CODE)
    assert pair["outcome"] == "pass"
    planted = tmp_path / "budget.txt"
    planted.write_text(BUDGET.read_text(encoding="utf-8").replace(*PLANTS[0][:2]), encoding="utf-8")
    bad = runner.invoke(main, ["audit", str(FINAL), "--budget", str(planted), "--select", "STR"])
    assert bad.exit_code == 1 and "年初预算与当年部门预算不符" in bad.stdout
    wrong = runner.invoke(main, ["audit", str(FINAL), "--budget", str(FINAL)])
    assert wrong.exit_code == 2 and "需要一份部门决算和一份部门预算" in wrong.stderr


def test_batch_pairs_final_accounts_with_budget(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "final.txt").write_bytes(FINAL.read_bytes())
    (folder / "budget.txt").write_text(BUDGET.read_text(encoding="utf-8").replace(*PLANTS[2][:2]), encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch([str(folder)], out, jobs=1)
    assert {f["code"] for f in result.cross_year} == {PAIR_CODE}  # the 合计 and the 公务接待费 changed
    assert sorted("公务接待费" in f["message"] for f in result.cross_year) == [False, True]
    rows = list(csv.DictReader((out / "reports.csv").open(encoding="utf-8-sig")))
    final = next(r for r in rows if r["文件"].endswith("final.txt"))
    assert final["对照的部门预算"].endswith("budget.txt") and final["类型"] == "部门决算"
    findings = list(csv.DictReader((out / "findings.csv").open(encoding="utf-8-sig")))
    assert any(r["代码"] == PAIR_CODE for r in findings)


def test_batch_compares_a_budgets_prior_year_column_with_last_years_budget(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "budget_2024.txt").write_bytes(BUDGET.read_bytes())
    header = "科目编码\t科目名称\t合计\t基本支出\t项目支出"
    later = BUDGET.read_text(encoding="utf-8").replace("2024", "2025").replace(
        header, "科目编码\t科目名称\t上年预算数\t合计\t基本支出\t项目支出").replace(
        "2010301\t行政运行\t300.00", "2010301\t行政运行\t290.00\t320.00").replace(
        "2010302\t一般行政管理事务\t120.00", "2010302\t一般行政管理事务\t120.00\t100.00")
    for code in ("201\t一般公共服务支出\t420.00", "20103\t政府办公厅（室）及相关机构事务\t420.00"):
        later = later.replace(code, code.replace("420.00", "410.00\t420.00"))
    (folder / "budget_2025.txt").write_text(later, encoding="utf-8")
    result = run_batch([str(folder)], tmp_path / "out", jobs=1)
    codes = [(f["code"], f["year"]) for f in result.cross_year]
    assert codes == [("PAIR002", 2025)], result.cross_year
    assert "行政运行" in result.cross_year[0]["message"] and "290.00" in result.cross_year[0]["message"]
