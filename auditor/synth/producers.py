"""Render a synthetic report through the producers real reports come from.

The reportlab renderer (``auditor.synth.pdf``) draws every character itself, in one font, on
one baseline. Published reports are made otherwise: typed in Word or WPS (a Chinese body font
and a Latin font for figures, whose glyphs sit a little differently), tables kept in Excel and
printed, pages saved from a web site and printed by a browser. This module writes the same
``ReportSpec`` as

- ``docx``: a Word document written with python-docx as Word writes one (East Asian font for
  the text, a Latin font for runs of figures, Word tables with merged header cells, page
  numbers in the footer), converted to PDF by LibreOffice headless;
- ``xlsx``: the tables as a workbook (one sheet per table: title row, 单位 row, merged header
  rows, figures as numbers printed with ``#,##0.00``) converted by LibreOffice Calc, with the
  narrative from the ``docx`` producer around it;
- ``html``: a saved web page (paragraphs and ``<table>``\\ s) printed by headless Chromium with
  the browser's own header and footer;
- ``reportlab``: the existing renderer;
- ``txt``: the report as text with tab-separated tables (``auditor.synth.text``) opened in
  LibreOffice Writer and printed: cells on Writer's default tab stops, with no ruling lines.

Each producer takes a ``Variant``: a 目录 with dot leaders and page numbers, the tables in a
separate file (PDF, and XLSX for ``xlsx``), codes in one column or split over 类/款/项
columns (类/款 cells left blank under the row that printed them), every table on a landscape
page, header rows repeated on continued pages, amounts in 元, tables running on without page
breaks, tables printed with no ruling lines (``borderless``). The ground truth is the spec itself (``build_spec`` is deterministic in seed, variant
and planted kind); ``cell_round_trip`` and ``reference_claims`` compare a reading with it.

LibreOffice is slow to start: ``render_many`` writes every source file first, then converts
them in two ``soffice`` runs. Nothing here is used at audit time; python-docx is in the
``producers`` extra (part of ``dev``).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from auditor.synth.compose import cn, compose
from auditor.synth.figures import generate
from auditor.synth.mutate import Plant, plant
from auditor.synth.spec import SPAN_MARKERS, Heading, PageBreak, Paragraph, ReportSpec, Span, TableSpec
from auditor.synth.text import render_text

PRODUCERS = ("reportlab", "docx", "xlsx", "html", "txt")
NINE = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9")

# Debian's Chromium, headless, offline (tests and the UI bench use this list too)
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

# Word's habit: a Chinese font for the text, a Latin font for figures (fontconfig maps Times
# New Roman to Liberation Serif, metric-compatible)
BODY_CJK = "Noto Serif CJK SC"
HEADING_CJK = "Noto Sans CJK SC"
LATIN = "Times New Roman"
# Word's and WPS's PDFs give the Latin figures boxes whose top sits lower than the Chinese
# text's (the fonts' descents differ); LibreOffice writes both on one top, so the figure runs
# are lowered (w:position, in half-points) to give the PDF the same offset.
FIGURE_DROP = 7
_FIGURE_RE = re.compile(r"[0-9][0-9,.]*%?")


@dataclass(frozen=True)
class Variant:
    """How a report is laid out beyond its producer; every field combines with the others."""

    toc_pages: bool = False  # a 目录 with dot leaders and page numbers (else titles only)
    split: bool = False  # the tables in a separate file from the narrative
    codes: str = "one"  # "one" code column, or "three" (类 / 款 / 项; blank cells carried down)
    landscape: bool = False  # every one of the nine tables on a landscape page
    repeat_header: bool = False  # header rows again on a continued table's next page
    yuan: bool = False  # amounts in 元 (单位：元) instead of 万元
    flow: bool = False  # tables follow one another without page breaks (a title may end a page)
    borderless: bool = False  # tables printed with no ruling lines (Word borders off, CSS border: none)

    @property
    def name(self) -> str:
        parts = [p for p, on in (("toc", self.toc_pages), ("split", self.split), ("codes3", self.codes == "three"),
                                 ("landscape", self.landscape), ("repeat", self.repeat_header), ("yuan", self.yuan),
                                 ("flow", self.flow), ("borderless", self.borderless)) if on]
        return "+".join(parts) or "base"

    @classmethod
    def parse(cls, name: str) -> Variant:
        parts = set() if name == "base" else set(name.split("+"))
        unknown = parts - {"toc", "split", "codes3", "landscape", "repeat", "yuan", "flow", "borderless"}
        if unknown:
            raise ValueError(f"未知的变体：{sorted(unknown)}")
        return cls(toc_pages="toc" in parts, split="split" in parts, codes="three" if "codes3" in parts else "one",
                   landscape="landscape" in parts, repeat_header="repeat" in parts, yuan="yuan" in parts,
                   flow="flow" in parts, borderless="borderless" in parts)


@dataclass
class Rendered:
    """A rendered report: the files to read (one, or narrative then tables), the spec it was
    made from (the ground truth) and the planted slip, if any."""

    producer: str
    variant: Variant
    seed: int
    files: list[Path]
    spec: ReportSpec
    planted: Plant | None = None
    extra: list[Path] = field(default_factory=list)  # also written: the .xlsx / .html sources


# ---- the spec of a variant ----------------------------------------------------------------


def build_spec(seed: int, variant: Variant, kind: str | None = None) -> tuple[ReportSpec, Plant | None]:
    """The report of ``seed`` as ``variant`` prints it, with ``kind`` planted (None when the
    slip does not apply to this report)."""
    data = generate(seed, "exact")
    spec, anchors = compose(data, "shanghai" if variant.codes == "three" else "hunan")
    planted: Plant | None = None
    if kind is not None:
        result = plant(kind, spec, anchors, data, seed)
        if result is None:
            return spec, None
        spec, planted = result
    blocks = []
    for block in spec.blocks:
        if isinstance(block, TableSpec) and block.kind in NINE:
            if variant.yuan and block.unit == "万元":
                block = to_yuan(block)
            if variant.landscape:
                block = replace(block, orientation="landscape")
        blocks.append(block)
    spec = replace(spec, blocks=tuple(blocks))
    if variant.toc_pages:
        spec = replace(spec, toc=tuple(f"{entry}\t{page}" for entry, page in toc_pages(spec)))
    return spec, planted


def printed(spec: ReportSpec, variant: Variant) -> ReportSpec:
    """The spec as the variant prints it: with codes in three columns, a 类 (款) cell is left
    blank under the row that printed it (the code is carried down, as many reports print
    类/款/项). The ground truth stays the spec with every part of every code."""
    if variant.codes != "three":
        return spec
    return replace(spec, blocks=tuple(carry_down(b) if isinstance(b, TableSpec) else b for b in spec.blocks))


def carry_down(table: TableSpec) -> TableSpec:
    runs: list[list[int]] = []
    for c in range(table.width):
        if table.role(c) == "code":
            if runs and runs[-1][-1] == c - 1:
                runs[-1].append(c)
            else:
                runs.append([c])
    runs = [r for r in runs if len(r) >= 2]
    if not runs:
        return table
    rows = [list(r) for r in table.rows]
    for run in runs:
        previous: list[str] = []
        for row, original in zip(rows, table.rows):
            parts = [original[c] for c in run]
            if not all(p.isdigit() or not p for p in parts) or not parts[0]:
                previous = []
                continue
            for k, c in enumerate(run[:-1]):
                deeper = any(parts[k + 1:])
                if deeper and previous[: k + 1] == parts[: k + 1]:
                    row[c] = ""
            previous = parts
    return replace(table, rows=tuple(tuple(r) for r in rows))


def to_yuan(table: TableSpec) -> TableSpec:
    """The table with its amounts in 元 (×10000, thousands separators), as 元 tables print."""
    rows = []
    for row in table.rows:
        cells = []
        for c, text in enumerate(row):
            if table.role(c) == "amount" and text not in SPAN_MARKERS and text.strip():
                try:
                    value = Decimal(text.replace(",", "")) * 10000
                    text = f"{value:,.2f}"
                except ArithmeticError:
                    pass
            cells.append(text)
        rows.append(tuple(cells))
    return replace(table, rows=tuple(rows), unit="元")


def toc_pages(spec: ReportSpec) -> list[tuple[str, int]]:
    """目录 entries with plausible page numbers (cover 1, 目录 2, a page per part heading and
    per table, two per narrative part)."""
    page = 3
    out = []
    tables = iter(spec.tables())
    for entry in spec.toc:
        out.append((entry, page))
        if entry.startswith("第") and "部分" in entry[:5]:
            page += 1 if "决算表" not in entry else 0
        elif re.match(f"^[{''.join(cn(n) for n in range(1, 10))}]、", entry):
            table = next(tables, None)
            page += 1 + (len(table.rows) // 30 if table is not None else 0)
    return out


def narrative_blocks(spec: ReportSpec) -> tuple[list[object], list[object], list[object]]:
    """(blocks before the nine tables, the nine tables, blocks after them)."""
    before: list[object] = []
    tables: list[object] = []
    after: list[object] = []
    for block in spec.blocks:
        if isinstance(block, TableSpec) and block.kind in NINE:
            tables.append(block)
        elif tables:
            after.append(block)
        else:
            before.append(block)
    return before, tables, after


def orientation(table: TableSpec) -> str:
    if table.orientation != "auto":
        return table.orientation
    return "landscape" if table.width >= 9 else "portrait"


# ---- DOCX (python-docx), as Word writes it ------------------------------------------------


def _set_fonts(run: object, latin: str, east_asia: str) -> None:
    from docx.oxml.ns import qn

    rpr = run._element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), name)


def _runs(paragraph: object, text: str, size: float, east_asia: str = BODY_CJK, bold: bool = False) -> None:
    """Text as Word stores it: Chinese in the East Asian font, each figure a run in the Latin font."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    pos = 0
    pieces: list[tuple[str, bool]] = []
    for match in _FIGURE_RE.finditer(text):
        if match.start() > pos:
            pieces.append((text[pos:match.start()], False))
        pieces.append((match.group(), True))
        pos = match.end()
    if pos < len(text):
        pieces.append((text[pos:], False))
    for piece, figure in pieces:
        run = paragraph.add_run(piece)  # type: ignore[attr-defined]
        run.font.size = Pt(size)
        run.font.bold = bold
        if figure:
            _set_fonts(run, LATIN, LATIN)
            if FIGURE_DROP:
                position = run._element.get_or_add_rPr().makeelement(qn("w:position"), {qn("w:val"): str(-FIGURE_DROP)})
                run._element.get_or_add_rPr().append(position)
        else:
            _set_fonts(run, LATIN, east_asia)


def _page_number_footer(section: object) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    footer = section.footer  # type: ignore[attr-defined]
    paragraph = footer.paragraphs[0]
    paragraph.alignment = 1
    paragraph.add_run("- ")
    paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    paragraph.add_run(" -")


def _set_orientation(section: object, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    short, long_ = Cm(21.0), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)  # type: ignore[attr-defined]
    margin = Cm(2.0) if landscape else Cm(2.54)
    section.left_margin = section.right_margin = margin  # type: ignore[attr-defined]
    section.top_margin = section.bottom_margin = Cm(2.2)  # type: ignore[attr-defined]


def docx_document(blocks: Sequence[object], spec: ReportSpec, variant: Variant, cover: bool = True, toc: bool = True) -> object:
    """A python-docx Document of ``blocks`` (with the cover and 目录 when asked)."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    _set_orientation(section, False)
    _page_number_footer(section)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(14)
    current = {"landscape": False, "started": False}

    def para(text: str, size: float = 14, align: Any = None, indent: bool = False, bold: bool = False,
             east_asia: str = BODY_CJK) -> object:
        p = doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        p.paragraph_format.line_spacing = Pt(size * 1.6)
        p.paragraph_format.space_after = Pt(0)
        _runs(p, text, size, east_asia, bold)
        current["started"] = True
        return p

    def new_page(landscape: bool) -> None:
        if not current["started"]:
            return
        if landscape != current["landscape"]:
            new = doc.add_section(WD_SECTION.NEW_PAGE)
            _set_orientation(new, landscape)
            current["landscape"] = landscape
        else:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    if cover and spec.cover:
        for _ in range(6):
            doc.add_paragraph()
        for index, line in enumerate(spec.cover):
            para(line, (22, 26, 36)[min(index, 2)], WD_ALIGN_PARAGRAPH.CENTER, bold=True, east_asia=HEADING_CJK)
    if toc and spec.toc:
        new_page(False)
        para(spec.toc_title, 18, WD_ALIGN_PARAGRAPH.CENTER, bold=True, east_asia=HEADING_CJK)
        for entry in spec.toc:
            p = para(entry, 14)
            if "\t" in entry:  # a right tab with a dot leader, as Word's TOC field writes it
                p.paragraph_format.tab_stops.add_tab_stop(Cm(15.9), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)  # type: ignore[attr-defined]
            if not entry.startswith("第"):
                p.paragraph_format.left_indent = Pt(28)  # type: ignore[attr-defined]
    for block in blocks:
        if isinstance(block, PageBreak):
            new_page(current["landscape"])
        elif isinstance(block, Heading):
            if block.level == 0:
                new_page(False)
                para(block.text, 18, WD_ALIGN_PARAGRAPH.CENTER, bold=True, east_asia=HEADING_CJK)
            else:
                para(block.text, 14, indent=True, bold=block.level == 1, east_asia=HEADING_CJK)
        elif isinstance(block, Paragraph):
            align = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}.get(block.align)
            para(block.text, 14, align, indent=block.align == "body")
        elif isinstance(block, TableSpec):
            landscape = orientation(block) == "landscape"
            if not variant.flow or landscape != current["landscape"]:
                new_page(landscape)
            _docx_table(doc, block, variant, landscape)
            current["started"] = True
    return doc


def _docx_table(doc: object, table: TableSpec, variant: Variant, landscape: bool) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    width_cm = 25.7 if landscape else 15.9
    if table.pre_title:
        p = doc.add_paragraph()  # type: ignore[attr-defined]
        _runs(p, table.pre_title, 12)
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _runs(p, table.title, 16, HEADING_CJK, bold=True)
    if table.department or table.label:
        p = doc.add_paragraph()  # type: ignore[attr-defined]
        p.paragraph_format.tab_stops.add_tab_stop(Cm(width_cm), WD_TAB_ALIGNMENT.RIGHT)
        _runs(p, (f"部门：{table.department}" if table.department else "") + "\t" + table.label, 10.5)
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _runs(p, f"单位：{table.unit}", 10.5)
    grid = table.grid
    out = doc.add_table(rows=len(grid), cols=table.width)  # type: ignore[attr-defined]
    if not variant.borderless:
        out.style = "Table Grid"  # else the document's plain table style: no borders
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    weights = _weights(table)
    scale = width_cm / sum(weights)
    size = 9.0 if table.width >= 9 else 10.5
    for span in table.spans():
        out.cell(span.row, span.col).merge(out.cell(span.last_row, span.last_col))
    for r, row in enumerate(grid):
        tr = out.rows[r]._tr
        if r < len(table.header) and variant.repeat_header:
            trpr = tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            trpr.append(header)
        for c, text in enumerate(row):
            cell = out.cell(r, c)
            cell.width = Cm(weights[c] * scale)
            if text in SPAN_MARKERS or not text:
                continue
            paragraph = cell.paragraphs[0]
            if r < len(table.header):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif table.role(c) == "amount":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif table.role(c) in ("line", "text"):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _runs(paragraph, text, size)
    for note in table.notes:
        p = doc.add_paragraph()  # type: ignore[attr-defined]
        _runs(p, note, 10.5)


_ROLE_WEIGHTS = {"code": 1.3, "label": 3.0, "line": 0.6, "amount": 1.1, "text": 2.0, "": 1.0}


def _weights(table: TableSpec) -> list[float]:
    if table.widths:
        return list(table.widths)
    weights = [_ROLE_WEIGHTS.get(table.role(c), 1.0) for c in range(table.width)]
    for c in range(table.width):
        if table.role(c) == "amount":
            longest = max((len(row[c]) for row in table.rows), default=0)
            weights[c] = max(weights[c], longest * 0.12)
        if table.role(c) == "code" and table.width > 1 and table.roles.count("code") >= 3:
            weights[c] = 0.6
    return weights


# ---- XLSX (openpyxl), as a department keeps its tables ------------------------------------


def _sheet_name(table: TableSpec, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", table.label or table.title)[:28] or table.kind
    base, n = name, 2
    while name in used:
        name = f"{base[:26]}{n}"
        n += 1
    used.add(name)
    return name


def _single(row: int, col: int) -> Span:
    return Span(row, col, 1, 1)


def _text_width(text: str) -> int:
    """Width in Excel character units (a Chinese character counts two)."""
    return int(sum(1.8 if ord(ch) > 0x2E80 else 1 for ch in text) + 0.5)


def write_xlsx(tables: Iterable[TableSpec], path: Path, variant: Variant) -> None:
    """One sheet per table: title, 部门 / label, 单位, merged header rows, data (figures as
    numbers), notes; printed on A4, fitted to the page width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_name(table, used))
        width = table.width
        sheet.cell(1, 1, table.title).font = Font(name="宋体", size=16, bold=True)
        sheet.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        row = 2
        if table.department or table.label:
            if table.department:
                sheet.cell(row, 1, f"部门：{table.department}").font = Font(name="宋体", size=10)
            if table.label:
                sheet.cell(row, width, table.label).font = Font(name="宋体", size=10)
                sheet.cell(row, width).alignment = Alignment(horizontal="right")
            row += 1
        sheet.cell(row, width, f"单位：{table.unit}").font = Font(name="宋体", size=10)
        sheet.cell(row, width).alignment = Alignment(horizontal="right")
        row += 1
        first = row
        for r, cells in enumerate(table.grid):
            for c, text in enumerate(cells):
                cell = sheet.cell(first + r, c + 1)
                cell.border = border if not variant.borderless else Border()
                header = r < len(table.header)
                cell.font = Font(name="宋体", size=10, bold=header)
                if text in SPAN_MARKERS or not text:
                    continue
                if not header and table.role(c) == "amount":
                    try:
                        cell.value = float(Decimal(text.replace(",", "")))
                        cell.number_format = "#,##0.00"
                        cell.font = Font(name="Times New Roman", size=10)
                        cell.alignment = Alignment(horizontal="right", vertical="center")
                        continue
                    except ArithmeticError:
                        pass
                cell.value = text
                cell.alignment = Alignment(horizontal="center" if header or table.role(c) in ("line", "text") else "left",
                                           vertical="center", wrap_text=header)
        for span in table.spans():
            sheet.merge_cells(start_row=first + span.row, start_column=span.col + 1,
                              end_row=first + span.last_row, end_column=span.last_col + 1)
        widths = [max(4.0, weight * 9) for weight in _weights(table)]
        for r in range(len(table.header)):  # a header row as tall as its most wrapped cell, as a clerk sets it
            lines = 1
            for span in table.spans() + [_single(r, c) for c in range(width)]:
                if span.row != r or table.grid[r][span.col] in SPAN_MARKERS or span.rowspan > 1:
                    continue
                text = table.grid[r][span.col]
                room = sum(widths[span.col:span.last_col + 1])
                lines = max(lines, -(-_text_width(text) // max(1, int(room - 1))))
            if lines > 1:
                sheet.row_dimensions[first + r].height = 14.0 * lines + 2
        last = first + len(table.grid) - 1
        for n, note in enumerate(table.notes):
            sheet.cell(last + 1 + n, 1, note).font = Font(name="宋体", size=10)
        for c, column_width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(c + 1)].width = column_width
        setup = sheet.page_setup
        setup.paperSize = sheet.PAPERSIZE_A4
        setup.orientation = "landscape" if orientation(table) == "landscape" else "portrait"
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_options.horizontalCentered = True
        if variant.repeat_header and table.header:
            sheet.print_title_rows = f"{first}:{first + len(table.header) - 1}"
        sheet.oddFooter.center.text = "第 &P 页"
    book.save(path)


# ---- HTML, a saved web page ---------------------------------------------------------------

_HTML_STYLE = """
@page { size: A4 portrait; margin: 18mm 16mm; }
@page wide { size: A4 landscape; margin: 14mm 14mm; }
body { font-family: "Times New Roman", "SimSun", "Noto Serif CJK SC", serif; font-size: 15px; line-height: 1.8; }
h1, h2, h3, h4 { font-family: "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
h1 { font-size: 22px; text-align: center; }
h2 { font-size: 17px; } h3, h4 { font-size: 15px; }
p.body { text-indent: 2em; margin: 0.2em 0; }
.cover { text-align: center; font-size: 30px; font-weight: bold; padding-top: 40mm; }
.toc p { margin: 0.1em 0; }
.tbl { break-before: page; }
.tbl.wide { page: wide; }
.tbl.flow { break-before: auto; margin-top: 2em; }
.tbl .title { text-align: center; font-size: 19px; font-weight: bold; margin: 0.3em 0; }
.tbl .meta { display: flex; justify-content: space-between; font-size: 13px; }
.tbl table { border-collapse: collapse; width: 100%; font-size: 12px; line-height: 1.35; }
.tbl td, .tbl th { border: 1px solid #000; padding: 2px 4px; }
.tbl th { font-weight: normal; text-align: center; }
.tbl.nb td, .tbl.nb th { border: none; }
td.amount { text-align: right; }
td.mid { text-align: center; }
.part { break-before: page; }
"""


def html_page(blocks: Sequence[object], spec: ReportSpec, variant: Variant, cover: bool = True, toc: bool = True) -> str:
    e = html.escape
    out = [f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{e(spec.title)}</title>"
           f"<style>{_HTML_STYLE}</style></head><body>"]
    if cover and spec.cover:
        out.append("<div class=\"cover\">" + "<br>".join(e(x) for x in spec.cover) + "</div>")
    if toc and spec.toc:
        out.append(f"<div class=\"toc part\"><h1>{e(spec.toc_title)}</h1>")
        for entry in spec.toc:
            if "\t" in entry:
                title, page = entry.split("\t")
                dots = "." * max(6, 70 - 2 * len(title))
                out.append(f"<p>{e(title)}{dots}{e(page)}</p>")
            else:
                out.append(f"<p>{e(entry)}</p>")
        out.append("</div>")
    for block in blocks:
        if isinstance(block, Heading):
            tag = f"h{block.level + 1}"
            cls = " class=\"part\"" if block.level == 0 else ""
            out.append(f"<{tag}{cls}>{e(block.text)}</{tag}>")
        elif isinstance(block, Paragraph):
            out.append(f"<p class=\"{'body' if block.align == 'body' else ''}\" style=\"text-align:"
                       f"{ {'center': 'center', 'right': 'right'}.get(block.align, 'justify')}\">{e(block.text)}</p>")
        elif isinstance(block, TableSpec):
            out.append(_html_table(block, variant))
    out.append("</body></html>")
    return "\n".join(out)


def _html_table(table: TableSpec, variant: Variant) -> str:
    e = html.escape
    wide = " wide" if orientation(table) == "landscape" else ""
    flow = (" flow" if variant.flow else "") + (" nb" if variant.borderless else "")
    parts = [f"<div class=\"tbl{wide}{flow}\">"]
    if table.pre_title:
        parts.append(f"<p>{e(table.pre_title)}</p>")
    parts.append(f"<p class=\"title\">{e(table.title)}</p>")
    left = f"部门：{table.department}" if table.department else ""
    parts.append(f"<div class=\"meta\"><span>{e(left)}</span><span>{e(table.label)}</span></div>")
    parts.append(f"<div class=\"meta\"><span></span><span>单位：{e(table.unit)}</span></div>")
    parts.append("<table>")
    spans = {(s.row, s.col): s for s in table.spans()}
    header = len(table.header)
    for r, row in enumerate(table.grid):
        if r == 0 and header:
            parts.append("<thead>" if variant.repeat_header else "<tbody>")
        if r == header:
            parts.append(("</thead>" if variant.repeat_header else "") + ("<tbody>" if variant.repeat_header or not header else ""))
        cells = []
        for c, text in enumerate(row):
            if text in SPAN_MARKERS:
                continue
            span = spans.get((r, c))
            attrs = ""
            if span is not None:
                attrs += f" rowspan=\"{span.rowspan}\"" if span.rowspan > 1 else ""
                attrs += f" colspan=\"{span.colspan}\"" if span.colspan > 1 else ""
            if r < header:
                cells.append(f"<th{attrs}>{e(text)}</th>")
            else:
                role = table.role(c)
                cls = " class=\"amount\"" if role == "amount" else (" class=\"mid\"" if role in ("line", "text") else "")
                cells.append(f"<td{attrs}{cls}>{e(text)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    for note in table.notes:
        parts.append(f"<p style=\"font-size:13px\">{e(note)}</p>")
    parts.append("</div>")
    return "".join(parts)


# ---- ground truth: what a reading should give back --------------------------------------

_TIEABLE = ("amount", "outturn", "budget", "share", "growth", "completion")
_LEVEL_BY_LENGTH = {3: 1, 5: 2, 7: 3}


def cell_round_trip(report: Any, spec: ReportSpec) -> tuple[int, int, list[str], int, int, list[str]]:
    """Every figure of the nine tables looked up in its row (by code, else label) of the read
    table: (found, total, misses, coded rows with the code's level, coded rows, level misses)."""
    from auditor.codes import compact
    from auditor.model import TableKind
    from auditor.numbers import try_parse_amount

    found = total = 0
    misses: list[str] = []
    for table_spec in spec.tables():
        if table_spec.kind == "OTHER":
            continue
        table = report.table(TableKind(table_spec.kind))
        for figure in table_spec.figures():
            amount = try_parse_amount(figure.text, table_spec.unit)
            if amount is None:
                continue
            total += 1
            if table is None:
                misses.append(f"{table_spec.kind} 缺失")
                continue
            key = figure.code or compact(figure.label)
            rows = [r for r in table.rows if (r.code == figure.code if figure.code else compact(r.label) == key)]
            if not key:
                rows = table.rows
            values = [c.value for r in rows for c in r.cells.values() if c.value is not None]
            if any(v == amount.value for v in values):
                found += 1
            else:
                misses.append(f"{table_spec.kind} {key} {figure.text}")
    level_ok = level_total = 0
    level_misses: list[str] = []
    for table in report.tables:
        for row in table.rows:
            if row.code.isdigit() and len(row.code) in _LEVEL_BY_LENGTH:
                level_total += 1
                if row.level == _LEVEL_BY_LENGTH[len(row.code)]:
                    level_ok += 1
                else:
                    level_misses.append(f"{table.kind.value} {row.code} 级次 {row.level}")
    return found, total, misses, level_ok, level_total, level_misses


def claim_keys(report: Any) -> Counter[tuple[str, ...]]:
    """Tieable claims as (kind, value, table, row code or label, column)."""
    from auditor.codes import compact

    keys: Counter[tuple[str, ...]] = Counter()
    for claim in report.claims:
        if claim.kind not in _TIEABLE or claim.value is None:
            continue
        target = claim.target
        where = ("", "", "") if target is None else (target.table.value, target.row_code or compact(target.row_label), target.column)
        keys[(claim.kind, str(claim.value), *where)] += 1
    return keys


def reference_claims(spec: ReportSpec) -> Counter[tuple[str, ...]]:
    """The claims of the spec's text rendering (the project's text reader): the ground truth
    for what a PDF reading should give."""
    from auditor.ingest import load_report

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.txt"
        path.write_text(render_text(spec), encoding="utf-8")
        return claim_keys(load_report(path))


# ---- producers on the machine ---------------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def available() -> dict[str, str]:
    """Producer -> why it cannot run here ('' when it can)."""
    lo = "" if soffice() else "未安装 LibreOffice（Debian：libreoffice-writer-nogui libreoffice-calc-nogui）"
    return {"reportlab": "", "docx": lo, "xlsx": lo, "html": "" if chromium() else "未安装 Chromium（Debian：chromium）",
            "txt": lo}


def convert_office(sources: Sequence[Path], outdir: Path, timeout: float = 1200, workers: int = 2) -> None:
    """Convert .docx / .xlsx files to PDF with LibreOffice: ``workers`` soffice processes, each
    converting its share in one run with its own profile (so that it never meets another
    soffice on the machine)."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("未安装 LibreOffice")
    if not sources:
        return
    shares = [list(sources[i::workers]) for i in range(max(1, workers)) if sources[i::workers]]
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profiles:
        running = []
        for n, share in enumerate(shares):
            profile = Path(profiles) / str(n)
            running.append(subprocess.Popen([binary, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                                             "--convert-to", "pdf", "--outdir", str(outdir), *map(str, share)],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        try:
            for process in running:
                process.wait(timeout=timeout)
        finally:
            for process in running:
                if process.poll() is None:
                    process.kill()
    missing = [s for s in sources if not (outdir / (s.stem + ".pdf")).exists()]
    if missing:
        raise RuntimeError(f"LibreOffice 未生成：{', '.join(m.name for m in missing)}")


def print_html(source: Path, out: Path, timeout: float = 120) -> None:
    """Print a web page to PDF with headless Chromium, with its header and footer (title,
    date, address, page x/y) as a user's print has them."""
    binary = chromium()
    if binary is None:
        raise RuntimeError("未安装 Chromium")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        subprocess.run([binary, "--headless", *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                        f"--print-to-pdf={out}", source.resolve().as_uri()],
                       check=True, capture_output=True, timeout=timeout)
    if not out.exists():
        raise RuntimeError(f"Chromium 未生成 {out.name}")


def merge_pdfs(parts: Sequence[Path], out: Path) -> None:
    import pypdfium2 as pdfium

    merged = pdfium.PdfDocument.new()
    for part in parts:
        src = pdfium.PdfDocument(str(part))
        merged.import_pages(src)
        src.close()
    merged.save(str(out))
    merged.close()


# ---- the batch ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    producer: str
    variant: Variant
    seed: int
    kind: str | None = None

    @property
    def stem(self) -> str:
        return f"{self.producer}_{self.variant.name.replace('+', '-')}_{self.seed:03d}_{self.kind or 'clean'}"


def render_many(jobs: Iterable[Job], out: Path) -> list[Rendered]:
    """Render every job into ``out``: write the sources, convert all office files in one
    LibreOffice call, print the web pages, then join the parts. A job whose planted kind does
    not apply is left out."""
    from auditor.synth.pdf import HUNAN, pdf_bytes

    out.mkdir(parents=True, exist_ok=True)
    src = out / "src"
    src.mkdir(exist_ok=True)
    office: list[Path] = []
    pages: list[tuple[Path, Path]] = []
    joins: list[tuple[list[Path], Path]] = []
    done: list[Rendered] = []
    for job in jobs:
        spec, planted = build_spec(job.seed, job.variant, job.kind)
        if job.kind is not None and planted is None:
            continue
        shown = printed(spec, job.variant)
        before, tables, after = narrative_blocks(shown)
        stem = job.stem
        v = job.variant
        nine = [t for t in tables if isinstance(t, TableSpec)]
        rendered = Rendered(job.producer, v, job.seed, [], spec, planted)
        if job.producer == "reportlab":
            layout = replace(HUNAN, name="hunan-variant", repeat_header=v.repeat_header, table_starts_page=not v.flow,
                             rules="none" if v.borderless else "grid")
            if v.split:
                narrative = replace(spec, blocks=tuple(before + after))  # type: ignore[arg-type]
                tables_only = replace(spec, cover=(), toc=(), blocks=tuple(tables))  # type: ignore[arg-type]
                (out / f"{stem}_narrative.pdf").write_bytes(pdf_bytes(narrative, layout))
                (out / f"{stem}_tables.pdf").write_bytes(pdf_bytes(tables_only, layout))
                rendered.files = [out / f"{stem}_narrative.pdf", out / f"{stem}_tables.pdf"]
            else:
                (out / f"{stem}.pdf").write_bytes(pdf_bytes(shown, layout))
                rendered.files = [out / f"{stem}.pdf"]
        elif job.producer == "docx":
            if v.split:
                docx_document(before + after, spec, v).save(src / f"{stem}_narrative.docx")  # type: ignore[attr-defined]
                docx_document(tables, spec, v, cover=False, toc=False).save(src / f"{stem}_tables.docx")  # type: ignore[attr-defined]
                office += [src / f"{stem}_narrative.docx", src / f"{stem}_tables.docx"]
                rendered.files = [out / f"{stem}_narrative.pdf", out / f"{stem}_tables.pdf"]
            else:
                docx_document(list(shown.blocks), shown, v).save(src / f"{stem}.docx")  # type: ignore[attr-defined]
                office.append(src / f"{stem}.docx")
                rendered.files = [out / f"{stem}.pdf"]
        elif job.producer == "xlsx":
            write_xlsx(nine, src / f"{stem}_tables.xlsx", v)
            office.append(src / f"{stem}_tables.xlsx")
            rendered.extra.append(src / f"{stem}_tables.xlsx")
            if v.split:
                docx_document(before + after, spec, v).save(src / f"{stem}_narrative.docx")  # type: ignore[attr-defined]
                office.append(src / f"{stem}_narrative.docx")
                rendered.files = [out / f"{stem}_narrative.pdf", out / f"{stem}_tables.pdf"]
            else:
                # one file: the narrative's first part, the printed workbook, the rest
                docx_document(before, spec, v).save(src / f"{stem}_a.docx")  # type: ignore[attr-defined]
                docx_document(after, spec, v, cover=False, toc=False).save(src / f"{stem}_b.docx")  # type: ignore[attr-defined]
                office += [src / f"{stem}_a.docx", src / f"{stem}_b.docx"]
                joins.append(([out / f"{stem}_a.pdf", out / f"{stem}_tables.pdf", out / f"{stem}_b.pdf"], out / f"{stem}.pdf"))
                rendered.files = [out / f"{stem}.pdf"]
        elif job.producer == "html":
            if v.split:
                (src / f"{stem}_narrative.html").write_text(html_page(before + after, spec, v), encoding="utf-8")
                (src / f"{stem}_tables.html").write_text(html_page(tables, spec, v, cover=False, toc=False), encoding="utf-8")
                pages += [(src / f"{stem}_narrative.html", out / f"{stem}_narrative.pdf"),
                          (src / f"{stem}_tables.html", out / f"{stem}_tables.pdf")]
                rendered.files = [out / f"{stem}_narrative.pdf", out / f"{stem}_tables.pdf"]
                rendered.extra.append(src / f"{stem}_narrative.html")
            else:
                (src / f"{stem}.html").write_text(html_page(list(shown.blocks), shown, v), encoding="utf-8")
                pages.append((src / f"{stem}.html", out / f"{stem}.pdf"))
                rendered.files = [out / f"{stem}.pdf"]
                rendered.extra.append(src / f"{stem}.html")
        elif job.producer == "txt":
            texts = ([("_narrative", replace(shown, blocks=tuple(before + after))),  # type: ignore[arg-type]
                      ("_tables", replace(shown, cover=(), toc=(), blocks=tuple(tables)))]  # type: ignore[arg-type]
                     if v.split else [("", shown)])
            for suffix, text_spec in texts:
                (src / f"{stem}{suffix}.txt").write_text(render_text(text_spec), encoding="utf-8")
                office.append(src / f"{stem}{suffix}.txt")
                rendered.files.append(out / f"{stem}{suffix}.pdf")
        else:
            raise ValueError(f"未知的生成工具“{job.producer}”；可用：{', '.join(PRODUCERS)}")
        done.append(rendered)
    convert_office(office, out)
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda pair: print_html(*pair), pages))
    for parts, target in joins:
        merge_pdfs(parts, target)
        for part in parts:
            part.unlink()
    return done


def render_one(producer: str, seed: int, out: Path, variant: Variant | None = None, kind: str | None = None) -> Rendered:
    rendered = render_many([Job(producer, variant or Variant(), seed, kind)], out)
    if not rendered:
        raise ValueError(f"种子 {seed} 的报告无法植入“{kind}”")
    return rendered[0]


__all__ = ["PRODUCERS", "Job", "Rendered", "Variant", "available", "build_spec", "render_many", "render_one",
           "to_yuan", "write_xlsx", "html_page", "docx_document"]
