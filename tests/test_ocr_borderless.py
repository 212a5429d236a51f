"""Scanned tables printed without vertical rules: a synthetic report printed with no table
lines at all, and one with horizontal rules only (a table running over two pages), rendered to
slightly turned JPEG images in an image-only PDF and read by OCR, give the amounts the text
layer of the same pages gives, with each digit's confidence and boxes on the page as shown.
Also the parts of that reading that need no OCR: a detector box holding two cells cut at the
column gap, and a point the recogniser did not see put back."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from auditor.ingest import load_report
from auditor.model import Report, TableKind
from tests.test_ocr import _images_to_pdf, _jpeg

DPI = 200


def _synthetic(path: Path, layout_name: str, rules: str, seed: int) -> Path:
    from auditor.synth.compose import compose
    from auditor.synth.figures import generate
    from auditor.synth.pdf import get_layout, pdf_bytes

    layout = replace(get_layout(layout_name), name=f"{layout_name}-{rules}", rules=rules)
    spec, _ = compose(generate(seed, "exact"), layout_name)
    path.write_bytes(pdf_bytes(spec, layout))
    return path


def _pages_of(report: Report, kinds: tuple[TableKind, ...]) -> list[int]:
    pages: set[int] = set()
    for kind in kinds:
        table = report.table(kind)
        assert table is not None, f"{kind.value} not in the text layer"
        pages.update(table.pages or [table.location.page or 0])
    return sorted(pages)


def _subset(source: Path, pages: list[int], out: Path) -> Path:
    src = pdfium.PdfDocument(str(source))
    dst = pdfium.PdfDocument.new()
    dst.import_pages(src, [p - 1 for p in pages])
    dst.save(str(out))
    return out


def _scan(source: Path, pages: list[int], out: Path, angle: float) -> Path:
    pdf = pdfium.PdfDocument(str(source))
    try:
        images = [_jpeg(pdf[p - 1].render(scale=DPI / 72).to_pil().convert("RGB")
                        .rotate(angle, expand=False, fillcolor="white"), 70) for p in pages]
    finally:
        pdf.close()
    return _images_to_pdf(images, out, DPI)


def _amounts(report: Report, kind: TableKind) -> dict[tuple[str, str, str, str], Decimal]:
    table = report.table(kind)
    assert table is not None, f"{kind.value} not found"
    return {(row.side, row.code, "" if row.code else row.label.replace(" ", ""), key): cell.amount.value
            for row in table.rows for key, cell in row.cells.items() if cell.amount is not None}


@pytest.fixture(scope="module")
def no_rules(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Report]:
    """收入支出决算总表 (two halves side by side) and 基本支出决算表 (two groups of code / name /
    amount side by side) printed with no lines at all: cells of one row stand close."""
    folder = tmp_path_factory.mktemp("no_rules")
    source = _synthetic(folder / "report.pdf", "hunan", "none", 0)
    pages = _pages_of(load_report(source), (TableKind.T1, TableKind.T6))
    text = load_report(_subset(source, pages, folder / "text.pdf"))
    scanned = load_report(_scan(source, pages, folder / "scan.pdf", 0.8), ocr="auto")
    return text, scanned


@pytest.fixture(scope="module")
def horizontal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, Report]:
    """财政拨款收入支出决算总表 printed with horizontal rules only, running over two pages."""
    folder = tmp_path_factory.mktemp("horizontal")
    source = _synthetic(folder / "report.pdf", "plain", "horizontal", 2)
    pages = _pages_of(load_report(source), (TableKind.T4,))
    assert len(pages) == 2, "the plain layout's T4 is expected to run over two pages"
    text = load_report(_subset(source, pages, folder / "text.pdf"))
    scanned = load_report(_scan(source, pages, folder / "scan.pdf", -0.7), ocr="auto")
    return text, scanned


@pytest.mark.slow
@pytest.mark.parametrize("kind", [TableKind.T1, TableKind.T6])
def test_scanned_table_without_rules_reads_the_text_layer_amounts(no_rules: tuple[Report, Report], kind: TableKind) -> None:
    text, scanned = no_rules
    expected = _amounts(text, kind)
    assert len(expected) >= 8
    assert _amounts(scanned, kind) == expected


@pytest.mark.slow
def test_scanned_table_with_horizontal_rules_only_goes_on_over_the_next_page(horizontal: tuple[Report, Report]) -> None:
    text, scanned = horizontal
    expected = _amounts(text, TableKind.T4)
    table = scanned.table(TableKind.T4)
    assert table is not None and len(table.pages) == 2
    # the rows printed on the second page (the totals) are read too
    assert any(row.label.replace(" ", "").startswith("总计") for row in table.rows)
    assert _amounts(scanned, TableKind.T4) == expected


@pytest.mark.slow
def test_scanned_borderless_cells_keep_confidence_and_boxes_on_the_page(no_rules: tuple[Report, Report]) -> None:
    """Each OCR'd amount keeps its digits' probabilities, and its box (PDF points on the page
    as shown, the scan being turned 0.8°) covers the figure the text layer places there."""
    text, scanned = no_rules
    near = 0
    total = 0
    for kind in (TableKind.T1, TableKind.T6):
        text_table, ocr_table = text.table(kind), scanned.table(kind)
        assert text_table is not None and ocr_table is not None
        boxes = {(r.side, r.code, r.label.replace(" ", ""), k): c.location.bbox
                 for r in text_table.rows for k, c in r.cells.items() if c.amount is not None}
        for row in ocr_table.rows:
            for key, cell in row.cells.items():
                if cell.amount is None:
                    continue
                assert cell.confidence is not None and cell.digit_confidence
                assert len(cell.digit_confidence) == sum(ch.isdigit() for ch in cell.raw)
                want = boxes.get((row.side, row.code, row.label.replace(" ", ""), key))
                got = cell.location.bbox
                if want is None or got is None:
                    continue
                total += 1
                cx, cy = (got[0] + got[2]) / 2, (got[1] + got[3]) / 2
                near += want[0] - 4 <= cx <= want[2] + 4 and want[1] - 4 <= cy <= want[3] + 4
    assert total >= 8 and near == total


def test_a_box_holding_two_cells_is_cut_at_the_column_gap() -> None:
    """Ink blocks standing for glyphs: "35.45" then a column gap then "302"; and "一、" whose
    mark leaves a blank as wide on its right, which is the glyph's own (no cut there)."""
    from auditor.ingest.scan_tables import cut_at_blanks

    height = 40
    crop = np.full((height, 400), 255, dtype=np.uint8)
    glyphs = [(10, 22), (24, 36), (38, 42), (44, 56), (58, 70),  # 3 5 . 4 5
              (100, 112), (114, 126), (128, 140),  # 3 0 2 (30 px of blank before)
              (170, 196), (200, 206),  # 一 、
              (236, 262), (264, 290)]  # 一 般 (30 px of blank after 、)
    for a, b in glyphs:
        crop[10:31, a:b] = 0
    text = "35.45302一、一般"
    positions = [(a + b) / 2 for a, b in glyphs]
    parts = cut_at_blanks(crop, (3.0, 3.0, 397.0, 37.0), text, [0.99] * len(text), positions)
    assert [t for _, t, _ in parts] == ["35.45", "302", "一、一般"]
    # each part's box is its ink (in page pixels: the crop was taken 3 px around the rect)
    assert parts[0][0][0] == 10 and parts[0][0][2] == 70
    assert parts[1][0][0] == 100 and parts[1][0][2] == 140
    assert parts[0][0][1] == 10 and parts[0][0][3] == 31


def test_a_point_not_seen_between_grouped_digits_is_put_back_and_unsure() -> None:
    from auditor.ingest.ocr import DOUBTFUL, _normalise

    text, confidences = _normalise("459,00000", [0.99] * 9)
    assert text == "459,000.00"
    assert len(confidences) == len(text) and max(confidences[-4:]) <= DOUBTFUL
    # a number grouped right, or not grouped at all, is left as read
    assert _normalise("459,000", [0.99] * 7) == ("459,000", [0.99] * 7)
    assert _normalise("45900000", [0.99] * 8)[0] == "45900000"
    # thousands separators read as points: a figure has one point, the last
    assert _normalise("63.814.92", [0.99] * 9) == ("63,814.92", [0.99] * 9)


@pytest.mark.parametrize("text", ["7,00.00", "10,447,4000", "33,0000"])
def test_a_figure_grouped_wrong_is_unsure_in_every_digit(text: str) -> None:
    """A digit lost or added between separators ("7,400.00" read "7,00.00"): which digit, the
    figure cannot tell, so none of its digits is sure (a check failing on it is a warning)."""
    from auditor.ingest.ocr import DOUBTFUL, _normalise

    got, confidences = _normalise(text, [0.99] * len(text))
    assert got == text and max(confidences) <= DOUBTFUL


class _Canned:
    """An engine whose second reading of every crop is given."""

    def __init__(self, text: str, sure: float) -> None:
        self.text, self.sure = text, sure

    def recognise(self, crops: list[np.ndarray], deadline: float | None = None,
                  in_cells: list[bool] | None = None) -> list[object]:
        from auditor.ingest.ocr import Recognised

        return [Recognised(self.text, [self.sure] * len(self.text), [4.0 * k for k in range(len(self.text))])
                for _ in crops]


def _looked(first: str, first_sure: list[float], second: str, second_sure: float) -> tuple[str, list[float]]:
    from auditor.ingest.ocr import _normalise, _Piece, _second_look

    text, confidences = _normalise(first, first_sure)
    piece = _Piece((0.0, 0.0, 100.0, 20.0), (0, 1, 1), text, confidences)
    _second_look(_Canned(second, second_sure), [piece], [np.full((26, 106, 3), 255, dtype=np.uint8)], 1e18)  # type: ignore[arg-type]
    return piece.text, piece.confidences


def test_second_look_puts_back_a_lost_digit_when_it_only_adds() -> None:
    from auditor.ingest.ocr import SURE

    text, confidences = _looked("7,00.00", [0.99] * 7, "7,400.00", 0.99)
    assert text == "7,400.00" and min(confidences) >= SURE
    # a second reading that changes a digit the first read is not taken: the figure stays unsure
    text, confidences = _looked("7,00.00", [0.99] * 7, "8,400.00", 0.99)
    assert text == "7,00.00" and max(confidences) <= 0.5


def test_second_look_that_disagrees_makes_the_differing_digit_unsure() -> None:
    from auditor.ingest.ocr import DOUBTFUL, SURE

    first = "38,000,440.00"
    sure = [0.99] * len(first)
    sure[8] = 0.95  # the second 4
    text, confidences = _looked(first, sure, "38,000,400.00", 0.99)
    assert text == "38,000,400.00"
    unsure = [ch for ch, c in zip(text, confidences) if c <= DOUBTFUL]
    assert unsure == ["0"]  # the tens digit, where the readings differ
    assert all(c >= SURE for ch, c in zip(text, confidences) if ch.isdigit() and c > DOUBTFUL)
    # a surer first reading stays, with the same digit unsure
    text, confidences = _looked(first, sure, "38,000,400.00", 0.92)
    assert text == first and [ch for ch, c in zip(text, confidences) if c <= DOUBTFUL] == ["4"]
