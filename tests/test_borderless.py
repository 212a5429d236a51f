"""Tables printed with no ruling lines (``auditor.ingest.borderless``): columns from tab stops
(tab-separated text printed by LibreOffice Writer) or from alignment (a table drawn without
lines), read into the same typed tables as a ruled grid. The PDFs are made here: by reportlab,
and by LibreOffice from a text file written in the test (skipped when LibreOffice is absent)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from auditor.ingest import load_report
from auditor.ingest.borderless import Carry, find_tables, lines_of_words
from auditor.ingest.recognize import kind_from_title
from auditor.ingest.sections import is_page_number
from auditor.ingest.tables import header_paths
from auditor.model import Report, Table, TableKind
from auditor.synth.producers import Variant, available, cell_round_trip, convert_office, render_one


def _is_title(text: str) -> bool:
    return kind_from_title(text.replace(" ", "")) is not None


def _word(text: str, x0: float, top: float, size: float = 10.0) -> dict[str, object]:
    width = sum(size if ord(ch) > 0x2E80 else size * 0.5 for ch in text)
    return {"text": text, "x0": x0, "x1": x0 + width, "top": top, "bottom": top + size}


def _tab_line(cells: list[str], top: float, margin: float = 50.0, step: float = 36.0) -> list[dict[str, object]]:
    """Words placed as Writer places tab-separated cells: each cell on the first default tab
    stop after the text before it."""
    words = []
    x = margin
    for index, text in enumerate(cells):
        if index:
            x = margin + (int((x - margin) // step) + 1) * step
        if text:
            word = _word(text, x, top)
            words.append(word)
            x = float(word["x1"])  # type: ignore[arg-type]
    return words


def test_tab_stops_give_the_cells_even_where_a_long_name_pushes_the_row() -> None:
    rows = [
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["201", "一般公共服务支出", "120.50", "100.50", "20.00"],
        ["20101", "人大事务", "120.50", "100.50", "20.00"],
        ["2010101", "行政运行和机关服务保障支出", "100.50", "100.50", ""],
        ["2010150", "事业运行", "20.00", "", "20.00"],
    ]
    lines = [[_word("一般公共预算财政拨款支出决算表", 50, 10)], [_word("单位：万元", 50, 30)]]
    lines += [_tab_line(row, 50 + 16 * n) for n, row in enumerate(rows)]
    tables, used = find_tables(lines, 1, _is_title, is_page_number)
    assert len(tables) == 1 and used == set(range(2, 7))  # the title and 单位 line stay text
    texts = [[c.text for c in row][:5] for row in tables[0].rows]
    assert texts == rows


def test_aligned_columns_right_aligned_amounts_and_a_group_header() -> None:
    """A table drawn without lines: names left-aligned, amounts right-aligned, "本年支出" centred
    over its two sub-columns."""
    right = {"合计": 260.0, "基本支出": 330.0, "项目支出": 400.0}

    def amount(text: str, col: str, top: float) -> dict[str, object]:
        word = _word(text, 0, top)
        width = float(word["x1"])  # type: ignore[arg-type]
        return {**word, "x0": right[col] - width, "x1": right[col]}

    lines = [
        [_word("一般公共预算财政拨款支出决算表", 50, 10)],
        [_word("项目", 100, 50), _word("本年支出", 315, 50)],
        [_word("科目名称", 60, 66), _word("合计", 240, 66), _word("基本支出", 290, 66), _word("项目支出", 360, 66)],
        [_word("合计", 60, 82), amount("1,234.00", "合计", 82), amount("1,000.00", "基本支出", 82),
         amount("234.00", "项目支出", 82)],
        [_word("一般公共服务支出", 60, 98), amount("34.00", "合计", 98), amount("34.00", "项目支出", 98)],
        [_word("教育支出", 60, 114), amount("1,200.00", "合计", 114), amount("1,000.00", "基本支出", 114),
         amount("200.00", "项目支出", 114)],
        [_word("注：本表反映一般公共预算财政拨款支出情况。", 50, 140)],
    ]
    tables, used = find_tables(lines, 3, _is_title, is_page_number)
    assert len(tables) == 1 and 6 not in used
    grid = [[c.text for c in row] for row in tables[0].rows]
    assert len(grid[0]) == 4
    assert grid[1][0] == "科目名称" and grid[1][2:] == ["基本支出", "项目支出"]
    assert grid[0][2] == "本年支出" and grid[0][3] == ""  # the group header in its first column
    # 合计 stands under no group: a column of its own, not a child of 项目 to its left
    assert header_paths(grid[:2], 4) == [("项目", "科目名称"), ("合计",), ("本年支出", "基本支出"), ("本年支出", "项目支出")]
    assert grid[3] == ["一般公共服务支出", "34.00", "", "34.00"]
    assert tables[0].rows[3][3].location.page == 3 and tables[0].rows[3][3].location.bbox is not None


def test_no_table_under_a_title_followed_by_running_text() -> None:
    lines = [[_word("一般公共预算财政拨款支出决算表", 50, 10)],
             [_word("本单位本年度一般公共预算财政拨款支出比上年增加，主要是人员经费增加。这一段是正文说明文字。", 50, 30)],
             [_word("其中", 50, 46), _word("12.00", 200, 46)]]
    tables, used = find_tables(lines, 1, _is_title, is_page_number)
    assert tables == [] and used == set()


def test_a_table_at_the_foot_of_a_page_continues_on_the_next() -> None:
    carry = Carry()
    head = [[_word("一般公共预算财政拨款支出决算表", 50, 10)],
            _tab_line(["科目编码", "科目名称", "合计"], 40)]
    head += [_tab_line([f"2010{n}", "人大事务", f"{n}.00"], 60 + 16 * n) for n in range(1, 6)]
    first, _ = find_tables(head, 1, _is_title, is_page_number, carry=carry, page_bottom=150)
    assert carry.mode  # left open: the table reached the foot of the page
    rest = [_tab_line([f"2011{n}", "政协事务", f"{n}.50"], 40 + 16 * n) for n in range(1, 4)]
    rest.append([_word("注：本表反映支出情况。", 50, 120)])
    second, used = find_tables(rest, 2, _is_title, is_page_number, carry=carry, page_bottom=150)
    assert len(first) == 1 and len(second) == 1 and used == {0, 1, 2}
    assert [c.text for c in second[0].rows[0]][:3] == ["20111", "政协事务", "1.50"]
    assert carry.mode == ""


def test_lines_of_words_groups_by_vertical_middle() -> None:
    words = [_word("合计", 60, 100), {**_word("12.00", 200, 100), "top": 101.5, "bottom": 110.5}, _word("教育支出", 60, 116)]
    assert [[w["text"] for w in line] for line in lines_of_words(words)] == [["合计", "12.00"], ["教育支出"]]


def _cells(report: Report) -> dict[tuple[str, str, str, str], Decimal]:
    found = {}
    for table in report.tables:
        if table.kind is TableKind.OTHER:
            continue
        for row in table.rows:
            for cell in row.cells.values():
                if cell.amount is not None:
                    found[(table.kind.value, row.code or row.label.replace(" ", ""), row.side, cell.column)] = cell.amount.value
    return found


@pytest.mark.slow
def test_reportlab_tables_drawn_without_lines_read_back(tmp_path: Path) -> None:
    """The nine tables of a synthetic report drawn by reportlab with no lines at all."""
    item = render_one("reportlab", 1, tmp_path, Variant(borderless=True))
    report = load_report(item.files[0])
    found, total, misses, level_ok, level_total, level_misses = cell_round_trip(report, item.spec)
    assert total > 100 and found == total, misses[:5]
    assert level_ok == level_total, level_misses[:5]


_TEXT = """2023年度某某中心部门决算

一般公共预算财政拨款支出决算表

公开05表
单位：万元

项目\t\t本年支出\t\t
功能分类科目编码\t科目名称\t小计\t基本支出\t项目支出
栏次\t\t1\t2\t3
\t合计\t356.40\t300.10\t56.30
205\t教育支出\t356.40\t300.10\t56.30
20502\t普通教育\t356.40\t300.10\t56.30
2050201\t学前教育\t120.00\t120.00\t
2050299\t其他普通教育支出（含附属学校及教学点运行保障经费）\t236.40\t180.10\t56.30

注：本表反映部门本年度一般公共预算财政拨款实际支出情况。

一般公共预算财政拨款基本支出决算明细表

公开06表
单位：万元

经济分类科目编码\t科目名称\t决算数\t经济分类科目编码\t科目名称\t决算数
301\t工资福利支出\t280.00\t302\t商品和服务支出\t20.10
30101\t基本工资\t150.00\t30201\t办公费\t12.10
30102\t津贴补贴\t130.00\t30211\t差旅费\t8.00
\t人员经费合计\t280.00\t\t公用经费合计\t20.10

注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。
"""


@pytest.mark.slow
def test_tab_separated_text_printed_by_libreoffice_reads_as_the_text(tmp_path: Path) -> None:
    """A report kept as text with tab-separated tables, opened in LibreOffice Writer and saved
    as PDF: the cells read from the PDF are the text's own (before: the tables read empty)."""
    if available()["txt"]:
        pytest.skip(available()["txt"])
    source = tmp_path / "report.txt"
    source.write_text(_TEXT, encoding="utf-8")
    convert_office([source], tmp_path, timeout=300, workers=1)
    expected = _cells(load_report(source))
    got = _cells(load_report(tmp_path / "report.pdf"))
    assert len(expected) >= 20
    assert got == expected


def test_scanned_words_outside_ruled_grids_give_a_table_with_digit_confidence() -> None:
    """The OCR hook (``scan_tables.borderless_tables``): boxes of recognised text outside any
    ruled grid, in PDF points, each digit with its probability; the cells keep the digits'."""
    from auditor.ingest.scan_tables import borderless_tables

    def ocr(text: str, x0: float, top: float, sure: float = 0.99) -> dict[str, object]:
        word = _word(text, x0, top)
        return {**word, "digits": tuple(sure for ch in text if ch.isdigit())}

    words = [ocr("一般公共预算财政拨款支出决算表", 150, 20),
             ocr("科目编码", 60, 60), ocr("科目名称", 150, 60), ocr("合计", 300, 60)]
    for n, (code, name, amount) in enumerate([("201", "一般公共服务支出", "88.10"), ("20101", "人大事务", "88.10"),
                                              ("2010101", "行政运行", "88.10")]):
        words += [ocr(code, 60, 80 + 18 * n), ocr(name, 150, 80 + 18 * n), ocr(amount, 300, 80 + 18 * n, 0.61)]
    words.append(ocr("页脚文字", 150, 700))
    tables, taken = borderless_tables(words, 4, [])
    assert len(tables) == 1 and len(taken) == len(words) - 2  # the title and the footer stay text
    grid = [[c.text for c in row] for row in tables[0].rows]
    assert grid[1] == ["201", "一般公共服务支出", "88.10"]
    figure = tables[0].rows[1][2]
    assert figure.confidence == 0.61 and figure.digit_confidence == (0.61,) * 4
    assert tables[0].location.page == 4


def _perf_table(rows: list[list[str]]) -> Table:
    from auditor.model import GridCell

    return Table(kind=TableKind.OTHER, title="项目支出绩效自评表", unit="万元",
                 grid=[[GridCell(text=t) for t in row] for row in rows])


def test_performance_table_read_without_lines_centred_tiers_and_split_funds_header() -> None:
    """A 绩效自评表 read without ruling lines: 分值/执行率/得分 on the header row above 全年执行数
    (cells spanning both rows), and each tier label on the middle row of its block."""
    from auditor.performance import read_performance_table

    rows = [
        ["项目名称", "示例项目", "", "", "", "分值", "执行率", "得分"],
        ["年度资金（万元）", "年度资金总额", "年初预算数", "全年预算数", "全年执行数", "", "", ""],
        ["", "合计", "20.00", "20.00", "18.00", "10", "90.00%", "9.00"],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["", "", "数量指标", "甲", "达标", "达标", "15", "15"],
        ["", "产出指标（45分）", "质量指标", "乙", "达标", "达标", "20", "20"],
        ["", "", "时效指标", "丙", "达标", "达标", "10", "10"],
        ["", "", "社会效益指标", "丁", "达标", "达标", "25", "24"],
        ["", "效益指标（35分）", "生态效益指标", "戊", "达标", "达标", "10", "10"],
        ["", "满意度指标（10分）", "满意度指标", "己", "达标", "达标", "10", "10"],
        ["总分", "", "", "", "", "100", "98.00", "等级：优"],
    ]
    perf = read_performance_table(_perf_table(rows))
    assert perf is not None and perf.funds_points is not None and perf.funds_points.value == Decimal("10")
    assert perf.executed is not None and perf.executed.value == Decimal("18.00")
    assert [(i.name, i.tier) for i in perf.indicators] == [
        ("甲", "产出"), ("乙", "产出"), ("丙", "产出"), ("丁", "效益"), ("戊", "效益"), ("己", "满意度")]
    # points that do not add up to the tiers: the labels stay where they were read
    rows[4][6] = "25"
    perf = read_performance_table(_perf_table(rows))
    assert perf is not None and perf.indicators[0].tier == ""


def test_header_centred_vertically_with_wrapped_labels_and_groups() -> None:
    """Header cells centred vertically (reportlab, HTML): a label wrapped over two lines in its
    column is one label; a single-line label spanning both lower header rows stands lower than
    the group beside it but is not that group's child; a group spans the columns centred under
    it. Columns 60 pt wide from x=60, amounts right-aligned 4 pt from each column's right."""

    def amount(text: str, col: int, top: float) -> dict[str, object]:
        word = _word(text, 0, top)
        width = float(word["x1"])  # type: ignore[arg-type]
        right = 60 + 60 * (col + 1) - 4
        return {**word, "x0": right - width, "x1": right}

    def centred(text: str, first: int, last: int, top: float) -> dict[str, object]:
        word = _word(text, 0, top)
        width = float(word["x1"])  # type: ignore[arg-type]
        middle = 60 + 60 * (first + last + 1) / 2
        return {**word, "x0": middle - width / 2, "x1": middle + width / 2}

    lines = [
        [_word("一般公共预算财政拨款“三公”经费支出决算表", 60, 10)],
        [centred("预算数", 0, 3, 40)],  # over 合计 / 因公出国（境）费 / 公务用车 小计 / 购置费
        [centred("公务用车", 2, 3, 58)],
        [centred("因公出国（", 1, 1, 66)],
        [centred("合计", 0, 0, 72)],  # one line centred over the two lower rows
        [centred("境）费", 1, 1, 78), centred("小计", 2, 2, 78), centred("购置费", 3, 3, 78)],
        [amount("3.00", 0, 100), amount("1.00", 1, 100), amount("2.00", 2, 100), amount("2.00", 3, 100)],
    ]
    tables, _ = find_tables(lines, 1, _is_title, is_page_number)
    assert len(tables) == 1
    grid = [[c.text for c in row] for row in tables[0].rows]
    assert grid[-1] == ["3.00", "1.00", "2.00", "2.00"]
    assert header_paths(grid[:-1], 4) == [("预算数", "合计"), ("预算数", "因公出国（境）费"), ("预算数", "公务用车", "小计"),
                                         ("预算数", "公务用车", "购置费")]


def test_total_label_centred_over_three_code_columns() -> None:
    """Codes printed in 类 / 款 / 项 columns under one merged 功能分类科目编码 header, and the
    合计 row's label centred over the three: the label goes to the first code column (where a
    ruled grid keeps a merged cell's text), not into a column of its own."""
    edges = [60, 100, 140, 180, 300, 360]

    def centred(text: str, first: int, last: int, top: float) -> dict[str, object]:
        word = _word(text, 0, top)
        width = float(word["x1"])  # type: ignore[arg-type]
        middle = (edges[first] + edges[last + 1]) / 2
        return {**word, "x0": middle - width / 2, "x1": middle + width / 2}

    def amount(text: str, top: float) -> dict[str, object]:
        word = _word(text, 0, top)
        width = float(word["x1"])  # type: ignore[arg-type]
        return {**word, "x0": 356 - width, "x1": 356.0}

    lines = [
        [_word("一般公共预算财政拨款支出决算表", 60, 10)],
        [centred("功能分类科目编码", 0, 2, 40), centred("科目名称", 3, 3, 46), centred("金额", 4, 4, 46)],
        [centred("类", 0, 0, 56), centred("款", 1, 1, 56), centred("项", 2, 2, 56)],
        [centred("合计", 0, 2, 74), amount("30.00", 74)],
        [_word("201", 64, 90), _word("一般公共服务支出", 184, 90), amount("30.00", 90)],
        [_word("01", 104, 106), _word("人大事务", 184, 106), amount("30.00", 106)],
        [_word("01", 144, 122), _word("行政运行", 184, 122), amount("20.00", 122)],
        [_word("02", 144, 138), _word("一般行政管理事务", 184, 138), amount("10.00", 138)],
    ]
    tables, _ = find_tables(lines, 1, _is_title, is_page_number)
    assert len(tables) == 1
    grid = [[c.text for c in row] for row in tables[0].rows]
    assert [row for row in grid if "30.00" in row][0] == ["合计", "", "", "", "30.00"]
    assert header_paths(grid[:2], 5)[:3] == [("功能分类科目编码", "类"), ("功能分类科目编码", "款"), ("功能分类科目编码", "项")]
