"""Scanned pages in the outputs: the per-page reading notes (pages read by OCR, pages not read
and why), and the image of each cell a "可能为识别误差" finding rests on, so the reviewer sees
the printed digits next to what OCR read (HTML report and UI)."""

from __future__ import annotations

import base64
import io
import threading
import weakref
from collections import OrderedDict
from html import escape
from pathlib import Path
from typing import Any

from auditor.findings import Evidence, Finding

MAX_CROPS = 4  # cell images per finding
MAX_PNG_BYTES = 60_000  # a larger crop is left out rather than bloating the report
UNSURE = "可能为识别误差"
_PDFIUM = threading.RLock()  # pdfium is not thread-safe (the UI may render in threads); a report
# collected while a crop is made closes its PDFs in the same thread


def _ranges(pages: list[int]) -> str:
    runs: list[list[int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return "、".join(f"{r[0]}" if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def page_note_lines(meta: Any) -> list[str]:
    """Plain Chinese lines: which pages were read by OCR, and each page not (fully) read with
    its reason. Empty for a report with neither."""
    lines = []
    ocr_pages = list(getattr(meta, "ocr_pages", []) or [])
    if ocr_pages:
        lines.append(f"扫描页经 OCR 读取：第 {_ranges(ocr_pages)} 页（共 {len(ocr_pages)} 页）；"
                     f"把握较低的数字引起的问题标为“{UNSURE}”，请对照原件核实")
    for page, note in sorted((getattr(meta, "page_notes", {}) or {}).items()):
        lines.append(f"第 {page} 页：{note}")
    return lines


def unsure_cells(report: Any, finding: Finding) -> list[Evidence]:
    """The locations of a "可能为识别误差" finding that are OCR'd cells read with low confidence."""
    if UNSURE not in finding.title or not getattr(report.meta, "ocr_pages", None):
        return []
    from auditor.checks.ocr_doubt import _doubtful_cells

    doubtful = _doubtful_cells(report)
    return [e for e in finding.locations if e.page is not None and e.bbox is not None
            and (e.page, e.bbox) in doubtful][:MAX_CROPS]


def _pdf_page(report: Any, page: int) -> tuple[str, int] | None:
    meta = report.meta
    if meta.source_kind == "multi":
        part = meta.file_of(page)
        if part is None or part.kind != "pdf":
            return None
        return part.path, part.local_page(page)
    if meta.source_kind != "pdf":
        return None
    return meta.source, page


class _PageImages:
    """The cell crops of one report: each source PDF opened once and each page loaded once for
    all the crops on it (pdfium keeps a loaded page's decoded scan, so a crop does not decode
    the page's image again). Each crop is rendered as a cropped rendering, the same pixels as
    before."""

    KEPT_PAGES = 8  # loaded pages kept at a time (a page holds its decoded scan)

    def __init__(self) -> None:
        self.documents: dict[str, Any] = {}
        self.pages: OrderedDict[tuple[str, int], Any] = OrderedDict()

    def _page(self, path: str, page: int) -> Any:
        import pypdfium2 as pdfium

        key = (path, page)
        loaded = self.pages.get(key)
        if loaded is None:
            if path not in self.documents:
                self.documents[path] = pdfium.PdfDocument(path)
            document = self.documents[path]
            if not 1 <= page <= len(document):
                raise IndexError(page)
            loaded = self.pages[key] = document[page - 1]
            while len(self.pages) > self.KEPT_PAGES:
                self.pages.popitem(last=False)[1].close()
        self.pages.move_to_end(key)
        return loaded

    def crop(self, path: str, page: int, bbox: tuple[float, float, float, float], margin: float = 6.0,
             max_side: int = 480) -> bytes:
        """A PNG of one spot of a page (a cell's bbox in PDF points, with a margin), in gray and
        at most ``max_side`` pixels wide or high, at the OCR's resolution."""
        from auditor.ingest.ocr import DPI

        with _PDFIUM:
            target = self._page(path, page)
            width, height = (float(v) for v in target.get_size())
            x0, top = max(0.0, bbox[0] - margin), max(0.0, bbox[1] - margin)
            x1, bottom = min(width, bbox[2] + margin), min(height, bbox[3] + margin)
            if x1 - x0 < 1 or bottom - top < 1:
                raise ValueError("empty crop")
            scale = min(DPI / 72.0, max_side / (x1 - x0), max_side / (bottom - top))
            crop = (x0, height - bottom, width - x1, top)  # left, bottom, right, top
            image = target.render(scale=scale, crop=crop).to_pil().convert("L")
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        return buffer.getvalue()

    def close(self) -> None:
        with _PDFIUM:
            for loaded in self.pages.values():
                loaded.close()
            self.pages.clear()
            for document in self.documents.values():
                document.close()
            self.documents.clear()


_IMAGES: dict[int, _PageImages] = {}  # by id(report), while the report lives


def _page_images(report: Any) -> _PageImages:
    images = _IMAGES.get(id(report))
    if images is None:
        images = _PageImages()
        try:
            weakref.finalize(report, _forget, id(report))
        except TypeError:  # a report that cannot be followed: its crops are not kept
            return images
        _IMAGES[id(report)] = images
    return images


def _forget(key: int) -> None:
    images = _IMAGES.pop(key, None)
    if images is not None:
        images.close()


def cell_pngs(report: Any, finding: Finding) -> list[tuple[Evidence, bytes]]:
    """(location, PNG) for each unsure cell of the finding whose source PDF can be opened (the
    PDF is opened once for all the report's crops)."""
    result = []
    for e in unsure_cells(report, finding):
        where = _pdf_page(report, e.page or 0)
        if where is None or not Path(where[0]).is_file() or e.bbox is None:
            continue
        try:
            png = _page_images(report).crop(str(where[0]), where[1], e.bbox)
        except Exception:  # noqa: BLE001 - a crop that cannot be made is left out, the finding stays
            continue
        if len(png) <= MAX_PNG_BYTES:
            result.append((e, png))
    return result


def cell_crops_html(report: Any, finding: Finding) -> str:
    """The unsure cells as embedded PNG images (data URIs), with what OCR read under each."""
    items = []
    for e, png in cell_pngs(report, finding):
        data = base64.b64encode(png).decode("ascii")
        caption = f"第{e.page}页 {e.table or ''} {e.row or ''} {e.column or ''}：OCR 读作“{e.quote or ''}”"
        items.append(f"<figure style='display:inline-block;margin:.3em 1em .3em 0'>"
                     f"<img alt='扫描原图' src='data:image/png;base64,{data}' style='max-width:480px;border:1px solid #ccc'>"
                     f"<figcaption class='muted' style='font-size:.85em'>{escape(caption)}</figcaption></figure>")
    if not items:
        return ""
    return "<div class='ocr-cells'><div class='muted'>扫描原图（请核对数字）：</div>" + "".join(items) + "</div>"


def cell_image(path: Path | str, page: int, bbox: tuple[float, float, float, float], margin: float = 6.0,
               max_side: int = 480) -> bytes:
    """One spot of a page as a PNG (see ``_PageImages.crop``), the PDF opened for it alone."""
    images = _PageImages()
    try:
        return images.crop(str(path), page, bbox, margin, max_side)
    finally:
        images.close()
