"""The CLI contract: exit codes, the pinned JSON shape, extract and checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from tests.conftest import ROOT, SEED, need

EXAMPLE_TXT = ROOT / "examples" / "example_report.txt"

TOP_KEYS = {"schema_version", "report", "coverage", "summary", "findings"}
FINDING_KEYS = {"code", "severity", "category", "title", "message", "observed", "expected", "locations", "fingerprint"}
LOCATION_KEYS = {"page", "line", "table", "row", "column", "quote", "bbox", "file", "file_page"}


def test_audit_json_contract() -> None:
    result = CliRunner().invoke(main, ["audit", str(need(SEED)), "--format", "json"])
    assert result.exit_code == 1, result.output  # the sample has error findings
    data = json.loads(result.stdout)
    assert set(data) == TOP_KEYS
    assert data["schema_version"] == "1.0"
    assert {"department", "year", "unit", "source", "page_count", "tables", "recognition"} <= set(data["report"])
    assert {"checks_total", "checks_run", "outcomes", "comparisons", "checks"} <= set(data["coverage"])
    assert data["findings"], "expected findings on the sample"
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS
        assert finding["severity"] in {"error", "warning", "info"}
        for loc in finding["locations"]:
            assert set(loc) == LOCATION_KEYS
            assert loc["page"] is None  # text input gives lines, not pages
    fingerprints = [f["fingerprint"] for f in data["findings"]]
    assert len(fingerprints) == len(set(fingerprints))


def test_select_and_ignore_by_prefix() -> None:
    runner = CliRunner()
    only_structure = runner.invoke(main, ["audit", str(need(SEED)), "--format", "json", "--select", "STR"])
    codes = {c["code"] for c in json.loads(only_structure.stdout)["coverage"]["checks"]}
    assert codes and all(c.startswith("STR") for c in codes)
    ignored = runner.invoke(main, ["audit", str(SEED), "--format", "json", "--ignore", "SUM,XT"])
    codes = {c["code"] for c in json.loads(ignored.stdout)["coverage"]["checks"]}
    assert codes and not any(c.startswith(("SUM", "XT")) for c in codes)


def test_unusable_input_exit_2(tmp_path: Path) -> None:
    runner = CliRunner()
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = runner.invoke(main, ["audit", str(empty)])
    assert result.exit_code == 2
    assert "文件为空" in result.stderr
    fake = tmp_path / "photo.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    result = runner.invoke(main, ["audit", str(fake)])
    assert result.exit_code == 2 and "这是 PNG 图片，不是 PDF" in result.stderr
    missing = runner.invoke(main, ["audit", str(tmp_path / "nope.pdf")])
    assert missing.exit_code == 2 and "不存在" in missing.stderr


def test_formats_render(tmp_path: Path) -> None:
    runner = CliRunner()
    for fmt in ("md", "html", "text"):
        out = tmp_path / f"r.{fmt}"
        result = runner.invoke(main, ["audit", str(need(SEED)), "--format", fmt, "--out", str(out)])
        assert result.exit_code == 1
        text = out.read_text(encoding="utf-8")
        assert "SUM002" in text and "工资福利支出" in text
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<script" not in html and "http" not in html.split("<body>")[0]


def test_extract_csv_and_json() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["extract", str(need(SEED)), "--format", "csv"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "表,表名,页,行号,收/支,编码,科目,列,金额（万元）,原文"  # a reviewer's file: Chinese
    assert any(line.startswith("T6,一般公共预算财政拨款基本支出决算表,,") and line.endswith(",30101,基本工资,决算数,40.35,40.35")
               for line in lines)
    assert any(",收入," in line for line in lines) and ",income," not in result.stdout and ",amount," not in result.stdout
    data = json.loads(runner.invoke(main, ["extract", str(SEED)]).stdout)
    assert [t["kind"] for t in data["tables"]][:9] == [f"T{i}" for i in range(1, 10)]


def test_checks_catalogue() -> None:
    result = CliRunner().invoke(main, ["checks", "--format", "json"])
    catalogue = json.loads(result.stdout)
    assert {c["code"] for c in catalogue} >= {"STR001", "SUM001", "XT001"}
    assert all(c["What it checks"] and c["Basis"] for c in catalogue)


def test_encrypted_and_scanned_pdfs_get_clear_reasons(tmp_path: Path) -> None:
    from io import BytesIO

    from PIL import Image
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=StandardEncryption("secret"))
    pdf.drawString(100, 700, "x")
    pdf.save()
    (tmp_path / "locked.pdf").write_bytes(buffer.getvalue())
    image = Image.new("RGB", (200, 100), "white")
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawImage(ImageReader(image), 50, 500, 400, 200)
    pdf.save()
    (tmp_path / "scan.pdf").write_bytes(buffer.getvalue())
    runner = CliRunner()
    locked = runner.invoke(main, ["audit", str(tmp_path / "locked.pdf")])
    assert locked.exit_code == 2 and "已加密" in locked.stderr
    scanned = runner.invoke(main, ["audit", str(tmp_path / "scan.pdf")])
    assert scanned.exit_code == 2 and "扫描件，无文本层" in scanned.stderr


def test_usage_mistakes_get_chinese_messages(tmp_path: Path) -> None:
    runner = CliRunner()
    blocked = tmp_path / "file"
    blocked.write_text("x", encoding="utf-8")  # a file where a folder is needed
    result = runner.invoke(main, ["audit", str(EXAMPLE_TXT), "--format", "json", "--out", str(blocked / "out.json")])
    assert result.exit_code == 2 and "无法写入" in result.stderr and "Traceback" not in result.stderr
    typo = runner.invoke(main, ["audit", str(EXAMPLE_TXT), "--select", "SMU"])
    assert typo.exit_code == 2 and "未知的检查代码：SMU" in typo.stderr
    listing = runner.invoke(main, ["checks"])
    assert listing.exit_code == 0 and "合计" in listing.stdout and "equals" not in listing.stdout


@pytest.mark.parametrize("args", [
    ["audit", "{txt}", "--timeout", "-1"], ["audit", "{txt}", "--timeout", "inf"], ["audit", "{txt}", "--max-memory-mb", "1"],
    ["audit", "{txt}", "--max-pages", "0"], ["extract", "{txt}", "--max-pages", "-3"], ["batch", "{txt}", "--out", "{tmp}", "--jobs", "0"],
    ["ui", "--port", "0"], ["audit", "{examples}"], ["audit", "{txt}", "--bogus"], ["bogus"], ["audit"],
])
def test_bad_options_get_a_chinese_usage_error(args: list[str], tmp_path: Path) -> None:
    values = {"txt": str(EXAMPLE_TXT), "tmp": str(tmp_path / "o"), "examples": str(EXAMPLE_TXT.parent)}
    result = CliRunner().invoke(main, [a.format(**values) for a in args])
    assert result.exit_code == 2, result.output
    assert "错误：" in result.stderr and "用法：" in result.stderr
    assert not any(w in result.output for w in ("Error:", "Usage:", "Invalid value", "No such", "Traceback"))


def test_help_is_chinese() -> None:
    text = CliRunner().invoke(main, ["audit", "--help"]).output
    assert "显示本帮助并退出" in text and "[默认：300.0]" in text and "用法： main audit [选项] FILE" in text and "选项：" in text
    assert not any(w in text for w in ("Show this message", "[default:", "Usage:", "Options:"))


def test_outputs_never_overwrite_an_input(tmp_path: Path) -> None:
    import os

    report = tmp_path / "r.txt"
    report.write_bytes(EXAMPLE_TXT.read_bytes())
    runner = CliRunner()
    same = runner.invoke(main, ["audit", str(report), "--format", "json", "--out", str(report)])
    assert same.exit_code == 2 and "就是输入文件" in same.stderr and report.read_bytes() == EXAMPLE_TXT.read_bytes()
    os.link(report, tmp_path / "hard.txt")
    hard = runner.invoke(main, ["extract", str(report), "--out", str(tmp_path / "hard.txt"), "--force"])
    assert hard.exit_code == 2 and report.read_bytes() == EXAMPLE_TXT.read_bytes()
    os.symlink(tmp_path / "elsewhere.json", tmp_path / "link.json")
    link = runner.invoke(main, ["audit", str(report), "--format", "json", "--out", str(tmp_path / "link.json"), "--force"])
    assert link.exit_code == 2 and "符号链接" in link.stderr and not (tmp_path / "elsewhere.json").exists()
    out = tmp_path / "a.json"
    assert runner.invoke(main, ["audit", str(report), "--format", "json", "--out", str(out)]).exit_code == 1
    again = runner.invoke(main, ["audit", str(report), "--format", "json", "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.stderr
    assert runner.invoke(main, ["audit", str(report), "--format", "json", "--out", str(out), "--force"]).exit_code == 1
    assert json.loads(out.read_text(encoding="utf-8"))["schema_version"] and not list(tmp_path.glob(".*.tmp"))


def test_annotate_writes_a_marked_copy_and_keeps_the_source(tmp_path: Path) -> None:
    import pdfplumber

    from tests.conftest import EXAMPLE_PDF

    source = tmp_path / "r.pdf"
    source.write_bytes(EXAMPLE_PDF.read_bytes())
    marked = tmp_path / "marked.pdf"
    result = CliRunner().invoke(main, ["audit", str(source), "--format", "json", "--annotate", str(marked)])
    assert result.exit_code == 1, result.stderr  # the example has error findings
    with pdfplumber.open(marked) as pdf:
        assert any(page.annots for page in pdf.pages)
    assert source.read_bytes() == EXAMPLE_PDF.read_bytes()
