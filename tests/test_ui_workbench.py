"""The workbench behind the UI, on the bundled example: summary, filters, evidence drawn on the
page, marks kept with the report and in the exports, limits and unsafe names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLE_PDF, ROOT
from openpyxl import load_workbook

from auditor.ingest.errors import InputError
from ui.workbench import UISettings, Workspace, safe_name

EXAMPLE_TXT = ROOT / "examples" / "example_report.txt"


@pytest.fixture(scope="module")
def review_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("reviews")


@pytest.fixture(scope="module")
def ws(review_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    settings = UISettings(review_dir=review_dir, work_root=tmp_path_factory.mktemp("work"), vectors=False)
    workspace = Workspace(settings)
    workspace.open(EXAMPLE_PDF, "example_report.pdf")
    yield workspace
    workspace.close()


def test_summary_and_findings(ws: Workspace) -> None:
    summary = ws.summary()
    assert summary["tables_found"] == [f"T{i}" for i in range(1, 10)]
    assert summary["counts"]["error"] > 0
    md = ws.summary_markdown()
    assert "错误" in md and "未运行的检查不等于通过" in md
    rows = ws.finding_rows()
    assert len(rows) == len(ws.findings) and rows[0][0] == 1
    errors = ws.finding_rows(severity="错误")
    assert errors and all(r[1] == "错误" for r in errors)
    t6 = ws.finding_rows(table="T6")
    assert t6 and all("T6" in r[4] for r in t6)
    assert len(t6) < len(rows)
    narrative = ws.finding_rows(category="文字与表格")
    assert narrative and all(r[3] == "文字与表格" for r in narrative)
    # a finding with evidence on several pages opens on the page the page list offers first
    for row in narrative:
        pages = ws.evidence_pages(row[0])
        if len(pages) > 1:
            _image, html = ws.finding_view(row[0])
            assert html.startswith(f"<p>第 {pages[0]} 页"), (row, pages, html)
            break
    else:
        raise AssertionError("the example has a narrative finding with evidence on two pages")


def test_finding_view_boxes_the_evidence_on_the_page(ws: Workspace) -> None:
    number = next(r[0] for r in ws.finding_rows() if r[2] == "SUM001")
    finding = ws.finding(number)
    image, html = ws.finding_view(number)
    evidence = [e for e in finding.locations if e.page == finding.locations[0].page and e.bbox]
    assert image is not None and f"框出 {len(evidence)} 处" in html
    scale = image.width / 595.2756  # A4 width in points
    x0, top, x1, bottom = evidence[0].bbox
    # the view is the band of the page around the evidence, not the whole page
    band_top = max(0.0, min(e.bbox[1] for e in evidence) - 160)
    assert image.height < ws.page_image(finding.locations[0].page).height
    # the outline is drawn just outside the cell: red pixels there, none on the same spot unmarked
    spot = (int((x0 + x1) / 2 * scale), int(top * scale) - 2)
    edge = image.getpixel((spot[0], spot[1] - int(band_top * scale)))
    assert edge[0] > 180 and edge[1] < 120, edge
    plain = ws.page_image(finding.locations[0].page, [])
    assert plain.getpixel(spot)[1] > 150
    detail = ws.finding_markdown(number)
    assert "检查说明" in detail and "实际" in detail and "第8页" in detail


def test_tables_as_frames(ws: Workspace) -> None:
    labels = ws.table_choices()
    t5 = next(label for label in labels if label.startswith("T5 "))
    headers, rows, _notes = ws.table_frame(t5)
    assert headers[:2] == ["编码", "科目/项目"] and len(headers) > 3
    codes = [r[0] for r in rows]
    assert any(len(c) == 7 for c in codes)  # 项 rows with their codes
    assert ws.missing_tables_markdown() == "九张标准表均已识别。"
    # a two-sided table (T1): income and expense side by side as printed, one printed line per row
    headers, rows, _notes = ws.table_frame(next(label for label in labels if label.startswith("T1 ")))
    assert headers[:2] == ["收入项目", "收入行次"] and "支出项目" in headers
    expense_at = headers.index("支出项目")
    paired = [r for r in rows if r[0] and r[expense_at]]
    assert len(paired) >= 8  # most printed lines carry an income and an expense item
    assert any("本年收入合计" in r[0] and "本年支出合计" in r[expense_at] for r in rows)
    assert not any("收入" in r[expense_at] and "合计" in r[expense_at] for r in rows)
    labels_t4 = next(label for label in labels if label.startswith("T4 "))
    headers, rows, _notes = ws.table_frame(labels_t4)
    assert headers[0] == "收入项目" and any(r[0] == "总计" and r[headers.index("支出项目")] == "总计" for r in rows)


def test_marks_are_kept_with_the_report_and_in_exports(ws: Workspace, review_dir: Path) -> None:
    number = next(r[0] for r in ws.finding_rows() if r[2].startswith("UNIT"))
    assert ws.mark(number, "confirmed", "原文确为元") == "已确认"
    dismissed = next(r[0] for r in ws.finding_rows(severity="提示"))
    ws.mark(dismissed, "dismissed", "尾差可忽略")
    stored = json.loads(next(review_dir.glob("*.review.json")).read_text(encoding="utf-8"))
    assert stored["marks"][ws.finding(number).fingerprint]["status"] == "confirmed"

    # a new session on the same file (another upload, another name) gets the marks back
    other = Workspace(UISettings(review_dir=review_dir, work_root=ws.settings.work_root, vectors=False))
    try:
        other.open(EXAMPLE_PDF, "renamed.pdf", index=False)
        assert other.finding_rows()[number - 1][7] == "已确认"
        assert other.finding_rows()[dismissed - 1][7] == "已排除"
    finally:
        other.close()

    data = json.loads(ws.export("json").read_text(encoding="utf-8"))
    marked = next(f for f in data["findings"] if f["fingerprint"] == ws.finding(number).fingerprint)
    assert marked["review"]["status"] == "confirmed" and marked["review"]["note"] == "原文确为元"
    assert "原文确为元" in ws.export("html").read_text(encoding="utf-8")
    sheet = load_workbook(ws.export("xlsx"))["问题清单"]
    header = [c.value for c in sheet[1]]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert ["已确认", "原文确为元"] in [[v[header.index("复核")], v[header.index("复核备注")]] for v in values]

    import pdfplumber

    annotated = ws.export("pdf")
    with pdfplumber.open(annotated) as pdf:
        annots = [a for page in pdf.pages for a in page.annots]
    titles = " ".join(a.get("title") or "" for a in annots)
    assert "auditor SUM001" in titles and "已确认" in " ".join(a.get("contents") or "" for a in annots)
    assert ws.finding(number).fingerprint in titles
    assert ws.finding(dismissed).fingerprint not in titles  # dismissed findings are not drawn
    ws.mark(number, "")  # clearing a mark removes it
    assert ws.finding(number).fingerprint not in ws.result.review  # type: ignore[union-attr]
    for path in (annotated,):
        assert path.resolve().is_relative_to(ws.dir.resolve())


def test_text_report_shows_the_lines(tmp_path: Path) -> None:
    workspace = Workspace(UISettings(review_dir=tmp_path / "r", work_root=tmp_path / "w", vectors=False))
    try:
        workspace.open(EXAMPLE_TXT, "example_report.txt", index=False)
        number = next(r[0] for r in workspace.finding_rows() if r[2] == "UNIT001")
        image, html = workspace.finding_view(number)
        line = workspace.finding(number).locations[0].line
        assert image is None and f"{line:>5}" in html and "background:#fde2e1" in html
        with pytest.raises(InputError, match="仅适用于 PDF"):
            workspace.export("pdf")
    finally:
        workspace.close()
    assert not workspace.dir.exists()


def test_limits_and_bad_files(tmp_path: Path) -> None:
    settings = UISettings(review_dir=tmp_path / "r", work_root=tmp_path / "w", vectors=False, max_upload_mb=0.01,
                          max_pages=5)
    workspace = Workspace(settings)
    with pytest.raises(InputError, match="超过上限 0.01 MB"):
        workspace.open(EXAMPLE_PDF, "big.pdf")
    workspace.settings.max_upload_mb = 50
    with pytest.raises(InputError, match="超过上限 5 页"):
        workspace.open(EXAMPLE_PDF, "x.pdf")
    png = tmp_path / "photo.pdf"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    with pytest.raises(InputError, match="PDF"):
        workspace.open(png, "photo.pdf")
    workspace.close()


@pytest.mark.parametrize("name,expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\win.ini", "win.ini"),
    ("/abs/path/报告 2022.pdf", "报告_2022.pdf"),
    (".hidden.pdf", "hidden.pdf"),
    ("", "report"),
    ("a;rm -rf $HOME.pdf", "a_rm_-rf_HOME.pdf"),
])
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_turning_the_model_off_again_gives_computed_answers(ws: Workspace) -> None:
    from index.llm import LLMSettings

    ws.set_llm(LLMSettings("openai", "http://127.0.0.1:9/v1", "x", "k"))  # nothing listens there
    down = ws.ask("人员经费是多少？").verification  # a model that cannot be reached is not a failed check
    assert down["status"] == "error" and "无法连接" in str(down["error"]), down
    ws.set_llm(None)
    assert ws.ask("人员经费是多少？").verification["status"] == "deterministic"


def test_a_report_in_two_pdfs_opens_as_one(review_dir: Path, tmp_path: Path) -> None:
    """Narrative and tables published as two PDFs, uploaded together: one report, each finding's
    page drawn from the file it comes from."""
    import dataclasses

    from auditor.synth import TableSpec, load_spec, render_pdf

    spec = load_spec(ROOT / "examples" / "example_2022.yaml")
    narrative = tmp_path / "情况说明.pdf"
    tables = tmp_path / "公开表.pdf"
    render_pdf(dataclasses.replace(spec, blocks=tuple(b for b in spec.blocks if not isinstance(b, TableSpec))), narrative)
    render_pdf(dataclasses.replace(spec, toc=(), cover=(),
                                   blocks=tuple(b for b in spec.blocks if isinstance(b, TableSpec))), tables)
    settings = UISettings(review_dir=review_dir, work_root=tmp_path / "work", vectors=False)
    workspace = Workspace(settings)
    try:
        summary = workspace.open([narrative, tables], ["情况说明.pdf", "公开表.pdf"], index=False)
        assert summary["files"] == ["情况说明.pdf", "公开表.pdf"] and summary["source_kind"] == "multi"
        assert summary["tables_found"] == [f"T{i}" for i in range(1, 10)]
        assert "2 个文件" in workspace.summary_markdown()
        meta = workspace.report.meta
        number = next(r[0] for r in workspace.finding_rows() if r[2] == "SUM001")  # a T6 slip, in the tables file
        page = workspace.evidence_pages(number)[0]
        assert meta.file_of(page).name == "公开表.pdf"  # type: ignore[union-attr]
        image, html = workspace.finding_view(number)
        assert image is not None and f"第 {page} 页" in html
        narrative_finding = next(r[0] for r in workspace.finding_rows() if r[2] == "UNIT001")
        assert meta.file_of(workspace.evidence_pages(narrative_finding)[0]).name == "情况说明.pdf"  # type: ignore[union-attr]
    finally:
        workspace.close()
