"""Budget table columns read by meaning: the 基本支出预算表 printed 合计 | 人员经费 | 公用经费 (text,
PDF and the synthetic renderer), and the 三公 table's two-level merged header drawn the way Word
exports it (a white rectangle behind every cell's text, whose edges are no rules)."""

from __future__ import annotations

import io
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from auditor.checks.base import REGISTRY, load_all, run_check
from auditor.ingest import load_report
from auditor.model import Report, Table, TableKind
from auditor.synth.budget import generate, render
from auditor.synth.pdf import pdf_bytes
from tests.conftest import REAL, need, report_from_text

ECONOMIC_TEXT = """示例省文化厅2024年部门预算
一般公共预算基本支出预算表
单位：万元
| 科目编码 | 科目名称 | 合计 | 人员经费 | 公用经费 |
| 合计 |  | 650.00 | 520.00 | 130.00 |
| 301 | 工资福利支出 | 480.00 | 480.00 |  |
| 30101 | 基本工资 | 480.00 | 480.00 |  |
| 302 | 商品和服务支出 | 130.00 |  | 130.00 |
| 30201 | 办公费 | 130.00 |  | 130.00 |
| 303 | 对个人和家庭的补助 | 40.00 | 40.00 |  |
| 30302 | 退休费 | 40.00 | 40.00 |  |
"""


def _table(report: Report, kind: TableKind) -> Table:
    table = report.table(kind)
    assert table is not None, [t.kind for t in report.tables]
    return table


def _value(table: Table, code: str, key: str) -> Decimal | None:
    row = next(r for r in table.rows if r.code == code)
    return row.value(key)


# ---- 1. 合计 | 人员经费 | 公用经费 ------------------------------------------------------------


def test_economic_table_with_personnel_and_public_columns_from_text() -> None:
    table = _table(report_from_text(ECONOMIC_TEXT), TableKind.B6)
    assert [c.key for c in table.columns] == ["total", "personnel", "public"]
    assert [r.code for r in table.rows if r.code] == ["301", "30101", "302", "30201", "303", "30302"]
    assert _value(table, "30101", "personnel") == Decimal("480.00")
    assert _value(table, "302", "public") == Decimal("130.00")


def test_a_personnel_total_line_is_still_data() -> None:
    """决算 基本支出表: "人员经费合计" printed as a line (no figures yet) is not taken for a header."""
    text = """示例县水利局2023年度部门决算
一般公共预算财政拨款基本支出决算表
单位：万元
| 经济分类科目编码 | 科目名称 | 决算数 |
| 人员经费合计 |  |  |
| 301 | 工资福利支出 | 300.00 |
| 公用经费合计 |  |  |
| 302 | 商品和服务支出 | 90.00 |
"""
    table = _table(report_from_text(text), TableKind.T6)
    assert [c.key for c in table.columns] == ["amount"]
    assert [r.code for r in table.rows if r.code] == ["301", "302"]


@pytest.mark.parametrize("layout", ["hunan", "shanghai", "plain"])
def test_economic_table_with_personnel_and_public_columns_from_pdf(layout: str) -> None:
    data = generate(5)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "budget.pdf"
        path.write_bytes(pdf_bytes(render(data), layout))
        table = _table(load_report(path), TableKind.B6)
    assert [c.key for c in table.columns] == ["total", "personnel", "public"]
    codes = [r.code for r in table.rows if r.code]
    assert codes == sorted({c[:3] for c, _, _ in data.economic} | {c for c, _, _ in data.economic})
    total = next(r for r in table.rows if not r.code)
    assert total.value("personnel") == data.personnel and total.value("public") == data.public


def test_personnel_column_slip_is_reported_by_row_and_by_class() -> None:
    slipped = ECONOMIC_TEXT.replace("| 30101 | 基本工资 | 480.00 | 480.00 |", "| 30101 | 基本工资 | 480.00 | 470.00 |")
    load_all()
    report = report_from_text(slipped)
    row_check = run_check(REGISTRY["BUD002"], report)
    assert row_check.outcome.value == "fail"
    assert any("30101" in f.message and "人员经费" in f.message for f in row_check.findings)
    class_check = run_check(REGISTRY["BUD001"], report)
    assert class_check.outcome.value == "fail"
    clean = report_from_text(ECONOMIC_TEXT)
    assert run_check(REGISTRY["BUD002"], clean).outcome.value == "pass"
    assert run_check(REGISTRY["BUD001"], clean).outcome.value == "pass"


# ---- 2. the 三公 table's merged header, Word's white cell backgrounds ---------------------

# (first column, last column, first header row, last header row, text): a 合计 | 三公 (小计,
# 出国, 公务用车 (小计, 购置, 运行), 接待) | 会议费 | 培训费 header, as provinces print it
_HEADER = (
    (0, 0, 0, 2, "合计"), (1, 6, 0, 0, "“三公”经费"), (7, 7, 0, 2, "会议费"), (8, 8, 0, 2, "培训费"),
    (1, 1, 1, 2, "小计"), (2, 2, 1, 2, "因公出国（境）费"), (3, 5, 1, 1, "公务用车购置及运行维护费"),
    (6, 6, 1, 2, "公务接待费"), (3, 3, 2, 2, "小计"), (4, 4, 2, 2, "公务用车购置费"), (5, 5, 2, 2, "公务用车运行维护费"),
)
_FIGURES = ("300.00", "120.00", "30.00", "50.00", "", "50.00", "40.00", "100.00", "80.00")


def _word_like_pdf() -> bytes:
    """One page: title, 部门 / 单位 line, the 三公 table ruled in black with a white rectangle
    behind each cell's text (inset, so its edges fall between the rules), and a narrative."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from auditor.synth.pdf import CJK_FONT, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    pdf.setFont(CJK_FONT, 12)
    pdf.drawString(70, height - 60, "示例省某厅2024年部门预算")
    pdf.drawString(70, height - 100, "一般公共预算“三公”经费、会议费、培训费支出预算表")
    pdf.setFont(CJK_FONT, 8)
    pdf.drawString(70, height - 120, "部门：示例省某厅")
    pdf.drawString(470, height - 120, "单位：万元")
    xs = [70 + 50 * i for i in range(10)]
    top = height - 130
    ys = [top, top - 24, top - 54, top - 84, top - 104]  # three header rows, one row of figures

    def cell(c0: int, c1: int, r0: int, r1: int, text: str, align: str) -> None:
        x0, x1, y_top, y_bottom = xs[c0], xs[c1 + 1], ys[r0], ys[r1 + 1]
        # Word: white padding strips and a white frame behind the text, inset from the rules
        pdf.setFillColorRGB(1, 1, 1)
        pdf.rect(x0 + 0.5, y_bottom + 0.5, 5 + (c0 % 2), y_top - y_bottom - 1, stroke=0, fill=1)
        pdf.rect(x1 - 5.5, y_bottom + 0.5, 5, y_top - y_bottom - 1, stroke=0, fill=1)
        pdf.rect(x0 + 5.5 + (c0 % 2), (y_top + y_bottom) / 2 - 6, x1 - x0 - 11 - (c0 % 2), 12, stroke=0, fill=1)
        pdf.setFillColorRGB(0, 0, 0)
        lines = [text[i:i + 6] for i in range(0, len(text), 6)] or [""]
        for n, line in enumerate(lines):
            y = (y_top + y_bottom) / 2 + (len(lines) / 2 - n - 1) * 9 + 2
            if align == "right":
                pdf.drawRightString(x1 - 7, y, line)
            else:
                pdf.drawCentredString((x0 + x1) / 2, y, line)

    for c0, c1, r0, r1, text in _HEADER:
        cell(c0, c1, r0, r1, text, "centre")
    for c, text in enumerate(_FIGURES):
        cell(c, c, 3, 3, text, "right")
    pdf.setLineWidth(0.5)
    pdf.line(xs[0], ys[0], xs[-1], ys[0])
    pdf.line(xs[1], ys[1], xs[7], ys[1])
    pdf.line(xs[3], ys[2], xs[6], ys[2])
    pdf.line(xs[0], ys[3], xs[-1], ys[3])
    pdf.line(xs[0], ys[4], xs[-1], ys[4])
    for i, x in enumerate(xs):
        start = ys[0] if i in (0, 1, 7, 8, 9) else ys[1] if i in (2, 3, 6) else ys[2]
        pdf.line(x, start, x, ys[4])
    pdf.setFont(CJK_FONT, 10)
    pdf.drawString(70, ys[4] - 40, "二、“三公”经费预算情况说明")
    pdf.drawString(70, ys[4] - 60, "2024年“三公”经费预算120.00万元，其中：因公出国（境）费30.00万元，")
    pdf.drawString(70, ys[4] - 75, "公务用车购置及运行维护费50.00万元，公务接待费40.00万元。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_three_public_merged_header_over_white_cell_backgrounds(tmp_path: Path) -> None:
    path = tmp_path / "three_public.pdf"
    path.write_bytes(_word_like_pdf())
    report = load_report(path)
    table = _table(report, TableKind.B7)
    keys = [c.key for c in table.columns]
    assert keys == ["budget.total", "budget.three_total", "budget.abroad", "budget.car_total", "budget.car_purchase",
                    "budget.car_operation", "budget.reception", "budget.meeting", "budget.training"]
    row = table.rows[0]
    assert [str(row.value(k)) if row.value(k) is not None else "" for k in keys] == list(_FIGURES)
    load_all()
    result = run_check(REGISTRY["BUD006"], report)
    assert result.outcome.value == "pass", (result.outcome, result.reason)


def test_three_public_table_of_a_real_budget_compares() -> None:
    """A provincial budget exported from Word: the 三公 小计 columns each have their own meaning and
    the 预算说明's 三公 figures are compared with the table (BUD006 no longer skips it)."""
    path = need(REAL / "budget_jiangsu" / "jiangsu_procuratorate_2018_budget_report.pdf")
    report = load_report(path)
    table = _table(report, TableKind.B7)
    keys = [c.key for c in table.columns]
    assert len(keys) == len(set(keys)) and not any(k.startswith("col") for k in keys), keys
    for key in ("budget.three_total", "budget.car_total", "budget.car_purchase", "budget.car_operation"):
        assert key in keys
    row = table.rows[0]
    three = row.value("budget.three_total")
    parts = [row.value(k) or Decimal(0) for k in ("budget.abroad", "budget.car_total", "budget.reception")]
    assert three is not None and three == sum(parts)
    car = row.value("budget.car_total")
    assert car == (row.value("budget.car_purchase") or 0) + (row.value("budget.car_operation") or 0)
    load_all()
    result = run_check(REGISTRY["BUD006"], report)
    assert result.outcome.value == "pass", (result.outcome, result.reason)
