"""Reading reports as they are published: Word/WPS lines, 目录 pages that list the tables,
split code columns, reports in several files (PDF, text, web page, spreadsheet), reading
health, and files that are not reports."""

from __future__ import annotations

import collections
import dataclasses
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from auditor.audit import audit_report
from auditor.cli import main
from auditor.health import reading_health
from auditor.ingest import InputError, load_report
from auditor.model import STANDARD_KINDS, Report
from auditor.synth import load_spec, render_pdf
from tests.conftest import REAL, ROOT, need, report_from_text

EXAMPLE_TXT = ROOT / "examples" / "example_report.txt"
EXAMPLE_YAML = ROOT / "examples" / "example_2022.yaml"


def _counts(report: Report) -> collections.Counter[str]:
    return collections.Counter(f"{f.code}:{f.severity.value}" for f in audit_report(report).findings)


# ---- Word / WPS: figures in a Latin font on a lower baseline -------------------------


def _word_like_pdf(path: Path, shift: float) -> None:
    """A sentence set as Word sets it: Chinese runs in a CJK font, figures in Times with
    their glyph boxes ``shift`` points lower."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    runs = [("一般公共预算财政拨款支出年初预算为", False), ("120.50", True), ("万元，支出决算为", False),
            ("118.30", True), ("万元，完成年初预算的", False), ("98.17%", True), ("。", False)]
    for y in (700, 640):  # two paragraphs
        x = 60.0
        for text, latin in runs:
            font = "Times-Roman" if latin else "STSong-Light"
            page.setFont(font, 13)
            page.drawString(x, y - (shift if latin else 0), text)
            x += pdfmetrics.stringWidth(text, font, 13)
    page.save()


def test_word_export_figures_stay_in_their_sentence(tmp_path: Path) -> None:
    from auditor.ingest import load_document
    from auditor.ingest.document import TextLine

    pdf = tmp_path / "word.pdf"
    _word_like_pdf(pdf, shift=5)
    lines = [b.text for b in load_document(pdf).blocks if isinstance(b, TextLine)]
    sentence = "一般公共预算财政拨款支出年初预算为120.50万元，支出决算为118.30万元，完成年初预算的98.17%。"
    assert lines == [sentence, sentence]


# ---- a 目录 page that lists the nine tables -------------------------------------------


def test_toc_listing_table_titles_is_not_read_as_tables(tmp_path: Path) -> None:
    spec = load_spec(EXAMPLE_YAML)
    plain = tmp_path / "plain.pdf"
    render_pdf(spec, plain)
    toc = []
    for page, entry in enumerate(spec.toc, start=3):
        number, _, rest = entry.partition("、")
        if rest and "表" in rest and "说明" not in rest and len(number) <= 2:
            entry = rest  # tables listed by title only, as many 目录 do
        toc.append(f"{entry}{'…' * 18}{page}")
    listed = tmp_path / "toc.pdf"
    render_pdf(dataclasses.replace(spec, toc=tuple(toc)), listed)
    report = load_report(listed)
    assert sorted(report.recognition.found) == [k.value for k in STANDARD_KINDS]
    for kind in STANDARD_KINDS:
        table = report.table(kind)
        assert table is not None and not any("同一种表" in w for w in table.warnings), kind
    assert not report.table(STANDARD_KINDS[0]).is_empty  # type: ignore[union-attr]
    assert report.meta.year == 2022
    assert any(e.number == "" and "收入支出决算总表" in e.title for e in report.toc)
    assert _counts(report) == _counts(load_report(plain))


# ---- codes in 类 / 款 / 项 columns under one merged header ----------------------------

SPLIT_CODES = """2022年度示例单位部门决算
支出决算表
公开03表
单位：万元
| 科目编码 | | | 科目名称 | 本年支出合计 | 基本支出 | 项目支出 |
| 合计 | | | | 300.00 | 200.00 | 100.00 |
| 208 | | | 社会保障和就业支出 | 300.00 | 200.00 | 100.00 |
| | 05 | | 行政事业单位养老支出 | 300.00 | 200.00 | 100.00 |
| | | 05 | 机关事业单位基本养老保险缴费支出 | 120.00 | 120.00 | |
| | | 06 | 机关事业单位职业年金缴费支出 | 180.00 | 80.00 | 100.00 |
"""


def test_split_code_columns_under_one_header_give_levels() -> None:
    table = report_from_text(SPLIT_CODES).tables[0]
    assert [c.key for c in table.columns] == ["total", "basic", "project"]
    assert [(r.code, r.level) for r in table.rows] == [("", 0), ("208", 1), ("20805", 2), ("2080505", 3), ("2080506", 3)]
    assert not table.warnings


# ---- several files: narrative + tables -------------------------------------------------


def _split_example(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The example as a narrative text file plus its nine tables as XLSX and as a web page."""
    full = load_report(EXAMPLE_TXT)
    narrative = tmp_path / "narrative.txt"
    narrative.write_text(
        "\n".join(line for line in EXAMPLE_TXT.read_text(encoding="utf-8").splitlines() if "\t" not in line),
        encoding="utf-8",
    )
    book = openpyxl.Workbook()
    book.remove(book.active)
    html = ["<html><head><meta charset='gbk'><script>alert(1)</script></head><body><div><table><tr><td>"]
    for table in (t for t in full.tables if t.kind in STANDARD_KINDS):
        sheet = book.create_sheet(table.kind.value)
        sheet.append([table.title])
        sheet.append([f"部门：{full.meta.department}", table.label, "单位：万元"])
        html.append(f"<h3>{table.title}</h3><p>{table.label}　单位：万元</p><table border=1>")
        for row in table.grid:
            values: list[object] = []
            for cell in row:
                digits = cell.text.replace(",", "").replace(".", "", 1).lstrip("-")
                values.append(float(cell.text.replace(",", "")) if "." in cell.text and digits.isdigit() else cell.text)
            sheet.append(values)
            html.append("<tr>" + "".join(f"<td>{c.text}</td>" for c in row) + "</tr>")
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, float):
                    cell.number_format = "#,##0.00"
        html.append("</table>")
        for note in table.notes:
            sheet.append([note])
            html.append(f"<p>{note}</p>")
    html.append("</td></tr></table></div></body></html>")
    xlsx = tmp_path / "tables.xlsx"
    book.save(xlsx)
    page = tmp_path / "tables.html"
    page.write_bytes("".join(html).encode("gbk"))
    return narrative, xlsx, page


def test_report_in_several_files_reads_as_one(tmp_path: Path) -> None:
    narrative, xlsx, page = _split_example(tmp_path)
    whole = _counts(load_report(EXAMPLE_TXT))
    whole = collections.Counter({k: v for k, v in whole.items() if not k.startswith("PERF")})  # 绩效 tables not exported
    for tables in (xlsx, page):
        report = load_report([narrative, tables])
        assert sorted(report.recognition.found) == [k.value for k in STANDARD_KINDS]
        assert report.meta.year == 2022 and report.meta.department
        assert [f.name for f in report.meta.files] == ["narrative.txt", tables.name]
        counts = collections.Counter({k: v for k, v in _counts(report).items() if not k.startswith("PERF")})
        assert counts == whole, tables.suffix
        located = [e for f in audit_report(report).findings for e in f.locations if e.table == "T6"]
        assert located and all(e.file == tables.name for e in located)


def test_cli_audit_takes_several_files(tmp_path: Path) -> None:
    narrative, xlsx, _ = _split_example(tmp_path)
    result = CliRunner().invoke(main, ["audit", str(narrative), str(xlsx), "--format", "json"])
    assert result.exit_code == 1, result.output
    import json

    data = json.loads(result.stdout)
    assert [f["name"] for f in data["report"]["files"]] == ["narrative.txt", "tables.xlsx"]
    assert any(loc["file"] == "tables.xlsx" and loc["file_page"] for f in data["findings"] for loc in f["locations"])


def test_spreadsheet_without_a_table_is_refused(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["只有一行说明文字"])
    path = tmp_path / "notes.xlsx"
    book.save(path)
    with pytest.raises(InputError, match="没有可识别的表格"):
        load_report(path)


def test_web_page_that_is_not_a_report_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "news.html"
    page.write_text("<html><body><h1>通知</h1><p>明天上午九点开会，请准时参加。</p></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="部门决算"):
        load_report(page)


def test_readme_is_not_a_report() -> None:
    result = CliRunner().invoke(main, ["audit", str(ROOT / "README.md")])
    assert result.exit_code == 2
    assert "不是部门决算或部门预算报告" in result.stderr or "没有部门决算的内容" in result.stderr


# ---- reading health ----------------------------------------------------------------------

TITLES_ONLY = """2022年度示例单位部门决算
第二部分 2022年度部门决算表
收入支出决算总表
收入决算表
支出决算表
财政拨款收入支出决算总表
一般公共预算财政拨款支出决算表
一般公共预算财政拨款基本支出决算表
第三部分 2022年度部门决算情况说明
一、收入支出决算总体情况说明
2022年度收入总计1,234.56万元，支出总计1,234.56万元。本年收入合计1,000.00万元，比上年增加10.00万元。
本年支出合计1,100.00万元，其中基本支出800.00万元，项目支出300.00万元。
"""


def test_reading_failed_is_an_error_not_a_clean_report() -> None:
    report = report_from_text(TITLES_ONLY)
    health = reading_health(report)
    assert health.tables_empty and not health.tables_with_data and health.problems
    findings = [f for f in audit_report(report).findings if f.code == "READ001"]
    assert len(findings) == 1 and findings[0].severity.value == "error"
    clean = load_report(EXAMPLE_TXT)
    assert not reading_health(clean).problems
    assert not [f for f in audit_report(clean).findings if f.code == "READ001"]


def test_figures_split_from_their_sentences_are_counted() -> None:
    broken = "2022年度示例单位部门决算\n" + "\n".join(
        ["一般公共预算财政拨款支出年初预算为 万元，支出决算为 万元。", "120.50 118.30"] * 6
    )
    health = reading_health(report_from_text(broken))
    assert health.figures_outside_sentences == 6 and health.problems


# ---- real files ------------------------------------------------------------------------------


def test_budget_page_with_rule_at_page_edge_reads() -> None:
    """Regression: a rule at the page's top edge gave a zero-height crop (ValueError)."""
    from auditor.ingest import load_document

    doc = load_document(need(REAL / "budget_jiangsu" / "jiangsu_npc_office_2017_budget_report.pdf"))
    assert doc.page_count and doc.blocks


# ---- document type -----------------------------------------------------------------------


def _shared_files() -> list[Path]:
    if not REAL.exists():
        return []
    return sorted(REAL.glob("*.pdf")) + sorted((REAL / "budget_jiangsu").glob("*.pdf")) + sorted(
        (REAL / "narratives_fujian").glob("*.txt"))


@pytest.mark.parametrize("path", _shared_files() or [REAL / "absent"], ids=lambda p: p.name)
def test_document_type_of_every_shared_file(path: Path) -> None:
    report = load_report(need(path))
    expected = "budget" if "budget" in path.name else "final_accounts"
    assert report.meta.document_type == expected
    assert report.meta.scope == "department"
    if expected == "budget" and "tables" in path.name:
        assert sum(1 for t in report.tables if not t.is_empty) >= 4  # the budget tables are read, with figures


def test_budget_runs_only_checks_that_hold_for_any_document() -> None:
    report = load_report(need(REAL / "budget_jiangsu" / "jiangsu_npc_office_2019_budget_tables.pdf"))
    result = audit_report(report)
    ran = {r.code for r in result.results if r.outcome.value in ("pass", "fail")}
    assert ran <= {"READ001", "TPL001", "STR004", "BUD001", "BUD002", "BUD003"} and "BUD001" in ran
    skipped = [r for r in result.results if r.outcome.value == "not_applicable" and not r.code.startswith("BUD")
               and r.code not in {"READ001", "TPL001", "STR004"}]
    assert skipped and all("针对决算" in r.reason for r in skipped)
    assert not result.has_errors  # the real budget adds up (its 合计 includes the reserve and carry-over columns)


def test_extract_debug_draws_what_the_reader_saw(tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "debug"
    pdf = ROOT / "examples" / "example_report.pdf"
    result = CliRunner().invoke(main, ["extract", str(pdf), "--debug", str(out)])
    assert result.exit_code == 0, result.output
    images = sorted(out.glob("page-*.png"))
    report = load_report(pdf)
    assert len(images) == report.meta.page_count
    t1 = report.table(STANDARD_KINDS[0])
    assert t1 is not None and t1.location.bbox is not None and t1.location.page
    image = Image.open(out / f"page-{t1.location.page:03d}.png").convert("RGB")
    x0, bottom = int(t1.location.bbox[0] * 1.5), int(t1.location.bbox[3] * 1.5)

    def red(x: int, y: int) -> bool:
        r, g, _ = image.getpixel((x, y))
        return r > 180 and g < 90

    # the table's frame is drawn in red on its page (its bottom edge, under the last row)
    assert sum(1 for dx in range(200) if any(red(x0 + dx, bottom - dy) for dy in range(4))) > 150


def test_radical_code_points_read_as_characters(tmp_path: Path) -> None:
    """Chromium's print maps some CJK glyphs to Kangxi radicals (⼀ for 一, ⽀ for 支) and to the
    radical supplement (⻔ for 门): the reader maps them back."""
    from auditor.ingest import load_document
    from auditor.ingest.document import TextLine

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "radicals.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842))
    page.setFont("STSong-Light", 12)
    page.drawString(60, 700, "⼀般公共预算财政拨款⽀出决算表")
    page.drawString(60, 600, "部⻔决算⽬录")
    page.save()
    lines = [b.text for b in load_document(path).blocks if isinstance(b, TextLine)]
    assert lines == ["一般公共预算财政拨款支出决算表", "部门决算目录"]


def test_header_cell_wrapped_over_a_rule_is_one_header() -> None:
    text = SPLIT_CODES.replace("| 科目编码 | | | 科目名称 | 本年支出合计 | 基本支出 | 项目支出 |",
                               "| 科目编 | | | 科目名称 | 本年支出合计 | 基本支出 | 项目支出 |\n| 码 | | | | | | |")
    table = report_from_text(text).tables[0]
    assert [(r.code, r.level) for r in table.rows][1:3] == [("208", 1), ("20805", 2)]
    assert not table.warnings


def test_batch_groups_the_files_of_one_report(tmp_path: Path) -> None:
    import csv

    from auditor.batch import group_files, run_batch

    narrative, xlsx, _ = _split_example(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "示例中心2022决算_说明.txt").write_bytes(narrative.read_bytes())
    (folder / "示例中心2022决算_公开表.xlsx").write_bytes(xlsx.read_bytes())
    (folder / "other.txt").write_bytes(EXAMPLE_TXT.read_bytes())
    jobs = group_files(sorted(folder.iterdir()))
    assert sorted(len(j) for j in jobs) == [1, 2]
    assert [p.suffix for p in next(j for j in jobs if len(j) == 2)] == [".txt", ".xlsx"]  # narrative first
    out = tmp_path / "out"
    result = run_batch([str(folder)], out, jobs=1)
    assert len(result.rows) == 2 and all(r["status"] == "ok" for r in result.rows)
    grouped = next(r for r in result.rows if r.get("group"))
    assert grouped["tables_found"] == 9 and grouped["year"] == 2022
    rows = list(csv.DictReader((out / "reports.csv").open(encoding="utf-8-sig")))
    assert any(r["同一报告的文件（按文件名合并）"] == "示例中心2022决算_说明.txt + 示例中心2022决算_公开表.xlsx" for r in rows)
    again = run_batch([str(folder)], out, jobs=1)
    assert again.skipped == 2


def test_files_of_different_departments_are_not_one_report(tmp_path: Path) -> None:
    narrative, xlsx, _ = _split_example(tmp_path)
    other = tmp_path / "other.txt"
    other.write_text(narrative.read_text(encoding="utf-8").replace("示例区社会保险服务中心", "另一个区教育局"), encoding="utf-8")
    with pytest.raises(InputError, match="不是同一份报告"):
        load_report([other, xlsx])
    later = tmp_path / "later.txt"
    later.write_text(narrative.read_text(encoding="utf-8").replace("2022", "2023"), encoding="utf-8")
    with pytest.raises(InputError, match="不是同一年度"):
        load_report([later, xlsx])
    result = CliRunner().invoke(main, ["audit", str(other), str(xlsx)])
    assert result.exit_code == 2 and "不是同一份报告" in result.stderr


INDENTED = ("2023年度示例局部门决算\n支出决算表\n单位：万元\n科目名称\t本年支出合计\t基本支出\t项目支出\n合计\t300.00\t200.00\t100.00\n"
            "社会保障和就业支出\t300.00\t200.00\t100.00\n{2}行政事业单位养老支出\t300.00\t200.00\t100.00\n"
            "{4}机关事业单位基本养老保险缴费支出\t120.00\t120.00\t\n{4}机关事业单位职业年金缴费支出\t180.00\t80.00\t100.00\n")


def test_levels_from_indentation_when_no_code_is_printed(tmp_path: Path) -> None:
    """A table printed without codes: its labels' indentation gives 类 / 款 / 项 (text input:
    leading blanks; PDF: where the text starts in its cell)."""
    expected = [("合计", 0), ("社会保障和就业支出", 1), ("行政事业单位养老支出", 2),
                ("机关事业单位基本养老保险缴费支出", 3), ("机关事业单位职业年金缴费支出", 3)]
    text = tmp_path / "indented.txt"
    text.write_text(INDENTED.replace("{2}", "\u3000").replace("{4}", "\u3000\u3000"), encoding="utf-8")
    assert [(r.label, r.level) for r in load_report(text).tables[0].rows] == expected

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table
    from reportlab.platypus import TableStyle as Style

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cjk", fontName="STSong-Light", fontSize=10)
    rows = [[Paragraph(c, style) for c in line.split("\t")] for line in INDENTED.splitlines()[3:]]
    for row, (_, level) in zip(rows[1:], expected):
        row[0] = Paragraph(row[0].text.replace("{2}", "").replace("{4}", ""),
                           ParagraphStyle(f"l{level}", parent=style, leftIndent=12 * max(level - 1, 0)))
    pdf = tmp_path / "indented.pdf"
    story = [Paragraph(line, style) for line in INDENTED.splitlines()[:3]]
    story.append(Table(rows, style=Style([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONTNAME", (0, 0), (-1, -1), "STSong-Light")])))
    SimpleDocTemplate(str(pdf), pagesize=A4).build(story)
    table = load_report(pdf).tables[0]
    assert [(r.label, r.level) for r in table.rows] == expected


def test_ask_and_index_take_the_files_of_one_report(tmp_path: Path) -> None:
    import json

    narrative, xlsx, _ = _split_example(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["ask", str(narrative), str(xlsx), "-q", "人员经费是多少？", "--keyword-only",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)
    assert "193.51" in answers[0]["answer"]
    assert any(c.get("file") == "tables.xlsx" for c in answers[0]["citations"]), answers[0]["citations"]


def test_narrative_evidence_boxes_the_figure_not_the_paragraph() -> None:
    """Issue 18: the evidence box of a narrative finding is on the figure it is about (character
    boxes from the PDF), inside its sentence's paragraph."""
    pdf = ROOT / "examples" / "example_report.pdf"
    report = load_report(pdf)
    result = audit_report(report)
    checked = 0
    for finding in result.findings:
        if finding.code not in {"NAR003", "UNIT001"}:
            continue
        sentence = finding.locations[0]
        paragraph = next(box for (page, box), _ in report.char_boxes.items()
                         if page == sentence.page and box is not None and sentence.quote
                         and sentence.quote in _[0] and box[0] <= sentence.bbox[0] and box[2] >= sentence.bbox[2])
        width = sentence.bbox[2] - sentence.bbox[0]  # type: ignore[index]
        assert width < 60, (finding.code, sentence.bbox, paragraph)  # a figure, not a line of text
        assert width < (paragraph[2] - paragraph[0]) / 4
        checked += 1
    assert checked >= 3


def test_list_of_units_is_not_a_table() -> None:
    """Issue 18: the 单位构成 list (a grid with no title and no amounts) was listed by `extract` as a
    table with a unit warning; it is text."""
    report = report_from_text("""2023年度示例局部门决算
二、部门决算单位构成
| 序号 | 单位名称 | 单位性质 |
| 1 | 示例局本级 | 行政单位 |
| 2 | 示例局信息中心 | 事业单位 |
""")
    assert report.tables == []
    assert any("示例局信息中心" in line.text for line in report.lines + [s for sec in report.sections for s in sec.paragraphs])
