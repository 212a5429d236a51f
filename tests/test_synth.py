"""The report renderer (auditor.synth) and the bundled example report.

The example is built from examples/example_2022.yaml; every figure of its nine tables must
come back through the project's own reader, from the PDF and from the text rendering.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pdfplumber
import pytest
import yaml

from auditor.codes import compact
from auditor.ingest import load_report
from auditor.model import Report, Table, TableKind
from auditor.synth import (
    SPAN_LEFT,
    SPAN_UP,
    Heading,
    Paragraph,
    ReportSpec,
    SpecError,
    TableSpec,
    get_layout,
    load_spec,
    pdf_bytes,
    render_text,
    resolve_spans,
    spec_from_dict,
)
from auditor.synth.text import table_lines

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SPEC_PATH = EXAMPLES / "example_2022.yaml"
STANDARD = [f"T{n}" for n in range(1, 10)]


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_example", EXAMPLES / "build_example.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_example", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example_spec() -> ReportSpec:
    return load_spec(SPEC_PATH)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example, freshly built into a temporary folder."""
    return _build_module().build(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def pdf_report(built: tuple[Path, Path]) -> Report:
    return load_report(built[0])


@pytest.fixture(scope="module")
def text_report(built: tuple[Path, Path]) -> Report:
    return load_report(built[1])


# ---- the example build ------------------------------------------------------------------


@pytest.mark.slow
def test_build_is_deterministic(built: tuple[Path, Path], tmp_path: Path) -> None:
    again = _build_module().build(tmp_path)
    assert again[0].read_bytes() == built[0].read_bytes()
    assert again[1].read_bytes() == built[1].read_bytes()


def test_bundled_text_is_current(example_spec: ReportSpec) -> None:
    """examples/example_report.txt is what the spec renders to (rebuild after editing the
    spec: python examples/build_example.py)."""
    assert (EXAMPLES / "example_report.txt").read_text(encoding="utf-8") == render_text(example_spec)


def test_bundled_pdf_reads_like_a_fresh_build(pdf_report: Report) -> None:
    """The committed PDF holds the same tables as a fresh build (bytes may differ between
    reportlab versions, the content must not)."""
    bundled = load_report(EXAMPLES / "example_report.pdf")
    assert _all_figures(bundled) == _all_figures(pdf_report)


def test_pdf_metadata(built: tuple[Path, Path], example_spec: ReportSpec) -> None:
    with pdfplumber.open(built[0]) as pdf:
        assert pdf.metadata["Title"] == example_spec.title == "示例区社会保险服务中心2022年度部门决算"
        assert pdf.metadata["Author"] == "示例区社会保险服务中心"
        first = pdf.pages[0]
        assert first.width < first.height  # A4 portrait cover


@pytest.mark.parametrize("which", ["pdf", "text"])
def test_all_nine_tables_recognised(which: str, pdf_report: Report, text_report: Report) -> None:
    report = pdf_report if which == "pdf" else text_report
    assert sorted(report.recognition.found) == STANDARD
    assert report.meta.year == 2022
    assert report.meta.department == "示例区社会保险服务中心"


@pytest.mark.parametrize("kind", STANDARD)
def test_pdf_figures_round_trip(kind: str, example_spec: ReportSpec, pdf_report: Report) -> None:
    _assert_round_trip(kind, example_spec, pdf_report)


@pytest.mark.parametrize("kind", STANDARD)
def test_text_figures_round_trip(kind: str, example_spec: ReportSpec, text_report: Report) -> None:
    _assert_round_trip(kind, example_spec, text_report)


def test_long_tables_continue_on_the_next_page(pdf_report: Report, built: tuple[Path, Path]) -> None:
    """T1 (portrait), T4 and T6 (landscape) run onto a second page; the reader joins the
    parts, and the continuation page carries no title and no repeated header."""
    for kind in ("T1", "T4", "T6"):
        table = pdf_report.table(TableKind(kind))
        assert table is not None
        assert len(table.pages) == 2 and table.pages[1] == table.pages[0] + 1, (kind, table.pages)
    t1 = pdf_report.table(TableKind.T1)
    assert t1 is not None
    with pdfplumber.open(built[0]) as pdf:
        continuation = pdf.pages[t1.pages[1] - 1]
        text = continuation.extract_text()
        grid = continuation.find_tables()[0].extract()
    assert "收入支出决算总表" not in text
    assert grid[0][0] != "收入" and "项目" not in grid[0]


def test_empty_tables_carry_their_no_data_statement(pdf_report: Report) -> None:
    for kind in (TableKind.T7, TableKind.T8, TableKind.T9):
        table = pdf_report.table(kind)
        assert table is not None and table.is_empty
        assert "无数据" in table.no_data_statement


def test_every_narrative_line_reads_back_whole(example_spec: ReportSpec, pdf_report: Report) -> None:
    """Wrapped paragraphs and headings come back as one line each."""
    lines = {compact(s.text) for s in pdf_report.lines}
    for block in example_spec.blocks:
        if isinstance(block, (Heading, Paragraph)):
            assert compact(block.text) in lines, block.text


def test_example_keeps_the_sample_slips(example_spec: ReportSpec) -> None:
    """The example carries the sample report's slips on purpose (see the spec's header)."""
    texts = [b.text for b in example_spec.blocks if isinstance(b, (Heading, Paragraph))]
    joined = "\n".join(texts)
    assert "支出决算为208.09元" in joined  # (a)
    assert "公用经费14.58元" in joined  # (b)
    assert [t for t in texts if t.startswith("五、")][:2] == [
        "五、一般公共预算财政拨款支出决算情况说明",
        "五、一般公共预算财政拨款基本支出决算情况说明",
    ]  # (c)
    assert "政府采购支出总额0万元，其中：政府采购货物支出0.27万元" in joined  # (d)
    t3 = example_spec.table("T3")
    assert t3 is not None
    row_208 = next(r for r in t3.rows if r[0] == "208")
    assert row_208[2:5] == ("244.97", "208.09", "")  # (e)
    t6 = example_spec.table("T6")
    assert t6 is not None
    assert (t6.rows[0][2], t6.rows[0][5]) == ("192.43", "14.58")  # (f)
    assert "二、机构设置" in example_spec.toc and "二、机构设置及决算单位构成" in texts  # (g)
    assert "十五、其他重要事项说明" in example_spec.toc and "十五、其他重要事项情况说明" in texts  # (g)
    assert "2021年部门决算汇总公开范围" in joined  # (h)
    assert "比上年增加2.72万元，增长69.2%" in joined  # (i)
    assert "年初预算为0万元，支出决算为11.88万元，完成年初预算的100%" in joined  # (j)
    grades = [t for t in example_spec.tables() if t.kind == "OTHER" and "项目支出绩效自评表" in t.title]
    assert grades[0].rows[-1][6:9] == ("100", "97", "等级：良")  # (k)


def _assert_round_trip(kind: str, spec: ReportSpec, report: Report) -> None:
    table_spec = spec.table(kind)
    table = report.table(TableKind(kind))
    assert table_spec is not None and table is not None
    expected = _spec_figures(table_spec)
    got = _read_figures(table, table_spec)
    assert got == expected, f"{kind}: missing {expected - got}, extra {got - expected}"
    assert table.unit == table_spec.unit
    assert table.label == table_spec.label


def _spec_figures(table: TableSpec) -> Counter[tuple[str, Decimal]]:
    """(row code, or compact label when the row has no code; value) for every figure."""
    return Counter((f.code or compact(f.label), Decimal(f.text)) for f in table.figures())


def _read_figures(table: Table, spec: TableSpec) -> Counter[tuple[str, Decimal]]:
    spec_codes = {f.code for f in spec.figures() if f.code}
    spec_codes |= {row[c] for row in spec.rows for c, role in enumerate(spec.roles) if role == "code"}
    found: Counter[tuple[str, Decimal]] = Counter()
    for row in table.rows:
        # T1 / T4 spending lines get a 类 code from their label; the spec keys them by label
        key = row.code if row.code and row.code in spec_codes else compact(row.label)
        for cell in row.cells.values():
            if cell.value is not None:
                found[(key, cell.value)] += 1
    return found


def _all_figures(report: Report) -> dict[str, list[tuple[str, str, str]]]:
    return {
        t.kind.value: [(r.code, r.label, str(c.value)) for r in t.rows for c in r.cells.values() if c.value is not None]
        for t in report.tables
        if t.kind is not TableKind.OTHER
    }


# ---- the spec -------------------------------------------------------------------------------


def test_spans_are_resolved_from_markers() -> None:
    grid = [
        ["项目", SPAN_LEFT, "本年支出", SPAN_LEFT],
        ["编码", "名称", "基本", "项目"],
        ["合计", SPAN_LEFT, "1", "2"],
        ["A", SPAN_LEFT, "B", "C"],
        [SPAN_UP, SPAN_UP, "D", "E"],
    ]
    spans = {(s.row, s.col): (s.rowspan, s.colspan) for s in resolve_spans(grid)}
    assert spans[(0, 0)] == (1, 2)
    assert spans[(0, 2)] == (1, 2)
    assert spans[(2, 0)] == (1, 2)
    assert spans[(3, 0)] == (2, 2)  # a 2 x 2 merge; any marker inside the rectangle
    assert (1, 0) in spans and spans[(1, 0)] == (1, 1)


@pytest.mark.parametrize(
    "grid, message",
    [
        ([[SPAN_LEFT, "a"]], "没有所属"),
        ([["a", "b"], [SPAN_UP, SPAN_LEFT]], "没有所属"),  # "<" under "b" is not covered by "a"'s span
        ([["a", SPAN_LEFT], [SPAN_UP, "x"]], "不是矩形"),
    ],
)
def test_bad_spans_are_rejected(grid: list[list[str]], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        resolve_spans(grid)


def test_table_validation() -> None:
    with pytest.raises(SpecError, match="列"):
        TableSpec(kind="T2", title="收入决算表", rows=(("a", "b"), ("c",)))
    with pytest.raises(SpecError, match="kind"):
        TableSpec(kind="T10", title="x", rows=(("a",),))
    with pytest.raises(SpecError, match="unit"):
        TableSpec(kind="T1", title="x", unit="亿元", rows=(("a",),))
    with pytest.raises(SpecError, match="roles"):
        TableSpec(kind="T1", title="x", rows=(("a", "1"),), roles=("label",))


def test_yaml_keeps_printed_digits_and_pipe_rows(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "meta: {title: 测试, year: 2022}\n"
        "toc: [第一部分 概况]\n"
        "blocks:\n"
        "  - h0: 第一部分 概况\n"
        "  - p: 正文。\n"
        "  - page_break\n"
        "  - table:\n"
        "      kind: T6\n"
        "      title: 一般公共预算财政拨款基本支出决算明细表\n"
        "      roles: [code, label, amount]\n"
        "      header: [经济分类科目编码 | 科目名称 | 决算数]\n"
        "      rows:\n"
        "        - 30207 | 邮电费 | 0.40\n"
        "        - [30213, 维修(护)费, 0.10]\n"
        "        - 人员经费合计 | < | 1.00\n",
        encoding="utf-8",
    )
    spec = load_spec(path)
    table = spec.table("T6")
    assert table is not None
    assert table.rows[0] == ("30207", "邮电费", "0.40")
    assert table.rows[1] == ("30213", "维修(护)费", "0.10")
    assert spec.year == 2022
    figures = list(table.figures())
    assert [(f.code, f.label, f.text) for f in figures] == [
        ("30207", "邮电费", "0.40"),
        ("30213", "维修(护)费", "0.10"),
        ("", "人员经费合计", "1.00"),
    ]
    assert table_lines(table)[-1] == "人员经费合计\t\t1.00"


def test_unknown_block_is_rejected() -> None:
    with pytest.raises(SpecError, match="未知的块类型"):
        spec_from_dict({"meta": {"title": "x"}, "blocks": [{"h9": "x"}]})
    with pytest.raises(SpecError, match="未知字段"):
        spec_from_dict({"blocks": [{"table": {"kind": "T1", "title": "x", "rows": ["a"], "colour": "red"}}]})


def test_example_spec_is_valid_yaml_of_strings() -> None:
    raw = yaml.load(SPEC_PATH.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    assert raw["meta"]["department"] == "示例区社会保险服务中心"


# ---- layouts --------------------------------------------------------------------------------


def test_layouts_are_known_by_name() -> None:
    assert get_layout("hunan").name == "hunan"
    assert get_layout("shanghai").name == "shanghai"
    assert get_layout("plain").rules == "horizontal"
    with pytest.raises(ValueError):
        get_layout("nowhere")


def test_small_spec_renders_in_pdf_and_text() -> None:
    spec = ReportSpec(
        title="小报告",
        author="某单位",
        cover=("2022年度", "某单位", "部门决算"),
        toc=("第一部分 概况",),
        blocks=(
            Heading("第一部分 概况", 0),
            Paragraph("一段正文。"),
            TableSpec(
                kind="T5",
                title="一般公共预算财政拨款支出决算表",
                label="公开05表",
                department="某单位",
                header=(("项目", SPAN_LEFT, "本年支出"), ("功能分类科目编码", "科目名称", "小计")),
                rows=(("合计", SPAN_LEFT, "1.00"), ("208", "社会保障和就业支出", "1.00")),
                roles=("code", "label", "amount"),
            ),
        ),
    )
    data = pdf_bytes(spec)
    assert data.startswith(b"%PDF-") and data == pdf_bytes(spec)
    text = render_text(spec)
    assert "合计\t\t1.00" in text and "公开05表" in text and "部门：某单位" in text


def test_first_page_takes_the_first_blocks_template(tmp_path: Path) -> None:
    """No cover, a wide table first: one landscape page, no blank page before it."""
    wide = TableSpec(
        kind="T7",
        title="一般公共预算财政拨款“三公”经费支出决算表",
        header=(tuple(str(n) for n in range(1, 13)),),
        roles=("amount",) * 12,
    )
    path = tmp_path / "wide.pdf"
    path.write_bytes(pdf_bytes(ReportSpec(title="宽表", blocks=(wide, Paragraph("说明。")))))
    with pdfplumber.open(path) as pdf:
        sizes = [(p.width > p.height) for p in pdf.pages]
    assert sizes == [True, False]  # the table's landscape page, then narrative in portrait
