"""The layout-level document every reader produces: text lines and raw table grids in
reading order, each with its location. Assembly (``assemble.py``) turns it into a Report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.model import BBox, Location, SourceFile


@dataclass
class RawCell:
    text: str
    location: Location = field(default_factory=Location)
    confidence: float | None = None  # OCR: the least sure digit's probability (None: text layer)
    digit_confidence: tuple[float, ...] | None = None  # OCR: one probability per printed digit
    indent: float | None = None  # where the text starts within the cell (pt; leading spaces in text input)


@dataclass
class RawTable:
    """A grid of cells as the reader saw it (merged cells give empty strings)."""

    rows: list[list[RawCell]]
    location: Location = field(default_factory=Location)
    pages: list[int] = field(default_factory=list)  # a grid joined from parts on several pages

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def texts(self) -> list[list[str]]:
        width = self.width
        return [[c.text for c in r] + [""] * (width - len(r)) for r in self.rows]


@dataclass
class TextLine:
    text: str
    location: Location = field(default_factory=Location)
    char_boxes: list[BBox | None] | None = None  # PDF: each character's box, aligned with ``text``
    # OCR: each character's recognition probability, aligned with ``text`` (None: text layer;
    # an entry is None for a character the recogniser did not read, such as a joining space)
    char_confidence: list[float | None] | None = None


Block = TextLine | RawTable


@dataclass
class Document:
    blocks: list[Block]
    source: str
    source_kind: str  # "pdf" / "text"
    page_count: int | None = None
    sha256: str = ""
    page_sizes: dict[int, tuple[float, float]] = field(default_factory=dict)
    files: list[SourceFile] = field(default_factory=list)  # set when merged from several files
    page_notes: dict[int, str] = field(default_factory=dict)  # pages not (fully) read, and why
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR


def union_bbox(boxes: list[BBox | None]) -> BBox | None:
    real = [b for b in boxes if b is not None]
    if not real:
        return None
    return (
        min(b[0] for b in real),
        min(b[1] for b in real),
        max(b[2] for b in real),
        max(b[3] for b in real),
    )
