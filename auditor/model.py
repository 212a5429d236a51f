"""The typed report model: the contract between ingest, checks, index and UI.

Everything a check or an answer can cite lives here with its location: the physical
page (1-based, as a PDF viewer counts it; ``None`` for text input, which gives ``line``)
and the bounding box in PDF points ``(x0, top, x1, bottom)``.

Amounts are ``Decimal`` in 万元 (ten-thousand yuan) whatever the printed unit; the raw text
and the printed precision are kept so that checks can apply the right rounding tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Location:
    """Where something stands in the source document."""

    page: int | None = None
    line: int | None = None
    bbox: BBox | None = None
    file: str | None = None  # the file's name when a report is read from several files


class TableKind(str, Enum):
    """The nine standard tables of a 部门决算 report (plus extras some regions add)."""

    T1 = "T1"  # 收入支出决算总表
    T2 = "T2"  # 收入决算表
    T3 = "T3"  # 支出决算表
    T4 = "T4"  # 财政拨款收入支出决算总表
    T5 = "T5"  # 一般公共预算财政拨款支出决算表
    T6 = "T6"  # 一般公共预算财政拨款基本支出决算表
    T7 = "T7"  # 财政拨款"三公"经费支出决算表
    T8 = "T8"  # 政府性基金预算财政拨款收入支出决算表
    T9 = "T9"  # 国有资本经营预算财政拨款支出决算表
    # the tables of a 部门预算 (budget); title aliases in auditor/ingest/budget_tables.yaml
    B1 = "B1"  # 收支预算总表
    B2 = "B2"  # 收入预算总表
    B3 = "B3"  # 支出预算总表
    B4 = "B4"  # 财政拨款收支预算总表
    B5 = "B5"  # 一般公共预算支出预算表 (功能分类)
    B6 = "B6"  # 一般公共预算基本支出预算表 (经济分类)
    B7 = "B7"  # 一般公共预算“三公”经费支出预算表
    B8 = "B8"  # 政府性基金预算支出表
    B9 = "B9"  # 国有资本经营预算支出表
    B10 = "B10"  # 财政拨款支出预算表 (功能分类; some provinces print it besides B5)
    B11 = "B11"  # 财政拨款基本支出预算表 (经济分类)
    OTHER = "OTHER"  # 机关运行经费表, 政府采购情况表, ... (kept, not checked yet)


STANDARD_KINDS: tuple[TableKind, ...] = tuple(TableKind(f"T{n}") for n in range(1, 10))
BUDGET_KINDS: tuple[TableKind, ...] = tuple(TableKind(f"B{n}") for n in range(1, 12))

TABLE_NAMES_ZH: dict[TableKind, str] = {
    TableKind.T1: "收入支出决算总表",
    TableKind.T2: "收入决算表",
    TableKind.T3: "支出决算表",
    TableKind.T4: "财政拨款收入支出决算总表",
    TableKind.T5: "一般公共预算财政拨款支出决算表",
    TableKind.T6: "一般公共预算财政拨款基本支出决算表",
    TableKind.T7: "一般公共预算财政拨款“三公”经费支出决算表",
    TableKind.T8: "政府性基金预算财政拨款收入支出决算表",
    TableKind.T9: "国有资本经营预算财政拨款支出决算表",
    TableKind.B1: "收支预算总表",
    TableKind.B2: "收入预算总表",
    TableKind.B3: "支出预算总表",
    TableKind.B4: "财政拨款收支预算总表",
    TableKind.B5: "一般公共预算支出预算表",
    TableKind.B6: "一般公共预算基本支出预算表",
    TableKind.B7: "一般公共预算“三公”经费支出预算表",
    TableKind.B8: "政府性基金预算支出表",
    TableKind.B9: "国有资本经营预算支出表",
    TableKind.B10: "财政拨款支出预算表",
    TableKind.B11: "财政拨款基本支出预算表",
    TableKind.OTHER: "其他表",
}


@dataclass(frozen=True)
class Amount:
    """A printed number: its value in 万元 (or % for percentages) and how it was printed."""

    value: Decimal
    raw: str
    decimals: int  # printed decimal places, after unit conversion to 万元
    is_percent: bool = False

    @property
    def half_unit(self) -> Decimal:
        """Half a unit of the last printed digit: the rounding radius of this figure."""
        return Decimal(5).scaleb(-(self.decimals + 1))


@dataclass
class Cell:
    """One table cell. ``amount`` is None when the cell is blank, '-' or not a number."""

    column: str  # the column key, see Column.key
    raw: str
    amount: Amount | None
    location: Location = field(default_factory=Location)
    confidence: float | None = None  # OCR: the least sure digit's probability (None: text layer)
    digit_confidence: tuple[float, ...] | None = None  # OCR: one probability per printed digit

    @property
    def value(self) -> Decimal | None:
        return self.amount.value if self.amount is not None else None


@dataclass
class Column:
    """A column read by meaning.

    ``key`` is the meaning (``total``, ``basic``, ``project``, ``fiscal_grant``...,
    or ``budget.reception`` for a two-level header); ``header`` is the printed header path.
    """

    key: str
    header: tuple[str, ...]
    side: str = ""  # for two-sided tables (T1, T4): "income" or "expense"


@dataclass
class Row:
    """A table row: a classification code (joined from 类/款/项 columns when split),
    its label, its level (1 = 类, 2 = 款, 3 = 项; 0 = a total line), and its cells by key."""

    label: str
    code: str = ""
    level: int = 0
    side: str = ""  # "income" / "expense" for two-sided tables, else ""
    line_no: str = ""  # 行次 when printed
    cells: dict[str, Cell] = field(default_factory=dict)
    location: Location = field(default_factory=Location)

    def value(self, key: str) -> Decimal | None:
        cell = self.cells.get(key)
        return cell.value if cell is not None else None

    @property
    def is_total(self) -> bool:
        return not self.code and is_total_label(self.label)


def is_total_label(label: str) -> bool:
    """True for a 合计 / 总计 line (not for 小计 inside a group)."""
    compact = label.replace(" ", "")
    return compact in {"合计", "总计", "本年合计"} or compact.endswith("合计") and len(compact) <= 8


@dataclass(frozen=True)
class GridCell:
    """A cell of the table as printed (before any reading by meaning)."""

    text: str
    location: Location = field(default_factory=Location)
    confidence: float | None = None  # OCR: the least sure digit's probability (None: text layer)


@dataclass
class Table:
    kind: TableKind
    title: str
    unit: str  # the printed unit: "万元" or "元"
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    label: str = ""  # "公开01表" when printed
    pages: list[int] = field(default_factory=list)
    location: Location = field(default_factory=Location)
    notes: list[str] = field(default_factory=list)  # 注 / 说明 lines under the table
    no_data_statement: str = ""  # "本表无数据" statement when present
    warnings: list[str] = field(default_factory=list)  # what could not be read, in Chinese
    grid: list[list[GridCell]] = field(default_factory=list)  # the printed grid, all parts

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def is_empty(self) -> bool:
        """No non-zero amount in the table."""
        return not any(
            cell.value for row in self.rows for cell in row.cells.values() if cell.value is not None
        )

    def rows_by_code(self) -> dict[str, Row]:
        return {row.code: row for row in self.rows if row.code}

    def total_row(self, side: str = "") -> Row | None:
        for row in self.rows:
            if row.is_total and row.side == side and row.label.replace(" ", "") in {"合计", "本年合计"}:
                return row
        return None

    def find_row(self, *needles: str, side: str | None = None) -> Row | None:
        """The first row whose compact label contains every needle."""
        for row in self.rows:
            if side is not None and row.side != side:
                continue
            compact = row.label.replace(" ", "")
            if all(n in compact for n in needles):
                return row
        return None


@dataclass
class Sentence:
    text: str
    location: Location = field(default_factory=Location)
    # OCR: each character's recognition probability, aligned with ``text`` (None: text layer)
    char_confidence: tuple[float | None, ...] | None = None


@dataclass
class Section:
    """A numbered heading and the paragraphs under it."""

    number: str  # "一", "（一）", "1", "第三部分"
    title: str
    level: int  # 0 = 第X部分, 1 = 一、, 2 = （一）, 3 = 1、
    heading: str  # the heading as printed
    location: Location = field(default_factory=Location)
    paragraphs: list[Sentence] = field(default_factory=list)
    part: str = ""  # the 第X部分 the section sits in

    @property
    def ordinal(self) -> int | None:
        return numeral_value(self.number)


@dataclass
class TocEntry:
    text: str
    number: str
    title: str
    level: int
    location: Location = field(default_factory=Location)


@dataclass
class Recognition:
    """What table recognition found, missed, and why (in Chinese, for the user)."""

    found: dict[str, str] = field(default_factory=dict)  # kind -> how it was recognised
    missed: dict[str, str] = field(default_factory=dict)  # kind -> why not
    unrecognised: list[str] = field(default_factory=list)  # titles of tables not mapped


@dataclass(frozen=True)
class CellRef:
    """A table cell a narrative claim talks about."""

    table: TableKind
    row_code: str
    row_label: str
    column: str
    amount: Amount | None
    location: Location = field(default_factory=Location)
    column_name: str = ""  # the printed header of the column


@dataclass
class NarrativeSentence:
    """One sentence of the narrative, with the section it sits in and the subject of the
    numbered item it belongs to ("1、社会保障和就业（类）…（项）。" gives its sentences a topic)."""

    text: str
    location: Location
    section_title: str  # the nearest 一、 / （一） heading's title
    part: str
    item: str = ""  # the numbered item's subject, when inside one
    index: int = 0
    # OCR: each character's recognition probability, aligned with ``text`` (None: text layer)
    char_confidence: tuple[float | None, ...] | None = None


@dataclass
class Claim:
    """A statement in the narrative that a check can verify.

    kind: amount | budget | outturn | share | growth | completion | compare | count | year |
    date | list | no_data. ``value`` is in the printed unit (万元 amounts are not converted so
    that a 元-for-万元 slip stays visible); ``amount_wan`` gives the value in 万元.
    """

    kind: str
    subject: str
    value: Decimal | None
    unit: str
    raw: str
    sentence: NarrativeSentence
    span: tuple[int, int] = (0, 0)
    decimals: int = 0
    whole: str = ""  # share: the named whole ("本年支出合计")
    direction: str = ""  # growth: up/down; compare: gt/lt/eq
    basis: str = ""  # completion / budget: 年初预算 / 全年预算 / 预算; growth: 上年
    items: tuple[str, ...] = ()  # list claims
    target: CellRef | None = None
    unresolved: str = ""  # why no table cell was tied (coverage)

    @property
    def digit_confidence(self) -> tuple[float, ...] | None:
        """OCR: the recognition probability of each digit the claim prints (None: text layer)."""
        sure = self.sentence.char_confidence
        if sure is None or len(sure) != len(self.sentence.text):
            return None
        start, end = self.span
        found = tuple(c for ch, c in zip(self.sentence.text[start:end], sure[start:end]) if ch.isdigit() and c is not None)
        return found or None

    @property
    def amount_wan(self) -> Decimal | None:
        if self.value is None:
            return None
        factor = {"万元": Decimal(1), "元": Decimal("0.0001"), "亿元": Decimal(10000), "千元": Decimal("0.1")}
        return self.value * factor[self.unit] if self.unit in factor else None


@dataclass(frozen=True)
class SourceFile:
    """One file of a report published as several (narrative PDF + tables PDF / XLSX / web
    page). Its pages are numbered on after the previous file's: ``first_page`` is the
    report's page number of the file's first page (a spreadsheet's sheet, a web page or a
    text file counts as one page each)."""

    name: str
    path: str
    kind: str  # pdf / text / xlsx / xls / html
    first_page: int
    pages: int
    sha256: str = ""

    def local_page(self, page: int) -> int:
        return page - self.first_page + 1


@dataclass
class ReportMeta:
    department: str = ""
    document_type: str = "final_accounts"  # "final_accounts" (决算) or "budget" (预算)
    scope: str = "department"  # "department" (部门) or "unit" (单位)
    year: int | None = None
    unit: str = "万元"
    source: str = ""
    source_kind: str = ""  # "pdf" or "text"
    page_count: int | None = None
    sha256: str = ""
    files: list[SourceFile] = field(default_factory=list)  # several files: each with its pages
    page_notes: dict[int, str] = field(default_factory=dict)  # pages not (fully) read, and why
    ocr_pages: list[int] = field(default_factory=list)  # pages read by OCR

    @property
    def document_name(self) -> str:
        """"部门决算", "单位预算" ..."""
        return ("单位" if self.scope == "unit" else "部门") + ("预算" if self.document_type == "budget" else "决算")

    def file_of(self, page: int | None) -> SourceFile | None:
        """The file a report page comes from (only for reports read from several files)."""
        if page is None:
            return None
        return next((f for f in self.files if f.first_page <= page < f.first_page + f.pages), None)


@dataclass
class Report:
    meta: ReportMeta
    sections: list[Section] = field(default_factory=list)
    toc: list[TocEntry] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    recognition: Recognition = field(default_factory=Recognition)
    lines: list[Sentence] = field(default_factory=list)  # every text line outside tables
    sentences: list[NarrativeSentence] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    # PDF text lines' character boxes, by (page, line box): evidence boxes the figure, not the paragraph
    char_boxes: dict[tuple[int | None, BBox | None], tuple[str, list[BBox | None]]] = field(default_factory=dict)

    def table(self, kind: TableKind) -> Table | None:
        return next((t for t in self.tables if t.kind is kind), None)


_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def numeral_value(number: str) -> int | None:
    """The value of a section number: '十五' -> 15, '（三）' -> 3, '12' -> 12."""
    core = number.strip("（）()、.． 第部分")
    if not core:
        return None
    if core.isdigit():
        return int(core)
    if all(ch in _CN_DIGITS or ch in "十百" for ch in core):
        total, current = 0, 0
        for ch in core:
            if ch == "十":
                total += (current or 1) * 10
                current = 0
            elif ch == "百":
                total += (current or 1) * 100
                current = 0
            else:
                current = _CN_DIGITS[ch]
        return total + current
    return None
