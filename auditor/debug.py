"""A picture of what the reader saw (as pdfplumber's ``debug_tablefinder`` does): each PDF page
rendered with the recognised tables (kind and title), their header cells, every data row with
its code and level, the 目录 entries and the text lines drawn on it. A misread (a 目录 taken
for a table, a sentence broken in two, a row without its code) shows at a glance.

``auditor extract FILE --debug DIR`` writes ``DIR/page-NNN.png`` (one per page of a PDF; the
pages of several files are numbered across the files, as in the report).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from auditor.model import BBox, Report, TableKind

SCALE = 1.5  # pixels per PDF point
TABLE = (217, 48, 37)
HEADER = (30, 110, 220)
ROW = (20, 150, 80)
LINE = (150, 150, 150)
TOC = (160, 60, 200)
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)


def _font(size: int) -> Any:
    from PIL import ImageFont

    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def _box(box: BBox) -> tuple[float, float, float, float]:
    return (box[0] * SCALE, box[1] * SCALE, box[2] * SCALE, box[3] * SCALE)


def draw_debug(report: Report, out_dir: Path, max_pages: int = 500) -> list[Path]:
    """The debug images of a report's PDF pages; [] when no file of it is a PDF."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    sources = report.meta.files or []
    pdfs = [f for f in sources if f.kind == "pdf"]
    if not pdfs:
        return []
    out_dir.mkdir(parents=True, exist_ok=True)
    marks = _marks_by_page(report)
    small, label = _font(11), _font(13)
    written: list[Path] = []
    for source in pdfs:
        pdf = pdfium.PdfDocument(source.path)
        try:
            for index in range(min(len(pdf), max_pages)):
                page_number = source.first_page + index
                image = pdf[index].render(scale=SCALE).to_pil().convert("RGB")
                draw = ImageDraw.Draw(image)
                for colour, box, text, width in marks.get(page_number, []):
                    draw.rectangle(_box(box), outline=colour, width=width)
                    if text:
                        x, y = box[0] * SCALE, max(0.0, box[1] * SCALE - 14)
                        draw.text((x, y), text, fill=colour, font=label if colour == TABLE else small)
                path = out_dir / f"page-{page_number:03d}.png"
                image.save(path)
                written.append(path)
        finally:
            pdf.close()
    return written


Mark = tuple[tuple[int, int, int], BBox, str, int]


def _marks_by_page(report: Report) -> dict[int, list[Mark]]:
    marks: dict[int, list[Mark]] = {}

    def add(page: int | None, colour: tuple[int, int, int], box: BBox | None, text: str, width: int = 1) -> None:
        if page is not None and box is not None:
            marks.setdefault(page, []).append((colour, box, text, width))

    toc_ids = {id(e) for e in report.toc}
    for entry in report.toc:
        add(entry.location.page, TOC, entry.location.bbox, f"目录 {entry.number or '—'}")
    for line in report.lines:
        if id(line) not in toc_ids:
            add(line.location.page, LINE, line.location.bbox, "")
    for table in report.tables:
        kind = table.kind.value if table.kind is not TableKind.OTHER else "其他表"
        add(table.location.page, TABLE, table.location.bbox, f"{kind} {table.title[:24]}", 3)
        headers = {h for column in table.columns for h in column.header}
        for grid_row in table.grid[:6]:
            for cell in grid_row:
                if cell.text and cell.text in headers:
                    add(cell.location.page, HEADER, cell.location.bbox, "")
        for row in table.rows:
            level = {0: "合计", 1: "类", 2: "款", 3: "项"}.get(row.level, str(row.level))
            add(row.location.page, ROW, row.location.bbox, f"{row.code or '—'} {level}")
    return marks
