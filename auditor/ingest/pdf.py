"""Read a PDF with pdfplumber: ruled tables as grids with cell boxes, and the text outside
them as paragraphs (wrapped lines joined) with their boxes, page by page.

Every location is the 1-based physical page (as a PDF viewer counts) and a bbox in PDF
points ``(x0, top, x1, bottom)`` measured from the page's top-left corner.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from auditor.ingest.borderless import Carry, lines_of_words
from auditor.ingest.document import Block, Document, RawCell, RawTable, TextLine, union_bbox
from auditor.ingest.errors import InputError
from auditor.ingest.paint import without_unseen_rects
from auditor.model import BBox, Location

DEFAULT_MAX_PAGES = 500

# A line that starts a heading or a numbered item never continues the line above.
_STARTS_HEADING = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d{1,2}、"
                             r"|(?:编制)?(?:部门|单位)(?:名称)?\s*[:：])")  # or a table's 部门 / 单位 line

# pdfminer logs every odd font at WARNING; the user sees our own messages instead.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def _close_quietly(pdf: Any) -> None:
    """Close a pdfplumber document; closing walks the page tree again, which raises on the
    same damaged files that made us stop, and must not replace our Chinese error."""
    try:
        pdf.close()
    except Exception:  # noqa: BLE001, S110 - the file is already being rejected or done with
        pass


def _out_of_memory(exc: BaseException) -> bool:
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, MemoryError):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def read_pdf(path: Path, max_pages: int | None = None, ocr: str = "auto") -> Document:
    import pdfplumber

    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    limit = max_pages or DEFAULT_MAX_PAGES
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds for bad files
        raise _open_error(exc) from exc
    try:
        try:
            pages = pdf.pages
        except Exception as exc:  # noqa: BLE001
            raise _open_error(exc) from exc
        if len(pages) == 0:
            raise InputError("PDF 中没有页面", kind="empty")
        if len(pages) > limit:
            raise InputError(f"PDF 共 {len(pages)} 页，超过上限 {limit} 页（可用 --max-pages 调整）", kind="too_large")
        page_blocks: list[list[Block]] = []
        sizes: dict[int, tuple[float, float]] = {}
        chars_total = 0
        cid_total = 0  # characters pdfminer could not map to Unicode, printed as "(cid:N)"
        images_total = 0
        scanned: list[int] = []  # pages with images and no text layer: read by OCR (ocr.py)
        carry = Carry()  # a borderless table left open at a page's foot
        for index, page in enumerate(pages):
            number = index + 1
            try:
                sizes[number] = (float(page.width), float(page.height))
                chars_total += len(page.chars)
                cid_total += sum(1 for c in page.chars if c.get("text", "").startswith("(cid:"))
                images_total += len(page.images)
                if not page.chars and page.images:
                    scanned.append(number)
                page_blocks.append(_read_page(page, number, carry))
            except InputError:
                raise
            except Exception as exc:  # noqa: BLE001
                if _out_of_memory(exc):  # pdfminer wraps it; the caller's memory bound reports it
                    raise MemoryError() from exc
                raise InputError(f"第 {number} 页无法解析（文件可能已损坏）：{type(exc).__name__}", kind="corrupt") from exc
            finally:
                page.close()
        if chars_total and cid_total > chars_total / 2:
            raise InputError("PDF 的文字无法解码：字体没有提供字符到文字的映射，读出的只是字形编号（cid）；"
                             "可用其他软件另存为 PDF 或导出为文本后再审核", kind="unreadable")
        if chars_total == 0:
            if images_total:
                raise InputError("扫描件，无文本层：PDF 只有图片，没有可读取的文字（需先做 OCR）", kind="scanned")
            raise InputError("PDF 中没有任何文字", kind="empty")
        blocks = [block for page_list in drop_running_lines(page_blocks, sizes) for block in page_list]
        notes: dict[int, str] = {}
        if scanned and ocr != "never":
            from auditor.ingest.ocr import add_scanned_pages

            blocks, notes = add_scanned_pages(path, blocks, scanned)
        return Document(
            blocks=blocks,
            source=str(path),
            source_kind="pdf",
            page_count=len(pages),
            sha256=digest,
            page_sizes=sizes,
            page_notes=notes,
            ocr_pages=sorted({n for b in blocks if (n := b.location.page) is not None and n in scanned}) if ocr != "never" else [],
        )
    finally:
        _close_quietly(pdf)


_RUNNING_BAND = 0.08  # the top and bottom 8% of a page hold running headers and footers


def drop_running_lines(pages: list[list[Block]], sizes: dict[int, tuple[float, float]]) -> list[list[Block]]:
    """Running headers and footers are not text of the report: a line in the top or bottom
    band of the page whose text (digits ignored, so "第 3 页" matches "第 4 页") recurs in the
    same band on at least three pages and on at least a third of the pages."""
    if len(pages) < 3:
        return pages

    def key(block: Block, number: int) -> tuple[str, str] | None:
        if not isinstance(block, TextLine) or block.location.bbox is None or number not in sizes:
            return None
        height = sizes[number][1]
        top, bottom = block.location.bbox[1], block.location.bbox[3]
        band = "head" if bottom <= height * _RUNNING_BAND else "foot" if top >= height * (1 - _RUNNING_BAND) else ""
        if not band:
            return None
        return band, re.sub(r"\d+", "#", re.sub(r"\s+", "", block.text))

    counts: Counter[tuple[str, str]] = Counter()
    for index, blocks in enumerate(pages):
        counts.update({k for b in blocks if (k := key(b, index + 1)) is not None})
    running = {k for k, n in counts.items() if n >= 3 and n * 3 >= len(pages)}
    if not running:
        return pages
    return [[b for b in blocks if key(b, index + 1) not in running] for index, blocks in enumerate(pages)]


def _open_error(exc: Exception) -> InputError:
    name = type(exc).__name__
    # pdfplumber wraps pdfminer's errors: look at the wrapped one too
    inner = [a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)]
    text = str(exc) + " " + " ".join(type(a).__name__ for a in inner) + " " + repr(exc)
    if "Password" in name or "Encrypt" in name or "password" in text.lower() or "encrypt" in text.lower():
        return InputError("PDF 已加密，需要密码才能读取", kind="encrypted")
    return InputError(f"PDF 文件已损坏或不完整，无法打开（{name}）", kind="corrupt")


# Some producers (Chromium's print, some WPS fonts) map CJK glyphs to the Kangxi radicals
# (U+2F00–U+2FD5: "⼀" for 一, "⽀" for 支) or to the CJK radical supplement ("⻔" for 门). NFKC
# maps the former; the simplified radicals of the supplement have no mapping and are listed.
_RADICALS = str.maketrans(
    "⺟⺠⻄⻅⻆⻉⻋⻓⻔⻙⻚⻛⻜⻢⻥⻦⻧⻨⻩⻪⻬⻮⻰⻳",
    "母民西见角贝车长门韦页风飞马鱼鸟卤麦黄黾齐齿龙龟",
)


def normalise_glyph_text(text: str) -> str:
    if not any("\u2e80" <= ch <= "\u2fdf" for ch in text):
        return text
    text = text.translate(_RADICALS)
    return "".join(unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fdf" else ch for ch in text)


def _normalise_chars(page: Any) -> None:
    """Map radical code points back to the characters they stand for, in place (pdfplumber
    caches the page's char objects, so every later reading sees the mapped text)."""
    for char in page.chars:
        text = char.get("text", "")
        if text and "\u2e80" <= text[0] <= "\u2fdf":
            char["text"] = normalise_glyph_text(text)


def _read_page(page: Any, number: int, carry: Carry | None = None) -> list[Block]:
    page = _visible(page)
    _normalise_chars(page)
    page = without_unseen_rects(page)  # white cell backgrounds are not rules
    tables = page.find_tables()
    raws = [_raw_table(t, number) for t in tables]
    raws += _rules_only_tables(page, [t.bbox for t in tables], number)
    boxes = [r.location.bbox for r in raws if r.location.bbox is not None]
    # a ruled table's frame may hold text outside its cells (a "公开03表" label or a title in
    # the frame's margin): such text is read as text, not dropped
    cells = [[c.location.bbox for row in r.rows for c in row if c.location.bbox is not None] for r in raws
             if r.location.bbox is not None]

    def inside(b: BBox, cx: float, cy: float) -> bool:
        return b[0] <= cx <= b[2] and b[1] <= cy <= b[3]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        for box, table_cells in zip(boxes, cells):
            if inside(box, cx, cy) and (not table_cells or any(inside(c, cx, cy) for c in table_cells)):
                return False
        return True

    text_page = page.filter(outside) if boxes else page
    lines = merge_overlapping_lines(text_page.extract_text_lines(layout=False, strip=True, return_chars=True))
    borderless, lines = _borderless_tables(lines, raws, number, float(page.height), carry)
    raws += borderless
    items: list[tuple[float, Block]] = []
    paragraphs = _paragraphs(lines, float(page.width))
    for paragraph in paragraphs:
        items.append((paragraph.location.bbox[1] if paragraph.location.bbox else 0.0, paragraph))
    raws = split_at_titles(raws, paragraphs)
    for raw in raws:
        if raw.rows and raw.location.bbox is not None:
            items.append((raw.location.bbox[1], raw))
    for _, block in items:
        if isinstance(block, TextLine):
            block.location = Location(page=number, bbox=block.location.bbox)
    items.sort(key=lambda item: item[0])
    return [block for _, block in items]


def _borderless_tables(lines: list[dict[str, Any]], raws: list[RawTable], number: int, height: float,
                       carry: Carry | None) -> tuple[list[RawTable], list[dict[str, Any]]]:
    """Tables printed with no ruling lines under a recognised title with no ruled grid under it
    (``borderless.py``); the lines they take are no longer text."""
    from auditor.ingest.borderless import find_tables, runs_from_chars
    from auditor.ingest.recognize import kind_from_title
    from auditor.ingest.sections import is_page_number

    def is_title(text: str) -> bool:
        joined = text.replace(" ", "")
        return kind_from_title(joined) is not None and not joined.endswith("说明")

    if not lines or (not (carry is not None and carry.mode) and not any(is_title(line["text"]) for line in lines)):
        if carry is not None and lines:
            carry.mode = ""
        return [], lines
    words = [runs_from_chars(line["chars"]) for line in lines]
    blocked = [r.location.bbox[1] for r in raws if r.location.bbox is not None]
    found, used = find_tables(words, number, is_title, is_page_number, blocked, carry, page_bottom=height)
    return found, [line for i, line in enumerate(lines) if i not in used]


def _visible(page: Any) -> Any:
    """The page as a viewer shows it: some producers leave the content of the following pages
    drawn below the page's foot (a table, with another table in its cells, far outside the
    MediaBox); a viewer clips it, and so does the reader."""
    top, bottom = float(page.bbox[1]), float(page.bbox[3])
    if not any(c["top"] > bottom + 1 or c["bottom"] < top - 1 for c in page.chars):
        return page  # (text running a little past the right edge is kept, as it always was)

    def shown(obj: dict[str, Any]) -> bool:
        middle = (float(obj.get("top", top)) + float(obj.get("bottom", top))) / 2
        return top <= middle <= bottom

    return page.filter(shown)


def split_at_titles(raws: list[RawTable], paragraphs: list[TextLine]) -> list[RawTable]:
    """Two tables whose rules touch are found as one grid; the title of the second stands between
    them, inside the grid's frame but in no cell. Cut the grid there: the rows above the title
    are the first table (or its continuation), the rows below it the next."""
    from auditor.ingest.assemble import split_grid
    from auditor.ingest.recognize import kind_from_title

    titles = [p.location.bbox for p in paragraphs if p.location.bbox is not None and kind_from_title(p.text) is not None]
    if not titles:
        return raws
    result: list[RawTable] = []
    for raw in raws:
        starts: list[int] = []
        for title in titles:
            start = starts[-1] if starts else 0
            rows = raw.rows[start:]
            box = union_bbox([c.location.bbox for row in rows for c in row]) if starts else raw.location.bbox
            if box is None or not box[1] < title[1] < box[3]:
                continue
            cut = sum(1 for r in rows if _row_bottom(r) <= title[1] + 1)
            if (0 < cut < len(rows) and all(_row_bottom(r) <= title[1] + 1 for r in rows[:cut])
                    and all(_row_top(r) >= title[3] - 1 for r in rows[cut:])):
                starts.append(start + cut)
        result.extend(split_grid(raw, starts))
    return result


def _row_top(row: list[RawCell]) -> float:
    return min((c.location.bbox[1] for c in row if c.location.bbox is not None), default=0.0)


def _row_bottom(row: list[RawCell]) -> float:
    return max((c.location.bbox[3] for c in row if c.location.bbox is not None), default=0.0)


def _crop_words(page: Any, bbox: BBox) -> list[dict[str, Any]]:
    """The words inside ``bbox``, clamped to the page (a rule at the page's edge gives a band
    of zero height or one outside the page, which pdfplumber refuses)."""
    px0, ptop, px1, pbottom = (float(v) for v in page.bbox)
    x0, top, x1, bottom = max(bbox[0], px0), max(bbox[1], ptop), min(bbox[2], px1), min(bbox[3], pbottom)
    if x1 - x0 <= 0.5 or bottom - top <= 0.5:
        return []
    return list(page.crop((x0, top, x1, bottom)).extract_words(keep_blank_chars=False))


# ---- lines ------------------------------------------------------------------------------

# pdfplumber starts a new line where a character's ``top`` differs by more than 3 pt. Word and
# WPS set the body in a Chinese font and figures in a Latin font whose box sits lower: the
# figures of a sentence then form a "line" of their own. Two such lines overlap vertically
# and never horizontally; they are one printed line.
_OVERLAP_SHARE = 0.5
_SPACE_GAP = 3.0  # pt between characters that reads as a space (pdfplumber's x_tolerance)


def merge_overlapping_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Join text lines that share a printed line: their vertical extents overlap by at least
    half the smaller height and their characters do not overlap horizontally. Characters are
    then read left to right, so a sentence keeps its figures in order."""
    lines = [line for line in lines if line.get("chars")]
    lines.sort(key=lambda line: line["top"])
    merged: list[dict[str, Any]] = []
    for line in lines:
        target = None
        for candidate in reversed(merged[-4:]):
            if _same_printed_line(candidate, line):
                target = candidate
                break
        if target is None:
            merged.append(dict(line))
            continue
        chars = sorted([*target["chars"], *line["chars"]], key=lambda c: c["x0"])
        target.update(
            chars=chars,
            text=_chars_text(chars),
            x0=min(target["x0"], line["x0"]),
            x1=max(target["x1"], line["x1"]),
            top=min(target["top"], line["top"]),
            bottom=max(target["bottom"], line["bottom"]),
        )
    merged.sort(key=lambda line: (round(line["top"]), line["x0"]))
    return merged


def _same_printed_line(a: dict[str, Any], b: dict[str, Any]) -> bool:
    overlap = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    smaller = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
    if smaller <= 0 or overlap < smaller * _OVERLAP_SHARE:
        return False
    return not _glyphs_overlap(a["chars"], b["chars"])  # glyphs on top of each other: two lines


def _glyph_hit(char: dict[str, Any], other: dict[str, Any]) -> bool:
    """Two glyphs overlap horizontally by more than 0.3 of the narrower one's width."""
    return min(char["x1"], other["x1"]) - max(char["x0"], other["x0"]) > 0.3 * min(
        char["x1"] - char["x0"], other["x1"] - other["x0"]
    )


def _glyphs_overlap(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> bool:
    """Whether a glyph of ``first`` overlaps one of ``second`` (``_glyph_hit``). A sweep along x:
    two glyphs of non-negative width can only hit when their extents overlap, so each glyph is
    compared with the other line's glyphs still open at its left edge (near-linear, where
    comparing every pair was quadratic in the line's length)."""
    odd = ([c for c in first if c["x1"] < c["x0"]], [c for c in second if c["x1"] < c["x0"]])
    if odd[0] or odd[1]:  # a glyph of negative width: compared with every glyph, as before
        if any(_glyph_hit(c, o) for c in odd[0] for o in second) or any(_glyph_hit(c, o) for c in first for o in odd[1]):
            return True
    events = sorted(
        [(c["x0"], 0, i) for i, c in enumerate(first) if c["x1"] >= c["x0"]]
        + [(c["x0"], 1, i) for i, c in enumerate(second) if c["x1"] >= c["x0"]],
        key=lambda e: e[0],
    )
    lines = (first, second)
    open_: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    for x0, side, index in events:
        char = lines[side][index]
        others = open_[1 - side]
        if others:
            others[:] = [o for o in others if o["x1"] > x0]
            if any(_glyph_hit(char, o) for o in others):
                return True
        open_[side].append(char)
    return False


def _chars_text(chars: list[dict[str, Any]]) -> str:
    parts: list[str] = []
    previous: dict[str, Any] | None = None
    for char in chars:
        if previous is not None and char["x0"] - previous["x1"] > _SPACE_GAP and not parts[-1].endswith(" "):
            parts.append(" ")
        parts.append(char.get("text", ""))
        previous = char
    return "".join(parts).strip()


def _raw_table(table: Any, number: int) -> RawTable:
    texts = table.extract()
    page = getattr(table, "page", None)
    chars = sorted(page.chars if page is not None else [], key=lambda c: c["top"])
    tops = [c["top"] for c in chars]
    rows: list[list[RawCell]] = []
    for r_index, row in enumerate(table.rows):
        cells: list[RawCell] = []
        row_texts = texts[r_index] if r_index < len(texts) else []
        for c_index, box in enumerate(row.cells):
            text = row_texts[c_index] if c_index < len(row_texts) else None
            bbox: BBox | None = _bbox(box) if box is not None else None
            indent = _indent(chars, tops, bbox) if bbox is not None and text else None
            cells.append(RawCell(text=text or "", location=Location(page=number, bbox=bbox), indent=indent))
        rows.append(cells)
    if page is not None:
        _frame_cells_text(rows, page)
    return RawTable(rows=rows, location=Location(page=number, bbox=_bbox(table.bbox)))


def _frame_cells_text(rows: list[list[RawCell]], page: Any) -> None:
    """A frame drawn around a whole table (its title and 单位 line inside, above the grid) is
    found as one more cell that holds the grid's cells: its text is only what lies in it and
    in no other cell (else the grid's figures are read twice, once as text lifted from it)."""
    contained = _boxes_within([c.location.bbox for row in rows for c in row if c.location.bbox is not None])
    for row in rows:
        for index, cell in enumerate(row):
            frame = cell.location.bbox
            if frame is None or not cell.text:
                continue
            inner = contained(frame)
            if not inner:
                continue

            def outside(obj: dict[str, Any], inner: list[BBox] = inner) -> bool:
                if obj.get("object_type") != "char":
                    return True
                cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
                return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in inner)

            x0, top, x1, bottom = (max(frame[0], float(page.bbox[0])), max(frame[1], float(page.bbox[1])),
                                   min(frame[2], float(page.bbox[2])), min(frame[3], float(page.bbox[3])))
            if x1 - x0 <= 0.5 or bottom - top <= 0.5:
                continue
            text = page.crop((x0, top, x1, bottom)).filter(outside).extract_text() or ""
            row[index] = RawCell(text=text, location=cell.location, indent=cell.indent)


def _boxes_within(boxes: list[BBox]) -> Callable[[BBox], list[BBox]]:
    """A look-up of the boxes other than ``frame`` that lie within it (1 pt of slack), in their
    order. The boxes' top-left corners are bucketed on a grid of about one cell's size, so a
    frame looks only at the corners that can lie within it (near-linear in the cells of a table,
    where testing every box for every cell was quadratic)."""
    heights = sorted(b[3] - b[1] for b in boxes)
    step = max(heights[len(heights) // 2] if heights else 0.0, 4.0)
    buckets: dict[tuple[int, int], list[int]] = {}
    loose: list[int] = []  # a corner that is not a finite number: looked at by every frame
    for order, b in enumerate(boxes):
        if math.isfinite(b[0]) and math.isfinite(b[1]):
            buckets.setdefault((math.floor(b[0] / step), math.floor(b[1] / step)), []).append(order)
        else:
            loose.append(order)

    def within(frame: BBox) -> list[BBox]:
        x0, y0, x1, y1 = frame[0] - 1, frame[1] - 1, frame[2] + 1, frame[3] + 1
        candidates: list[int] = list(loose)
        if all(math.isfinite(v) for v in (x0, y0, x1, y1)) and x0 <= x1 and y0 <= y1:
            columns = range(math.floor(x0 / step), math.floor(x1 / step) + 1)
            rows = range(math.floor(y0 / step), math.floor(y1 / step) + 1)
            if len(columns) * len(rows) <= len(buckets):
                candidates += [i for bx in columns for by in rows for i in buckets.get((bx, by), ())]
            else:  # a frame wider than the table's cells: every corner is a candidate
                candidates += [i for found in buckets.values() for i in found]
        else:
            candidates = list(range(len(boxes)))
        return [boxes[i] for i in sorted(candidates) if boxes[i] != frame and boxes[i][0] >= x0
                and boxes[i][1] >= y0 and boxes[i][2] <= x1 and boxes[i][3] <= y1]

    return within


def _indent(chars: list[dict[str, Any]], tops: list[float], box: BBox) -> float | None:
    """Where a cell's text starts, from the cell's left edge (a label indented under its parent
    shows its level when no code is printed)."""
    import bisect

    start, end = bisect.bisect_left(tops, box[1] - 1), bisect.bisect_right(tops, box[3])
    inside = [c["x0"] for c in chars[start:end]
              if box[0] - 1 <= (c["x0"] + c["x1"]) / 2 <= box[2] + 1 and c.get("text", "").strip()]
    return round(min(inside) - box[0], 1) if inside else None


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
        text, char_boxes = line_text_boxes(line)
        if joins and result:
            previous_boxes = result[-1].char_boxes
            result[-1].text += text
            result[-1].char_boxes = previous_boxes + char_boxes if previous_boxes is not None and char_boxes is not None else None
            boxes[-1].append(box)
            result[-1].location = Location(bbox=union_bbox(list(boxes[-1])))
        else:
            result.append(TextLine(text=text, location=Location(bbox=box), char_boxes=char_boxes))
            boxes.append([box])
        previous = line
    return result


def line_text_boxes(line: dict[str, Any]) -> tuple[str, list[BBox | None] | None]:
    """A line's text (stripped) with each character's box (None for a space the reader put
    between words), so that evidence can box the very figure, not the paragraph."""
    text = line["text"]
    chars = [c for c in line.get("chars") or [] if c.get("text")]
    boxes: list[BBox | None] = []
    position = 0
    for ch in text:
        if position < len(chars) and chars[position]["text"] == ch:
            c = chars[position]
            boxes.append((round(float(c["x0"]), 1), round(float(c["top"]), 1), round(float(c["x1"]), 1),
                          round(float(c["bottom"]), 1)))
            position += 1
        else:
            boxes.append(None)
    stripped = text.strip()
    if position != len(chars):
        return stripped, None  # text and characters do not line up: no character boxes
    lead = len(text) - len(text.lstrip())
    return stripped, boxes[lead : lead + len(stripped)]


def _left_margin(lines: list[dict[str, Any]]) -> float:
    """The body's left edge: the smallest x0 shared by at least two lines (a lone line
    further left is an outlier), else the smallest x0."""
    counts = Counter(round(line["x0"] / 2) * 2 for line in lines)
    shared = [x for x, n in counts.items() if n >= 2]
    return float(min(shared) if shared else min(counts))


# ---- tables drawn with horizontal rules only -----------------------------------------



def _rules_only_tables(page: Any, known: list[tuple[float, float, float, float]], number: int) -> list[RawTable]:
    """Tables printed without vertical rules: runs of long horizontal rules outside the
    ruled tables. Columns are the gaps that no word of the rows with figures crosses; a
    column's cells are cut by the rules that cross it (a shorter rule under a group header
    splits only the columns it spans, as a merged cell does); each word goes to the cell
    that holds its centre, so a header wider than its column is not cut in two."""
    width = float(page.width)
    all_rules = _merged_rules(page)
    rules = [r for r in all_rules if r["x1"] - r["x0"] >= width * 0.3]
    rules = [r for r in rules if not any(b[1] - 1 <= r["top"] <= b[3] + 1 for b in known)]
    result = []
    for group in _rule_groups(rules):
        x0 = min(r["x0"] for r in group)
        x1 = max(r["x1"] for r in group)
        top, bottom = group[0]["top"], group[-1]["top"]
        inner = [r for r in all_rules if top < r["top"] < bottom and r["x0"] >= x0 - 2 and r["x1"] <= x1 + 2]
        tops = sorted({r["top"] for r in group} | {r["top"] for r in inner})
        # a continued table starts its page with a row above its first rule
        heights = sorted(b - a for a, b in zip(tops, tops[1:]))
        row_height = heights[len(heights) // 2] if heights else 20.0
        if len(tops) < 2:
            row_height = 24.0
        above = _crop_words(page, (x0, top - row_height * 1.3, x1, top))
        if above and sum(1 for w in above if _NUMERIC_WORD.match(w["text"])) >= 2:
            top = min(w["top"] for w in above) - 2
            tops = [top, *tops]
        if len(tops) < 2:
            continue
        words = _crop_words(page, (x0, top, x1, bottom))
        if len(group) < 3 and sum(1 for w in words if _NUMERIC_WORD.match(w["text"])) < 2:
            continue  # a rule or two around text: not a table
        # a 三线表 (three rules at most: above and below the header, under the last row), its
        # header's levels and its rows printed between them: read as a table printed with no
        # rules, by the words' alignment under its title (borderless.py), not by the bands
        # between rules. A table ruled under every row keeps its bands (wrapped text and all).
        if len(tops) <= 3 and len(lines_of_words(words)) - (len(tops) - 1) >= 2:
            continue
        tops = _split_multi_line_bands(tops, words)
        full_tops = [t for t in tops if t in {r["top"] for r in group} or t == top]
        separators = _column_gaps(words, full_tops, x0, x1)
        if not separators:
            continue
        edges = [x0, *separators, x1]
        grid = [["" for _ in range(len(edges) - 1)] for _ in range(len(tops) - 1)]
        for c, (left, right) in enumerate(zip(edges, edges[1:])):
            centre = (left + right) / 2
            own = sorted(
                {r["top"] for r in group}
                | {r["top"] for r in inner if r["x0"] - 1 <= centre <= r["x1"] + 1}
            )
            for upper, lower in zip(own, own[1:]):
                inside = sorted(
                    (w for w in words
                     if upper <= (w["top"] + w["bottom"]) / 2 <= lower and left <= (w["x0"] + w["x1"]) / 2 < right),
                    key=lambda w: (round(w["top"]), w["x0"]),
                )
                grid[tops.index(upper)][c] = "\n".join(w["text"] for w in inside)
        for r, row in enumerate(grid):
            if not any(_NUMERIC_WORD.match(t.replace("\n", "")) for t in row if t):
                _shift_centred_headers(grid, r, edges, words, tops[r], tops[r + 1])
        rows = [
            [
                RawCell(text=grid[r][c], location=Location(page=number, bbox=(edges[c], tops[r], edges[c + 1], tops[r + 1])))
                for c in range(len(edges) - 1)
            ]
            for r in range(len(tops) - 1)
        ]
        result.append(RawTable(rows=rows, location=Location(page=number, bbox=(x0, top, x1, bottom))))
    return result


def _split_multi_line_bands(tops: list[float], words: list[dict[str, Any]]) -> list[float]:
    """A band holding several lines that each carry a figure is several rows printed
    without rules between them (a 三线表): cut it between those lines."""
    result = [tops[0]]
    for upper, lower in zip(tops, tops[1:]):
        band = [w for w in words if upper <= (w["top"] + w["bottom"]) / 2 <= lower]
        lines: list[list[dict[str, Any]]] = []
        for w in sorted(band, key=lambda w: w["top"]):
            if lines and abs(w["top"] - lines[-1][0]["top"]) < 3:
                lines[-1].append(w)
            else:
                lines.append([w])
        numeric = [line for line in lines if any(_NUMERIC_WORD.match(w["text"]) for w in line)]
        if len(numeric) >= 2 and len(numeric) == len(lines):
            for previous, line in zip(lines, lines[1:]):
                result.append((max(w["bottom"] for w in previous) + min(w["top"] for w in line)) / 2)
        result.append(lower)
    return result


def _shift_centred_headers(
    grid: list[list[str]], r: int, edges: list[float], words: list[dict[str, Any]], upper: float, lower: float
) -> None:
    """A group header centred over several columns ("预算数" over six) lands in a middle
    column. Find the run of empty cells around it that it is centred on (the widest such
    run whose columns all carry sub-headers below), and move the text to the run's first
    column, where a merged cell keeps its text."""
    row = grid[r]

    header_below = []
    for k in range(r + 1, len(grid)):
        if any(_NUMERIC_WORD.match(t.replace("\n", "")) for t in grid[k] if t):
            break
        header_below.append(grid[k])

    def has_below(col: int) -> bool:
        """A sub-header under this column (in the header rows, not the figures)."""
        return any(row_below[col] for row_below in header_below)

    for c, text in enumerate(list(row)):
        if not text:
            continue
        band = [w for w in words if upper <= (w["top"] + w["bottom"]) / 2 <= lower and edges[c] <= (w["x0"] + w["x1"]) / 2 < edges[c + 1]]
        if not band:
            continue
        centre = (min(w["x0"] for w in band) + max(w["x1"] for w in band)) / 2
        left = c
        while left > 0 and not row[left - 1]:
            left -= 1
        right = c
        while right + 1 < len(row) and not row[right + 1]:
            right += 1
        candidates = []
        for a in range(left, c + 1):
            for b in range(c, right + 1):
                if a != b and not all(has_below(k) for k in range(a, b + 1)):
                    continue
                candidates.append((abs((edges[a] + edges[b + 1]) / 2 - centre), -(b - a), a))
        if not candidates:
            continue
        best = min(candidates)
        # among spans centred equally well, the widest
        start = min((x for x in candidates if x[0] <= best[0] + 1.0), key=lambda x: (x[1], x[0]))[2]
        if start != c:
            row[start], row[c] = text, ""


def _merged_rules(page: Any) -> list[dict[str, float]]:
    """Horizontal rules with collinear segments joined (a rule under merged cells is often
    drawn cell by cell)."""
    by_top: dict[float, list[tuple[float, float]]] = {}
    for edge in page.edges:
        if edge["orientation"] == "h":
            by_top.setdefault(round(edge["top"] * 2) / 2, []).append((edge["x0"], edge["x1"]))
    merged: list[dict[str, float]] = []
    for top, segments in by_top.items():
        segments.sort()
        start, end = segments[0]
        for x0, x1 in segments[1:]:
            if x0 <= end + 2:
                end = max(end, x1)
            else:
                merged.append({"top": top, "x0": start, "x1": end})
                start, end = x0, x1
        merged.append({"top": top, "x0": start, "x1": end})
    return sorted(merged, key=lambda r: r["top"])


def _rule_groups(rules: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Consecutive rules of one table: same horizontal extent, no large vertical gap."""
    groups: list[list[dict[str, Any]]] = []
    last_top = 0.0  # the last rule of the current group, shorter ones included
    for rule in rules:
        if groups:
            last = groups[-1][-1]
            same_extent = abs(rule["x0"] - last["x0"]) < 3 and abs(rule["x1"] - last["x1"]) < 3
            if same_extent and rule["top"] - last_top < 120:
                if rule["top"] - last["top"] > 0.5:
                    groups[-1].append(rule)
                last_top = rule["top"]
                continue
            if not same_extent and rule["x0"] >= last["x0"] - 3 and rule["x1"] <= last["x1"] + 3 and rule["top"] - last_top < 120:
                last_top = rule["top"]  # a shorter rule inside a table: read with the table's columns
                continue
        groups.append([rule])
        last_top = rule["top"]
    return groups


def _column_gaps(words: list[dict[str, Any]], tops: list[float], x0: float, x1: float) -> list[float]:
    """x positions between columns: gaps of at least 4pt that no word crosses in the bands
    (rows) that hold a figure."""
    covered = [False] * (int(x1 - x0) + 2)
    for upper, lower in zip(tops, tops[1:]):
        band = [w for w in words if upper <= (w["top"] + w["bottom"]) / 2 <= lower]
        if not any(_NUMERIC_WORD.match(w["text"]) for w in band):
            continue  # header bands: their centred words span several columns
        for w in band:
            for x in range(int(w["x0"] - x0), int(w["x1"] - x0) + 1):
                if 0 <= x < len(covered):
                    covered[x] = True
    gaps: list[float] = []
    run_start: int | None = None
    for x, hit in enumerate(covered):
        if not hit and run_start is None:
            run_start = x
        elif hit and run_start is not None:
            if x - run_start >= 4 and run_start > 0:
                gaps.append(x0 + (run_start + x) / 2)
            run_start = None
    return gaps


_NUMERIC_WORD = re.compile(r"^-?[\d,，]+(?:\.\d+)?%?$|^[-—]$")
