"""Read a PDF with pdfplumber: ruled tables as grids with cell boxes, and the text outside
them as paragraphs (wrapped lines joined) with their boxes, page by page.

Every location is the 1-based physical page (as a PDF viewer counts) and a bbox in PDF
points ``(x0, top, x1, bottom)`` measured from the page's top-left corner.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from pathlib import Path
from typing import Any

from auditor.ingest.document import Block, Document, RawCell, RawTable, TextLine, union_bbox
from auditor.ingest.errors import InputError
from auditor.model import BBox, Location

DEFAULT_MAX_PAGES = 500

# A line that starts a heading or a numbered item never continues the line above.
_STARTS_HEADING = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}、)")

# pdfminer logs every odd font at WARNING; the user sees our own messages instead.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def read_pdf(path: Path, max_pages: int | None = None) -> Document:
    import pdfplumber

    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    limit = max_pages or DEFAULT_MAX_PAGES
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds for bad files
        raise _open_error(exc) from exc
    with pdf:
        try:
            pages = pdf.pages
        except Exception as exc:  # noqa: BLE001
            raise _open_error(exc) from exc
        if len(pages) == 0:
            raise InputError("PDF 中没有页面", kind="empty")
        if len(pages) > limit:
            raise InputError(f"PDF 共 {len(pages)} 页，超过上限 {limit} 页（可用 --max-pages 调整）", kind="too_large")
        blocks: list[Block] = []
        sizes: dict[int, tuple[float, float]] = {}
        chars_total = 0
        images_total = 0
        for index, page in enumerate(pages):
            number = index + 1
            try:
                sizes[number] = (float(page.width), float(page.height))
                chars_total += len(page.chars)
                images_total += len(page.images)
                blocks.extend(_read_page(page, number))
            except InputError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise InputError(f"第 {number} 页无法解析（文件可能已损坏）：{type(exc).__name__}", kind="corrupt") from exc
            finally:
                page.close()
        if chars_total == 0:
            if images_total:
                raise InputError("扫描件，无文本层：PDF 只有图片，没有可读取的文字（需先做 OCR）", kind="scanned")
            raise InputError("PDF 中没有任何文字", kind="empty")
        return Document(
            blocks=blocks,
            source=str(path),
            source_kind="pdf",
            page_count=len(pages),
            sha256=digest,
            page_sizes=sizes,
        )


def _open_error(exc: Exception) -> InputError:
    name = type(exc).__name__
    text = str(exc)
    if "Password" in name or "Encrypt" in name or "password" in text.lower() or "encrypt" in text.lower():
        return InputError("PDF 已加密，需要密码才能读取", kind="encrypted")
    return InputError(f"PDF 文件已损坏或不完整，无法打开（{name}）", kind="corrupt")


def _read_page(page: Any, number: int) -> list[Block]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    text_page = page.filter(outside) if boxes else page
    lines = text_page.extract_text_lines(layout=False, strip=True, return_chars=False)
    items: list[tuple[float, Block]] = []
    for paragraph in _paragraphs(lines, float(page.width)):
        items.append((paragraph.location.bbox[1] if paragraph.location.bbox else 0.0, paragraph))
    for table in tables:
        raw = _raw_table(table, number)
        if raw.rows:
            items.append((float(table.bbox[1]), raw))
    for _, block in items:
        if isinstance(block, TextLine):
            block.location = Location(page=number, bbox=block.location.bbox)
    items.sort(key=lambda item: item[0])
    return [block for _, block in items]


def _raw_table(table: Any, number: int) -> RawTable:
    texts = table.extract()
    rows: list[list[RawCell]] = []
    for r_index, row in enumerate(table.rows):
        cells: list[RawCell] = []
        row_texts = texts[r_index] if r_index < len(texts) else []
        for c_index, box in enumerate(row.cells):
            text = row_texts[c_index] if c_index < len(row_texts) else None
            bbox: BBox | None = _bbox(box) if box is not None else None
            cells.append(RawCell(text=text or "", location=Location(page=number, bbox=bbox)))
        rows.append(cells)
    return RawTable(rows=rows, location=Location(page=number, bbox=_bbox(table.bbox)))


def _bbox(box: Any) -> BBox:
    x0, top, x1, bottom = (float(v) for v in box)
    return (x0, top, x1, bottom)


def _paragraphs(lines: list[dict[str, Any]], page_width: float) -> list[TextLine]:
    """Join wrapped lines: a line that starts at the left margin (paragraphs indent their
    first line) continues the line above when that line ran most of the way to the right
    margin, no larger gap separates them, and it does not start a numbered heading."""
    lines = [line for line in lines if line.get("text", "").strip()]
    if not lines:
        return []
    lines.sort(key=lambda line: (round(line["top"]), line["x0"]))
    margin = _left_margin(lines)
    right = max(line["x1"] for line in lines)
    heights = sorted(line["bottom"] - line["top"] for line in lines)
    char = heights[len(heights) // 2] or 10.0
    result: list[TextLine] = []
    boxes: list[list[BBox]] = []
    previous: dict[str, Any] | None = None
    for line in lines:
        box: BBox = (float(line["x0"]), float(line["top"]), float(line["x1"]), float(line["bottom"]))
        joins = (
            previous is not None
            and not _STARTS_HEADING.match(line["text"].strip())
            and abs(line["x0"] - margin) <= char * 0.6
            and previous["x1"] >= right - char * 8
            and line["top"] - previous["bottom"] <= char * 1.2
        )
        if joins and result:
            result[-1].text += line["text"].strip()
            boxes[-1].append(box)
            result[-1].location = Location(bbox=union_bbox(list(boxes[-1])))
        else:
            result.append(TextLine(text=line["text"].strip(), location=Location(bbox=box)))
            boxes.append([box])
        previous = line
    return result


def _left_margin(lines: list[dict[str, Any]]) -> float:
    """The body's left edge: the smallest x0 shared by at least two lines (a lone line
    further left is an outlier), else the smallest x0."""
    counts = Counter(round(line["x0"] / 2) * 2 for line in lines)
    shared = [x for x, n in counts.items() if n >= 2]
    return float(min(shared) if shared else min(counts))
