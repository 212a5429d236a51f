"""A small, layout-neutral description of a 部门决算 report to render.

A ``ReportSpec`` says *what* the report contains: cover lines, the 目录 entries, and a
sequence of blocks (headings, paragraphs, page breaks, tables). *How* it looks (page size,
fonts, rules, where a table breaks) belongs to a layout in ``auditor.synth.pdf``; the same
spec renders as text with ``auditor.synth.text``.

Tables are grids of strings, header rows first. A merged cell is written once, in its
top-left position (the anchor); every other position it covers holds a span marker:

- ``SPAN_LEFT`` (``"<"``): covered by the cell to the left (the span continues rightwards);
- ``SPAN_UP`` (``"^"``): covered by the cell above (the span continues downwards).

A 2 x 2 merge is ``[["A", "<"], ["^", "<"]]`` (any marker is accepted inside the rectangle).
A table longer than a page is still one table in the spec: where it breaks is the layout's
business, and the "hunan" layout continues it on the next page without repeating the title
or the header rows.

``load_spec(path)`` reads the YAML form (see ``examples/example_2022.yaml``). Scalars are read
as strings (PyYAML's ``BaseLoader``) so that printed figures such as ``0.40`` keep their
digits; a table row may be a list of cells or one string of cells separated by ``|``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SPAN_LEFT = "<"  # this position is covered by the cell to its left
SPAN_UP = "^"  # this position is covered by the cell above it
SPAN_MARKERS = frozenset({SPAN_LEFT, SPAN_UP})

TABLE_KINDS = ("T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "OTHER")
UNITS = ("万元", "元")
ORIENTATIONS = ("auto", "portrait", "landscape")
PARAGRAPH_ALIGNS = ("body", "left", "center", "right")

# What a column holds, used to lay it out and to tell figures from words:
# code (科目编码), label (项目 / 科目名称), line (行次), amount (a figure), text (other words).
COLUMN_ROLES = ("code", "label", "line", "amount", "text")


class SpecError(ValueError):
    """A spec that cannot be rendered: the message says where and why."""


@dataclass(frozen=True)
class Heading:
    """A numbered heading as printed: level 0 = 第X部分, 1 = 一、, 2 = （一）, 3 = 1、."""

    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    """Body text. ``body`` = first-line indent of two characters; ``left`` / ``center`` /
    ``right`` = no indent, aligned so."""

    text: str
    align: str = "body"


@dataclass(frozen=True)
class PageBreak:
    """Start a new page (in text output: nothing)."""


@dataclass(frozen=True)
class Span:
    """A merged cell in grid coordinates (header rows first, then data rows)."""

    row: int
    col: int
    rowspan: int
    colspan: int

    @property
    def last_row(self) -> int:
        return self.row + self.rowspan - 1

    @property
    def last_col(self) -> int:
        return self.col + self.colspan - 1


@dataclass(frozen=True)
class TableSpec:
    """One table: kind, title, label / unit / department lines, the grid, notes under it.

    The layout prints the title, then "部门：…" with the label, then "单位：…"; the notes
    (注…, "本单位…故本表无数据") follow the grid.

    ``roles`` (optional) names what each column holds (see ``COLUMN_ROLES``); ``widths``
    (optional) are relative column widths, scaled by the layout to the page width.
    ``orientation`` ``auto`` lets the layout turn a wide table to landscape.
    """

    kind: str
    title: str
    unit: str = "万元"
    label: str = ""  # "公开01表"
    department: str = ""  # printed as "部门：…"
    pre_title: str = ""  # a line printed above the title, e.g. "附件1"
    header: tuple[tuple[str, ...], ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    roles: tuple[str, ...] = ()
    widths: tuple[float, ...] = ()
    notes: tuple[str, ...] = ()
    orientation: str = "auto"
    font_size: float | None = None

    def __post_init__(self) -> None:
        validate_table(self)

    @property
    def width(self) -> int:
        grid = self.grid
        return len(grid[0]) if grid else 0

    @property
    def grid(self) -> tuple[tuple[str, ...], ...]:
        """Header rows then data rows."""
        return self.header + self.rows

    def spans(self) -> list[Span]:
        """The merged cells (anchors covering more than one position)."""
        return [s for s in resolve_spans(self.grid) if s.rowspan > 1 or s.colspan > 1]

    def anchor_of(self, row: int, col: int) -> tuple[int, int]:
        """The grid position of the cell that covers (row, col) (itself when not covered)."""
        grid = self.grid
        while grid[row][col] in SPAN_MARKERS:
            if grid[row][col] == SPAN_LEFT:
                col -= 1
            else:
                row -= 1
        return row, col

    def text_at(self, row: int, col: int) -> str:
        """What a reader sees at (row, col): the anchor's text in the anchor, '' elsewhere."""
        value = self.grid[row][col]
        return "" if value in SPAN_MARKERS else value

    def role(self, col: int) -> str:
        return self.roles[col] if self.roles else ""

    def figures(self) -> Iterator[Figure]:
        """Every non-blank cell of an ``amount`` column in the data rows, with the code and
        label of its row in its column group (side-by-side groups, as in T1 / T4 / T6, each
        have their own code and label columns). Needs ``roles``."""
        if not self.roles:
            return
        starts = [
            c
            for c in range(self.width)
            if self.roles[c] in ("code", "label") and (c == 0 or self.roles[c - 1] not in ("code", "label"))
        ]
        for r, row in enumerate(self.rows):
            g = len(self.header) + r
            for c, text in enumerate(row):
                if self.roles[c] != "amount" or not text.strip() or text in SPAN_MARKERS:
                    continue
                start = max((s for s in starts if s <= c), default=0)
                code = "".join(self._anchor_text(g, k) for k in range(start, c) if self.roles[k] == "code")
                labels = [self._anchor_text(g, k) for k in range(start, c) if self.roles[k] == "label"]
                label = next((t for t in labels if t), "")
                if not code.isdigit():
                    label = label or code
                    code = ""
                yield Figure(row=r, col=c, text=text, code=code, label=label)

    def _anchor_text(self, row: int, col: int) -> str:
        ar, ac = self.anchor_of(row, col)
        return self.grid[ar][ac]


@dataclass(frozen=True)
class Figure:
    """A figure printed in a table: data row index, column, printed text, and the row's
    classification code (may be '') and label within its column group."""

    row: int
    col: int
    text: str
    code: str
    label: str


@dataclass(frozen=True)
class ReportSpec:
    """A whole report: metadata, cover, 目录, body blocks."""

    title: str
    author: str = ""
    department: str = ""
    year: int | None = None
    cover: tuple[str, ...] = ()
    toc: tuple[str, ...] = ()
    blocks: tuple[Heading | Paragraph | PageBreak | TableSpec, ...] = ()
    toc_title: str = "目录"

    def tables(self) -> list[TableSpec]:
        return [b for b in self.blocks if isinstance(b, TableSpec)]

    def table(self, kind: str) -> TableSpec | None:
        return next((t for t in self.tables() if t.kind == kind), None)


Block = Heading | Paragraph | PageBreak | TableSpec


# ---- spans ---------------------------------------------------------------------------


def resolve_spans(grid: tuple[tuple[str, ...], ...] | list[list[str]]) -> list[Span]:
    """Every anchor cell with its extent. Raises SpecError when a marker is orphaned or
    the covered positions do not form a rectangle.

    The extent is read along the anchor's row (``<`` to its right) and column (``^``
    below it); every position inside that rectangle must be a marker, and every marker
    must belong to exactly one rectangle.
    """
    height = len(grid)
    width = len(grid[0]) if grid else 0
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    spans: list[Span] = []
    for r in range(height):
        for c in range(width):
            if grid[r][c] in SPAN_MARKERS:
                continue
            colspan = 1
            while c + colspan < width and grid[r][c + colspan] == SPAN_LEFT:
                colspan += 1
            rowspan = 1
            while r + rowspan < height and grid[r + rowspan][c] == SPAN_UP:
                rowspan += 1
            for i in range(rowspan):
                for j in range(colspan):
                    if i == 0 and j == 0:
                        continue
                    pos = (r + i, c + j)
                    if grid[pos[0]][pos[1]] not in SPAN_MARKERS:
                        raise SpecError(
                            f"合并单元格不是矩形：第{r + 1}行第{c + 1}列的合并区域内，"
                            f"第{pos[0] + 1}行第{pos[1] + 1}列不是合并标记"
                        )
                    if pos in owner:
                        raise SpecError(f"第{pos[0] + 1}行第{pos[1] + 1}列同时属于两个合并区域")
                    owner[pos] = (r, c)
            spans.append(Span(r, c, rowspan, colspan))
    for r in range(height):
        for c in range(width):
            if grid[r][c] in SPAN_MARKERS and (r, c) not in owner:
                raise SpecError(f"第{r + 1}行第{c + 1}列的合并标记“{grid[r][c]}”没有所属的单元格")
    return spans


def validate_table(table: TableSpec) -> None:
    where = f"表“{table.title}”"
    if table.kind not in TABLE_KINDS:
        raise SpecError(f"{where}：kind 应为 {'/'.join(TABLE_KINDS)}，而不是“{table.kind}”")
    if table.unit not in UNITS:
        raise SpecError(f"{where}：unit 应为 {'/'.join(UNITS)}，而不是“{table.unit}”")
    if table.orientation not in ORIENTATIONS:
        raise SpecError(f"{where}：orientation 应为 {'/'.join(ORIENTATIONS)}")
    grid = table.grid
    if not grid:
        raise SpecError(f"{where}：没有任何行")
    width = len(grid[0])
    for index, row in enumerate(grid):
        if len(row) != width:
            raise SpecError(f"{where}：第{index + 1}行有{len(row)}列，第1行有{width}列")
    if table.roles and len(table.roles) != width:
        raise SpecError(f"{where}：roles 有{len(table.roles)}项，表有{width}列")
    bad = [r for r in table.roles if r not in COLUMN_ROLES]
    if bad:
        raise SpecError(f"{where}：未知的列角色 {bad}（可用：{'/'.join(COLUMN_ROLES)}）")
    if table.widths and len(table.widths) != width:
        raise SpecError(f"{where}：widths 有{len(table.widths)}项，表有{width}列")
    if any(w <= 0 for w in table.widths):
        raise SpecError(f"{where}：widths 须为正数")
    try:
        resolve_spans(grid)
    except SpecError as exc:
        raise SpecError(f"{where}：{exc}") from None


# ---- YAML ----------------------------------------------------------------------------


def load_spec(path: Path | str) -> ReportSpec:
    """Read a spec from YAML (see the module docstring for the format)."""
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str/list/dict
    if not isinstance(data, dict):
        raise SpecError(f"{path}：顶层应为映射（meta / cover / toc / blocks）")
    return spec_from_dict(data)


def spec_from_dict(data: dict[str, Any]) -> ReportSpec:
    meta = _mapping(data.get("meta", {}), "meta")
    year = meta.get("year")
    blocks = tuple(_block(item, index) for index, item in enumerate(_list(data.get("blocks", []), "blocks")))
    return ReportSpec(
        title=_str(meta.get("title", ""), "meta.title"),
        author=_str(meta.get("author", ""), "meta.author"),
        department=_str(meta.get("department", ""), "meta.department"),
        year=int(year) if year not in (None, "") else None,
        cover=tuple(_str(x, "cover") for x in _list(data.get("cover", []), "cover")),
        toc=tuple(_str(x, "toc") for x in _list(data.get("toc", []), "toc")),
        toc_title=_str(meta.get("toc_title", "目录"), "meta.toc_title"),
        blocks=blocks,
    )


_HEADING_KEYS = {"h0": 0, "h1": 1, "h2": 2, "h3": 3}
_PARAGRAPH_KEYS = {"p": "body", "left": "left", "center": "center", "right": "right"}


def _block(item: Any, index: int) -> Block:
    where = f"blocks[{index}]"
    if item == "page_break":
        return PageBreak()
    if not isinstance(item, dict) or len(item) != 1:
        raise SpecError(
            f"{where}：每个块应为只有一个键的映射（h0-h3 / p / left / center / right / page_break / table）"
        )
    key, value = next(iter(item.items()))
    if key in _HEADING_KEYS:
        return Heading(text=_str(value, where), level=_HEADING_KEYS[key])
    if key in _PARAGRAPH_KEYS:
        return Paragraph(text=_str(value, where), align=_PARAGRAPH_KEYS[key])
    if key == "page_break":
        return PageBreak()
    if key == "table":
        return _table(_mapping(value, where), where)
    raise SpecError(f"{where}：未知的块类型“{key}”")


def _table(data: dict[str, Any], where: str) -> TableSpec:
    known = {
        "kind",
        "title",
        "unit",
        "label",
        "department",
        "pre_title",
        "header",
        "rows",
        "roles",
        "widths",
        "notes",
        "orientation",
        "font_size",
    }
    unknown = set(data) - known
    if unknown:
        raise SpecError(f"{where}：表的未知字段 {sorted(unknown)}")
    font_size = data.get("font_size")
    try:
        widths = tuple(float(w) for w in _list(data.get("widths", []), f"{where}.widths"))
        return TableSpec(
            kind=_str(data.get("kind", "OTHER"), f"{where}.kind"),
            title=_str(data.get("title", ""), f"{where}.title"),
            unit=_str(data.get("unit", "万元"), f"{where}.unit"),
            label=_str(data.get("label", ""), f"{where}.label"),
            department=_str(data.get("department", ""), f"{where}.department"),
            pre_title=_str(data.get("pre_title", ""), f"{where}.pre_title"),
            header=tuple(_row(r, f"{where}.header") for r in _list(data.get("header", []), f"{where}.header")),
            rows=tuple(_row(r, f"{where}.rows") for r in _list(data.get("rows", []), f"{where}.rows")),
            roles=tuple(_str(r, f"{where}.roles") for r in _list(data.get("roles", []), f"{where}.roles")),
            widths=widths,
            notes=tuple(_str(n, f"{where}.notes") for n in _list(data.get("notes", []), f"{where}.notes")),
            orientation=_str(data.get("orientation", "auto"), f"{where}.orientation"),
            font_size=float(font_size) if font_size not in (None, "") else None,
        )
    except ValueError as exc:
        if isinstance(exc, SpecError):
            raise
        raise SpecError(f"{where}：{exc}") from None


def _row(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(cell.strip() for cell in value.split("|"))
    if isinstance(value, list):
        return tuple(_str(cell, where).strip() for cell in value)
    raise SpecError(f"{where}：表格行应为列表或以“|”分隔的字符串")


def _str(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SpecError(f"{where}：应为字符串")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise SpecError(f"{where}：应为列表")
    return value


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise SpecError(f"{where}：应为映射")
    return value


__all__ = [
    "SPAN_LEFT",
    "SPAN_UP",
    "SPAN_MARKERS",
    "COLUMN_ROLES",
    "Block",
    "Figure",
    "Heading",
    "Paragraph",
    "PageBreak",
    "ReportSpec",
    "Span",
    "SpecError",
    "TableSpec",
    "load_spec",
    "resolve_spans",
    "spec_from_dict",
]
