"""Digits OCR read in sentences keep their confidences up to the narrative claims, and a check
that fails on an unsure narrative digit gives a "可能为识别误差" warning, not an error (no OCR
run but in the last test: the confidences are set on the lines the way the OCR line assembly
sets them)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import ImageDraw, ImageFont

from auditor.audit import audit_report
from auditor.findings import Severity
from auditor.ingest import load_report
from auditor.ingest.assemble import assemble
from auditor.ingest.document import Document, TextLine
from auditor.ingest.ocr import _Piece, _text_lines, _ToPoints
from auditor.ingest.sections import build_sections
from auditor.ingest.text import parse_text
from auditor.model import Claim, Location, Report, ReportMeta
from auditor.narrative.claims import extract_sentence_claims
from auditor.narrative.sentences import build_sentences
from tests.conftest import EXAMPLE_PDF, ROOT

EXAMPLE_TXT = ROOT / "examples" / "example_report.txt"


def test_joined_ocr_lines_keep_each_characters_confidence() -> None:
    first, second = "本年支出合计为一直写到右边距附近的一段说明文字其中基本支出", "12.34万元。"
    sure = [0.99] * len(second)
    sure[1] = 0.41  # the "2" of 12.34
    pieces = [_Piece((260, 100, 1480, 140), None, first, [0.98] * len(first)),
              _Piece((180, 160, 500, 200), None, second, sure),
              _Piece((180, 230, 1200, 270), None, "另起一段。", [0.97] * 5)]
    lines = [line for _, line in _text_lines(pieces, 1, _ToPoints(np.eye(3), 200, (595.0, 842.0)))]
    assert [line.text for line in lines] == [first + second, "另起一段。"]
    joined = lines[0].char_confidence
    assert joined is not None and len(joined) == len(lines[0].text)
    assert joined[len(first) + 1] == 0.41 and joined[0] == 0.98
    # through sections and sentences to the claim: its digits' confidences, the unsure one least
    report = Report(meta=ReportMeta())
    report.sections = build_sections(lines)
    report.sentences = build_sentences(report)
    claims = [c for s in report.sentences for c in extract_sentence_claims(s) if c.raw.startswith("12.34")]
    assert claims and claims[0].digit_confidence == (0.99, 0.41, 0.99, 0.99)


def test_text_lines_have_no_confidence() -> None:
    report = assemble(parse_text(EXAMPLE_TXT.read_text(encoding="utf-8"), source="example.txt"))
    assert report.claims and all(c.digit_confidence is None for c in report.claims)


def _checked_claim(doc: Document) -> tuple[TextLine, Claim]:
    """A money figure of the narrative that NAR001 checks against a table and finds equal."""
    report = assemble(doc)
    codes = {f.locations[0].quote for r in audit_report(report).results if r.code == "NAR001" for f in r.findings}
    for claim in report.claims:
        if (claim.kind == "amount" and claim.target is not None and claim.unit == "万元"
                and claim.sentence.text not in codes and claim.decimals == 2):
            line = next((b for b in doc.blocks if isinstance(b, TextLine) and claim.sentence.text in b.text), None)
            if line is not None and line.text.count(claim.raw) == 1:
                return line, claim
    raise AssertionError("the example has a narrative amount checked against a table")


def _misread(confidence: float, others: float = 0.99) -> tuple[Report, str]:
    """The example read as if by OCR, one figure of a sentence with its units digit misread
    (that digit at ``confidence``, the digits of the line outside that figure at ``others``);
    and the digit as printed."""
    doc = parse_text(EXAMPLE_TXT.read_text(encoding="utf-8"), source="example.txt")
    line, claim = _checked_claim(doc)
    number = claim.raw.replace("万元", "").strip()
    start = line.text.index(claim.raw)
    at = start + len(number) - 4  # the units digit of x.yz
    printed = line.text[at]
    wrong = "7" if printed != "7" else "2"
    line.text = line.text[:at] + wrong + line.text[at + 1:]
    sure: list[float | None] = [others if ch.isdigit() else 0.99 for ch in line.text]
    sure[start:start + len(claim.raw)] = [0.99] * len(claim.raw)
    sure[at] = confidence
    line.char_confidence = sure
    line.location = Location(page=3, bbox=(50.0, 100.0, 540.0, 140.0))
    report = assemble(doc)
    report.meta.ocr_pages = [3]
    return report, printed


def test_an_unsure_narrative_digit_gives_a_warning_not_an_error() -> None:
    report, printed = _misread(0.42)
    nar = [f for r in audit_report(report).results if r.code == "NAR001" for f in r.findings]
    doubted = [f for f in nar if "可能为识别误差" in f.message]
    assert doubted, [f.message for f in nar]
    assert all(f.severity is Severity.WARNING for f in doubted)
    assert "正文数字中" in doubted[0].message and "识别把握 0.42" in doubted[0].message
    assert f"实为“{printed}”" in doubted[0].message  # one digit closes the gap
    assert not [f for f in nar if f.severity is Severity.ERROR]


def test_a_sure_narrative_digit_stays_an_error() -> None:
    report, _ = _misread(0.99)
    nar = [f for r in audit_report(report).results if r.code == "NAR001" for f in r.findings]
    assert any(f.severity is Severity.ERROR for f in nar)
    assert not any("可能为识别误差" in f.message for f in nar)


def test_an_unsure_digit_of_another_figure_of_the_sentence_changes_nothing() -> None:
    report, _ = _misread(0.99, others=0.3)
    nar = [f for r in audit_report(report).results if r.code == "NAR001" for f in r.findings]
    wrong = [f for f in nar if f.severity is Severity.ERROR]
    assert wrong and not any("可能为识别误差" in f.message for f in nar)
    # the sentence does print another figure, read unsure
    quoted = wrong[0].locations[0].quote or ""
    assert any(c.sentence.text == quoted and c.digit_confidence and min(c.digit_confidence) < 0.9
               for c in report.claims)


def test_digit_confidence_follows_the_claims_span() -> None:
    report = assemble(parse_text("一、说明\n本年支出合计9.50万元，其中基本支出12.34万元。\n", source="x.txt"))
    sentence = report.sentences[0]
    sure = tuple(0.5 if ch == "3" else 0.95 for ch in sentence.text)
    sentence.char_confidence = sure
    claims = extract_sentence_claims(sentence)
    by_value = {c.value: c.digit_confidence for c in claims}
    assert by_value[Decimal("9.50")] == (0.95, 0.95, 0.95)
    assert by_value[Decimal("12.34")] == (0.95, 0.95, 0.5, 0.95)


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.slow
def test_a_digit_hard_to_read_in_a_scanned_sentence_gives_a_warning(tmp_path: Path) -> None:
    """The example with its first narrative page of figures scanned, one digit of a sentence's
    amount printed over by a cut-off "7" of another font: OCR reads that 7 unsure, the amount
    then disagrees with its table, and NAR001 says it may be a misread."""
    if not DEJAVU.exists():
        pytest.skip(f"{DEJAVU} 不存在：此测试用该字体画一个难以辨认的数字")
    text_layer = load_report(EXAMPLE_PDF)
    claim = next(c for c in text_layer.claims if c.target is not None and c.kind == "amount" and c.unit == "万元"
                 and c.decimals == 2 and c.value is not None and c.value < 10 and c.sentence.location.page)
    page = claim.sentence.location.page
    assert page is not None
    line, boxes = next(v for k, v in text_layer.char_boxes.items() if k[0] == page and claim.raw in v[0])
    at = line.index(claim.raw) + len(claim.raw.replace("万元", "")) - 2  # the first decimal
    printed, box = line[at], boxes[at]
    assert box is not None and printed != "7"
    scale = 200 / 72
    pdf = pdfium.PdfDocument(str(EXAMPLE_PDF))
    image = pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
    x0, y0, x1, y1 = (v * scale for v in box)
    height = y1 - y0
    draw = ImageDraw.Draw(image)
    draw.rectangle((x0, y0, x1, y1), fill="white")
    draw.text((x0, y0 - height * 0.05), "7", fill="black", font=ImageFont.truetype(str(DEJAVU), int(height * 1.05)))
    draw.rectangle((x0, y0 + height * 0.6, x1, y1), fill="white")  # its foot cut off: hard to read
    scan = tmp_path / "page.pdf"
    image.save(scan, "PDF", resolution=200)
    mixed = pdfium.PdfDocument.new()
    mixed.import_pages(pdf, list(range(page - 1)))
    mixed.import_pages(pdfium.PdfDocument(str(scan)))
    mixed.import_pages(pdf, list(range(page, len(pdf))))
    path = tmp_path / "mixed.pdf"
    mixed.save(str(path))
    report = load_report(path)
    assert report.meta.ocr_pages == [page]
    read = [c for c in report.claims if c.sentence.location.page == page and c.digit_confidence]
    assert read and all(len(c.digit_confidence or ()) == sum(ch.isdigit() for ch in c.raw) for c in read)
    nar = [f for r in audit_report(report).results if r.code == "NAR001" for f in r.findings]
    doubted = [f for f in nar if "可能为识别误差" in f.message and "正文数字中" in f.message]
    assert doubted and all(f.severity is Severity.WARNING for f in doubted), [f.message for f in nar]
    assert any(f"实为“{printed}”" in f.message for f in doubted)
