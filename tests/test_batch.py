"""Batch audits: error isolation, resume, summary outputs, cross-year checks, and the Dask
executor giving the same results on a local two-worker cluster started by the test."""

from __future__ import annotations

import csv
import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from auditor.batch import run_batch
from auditor.cli import main
from tests.conftest import EXAMPLE_PDF, fixture_text

YEAR_A = """
2022年度示例市示例局部门决算
第三部分 2022年度部门决算情况说明
一、收入支出决算总体情况说明
2022年度收、支总计100.00万元。
"""
YEAR_B = """
2023年度示例市示例局部门决算
第三部分 2023年度部门决算情况说明
一、收入支出决算总体情况说明
2023年度收、支总计120.00万元。与上年相比，增加25.00万元，增长26.32%。
"""


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLE_PDF, folder / "example.pdf")
    (folder / "a_2022.txt").write_text(fixture_text(YEAR_A).replace("示例局部门决算", "示例局部门决算\n部门：示例市示例局"), encoding="utf-8")
    (folder / "b_2023.txt").write_text(fixture_text(YEAR_B).replace("示例局部门决算", "示例局部门决算\n部门：示例市示例局"), encoding="utf-8")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(EXAMPLE_PDF.read_bytes()[:4000])
    (folder / "photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    return folder


def test_batch_isolates_errors_resumes_and_summarises(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_batch([str(inputs)], out, jobs=2)
    status = {Path(r["file"]).name: r for r in result.rows}
    assert len(status) == 6
    assert status["example.pdf"]["status"] == "ok" and status["example.pdf"]["counts"]["error"] > 0
    for bad, reason in (("empty.pdf", "文件为空"), ("truncated.pdf", "损坏"), ("photo.pdf", "这是 PNG 图片")):
        assert status[bad]["status"] == "error" and reason in status[bad]["reason"]
    # one findings table, a per-report table, a workbook and a dashboard
    rows = list(csv.DictReader((out / "findings.csv").open(encoding="utf-8-sig")))
    assert list(rows[0]) == ["部门", "年度", "文件", "代码", "级别", "类别", "问题", "说明", "页/行"]  # Chinese for reviewers
    assert any(r["代码"] == "INPUT" and r["文件"].endswith("empty.pdf") and r["级别"] == "错误" and r["类别"] == "文件"
               for r in rows)
    assert {r["级别"] for r in rows} <= {"错误", "警告", "提示"} and "arithmetic" not in {r["类别"] for r in rows}
    reports = list(csv.DictReader((out / "reports.csv").open(encoding="utf-8-sig")))
    assert {"文件", "状态", "原因", "错误", "警告", "提示"} <= set(reports[0]) and {r["状态"] for r in reports} == {"成功", "无法读取"}
    book = load_workbook(out / "findings.xlsx")
    assert book.sheetnames == ["问题", "报告"] and book["问题"].max_row == len(rows) + 1
    assert [c.value for c in book["报告"][1]][:4] == ["文件", "部门", "年度", "状态"]
    html = (out / "dashboard.html").read_text(encoding="utf-8")
    assert "<svg" in html and "无法读取的文件" in html and "<script" not in html
    assert (out / "reports" / f"{status['example.pdf']['name']}.json").exists()
    # consecutive years: 2023 says 上年 was 120 − 25 = 95, the 2022 report says 100
    assert [f["code"] for f in result.cross_year] == ["YOY001"]
    assert "95.00" in result.cross_year[0]["message"] and "100.00" in result.cross_year[0]["message"]
    # a re-run after adding files processes only the new ones
    for n in range(5):
        shutil.copy(inputs / "a_2022.txt", inputs / f"new_{n}.txt")
        (inputs / f"new_{n}.txt").write_text((inputs / "a_2022.txt").read_text(encoding="utf-8") + f"\n{n}\n", encoding="utf-8")
    again = run_batch([str(inputs)], out, jobs=2)
    assert again.skipped == 6 and len(again.rows) == 11


def test_resume_redoes_results_of_other_code(inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows computed by another version of the code (an upgrade, a local change) are not reused."""
    import auditor.batch

    out = tmp_path / "out"
    first = run_batch([str(inputs)], out, jobs=1)
    assert first.skipped == 0
    assert run_batch([str(inputs)], out, jobs=1).skipped == len(first.rows)
    monkeypatch.setattr(auditor.batch, "code_fingerprint", lambda: "0.0.0+other")
    assert run_batch([str(inputs)], out, jobs=1).skipped == 0


def test_batch_cli(inputs: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["batch", str(inputs / "*.txt"), "--out", str(tmp_path / "o"), "--jobs", "1"])
    assert result.exit_code == 1, result.output  # the two years disagree (YOY001, an error): exit 1
    assert "共 2 份：成功 2" in result.output
    state = json.loads((tmp_path / "o" / "batch.json").read_text(encoding="utf-8"))
    assert len(state["rows"]) == 2


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="dask[distributed] 未安装")
def test_dask_executor_matches_local(inputs: Path, tmp_path: Path) -> None:
    from distributed import LocalCluster

    local = run_batch([str(inputs)], tmp_path / "local", jobs=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = run_batch([str(inputs)], tmp_path / "dask", executor="dask", scheduler=cluster.scheduler_address)

    def key(rows):  # type: ignore[no-untyped-def]
        return sorted((Path(r["file"]).name, r["status"], json.dumps(r.get("counts"), sort_keys=True)) for r in rows)

    assert key(local.rows) == key(remote.rows)
    assert local.cross_year == remote.cross_year


def test_every_entry_gets_a_row_with_its_reason(tmp_path: Path) -> None:
    import os

    from auditor.batch import exit_code

    (tmp_path / "empty_dir").mkdir()
    (tmp_path / "sheet.docx").write_bytes(b"PK\x03\x04")
    os.mkfifo(tmp_path / "pipe.txt")
    entries = [str(tmp_path / "empty_dir"), str(tmp_path / "nothing-*.pdf"), str(tmp_path / "sheet.docx"),
               str(tmp_path / "pipe.txt"), str(tmp_path / "missing.pdf")]
    result = run_batch(entries, tmp_path / "out", jobs=1)
    reasons = {Path(r["file"]).name: r["reason"] for r in result.rows}
    assert len(result.rows) == len(entries) and all(r["status"] == "error" for r in result.rows)
    assert "文件夹中没有可审核的文件" in reasons["empty_dir"]
    assert "通配符没有匹配到任何文件" in reasons["nothing-*.pdf"]
    assert "不支持的文件类型（扩展名 .docx）" in reasons["sheet.docx"]
    assert "命名管道" in reasons["pipe.txt"] and "不存在" in reasons["missing.pdf"]
    assert exit_code(result) == 2
    assert not (tmp_path / "out" / "batch.progress.jsonl").exists()  # the journal is folded into batch.json
