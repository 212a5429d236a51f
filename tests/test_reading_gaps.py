"""Reading gaps found on published budget files, each rebuilt here in a small file of its own:
a 目录 whose list has its own column heads, and a frame drawn around a whole ruled table."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from auditor.ingest import load_report
from auditor.ingest.document import TextLine
from auditor.ingest.sections import parse_toc
from auditor.model import Location

_ENTRIES = ["一、收支预算总表", "二、收入预算总表", "三、支出预算总表", "四、一般公共预算机关运行经费支出预算表",
            "五、政府采购支出预算表"]


def test_toc_with_column_heads_lists_every_entry_and_ends_at_the_first_body_title() -> None:
    """A 目录 printed as a small table ("序号 报表名称" over numbered titles): the column heads
    are not the end of the 目录 (before: no entry read, and the titles kinds the reader does
    not know were left as empty tables); the body's first title, printed without its number,
    is."""
    texts = ["某某部门预算公开报表", "目 录", "序号 报表名称", *_ENTRIES, "收支预算总表", "部门：某某厅 单位：万元"]
    lines = [TextLine(text=t, location=Location(page=1 if i < 8 else 2)) for i, t in enumerate(texts)]
    entries, end = parse_toc(lines)
    assert [e.text for e in entries] == _ENTRIES
    assert texts[end] == "收支预算总表"


def test_toc_titles_of_extra_tables_are_not_tables(tmp_path: Path) -> None:
    body = ["收支预算总表", "单位：万元", "项目\t金额", "一般公共预算拨款\t1,200.00", "合计\t1,200.00", "",
            "一般公共预算机关运行经费支出预算表", "单位：万元", "项目\t金额", "办公费\t30.00", "合计\t30.00"]
    source = tmp_path / "budget.txt"
    source.write_text("\n".join(["某某厅2024年部门预算", "目 录", "序号 报表名称", *_ENTRIES, *body]) + "\n",
                      encoding="utf-8")
    report = load_report(source)
    assert [e.text for e in report.toc] == _ENTRIES
    empty = [t.title for t in report.tables if not t.rows]
    assert empty == [], empty


def test_frame_around_a_one_row_table_does_not_read_its_figures_as_text(tmp_path: Path) -> None:
    """A frame drawn around a whole table, its title and 单位 line inside the frame above the
    grid: pdfplumber finds the frame as one more cell holding the grid. Its text is the title
    and 单位 only; the data row stays the table's row (before: the row's figures were also read
    as a line of text outside any table)."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "framed.pdf"
    page = canvas.Canvas(str(path), pagesize=(842, 595))
    height = 595.0

    def text(x: float, top: float, value: str, size: float = 11) -> None:
        page.setFont("STSong-Light", size)
        page.drawString(x, height - top - size, value)

    def hline(x0: float, x1: float, top: float) -> None:
        page.line(x0, height - top, x1, height - top)

    def vline(x: float, top: float, bottom: float) -> None:
        page.line(x, height - top, x, height - bottom)

    page.rect(40, height - 230, 760, 215)  # x 40-800, top 15-230  # the frame around title, 单位 line and grid
    text(360, 40, "支出预算总表", 16)
    text(60, 100, "部门：某某厅")
    text(700, 100, "单位：万元")
    columns = [180, 304, 428, 552, 676, 800]  # the grid meets the frame's right and bottom sides
    for top in (150, 190, 230):
        hline(columns[0], columns[-1], top)
    for x in columns:
        vline(x, 150, 230)
    for x, head in zip(columns, ["合计", "基本支出", "项目支出", "预留机动经费", "结转下年资金"]):
        text(x + 10, 165, head)
    for x, figure in zip(columns, ["2,849.45", "1,964.07", "688.66", "196.72"]):
        text(x + 40, 205, figure)
    page.save()
    report = load_report(path)
    figure_lines = [line.text for line in report.lines if any(ch.isdigit() for ch in line.text) and "," in line.text]
    assert figure_lines == []
    table = next(t for t in report.tables if t.title == "支出预算总表")
    amounts = sorted(str(c.amount.value) for row in table.rows for c in row.cells.values() if c.amount is not None)
    assert amounts == sorted(["2849.45", "1964.07", "688.66", "196.72"])


def test_content_drawn_below_the_page_is_not_read(tmp_path: Path) -> None:
    """Some producers leave the following pages' content drawn below a page's foot, outside its
    MediaBox (seen with tables nested in another table's cells): a viewer does not show it and
    the reader does not read it (before: a second, partial instance of a table and its rows as
    loose lines of figures)."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "overflow.pdf"
    page = canvas.Canvas(str(path), pagesize=(595, 842))

    def table(top: float, title: str, rows: list[tuple[str, str, str]]) -> None:
        page.setFont("STSong-Light", 14)
        page.drawString(200, 842 - top, title)
        page.setFont("STSong-Light", 10)
        edges = [60, 160, 360, 520]
        for n in range(len(rows) + 1):
            y = 842 - (top + 20 + 22 * n)
            page.line(edges[0], y, edges[-1], y)
        for x in edges:
            page.line(x, 842 - (top + 20), x, 842 - (top + 20 + 22 * len(rows)))
        for n, row in enumerate(rows):
            for x, value in zip(edges, row):
                page.drawString(x + 6, 842 - (top + 20 + 22 * n + 15), value)

    table(80, "一般公共预算支出预算表", [("科目编码", "科目名称", "金额"), ("201", "一般公共服务支出", "1,234.50"),
                                         ("20101", "人大事务", "1,234.50")])
    table(1100, "财政拨款支出预算表", [("科目编码", "科目名称", "金额"), ("205", "教育支出", "9,876.10"),
                                       ("20502", "普通教育", "9,876.10")])
    page.save()
    report = load_report(path)
    assert [t.title for t in report.tables] == ["一般公共预算支出预算表"]
    assert not [line.text for line in report.lines if "9,876.10" in line.text or "教育" in line.text]
