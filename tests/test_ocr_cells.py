"""The scanned-cell images beside "可能为识别误差" findings: the report's PDF is opened once for
all of them, and each image is the same pixels as a crop rendered on its own."""

from __future__ import annotations

import gc
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pypdfium2 as pdfium
import pytest

from auditor.audit import audit_report
from auditor.ingest import load_report
from auditor.model import Amount, Report
from auditor.render import ocr_cells
from tests.conftest import EXAMPLE_PDF


def _unsure_totals(report: Report) -> int:
    """Every 合计 amount with its units digit changed and read as unsure; how many."""
    changed = 0
    for table in report.tables:
        for row in table.rows:
            for key, cell in list(row.cells.items()) if row.is_total else []:
                raw = cell.raw.replace(",", "")
                digits = [i for i, ch in enumerate(raw) if ch.isdigit()]
                if cell.amount is None or not cell.amount.value or cell.location.bbox is None or len(digits) < 3:
                    continue
                at = digits[-3]
                new = raw[:at] + ("7" if raw[at] != "7" else "2") + raw[at + 1:]
                sure = tuple(0.99 if i != len(digits) - 3 else 0.55 for i in range(len(digits)))
                row.cells[key] = replace(cell, raw=new, amount=Amount(Decimal(new), new, cell.amount.decimals),
                                         confidence=min(sure), digit_confidence=sure)
                changed += 1
    report.meta.ocr_pages = sorted({t.location.page or 1 for t in report.tables})
    return changed


def test_the_pdf_is_opened_once_for_all_crops_and_each_crop_is_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    report = load_report(EXAMPLE_PDF)
    assert _unsure_totals(report) >= 5
    unsure = [f for f in audit_report(report).findings if ocr_cells.UNSURE in f.title]
    opened: list[str] = []
    original = pdfium.PdfDocument

    def counting(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(path))
        return original(path, *args, **kwargs)

    monkeypatch.setattr(pdfium, "PdfDocument", counting)
    crops = [crop for f in unsure for crop in ocr_cells.cell_pngs(report, f)]
    assert len(crops) >= 5 and len({(e.page, e.bbox) for e, _ in crops}) >= 5
    assert opened == [str(EXAMPLE_PDF)]
    monkeypatch.setattr(pdfium, "PdfDocument", original)
    for evidence, png in crops:
        assert evidence.page is not None and evidence.bbox is not None
        # the pages kept open for many crops give the pixels of the page opened for one
        assert png == ocr_cells.cell_image(EXAMPLE_PDF, evidence.page, evidence.bbox)
    # the report gone, its PDF is closed and nothing of it is kept
    key = id(report)
    del report, unsure, crops
    gc.collect()
    assert key not in ocr_cells._IMAGES
