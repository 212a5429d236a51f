"""Scanned pages that are not clean scans of print, generated here from the bundled example:
a photographed page (on a desk, lit from one side, slightly in perspective), an upside-down
scan, a page that is mostly a chart, a page scanned at 80 dpi. Each gets a Chinese reason of
its own in ``ReportMeta.page_notes``, shown in every output; the other pages are still read.
Also: OCR progress per page, and the image of the cell a "可能为识别误差" finding rests on."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from auditor.audit import audit_report
from auditor.ingest import load_report
from auditor.model import Report, TableKind
from auditor.render import render
from tests.conftest import EXAMPLE_PDF
from tests.test_ocr import _amounts, _images_to_pdf, _jpeg, _render, _with_wrong_digit

pytestmark = pytest.mark.slow

# the scan's pages: 1 clean (支出决算表), 2 photographed (收入决算表), 3 upside down (a text
# page), 4 a chart under a few lines of text, 5 at 80 dpi
CLEAN, PHOTO, UPSIDE_DOWN, CHART, LOW = 1, 2, 3, 4, 5


def _photo(image: Image.Image, seed: int = 3) -> Image.Image:
    """The page photographed: on a dark desk, lit unevenly, slightly in perspective."""
    import cv2

    rng = random.Random(seed)
    page = np.asarray(image.convert("RGB")).astype(np.float32)
    h, w = page.shape[:2]
    light = np.linspace(1.0, 0.62, w, dtype=np.float32)[np.newaxis, :, np.newaxis]  # lamp on the left
    page = page * light
    margin = int(w * 0.06)
    canvas = np.full((h + 2 * margin, w + 2 * margin, 3), (70, 60, 50), dtype=np.float32)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[margin + rng.uniform(-8, 8), margin + rng.uniform(-8, 8)],
                      [margin + w + rng.uniform(-25, 0), margin + rng.uniform(0, 20)],
                      [margin + w + rng.uniform(-8, 8), margin + h + rng.uniform(-8, 8)],
                      [margin + rng.uniform(0, 25), margin + h + rng.uniform(-20, 0)]])
    warped = cv2.warpPerspective(page, cv2.getPerspectiveTransform(src, dst), (canvas.shape[1], canvas.shape[0]),
                                 borderMode=cv2.BORDER_TRANSPARENT, dst=canvas)
    warped = cv2.GaussianBlur(warped, (3, 3), 0.7)
    out = Image.fromarray(np.clip(warped, 0, 255).astype(np.uint8)).resize((w, h))
    return _jpeg(out, 70)


def _chart_page() -> Image.Image:
    """The top of a text page, and under it a bar chart filling most of the page."""
    image = _render(4)
    draw = ImageDraw.Draw(image)
    w, h = image.size
    draw.rectangle((0, int(h * 0.3), w, h), fill="white")
    colours = [(70, 110, 200), (220, 120, 40), (60, 160, 90), (150, 80, 170), (200, 60, 60)]
    base = int(h * 0.85)
    for i, height in enumerate((500, 800, 350, 1000, 650)):
        draw.rectangle((250 + i * 240, base - height, 400 + i * 240, base), fill=colours[i])
    draw.line((200, base, 1500, base), fill="black", width=4)
    draw.line((200, base, 200, base - 1100), fill="black", width=4)
    return image


@pytest.fixture(scope="module")
def bad_scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    pages = [_jpeg(_render(8)), _photo(_render(7)), _jpeg(_render(3)).rotate(180), _jpeg(_chart_page())]
    path = _images_to_pdf(pages, folder / "first.pdf", 200)
    low = _images_to_pdf([_render(7, dpi=80)], folder / "low.pdf", 80)
    pdf = pdfium.PdfDocument(str(path))
    pdf.import_pages(pdfium.PdfDocument(str(low)))
    whole = folder / "bad_pages.pdf"
    pdf.save(str(whole))
    return whole


@pytest.fixture(scope="module")
def bad_report(bad_scan: Path) -> Report:
    return load_report(bad_scan, ocr="auto")


@pytest.fixture(scope="module")
def text_layer() -> Report:
    return load_report(EXAMPLE_PDF)


def test_each_bad_page_gets_its_own_reason(bad_report: Report) -> None:
    notes = bad_report.meta.page_notes
    assert CLEAN not in notes, notes
    assert "照片" in notes[PHOTO], notes
    assert "倒置" in notes[UPSIDE_DOWN], notes
    assert "图表" in notes[CHART], notes
    assert "分辨率过低" in notes[LOW] and "80" in notes[LOW], notes
    # the low-resolution page is not read; the photographed, upside-down and chart pages are
    assert bad_report.meta.ocr_pages == [CLEAN, PHOTO, UPSIDE_DOWN, CHART]


def test_the_rest_is_read(bad_report: Report, text_layer: Report) -> None:
    assert _amounts(bad_report, TableKind.T3) == _amounts(text_layer, TableKind.T3)
    # the photographed table: read, most amounts right (its misreads are flagged as unsure)
    photo, printed = _amounts(bad_report, TableKind.T2), _amounts(text_layer, TableKind.T2)
    same = sum(1 for k, v in printed.items() if photo.get(k) == v)
    assert same >= 0.8 * len(printed), (same, len(printed))
    # the chart's page: its text above the chart is read, no line from inside the chart
    chart_lines = [line for line in bad_report.lines if line.location.page == CHART]
    assert chart_lines
    assert all(line.location.bbox is None or line.location.bbox[3] < 842 * 0.35 for line in chart_lines)


def test_page_notes_in_every_output(bad_report: Report) -> None:
    result = audit_report(bad_report)
    for fmt in ("text", "md", "html"):
        out = render(result, fmt)
        assert "第 5 页：扫描分辨率过低" in out, fmt
        assert "照片" in out and "扫描页经 OCR 读取：第 1–4 页" in out, fmt
    data = json.loads(render(result, "json"))
    assert data["report"]["ocr_pages"] == [1, 2, 3, 4]
    assert "分辨率过低" in data["report"]["page_notes"]["5"]


def test_ocr_progress_per_page(bad_scan: Path, capfd: pytest.CaptureFixture[str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    from auditor.ingest.ocr import PROGRESS_FILE, ocr_pages, read_progress

    monkeypatch.setenv("AUDITOR_OCR_PROGRESS", "1")
    target = tmp_path / "progress.jsonl"
    token = PROGRESS_FILE.set(str(target))
    try:
        ocr_pages(bad_scan, [5, 1])
    finally:
        PROGRESS_FILE.reset(token)
    err = capfd.readouterr().err
    assert "OCR 识别 1/2：第 5 页" in err and "分辨率过低" in err
    assert "OCR 识别 2/2：第 1 页" in err
    rows = read_progress(target)
    assert [(r["done"], r["total"], r["page"]) for r in rows] == [(1, 2, 5), (2, 2, 1)]
    assert "分辨率过低" in rows[0]["reason"] and rows[1]["reason"] == ""


def test_unsure_cell_image_in_html_report() -> None:
    report, _ = _with_wrong_digit(load_report(EXAMPLE_PDF), confidence=0.55)
    result = audit_report(report)
    unsure = [f for f in result.findings if "可能为识别误差" in f.title]
    assert unsure
    html = render(result, "html")
    assert html.count("data:image/png;base64,") >= 1
    from auditor.render.ocr_cells import MAX_PNG_BYTES, cell_pngs

    pngs = cell_pngs(report, unsure[0])
    assert pngs and all(len(png) <= MAX_PNG_BYTES for _, png in pngs)
    image = Image.open(io.BytesIO(pngs[0][1]))
    assert max(image.size) <= 480 and min(image.convert("L").getextrema()) < 100  # the printed digits
    # a sure misread stays an error without a crop
    sure, _ = _with_wrong_digit(load_report(EXAMPLE_PDF), confidence=0.99)
    assert "data:image/png" not in render(audit_report(sure), "html")


def test_ui_shows_ocr_progress_page_notes_and_cell_images(bad_scan: Path, tmp_path: Path) -> None:
    from ui.workbench import UISettings, Workspace

    workspace = Workspace(UISettings(review_dir=tmp_path / "r", work_root=tmp_path / "w", vectors=False))
    steps: list[str] = []
    try:
        workspace.open(bad_scan, "bad_pages.pdf", progress=lambda _f, text: steps.append(text), index=False)
        assert any(s.startswith("OCR 识别 5/5：第 5 页") and "分辨率过低" in s for s in steps), steps
        summary = workspace.summary_markdown()
        assert "第 2 页：本页像是拍摄的照片" in summary and "扫描页经 OCR 读取：第 1–4 页" in summary
        # a finding resting on an unsure cell shows the scanned cell beside the page
        report, _ = _with_wrong_digit(load_report(EXAMPLE_PDF), confidence=0.55)
        workspace.result = audit_report(report)
        number = next(i for i, f in enumerate(workspace.findings, 1) if "可能为识别误差" in f.title)
        workspace.source = EXAMPLE_PDF
        _, html = workspace.finding_view(number)
        assert "data:image/png;base64," in html and "扫描原图" in html
    finally:
        workspace.close()


def test_batch_says_per_file_what_ocr_did(bad_scan: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from auditor.cli import main

    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["batch", str(bad_scan), "--out", str(out), "--jobs", "1", "--timeout", "900"])
    assert "bad_pages.pdf：OCR 识别 4 页（第 2 页：本页像是拍摄的照片" in result.stderr, result.stderr
    row = json.loads((out / "batch.json").read_text(encoding="utf-8"))["rows"][0]
    assert row["ocr_pages"] == 4 and "分辨率过低" in row["page_notes"]["5"]
