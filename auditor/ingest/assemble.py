"""From a layout Document to a Report: metadata, 目录, sections, and the tables with their
titles, labels, units, notes, "无数据" statements and continuations."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from auditor.codes import compact
from auditor.ingest.doctype import BUDGET, document_type
from auditor.ingest.document import Block, Document, RawCell, RawTable, TextLine, union_bbox
from auditor.ingest.meta import department as meta_department
from auditor.ingest.meta import year as meta_year
from auditor.ingest.recognize import kind_from_label, kind_from_title
from auditor.ingest.sections import build_sections, is_page_number, parse_heading, parse_toc
from auditor.ingest.tables import build_table
from auditor.model import (
    BUDGET_KINDS,
    STANDARD_KINDS,
    TABLE_NAMES_ZH,
    Recognition,
    Report,
    ReportMeta,
    Sentence,
    Table,
    TableKind,
)
from auditor.numbers import find_unit

_NO_DATA_RE = re.compile(r"无数据|无相关数据|本表为空|空表|故本表|本表无|没有.{0,30}(收入|支出|经费|安排)")
_ATTACHMENT_LABEL = re.compile(r"^附件[\d\-－—.]*$")


@dataclass
class _PendingTable:
    kind: TableKind
    title: str
    title_line: TextLine | None
    context: list[TextLine] = field(default_factory=list)  # label / unit / department lines
    parts: list[RawTable] = field(default_factory=list)
    notes: list[TextLine] = field(default_factory=list)
    how: str = ""


def lift_titles(blocks: list[Block]) -> list[Block]:
    """Tables printed from Excel often carry their title, "部门：…" and "单位：…" in the first
    rows of the grid (one merged cell across the sheet). Those rows are text lines above the
    table, as in every other layout: lift them out so the title names the table."""
    result: list[Block] = []
    for block in _split_at_inner_titles(blocks):
        if not isinstance(block, RawTable):
            result.append(block)
            continue
        lifted: list[TextLine] = []
        rows = list(block.rows)
        while len(rows) > 1:
            filled = [c for c in rows[0] if c.text.strip()]
            if not filled and any(c.text.strip() for row in rows[1:3] for c in row if len([x for x in row if x.text.strip()]) == 1):
                rows.pop(0)  # an empty frame row above the title row
                continue
            if len(filled) > 1 and _is_context_row([c.text for c in filled]):
                # "部门： | 某某厅 | | 单位：万元" printed as cells of the grid's first row
                lifted.append(TextLine(text="  ".join(c.text.strip() for c in filled), location=filled[0].location))
                rows.pop(0)
                continue
            if len(filled) != 1 or not _is_title_text(filled[0].text):
                break
            cell = filled[0]
            lifted.extend(TextLine(text=part.strip(), location=cell.location)
                          for part in cell.text.replace("\r", "\n").split("\n") if part.strip())
            rows.pop(0)
        if lifted:
            result.extend(lifted)
            block = RawTable(rows=rows, location=block.location)
        result.append(block)
    return result


def _split_at_inner_titles(blocks: list[Block]) -> list[Block]:
    """Two tables found as one grid (their rules touch), the second one's title in a merged row
    between them: cut the grid before that row (the title is then lifted as a text line)."""
    result: list[Block] = []
    for block in blocks:
        if not isinstance(block, RawTable):
            result.append(block)
            continue
        starts = [index for index, row in enumerate(block.rows) if index and _is_title_row(row)]
        result.extend(split_grid(block, starts))
    return result


def _is_title_row(row: list[RawCell]) -> bool:
    filled = [c for c in row if c.text.strip()]
    return len(filled) == 1 and kind_from_title(filled[0].text.strip().split("\n")[0]) is not None


def split_grid(raw: RawTable, starts: list[int]) -> list[RawTable]:
    """Two tables found as one grid (their rules touch): the grid cut before each row index of
    ``starts`` (increasing, each within the grid). Each piece is located by its own cells (its
    first row's line, the union of its cells' boxes); no cut gives the grid itself."""
    if not starts:
        return [raw]
    bounds = [0, *starts, len(raw.rows)]
    pieces = []
    for start, end in zip(bounds, bounds[1:]):
        rows = raw.rows[start:end]
        first = rows[0][0].location if rows[0] else raw.location
        box = union_bbox([c.location.bbox for row in rows for c in row])
        pieces.append(RawTable(rows=rows, location=replace(raw.location, line=first.line or raw.location.line, bbox=box)))
    return pieces


def _is_context_row(texts: list[str]) -> bool:
    """A row of 部门 / 单位 fields (no figure in it)."""
    joined = "".join(texts)
    return bool(re.search(r"单位[:：]|部门[:：]", joined)) and not re.search(r"\d[\d,]*\.\d", joined) and len(texts) <= 4


def _is_title_text(text: str) -> bool:
    first = text.strip().split("\n")[0]
    return kind_from_title(first) is not None or bool(re.search(r"单位[:：]|部门[:：]|公开\s*0?\d+\s*表", text))


def assemble(doc: Document) -> Report:
    doc.blocks = lift_titles(doc.blocks)
    lines = [b for b in doc.blocks if isinstance(b, TextLine)]
    toc, toc_end = parse_toc(lines)
    toc_ids = {id(line) for line in lines[:toc_end]}

    pending: list[_PendingTable] = []
    narrative: list[TextLine] = []
    between: list[TextLine] = []
    last_block_was_table = False

    for block in doc.blocks:
        if isinstance(block, TextLine):
            if not is_page_number(block.text):  # "- 5 -" footers are not text of the report
                between.append(block)
            continue
        _place_lines(between, pending, narrative, toc_ids, last_block_was_table, block)
        between = []
        last_block_was_table = True
    _place_lines(between, pending, narrative, toc_ids, last_block_was_table, None)

    built: list[tuple[_PendingTable, Table]] = []
    default_unit = _report_unit(doc)
    for item in pending:
        context_text = "\n".join(line.text for line in item.context)
        unit = find_unit(context_text) or default_unit
        label_info = next((kind_from_label(line.text) for line in item.context if kind_from_label(line.text)), None)
        if item.parts:
            table = build_table(item.kind, item.title, unit, item.parts)
            if item.kind is TableKind.OTHER:
                table.warnings = []  # extra tables are kept for reading, not checked
        else:
            table = Table(kind=item.kind, title=item.title, unit=unit)
            if item.title_line is not None:
                table.location = item.title_line.location
                if item.title_line.location.page:
                    table.pages = [item.title_line.location.page]
        table.label = label_info[0] if label_info else ""
        if label_info and label_info[1] not in (None, item.kind) and item.kind is not TableKind.OTHER:
            table.warnings.append(f"标签“{label_info[0]}”与标题“{item.title}”所指的表不一致")
        if find_unit(context_text) is None:
            table.warnings.append(f"未找到“单位：”行，按{unit}读取")
        table.notes = [line.text for line in item.notes]
        statement = next((line.text for line in item.notes + item.context if _NO_DATA_RE.search(line.text)), "")
        table.no_data_statement = statement
        built.append((item, table))
    tables: list[Table] = []
    recognition = Recognition()
    for item, table in _choose_instances(built):
        tables.append(table)
        where = f"第{table.pages[0]}页" if table.pages else (f"第{table.location.line}行" if table.location.line else "")
        if item.kind is TableKind.OTHER:
            recognition.unrecognised.append(item.title)
            continue
        if item.kind.value in recognition.found:
            table.warnings.append("同一种表出现多次，只核对数据最多的一张")
            continue
        recognition.found[item.kind.value] = f"{item.how}“{item.title}”{('（' + table.label + '）') if table.label else ''}，{where}"

    doc_type, scope = document_type([line.text for line in lines[:60]], [item.title for item in pending])
    _keep_kinds_of(doc_type, tables, recognition, lines, toc_ids)
    meta = ReportMeta(
        document_type=doc_type,
        scope=scope,
        department=meta_department(lines),
        year=meta_year(lines),
        unit=default_unit,
        source=doc.source,
        source_kind=doc.source_kind,
        page_count=doc.page_count,
        sha256=doc.sha256,
        files=list(doc.files),
    )
    sections = build_sections([line for line in narrative if id(line) not in toc_ids])
    report = Report(
        meta=meta,
        sections=sections,
        toc=toc,
        tables=tables,
        recognition=recognition,
        lines=[Sentence(text=line.text, location=line.location) for line in lines],
        char_boxes={(line.location.page, line.location.bbox): (line.text, line.char_boxes)
                    for line in lines if line.char_boxes is not None},
    )
    from auditor.narrative import analyse_narrative

    analyse_narrative(report)
    return report


def _keep_kinds_of(doc_type: str, tables: list[Table], recognition: Recognition, lines: list[TextLine],
                  toc_ids: set[int]) -> None:
    """A budget's tables are the B kinds; a 决算's the T kinds. A kind of the other document
    (a 公开0X表 label that means another table in a budget, a budget table attached to a 决算)
    is kept as an other table: read, not checked as what it is not."""
    own = BUDGET_KINDS if doc_type == BUDGET else STANDARD_KINDS
    for table in tables:
        if table.kind is not TableKind.OTHER and table.kind not in own:
            recognition.found.pop(table.kind.value, None)
            recognition.unrecognised.append(table.title)
            table.kind = TableKind.OTHER
    recognition.missed = {}
    expected = BUDGET_KINDS[:9] if doc_type == BUDGET else STANDARD_KINDS
    for kind in expected:
        if kind.value not in recognition.found:
            recognition.missed[kind.value] = _why_missed(kind, lines, toc_ids)


def _data_cells(table: Table) -> int:
    return sum(1 for row in table.rows for cell in row.cells.values() if cell.amount is not None)


def _choose_instances(built: list[tuple[_PendingTable, Table]]) -> list[tuple[_PendingTable, Table]]:
    """When a kind's title occurs more than once (a 目录 or a list of titles, a title repeated
    over a continued page, a mention in the text), the instance holding the data is the table:
    it goes first, so it is the one checked. A title with no grid under it is dropped when
    another instance of the kind has a grid (it was a title, not a table)."""
    by_kind: dict[TableKind, list[tuple[_PendingTable, Table]]] = {}
    for pair in built:
        if pair[0].kind is not TableKind.OTHER:
            by_kind.setdefault(pair[0].kind, []).append(pair)
    chosen: dict[TableKind, list[int]] = {}
    for kind, pairs in by_kind.items():
        if len(pairs) < 2:
            continue
        ranked = sorted(pairs, key=lambda p: (-_data_cells(p[1]), -len(p[0].parts)))
        with_grid = [p for p in ranked if p[0].parts]
        keep = with_grid or ranked
        chosen[kind] = [id(p) for p in keep]
    result: list[tuple[_PendingTable, Table]] = []
    placed: set[TableKind] = set()
    for pair in built:
        kind = pair[0].kind
        if kind not in chosen:
            result.append(pair)
            continue
        if kind in placed:
            continue
        placed.add(kind)
        ids = chosen[kind]
        result.extend(p for i in ids for p in by_kind[kind] if id(p) == i)
    return result


def _place_lines(
    between: list[TextLine],
    pending: list[_PendingTable],
    narrative: list[TextLine],
    toc_ids: set[int],
    after_table: bool,
    table: RawTable | None,
) -> None:
    """Distribute the lines between two tables (or before the first / after the last):
    notes of the previous table, narrative, titles of empty tables, the next table's
    title and context. Then attach ``table`` to its owner."""
    title_positions = [
        i
        for i, line in enumerate(between)
        if id(line) not in toc_ids and kind_from_title(line.text) is not None and not compact(line.text).endswith("说明")
    ]
    cursor = 0
    # notes of the previous table: the lines right after it, up to a main heading or title
    if pending and after_table:
        while cursor < len(between) and cursor not in title_positions and not _is_main_heading(between[cursor]):
            if cursor + 1 in title_positions and _ATTACHMENT_LABEL.match(compact(between[cursor].text)):
                break  # "附件2-1" printed above the next table's title belongs to it
            pending[-1].notes.append(between[cursor])
            cursor += 1
    for n, position in enumerate(title_positions):
        if position < cursor:
            continue
        narrative.extend(between[cursor:position])
        title_line = between[position]
        kind = kind_from_title(title_line.text)
        assert kind is not None
        item = _PendingTable(kind=kind, title=compact(title_line.text), title_line=title_line, how="标题")
        pending.append(item)
        end = title_positions[n + 1] if n + 1 < len(title_positions) else len(between)
        rest = between[position + 1 : end]
        is_last = n + 1 == len(title_positions)
        if is_last and table is not None:
            item.context.extend(rest)
            cursor = len(between)
        else:
            # a title with no grid under it (an empty table printed as text): the lines
            # after it, up to a heading, are its context and notes
            k = 0
            while k < len(rest) and not _is_main_heading(rest[k]):
                k += 1
            item.context.extend(rest[:k])
            item.notes.extend(rest[:k])
            cursor = position + 1 + k
    if table is None:
        narrative.extend(between[cursor:])
        return
    if title_positions and pending and pending[-1].title_line is between[title_positions[-1]]:
        pending[-1].parts.append(table)
        return
    remaining = between[cursor:]
    label = next((kind_from_label(line.text) for line in remaining if kind_from_label(line.text)), None)
    if label is not None and label[1] is not None:
        item = _PendingTable(kind=label[1], title=label[0], title_line=None, context=list(remaining), how="标签")
        item.parts.append(table)
        pending.append(item)
        return
    if pending and after_table and pending[-1].parts:
        # no title between two grids: the table continues (next page, or printed in pieces)
        pending[-1].parts.append(table)
        pending[-1].notes = [n for n in pending[-1].notes if n not in remaining]
        return
    narrative.extend(remaining)
    if not _has_amounts(table):
        # a grid with no title and no amounts (a list of units, a signature block): text
        narrative.extend(
            TextLine(text="  ".join(c.text.replace("\n", "") for c in row if c.text.strip()), location=row[0].location)
            for row in table.rows if any(c.text.strip() for c in row)
        )
        return
    item = _PendingTable(kind=TableKind.OTHER, title="未识别的表格", title_line=None, how="无标题")
    item.parts.append(table)
    pending.append(item)


_AMOUNT_RE = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$|^-?\d+\.\d{1,4}$")


def _has_amounts(table: RawTable) -> bool:
    return any(_AMOUNT_RE.match(c.text.strip().replace("，", ",")) for row in table.rows for c in row)


def _is_main_heading(line: TextLine) -> bool:
    """A heading that ends a table's notes: 第X部分, 一、, （一）, or an item "1、"
    (table notes number their lines "1." and start with 注 / 说明)."""
    heading = parse_heading(line.text)
    if heading is None or line.text.startswith(("注", "说明")):
        return False
    return heading.level <= 2 or bool(re.match(r"^\s*\d{1,2}、", line.text))


def _why_missed(kind: TableKind, lines: list[TextLine], toc_ids: set[int]) -> str:
    name = TABLE_NAMES_ZH[kind]
    in_toc = any(id(line) in toc_ids and kind_from_title(line.text) is kind for line in lines)
    if in_toc:
        return f"目录列有“{name}”，正文未找到该表的标题或表格"
    return f"未找到标题可识别为“{name}”的表格"


def _report_unit(doc: Document) -> str:
    units = Counter(
        unit for b in doc.blocks if isinstance(b, TextLine) for unit in [find_unit(b.text)] if unit is not None
    )
    return units.most_common(1)[0][0] if units else "万元"
