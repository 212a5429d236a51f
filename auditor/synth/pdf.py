"""Render a ``ReportSpec`` as a PDF with reportlab (platypus), in a named layout.

Layouts are the visual conventions of a region's reports. Implemented:

- ``hunan``: A4 portrait (a table turns landscape when it is wide), cover page, 目录 page,
  each part (第X部分) and each table on a new page; ruled grid tables (every line drawn, a
  merged cell drawn as one cell with no inner lines); the title centred above the table,
  "部门：…" and the "公开0X表" label on the line below it, "单位：万元" under the label; a
  table longer than a page continues on the next page with neither title nor header rows
  repeated; notes under the table; page numbers "- N -" at the foot of every page after the
  cover.

Planned (issue #4): a Shanghai-style layout (split 类/款/项 code columns, a two-up basic
expenditure table) and a layout without vertical rules. They will be ``Layout`` values with
different settings (``rules`` names which lines a grid draws), and content differences stay in
the spec.

The font is reportlab's built-in CID font STSong-Light (no font file is embedded or needed).
Output is deterministic: the document is written with ``invariant=1``, so the same spec and
layout give the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph

from auditor.synth.spec import SPAN_MARKERS, Heading, Paragraph, ReportSpec, TableSpec
from auditor.synth.spec import PageBreak as SpecPageBreak

CJK_FONT = "STSong-Light"

# Relative column widths by role when a table gives none.
_ROLE_WEIGHTS = {"code": 1.3, "label": 3.0, "line": 0.6, "amount": 1.1, "text": 2.0, "": 1.0}


@dataclass(frozen=True)
class Layout:
    """The visual conventions of one region's reports (sizes in PDF points)."""

    name: str
    page_size: tuple[float, float] = A4
    # top, right, bottom, left
    margins: tuple[float, float, float, float] = (72.0, 64.0, 72.0, 64.0)
    landscape_margins: tuple[float, float, float, float] = (56.0, 64.0, 56.0, 64.0)
    font: str = CJK_FONT
    body_size: float = 12.0
    body_leading: float = 22.0
    heading_sizes: tuple[float, float, float, float] = (18.0, 14.0, 12.0, 12.0)  # by level 0..3
    cover_sizes: tuple[float, ...] = (22.0, 26.0, 36.0)  # cover lines in order; the last repeats
    toc_size: float = 12.0
    table_title_size: float = 15.0
    table_font_size: float = 10.0
    table_padding: float = 4.0
    note_size: float = 10.0
    line_width: float = 0.6
    rules: str = "grid"  # which table lines to draw: "grid" = all, "horizontal", "three" (三线表), "none"
    repeat_header: bool = False  # header rows again at the top of a continuation page
    landscape_min_columns: int = 9  # "auto" orientation turns a table this wide to landscape
    part_starts_page: bool = True
    table_starts_page: bool = True
    page_numbers: bool = True


HUNAN = Layout(name="hunan")
# Shanghai-style reports: smaller table print, no page numbers.
SHANGHAI = Layout(name="shanghai", table_font_size=9.5, table_padding=3.5, page_numbers=False, body_size=12.5)
# A layout that stresses extraction: tables with horizontal rules only, large print so
# that long tables run over several pages.
PLAIN = Layout(name="plain", rules="horizontal", table_font_size=9.0, table_padding=7.0, landscape_min_columns=8)

LAYOUTS: dict[str, Layout] = {"hunan": HUNAN, "shanghai": SHANGHAI, "plain": PLAIN}
PLANNED_LAYOUTS: tuple[str, ...] = ()


def get_layout(layout: str | Layout) -> Layout:
    if isinstance(layout, Layout):
        return layout
    if layout in LAYOUTS:
        return LAYOUTS[layout]
    if layout in PLANNED_LAYOUTS:
        raise NotImplementedError(f"版式“{layout}”尚未实现（见 issue #4）；可用：{', '.join(LAYOUTS)}")
    raise ValueError(f"未知的版式“{layout}”；可用：{', '.join(LAYOUTS)}")


def register_fonts() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


# ---- public entry points -------------------------------------------------------------


def render_pdf(spec: ReportSpec, out: Path | str | IO[bytes], layout: str | Layout = "hunan") -> None:
    """Write the PDF of ``spec`` to a path or a binary file object."""
    data = pdf_bytes(spec, layout)
    if isinstance(out, (str, Path)):
        Path(out).write_bytes(data)
    else:
        out.write(data)


def pdf_bytes(spec: ReportSpec, layout: str | Layout = "hunan", encrypt: Any = None) -> bytes:
    """The PDF of ``spec`` as bytes; ``encrypt`` is reportlab's (a StandardEncryption or a user
    password), for the hostile-input corpus."""
    chosen = get_layout(layout)
    register_fonts()
    buffer = io.BytesIO()
    builder = _Builder(spec, chosen)
    flowables = builder.flowables()
    doc = _document(buffer, spec, chosen, first_template=builder.first_template)
    doc.encrypt = encrypt
    with _cjk_line_breaking():
        doc.build(flowables)
    return buffer.getvalue()


# Full-width punctuation that must not start a line; reportlab's list lacks these.
_EXTRA_CANNOT_START = "，：；！？”’》〉"


@contextmanager
def _cjk_line_breaking() -> Iterator[None]:
    """Keep full-width commas, colons... off the start of a line while building.

    reportlab's CJK wrapping (``textsplit.wordSplit`` for plain paragraphs,
    ``paragraph.cjkFragSplit`` for marked-up ones) reads the list as a module global; both
    are extended for the build and restored afterwards.
    """
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph as rl_paragraph

    modules = (textsplit, rl_paragraph)
    saved = [module.ALL_CANNOT_START for module in modules]
    try:
        for module, value in zip(modules, saved):
            module.ALL_CANNOT_START = value + "".join(ch for ch in _EXTRA_CANNOT_START if ch not in value)
        yield
    finally:
        for module, value in zip(modules, saved):
            module.ALL_CANNOT_START = value


# ---- document and page templates -----------------------------------------------------


def _frame(page: tuple[float, float], margins: tuple[float, float, float, float], name: str) -> Frame:
    top, right, bottom, left = margins
    return Frame(
        left,
        bottom,
        page[0] - left - right,
        page[1] - top - bottom,
        id=name,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )


def _document(buffer: IO[bytes], spec: ReportSpec, layout: Layout, first_template: str) -> BaseDocTemplate:
    """The document with its page templates; ``first_template`` is used for page 1."""
    portrait_size = layout.page_size
    landscape_size = landscape(layout.page_size)

    def page_number(canvas: Any, doc: Any) -> None:
        if not layout.page_numbers:
            return
        canvas.saveState()
        canvas.setFont(layout.font, 10.5)
        width = canvas._pagesize[0]
        bottom = (layout.margins if canvas._pagesize[0] < canvas._pagesize[1] else layout.landscape_margins)[2]
        canvas.drawCentredString(width / 2, bottom / 2, f"- {doc.page} -")
        canvas.restoreState()

    templates = [
        PageTemplate(id="cover", frames=[_frame(portrait_size, layout.margins, "cover")], pagesize=portrait_size),
        PageTemplate(
            id="portrait",
            frames=[_frame(portrait_size, layout.margins, "portrait")],
            pagesize=portrait_size,
            onPage=page_number,
        ),
        PageTemplate(
            id="landscape",
            frames=[_frame(landscape_size, layout.landscape_margins, "landscape")],
            pagesize=landscape_size,
            onPage=page_number,
        ),
    ]
    templates.sort(key=lambda t: t.id != first_template)  # page 1 uses the first template
    top, right, bottom, left = layout.margins
    return BaseDocTemplate(
        buffer,
        pagesize=portrait_size,
        pageTemplates=templates,
        leftMargin=left,
        rightMargin=right,
        topMargin=top,
        bottomMargin=bottom,
        title=spec.title,
        author=spec.author,
        subject=f"{spec.year}年度部门决算" if spec.year else "部门决算",
        creator="auditor.synth",
        invariant=1,
    )


# ---- styles --------------------------------------------------------------------------


def _style(layout: Layout, name: str, size: float, leading: float | None = None, **kwargs: Any) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=layout.font,
        fontSize=size,
        leading=leading if leading is not None else round(size * 1.35, 1),
        wordWrap="CJK",
        **kwargs,
    )


@dataclass
class _Styles:
    body: ParagraphStyle
    aligned: dict[str, ParagraphStyle]
    headings: list[ParagraphStyle]
    cover: list[ParagraphStyle]
    toc_title: ParagraphStyle
    toc: list[ParagraphStyle]
    table_title: ParagraphStyle
    note: ParagraphStyle


def _styles(layout: Layout) -> _Styles:
    size = layout.body_size
    indent = 2 * size
    body = _style(layout, "body", size, layout.body_leading, firstLineIndent=indent, alignment=TA_JUSTIFY, spaceAfter=6)
    aligned = {
        "body": body,
        "left": _style(layout, "left", size, layout.body_leading, alignment=TA_LEFT, spaceAfter=6),
        "center": _style(layout, "center", size + 2, layout.body_leading, alignment=TA_CENTER, spaceAfter=10),
        "right": _style(layout, "right", size, layout.body_leading, alignment=TA_RIGHT, spaceAfter=6),
    }
    headings = [
        _style(layout, "h0", layout.heading_sizes[0], alignment=TA_CENTER, spaceBefore=12, spaceAfter=24),
        _style(
            layout,
            "h1",
            layout.heading_sizes[1],
            layout.body_leading,
            firstLineIndent=indent,
            spaceBefore=8,
            spaceAfter=6,
        ),
        _style(
            layout,
            "h2",
            layout.heading_sizes[2],
            layout.body_leading,
            firstLineIndent=indent,
            spaceBefore=4,
            spaceAfter=6,
        ),
        _style(layout, "h3", layout.heading_sizes[3], layout.body_leading, firstLineIndent=indent, spaceAfter=6),
    ]
    cover = [
        _style(layout, f"cover{i}", s, alignment=TA_CENTER, spaceAfter=s * 1.2)
        for i, s in enumerate(layout.cover_sizes)
    ]
    return _Styles(
        body=body,
        aligned=aligned,
        headings=headings,
        cover=cover,
        toc_title=_style(layout, "toc_title", layout.heading_sizes[0], alignment=TA_CENTER, spaceAfter=24),
        toc=[
            _style(layout, "toc0", layout.toc_size, layout.toc_size * 1.6, alignment=TA_LEFT),
            _style(layout, "toc1", layout.toc_size, layout.toc_size * 1.6, leftIndent=2 * layout.toc_size),
        ],
        table_title=_style(layout, "table_title", layout.table_title_size, alignment=TA_CENTER, spaceAfter=6),
        note=_style(layout, "note", layout.note_size, alignment=TA_LEFT, spaceBefore=4),
    )


def _markup(text: str) -> str:
    """Paragraph markup for plain text: escape &, <, >."""
    return escape(text)


# ---- flowables -----------------------------------------------------------------------


class _LeftRightLine(Flowable):
    """One line of small print across the frame: text on the left, text on the right
    ("部门：…" / "公开01表", or just "单位：万元" on the right)."""

    def __init__(self, left: str, right: str, font: str, size: float, space_after: float = 2.0) -> None:
        super().__init__()
        self.left = left
        self.right = right
        self.font = font
        self.size = size
        self.space_after = space_after
        self.keepWithNext = 1
        self._width = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        self._width = availWidth
        return availWidth, self.size * 1.4 + self.space_after

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(self.font, self.size)
        baseline = self.space_after + self.size * 0.3
        if self.left:
            canvas.drawString(0, baseline, self.left)
        if self.right:
            canvas.drawRightString(self._width, baseline, self.right)


_PART_RE = re.compile(r"^第[一二三四五六七八九十]+部分")


class _Builder:
    """Turns the spec's blocks into platypus flowables, one page template at a time.

    A page break is deferred until content follows (so breaks never leave blank pages),
    and the template of the next page (portrait / landscape) is chosen when breaking.
    """

    def __init__(self, spec: ReportSpec, layout: Layout) -> None:
        self.spec = spec
        self.layout = layout
        self.styles = _styles(layout)
        self.items: list[Flowable] = []
        self.template = ""  # the template of the page being filled ("" before page 1)
        self.first_template = "portrait"
        self.pending_break: str | None = None  # break before the next content, to this template

    def page_break(self, template: str = "portrait") -> None:
        self.pending_break = template

    def add(self, flowable: Flowable, template: str | None = None) -> None:
        """Append a flowable; break first when a break is pending or ``template`` differs
        from the current page's."""
        target = template or self.pending_break or self.template or "portrait"
        if not self.items:  # page 1: no break, the document starts with this template
            self.first_template = self.template = target
            self.pending_break = None
        elif self.pending_break is not None or target != self.template:
            self.items.append(NextPageTemplate(target))
            self.items.append(PageBreak())
            self.template = target
            self.pending_break = None
        self.items.append(flowable)

    def flowables(self) -> list[Flowable]:
        self._cover()
        self._toc()
        for block in self.spec.blocks:
            if isinstance(block, SpecPageBreak):
                self.page_break(self.pending_break or "portrait")
            elif isinstance(block, Heading):
                self._heading(block)
            elif isinstance(block, Paragraph):
                self.add(RLParagraph(_markup(block.text), self.styles.aligned[block.align]))
            elif isinstance(block, TableSpec):
                self._table(block)
        return self.items

    def _cover(self) -> None:
        if not self.spec.cover:
            return
        self.first_template = self.template = "cover"
        self.items.append(Spacer(1, self.layout.page_size[1] * 0.18))
        for index, line in enumerate(self.spec.cover):
            style = self.styles.cover[min(index, len(self.styles.cover) - 1)]
            self.items.append(RLParagraph(_markup(line), style))
            self.items.append(Spacer(1, 18))
        self.page_break("portrait")

    def _toc(self) -> None:
        if not self.spec.toc:
            return
        self.add(RLParagraph(_markup(self.spec.toc_title), self.styles.toc_title), "portrait")
        for entry in self.spec.toc:
            style = self.styles.toc[0] if _PART_RE.match(entry) else self.styles.toc[1]
            self.add(RLParagraph(_markup(entry), style))
        self.page_break("portrait")

    def _heading(self, heading: Heading) -> None:
        level = max(0, min(heading.level, 3))
        if level == 0 and self.layout.part_starts_page:
            self.page_break("portrait")
        paragraph = RLParagraph(_markup(heading.text), self.styles.headings[level])
        paragraph.keepWithNext = 1
        self.add(paragraph)

    def _table(self, spec: TableSpec) -> None:
        orientation = _orientation(spec, self.layout)
        if self.layout.table_starts_page:
            self.page_break(orientation)
        frame_width = _frame_width(self.layout, orientation)
        if spec.pre_title:
            pre = RLParagraph(_markup(spec.pre_title), self.styles.aligned["left"])
            pre.keepWithNext = 1
            self.add(pre, orientation)
        title = RLParagraph(_markup(spec.title), self.styles.table_title)
        title.keepWithNext = 1
        self.add(title, orientation)
        small = self.layout.note_size
        department = f"部门：{spec.department}" if spec.department else ""
        if department or spec.label:
            self.add(_LeftRightLine(department, spec.label, self.layout.font, small, space_after=0))
        self.add(_LeftRightLine("", f"单位：{spec.unit}", self.layout.font, small, space_after=4))
        self.add(table_flowable(spec, self.layout, frame_width))
        for note in spec.notes:
            self.add(RLParagraph(_markup(note), self.styles.note))
        if orientation == "landscape":
            self.page_break("portrait")


def _orientation(spec: TableSpec, layout: Layout) -> str:
    if spec.orientation != "auto":
        return spec.orientation
    return "landscape" if spec.width >= layout.landscape_min_columns else "portrait"


def _frame_width(layout: Layout, orientation: str) -> float:
    if orientation == "landscape":
        page = landscape(layout.page_size)
        margins = layout.landscape_margins
    else:
        page = layout.page_size
        margins = layout.margins
    return page[0] - margins[1] - margins[3]


def column_widths(spec: TableSpec, total: float) -> list[float]:
    """Absolute column widths: the spec's relative widths, or weights by column role."""
    if spec.widths:
        weights = list(spec.widths)
    else:
        weights = [_ROLE_WEIGHTS.get(spec.role(c), 1.0) for c in range(spec.width)]
        for c in range(spec.width):
            if spec.role(c) == "amount":  # room for the longest figure: numbers never wrap
                longest = max((len(row[c]) for row in spec.rows if c < len(row)), default=0)
                weights[c] = max(weights[c], longest * 0.12)
    scale = total / sum(weights)
    return [w * scale for w in weights]


def table_flowable(spec: TableSpec, layout: Layout, frame_width: float) -> Table:
    """A platypus Table for the spec's grid: spans merged, lines per the layout's rules."""
    size = spec.font_size or layout.table_font_size
    leading = round(size * 1.25, 1)
    styles = {
        align: _style(layout, f"cell_{align}", size, leading, alignment=value)
        for align, value in (("left", TA_LEFT), ("center", TA_CENTER), ("right", TA_RIGHT))
    }
    header_rows = len(spec.header)
    spans = spec.spans()
    wide = {(s.row, s.col) for s in spans if s.colspan > 1}
    data: list[list[Any]] = []
    for r, row in enumerate(spec.grid):
        cells: list[Any] = []
        for c, text in enumerate(row):
            if text in SPAN_MARKERS or not text:
                cells.append("")
                continue
            if r < header_rows or (r, c) in wide:
                align = "center"
            else:
                align = {"amount": "right", "line": "center", "text": "center"}.get(spec.role(c), "left")
            cells.append(RLParagraph(_markup(text), styles[align]))
        data.append(cells)
    pad = layout.table_padding
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.9),
    ]
    if layout.rules == "grid":
        commands.append(("GRID", (0, 0), (-1, -1), layout.line_width, "black"))
    elif layout.rules == "horizontal":
        # no vertical rules: a line above the table, under the header and under every row
        commands.append(("LINEABOVE", (0, 0), (-1, 0), layout.line_width * 1.5, "black"))
        commands.append(("LINEBELOW", (0, 0), (-1, -1), layout.line_width, "black"))
    elif layout.rules == "three":
        # a three-line table: a heavy line above, a line under the header, a heavy line at the foot
        commands.append(("LINEABOVE", (0, 0), (-1, 0), layout.line_width * 1.5, "black"))
        commands.append(("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), layout.line_width, "black"))
        commands.append(("LINEBELOW", (0, -1), (-1, -1), layout.line_width * 1.5, "black"))
    elif layout.rules != "none":  # "none": no lines at all (a borderless table)
        raise ValueError(f"未知的表格线型“{layout.rules}”")
    for span in spans:
        commands.append(("SPAN", (span.col, span.row), (span.last_col, span.last_row)))
    table = Table(
        data,
        colWidths=column_widths(spec, frame_width),
        repeatRows=header_rows if layout.repeat_header else 0,
        hAlign="CENTER",
    )
    table.setStyle(TableStyle(commands))
    return table


__all__ = ["HUNAN", "LAYOUTS", "PLAIN", "SHANGHAI", "Layout", "get_layout", "pdf_bytes", "render_pdf", "table_flowable"]
