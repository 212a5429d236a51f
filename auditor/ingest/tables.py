"""From raw grids to typed tables: header rows read by meaning, side-by-side column groups
unfolded, codes joined from 类/款/项 columns, wrapped labels joined, amounts parsed.

The pipeline, each step "given X, return Y":
``split_header`` -> ``header_paths`` -> ``column_groups`` -> ``group_roles`` -> ``build_rows``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from auditor.codes import code_level, compact, function_class_for_label, looks_like_code
from auditor.ingest.document import RawCell, RawTable, union_bbox
from auditor.ingest.recognize import (
    is_code_header,
    is_label_header,
    is_line_no_header,
    names_row_words,
    normalise_title,
    value_column_key,
)
from auditor.model import Cell, Column, GridCell, Location, Row, Table, TableKind, is_total_label
from auditor.numbers import is_empty_mark, looks_numeric, try_parse_amount

_ORDINAL_LABEL = re.compile(r"^[一二三四五六七八九十]+[、．.]")
_INT_RE = re.compile(r"^\d{1,2}$")


def cell_text(raw: str) -> str:
    """Join a wrapped cell: Chinese lines join without a space."""
    parts = [p.strip() for p in raw.replace("\r", "\n").split("\n")]
    return "".join(p for p in parts if p)


def is_column_number_row(texts: list[str]) -> bool:
    """The 栏次 row: '栏次', or the column numbers 1, 2, 3... in order."""
    filled = [compact(t) for t in texts if compact(t)]
    if not filled:
        return False
    if any("栏次" in t for t in filled):
        return True
    if not all(_INT_RE.match(t) for t in filled):
        return False
    numbers = [int(t) for t in filled]
    return len(numbers) >= 3 and numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def is_header_row(texts: list[str]) -> bool:
    """A header row: words only (column numbers 1, 2, 3... and 栏次 allowed); a row with a
    code, an amount, an ordinal label or a leading 合计 line is data."""
    filled = [compact(t) for t in texts if compact(t)]
    if not filled:
        return True
    if is_column_number_row(texts):
        return True
    numbers = [t for t in filled if looks_numeric(t)]
    if numbers and not _is_number_sequence(numbers):
        return False
    for text in filled:
        if looks_like_code(text) and not _is_number_sequence([text]):
            return False
        if _ORDINAL_LABEL.match(text):
            return False
    if names_row_words(filled):
        return False
    words = [t for t in filled if not looks_numeric(t)]
    if words and is_total_label(words[0]) and len(words) == 1:
        return False  # a 合计 line with no figures (an empty table)
    return True


def _is_number_sequence(numbers: list[str]) -> bool:
    """Column numbers printed in a header row: small integers in increasing order."""
    if not all(_INT_RE.match(t) for t in numbers):
        return False
    values = [int(t) for t in numbers]
    return values == sorted(values) and len(set(values)) == len(values)


def split_header(grid: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    """Leading header rows and the data rows after them."""
    index = 0
    while index < len(grid) and is_header_row(grid[index]):
        index += 1
    return grid[:index], grid[index:]


def is_mixed_total_row(texts: list[str]) -> bool:
    """A 合计 data row that also carries the lowest header words (seen in T8 / T9 layouts:
    "合计 | | | | 合计 | 基本支出 | 项目支出 |")."""
    filled = [compact(t) for t in texts[:2] if compact(t)]
    return bool(filled) and filled[0] in {"合计", "总计"} and len([t for t in texts if compact(t)]) > 1


def header_paths(header: list[list[str]], width: int) -> list[tuple[str, ...]]:
    """Each column's header texts from top to bottom.

    A merged header cell (text in its first column, blanks to its right) is spread over
    the blanks to its right when the rows below those blanks carry their own headers.
    """
    rows = [r for r in header if not is_column_number_row(r) and any(compact(t) for t in r)]
    filled: list[list[str]] = []
    for r_index, row in enumerate(rows):
        new_row = list(row) + [""] * (width - len(row))
        above = filled[-1] if filled else None
        for col in range(1, width):
            if compact(new_row[col]) or not compact(new_row[col - 1]):
                continue
            if above is not None and compact(above[col]) != compact(above[col - 1]):
                continue  # a different parent span above: the merge cannot cross it
            below = any(compact(rows[b][col]) for b in range(r_index + 1, len(rows)) if col < len(rows[b]))
            if below:
                new_row[col] = new_row[col - 1]
        filled.append(new_row)
    paths: list[tuple[str, ...]] = []
    for col in range(width):
        path: list[str] = []
        for row in filled:
            text = compact(row[col]) if col < len(row) else ""
            if text.isdigit() and len(text) <= 2:
                continue  # a column number printed in a header row
            if text and path and _split_word(path[-1], text):
                path[-1] += text  # one header cell wrapped over two ruled rows
                continue
            if text and (not path or path[-1] != text):
                path.append(text)
        paths.append(tuple(path))
    return paths


# Words a header cell is made of: joined from two header rows, a word neither row holds means
# the cell's text wrapped over a row rule (Calc, narrow columns), not a parent and its child.
HEADER_WORDS = ("编码", "代码", "科目", "名称", "项目", "行次", "栏次", "合计", "小计", "决算数", "预算数", "金额",
                "基本支出", "项目支出", "人员经费", "公用经费", "财政拨款", "本年收入", "本年支出", "上缴上级",
                "经营支出", "附属单位", "事业收入", "经营收入", "其他收入", "上级补助", "年初结转", "年末结转",
                "一般公共预算", "政府性基金", "国有资本经营", "因公出国", "公务接待", "公务用车", "运行维护")


def _split_word(upper: str, lower: str) -> bool:
    if len(lower) > 8:
        return False
    joined = upper + lower
    return any(w in joined and w not in upper and w not in lower for w in HEADER_WORDS)


def column_groups(header: list[list[str]], width: int) -> list[tuple[int, int]]:
    """Side-by-side groups as (start, end) column ranges: a group starts wherever the
    first column's header text repeats in the same header row (项目 ... 项目; 经济分类科目编码
    ... 经济分类科目编码)."""
    for row in header:
        texts = [normalise_title(t) for t in row] + [""] * (width - len(row))
        anchor = texts[0]
        if not anchor or is_column_number_row(row):
            continue
        if not (is_label_header(anchor) or is_code_header(anchor)):
            continue
        starts = [i for i, t in enumerate(texts) if t == anchor]
        if len(starts) >= 2:
            bounds = starts + [width]
            return [(bounds[i], bounds[i + 1]) for i in range(len(starts))]
    return [(0, width)]


def column_groups_from_paths(paths: list[tuple[str, ...]]) -> list[tuple[int, int]] | None:
    """Side-by-side groups from the columns' joined header texts, when a header cell wrapped
    over two printed rows (a borderless table: "经济分类科目编" over "码"): a group starts at
    every column whose first header text is the first column's."""
    if not paths or not paths[0]:
        return None
    anchor = normalise_title(paths[0][0])
    if not (is_label_header(anchor) or is_code_header(anchor)):
        return None
    starts = [i for i, path in enumerate(paths) if path and normalise_title(path[0]) == anchor]
    if len(starts) < 2:
        return None
    bounds = starts + [len(paths)]
    groups = [(bounds[i], bounds[i + 1]) for i in range(len(starts))]
    sizes = {end - start for start, end in groups}
    if len(sizes) != 1 or min(sizes) < 2:
        return None  # side-by-side groups repeat the same columns
    return groups


@dataclass
class GroupRoles:
    start: int
    end: int
    side: str
    code_cols: list[int] = field(default_factory=list)
    label_col: int | None = None
    line_no_col: int | None = None
    value_cols: dict[int, Column] = field(default_factory=dict)


def group_roles(
    kind: TableKind,
    paths: list[tuple[str, ...]],
    groups: list[tuple[int, int]],
    data: list[list[str]],
    warnings: list[str],
) -> list[GroupRoles]:
    two_sided = kind in (TableKind.T1, TableKind.T4) and len(groups) == 2
    result: list[GroupRoles] = []
    for g_index, (start, end) in enumerate(groups):
        side = ("income" if g_index == 0 else "expense") if two_sided else ""
        roles = GroupRoles(start=start, end=end, side=side)
        for col in range(start, end):
            path = paths[col] if col < len(paths) else ()
            leaf = path[-1] if path else ""
            if path and any(is_line_no_header(p) for p in path):
                roles.line_no_col = col
            elif path and is_code_header(leaf):
                roles.code_cols.append(col)
            elif path and is_label_header(leaf) and roles.label_col is None:
                roles.label_col = col
            else:
                key = value_column_key(kind, path) if path else None
                if key is None and path and is_label_header(path[0]) and roles.label_col is None:
                    roles.label_col = col
                    continue
                if key is None:
                    if _column_has_numbers(data, col):
                        warnings.append(f"第{col + 1}列表头“{'/'.join(path) or '空'}”无法识别含义")
                        key = f"col{col + 1}"
                    else:
                        continue
                used = {c.key for c in roles.value_cols.values()}
                if key in used:
                    warnings.append(f"第{col + 1}列“{'/'.join(path)}”与前面的列含义重复")
                    key = f"{key}#{col + 1}"
                roles.value_cols[col] = Column(key=key, header=path, side=side)
        _extend_split_code(roles, paths, data, warnings)
        if roles.label_col is None:
            roles.label_col = _guess_label_col(data, start, end, roles)
        result.append(roles)
    return result


_CODE_PART = re.compile(r"^\d{2}$")


def _extend_split_code(roles: GroupRoles, paths: list[tuple[str, ...]], data: list[list[str]], warnings: list[str]) -> None:
    """A code printed in 类 / 款 / 项 columns under one merged "科目编码" header: the columns
    right of the code column whose header is blank (or the same merged header) and whose
    cells are blank or two digits are the 款 and 项 parts, not amounts."""
    if len(roles.code_cols) != 1:
        return
    first = roles.code_cols[0]
    header = paths[first] if first < len(paths) else ()
    added: list[int] = []
    for col in (first + 1, first + 2):
        if col >= roles.end:
            break
        path = paths[col] if col < len(paths) else ()
        if path and path != header:
            break
        cells = [compact(r[col]) for r in data if col < len(r) and compact(r[col])]
        if not cells or not all(_CODE_PART.match(c) for c in cells):
            break
        added.append(col)
    if not added:
        return
    for col in added:
        column = roles.value_cols.pop(col, None)
        if column is not None:
            warnings[:] = [w for w in warnings if not w.startswith(f"第{col + 1}列")]
        roles.code_cols.append(col)


def _column_has_numbers(data: list[list[str]], col: int) -> bool:
    return any(col < len(r) and looks_numeric(r[col]) for r in data)


def _guess_label_col(data: list[list[str]], start: int, end: int, roles: GroupRoles) -> int | None:
    """No header names the label column: the first column with mostly non-numeric text."""
    taken = set(roles.code_cols) | set(roles.value_cols) | {roles.line_no_col}
    for col in range(start, end):
        if col in taken:
            continue
        texts = [compact(r[col]) for r in data if col < len(r) and compact(r[col])]
        if texts and sum(not looks_numeric(t) for t in texts) * 2 >= len(texts):
            return col
    return None


def build_rows(
    kind: TableKind,
    unit: str,
    raw_rows: list[list[RawCell]],
    roles_list: list[GroupRoles],
    warnings: list[str],
) -> list[Row]:
    rows: list[Row] = []
    carry: dict[int, str] = {}  # last 类 / 款 seen per group, for split code columns
    indent_levels = [_indent_levels(raw_rows, roles) for roles in roles_list]
    for raw in raw_rows:
        texts = [cell_text(c.text) for c in raw]
        pending: Row | None = None
        for g_index, roles in enumerate(roles_list):
            code = _join_code(texts, roles.code_cols, carry, g_index)
            label = texts[roles.label_col] if roles.label_col is not None and roles.label_col < len(texts) else ""
            if not code and not label and roles.code_cols:
                spilled = compact(texts[roles.code_cols[0]]) if roles.code_cols[0] < len(texts) else ""
                if spilled and not spilled.isdigit():
                    label = spilled  # a 合计 label printed across the code and name columns
            if not code and roles.label_col is not None and looks_like_code(label.split(" ")[0] if label else ""):
                code, label = label.split(" ")[0], label[len(label.split(" ")[0]) :].strip()
            cells: dict[str, Cell] = {}
            for col, column in roles.value_cols.items():
                if col >= len(raw):
                    continue
                raw_text = raw[col].text.strip()
                amount = try_parse_amount(raw_text, unit)
                if amount is None and raw_text and not is_empty_mark(raw_text):
                    warnings.append(f"“{label or code}”行“{'/'.join(column.header)}”列的内容“{raw_text}”不是数字")
                cells[column.key] = Cell(column=column.key, raw=raw_text, amount=amount, location=raw[col].location)
            has_amount = any(c.amount is not None for c in cells.values())
            if not code and not label and roles.label_col is None and not roles.code_cols and has_amount:
                label = "本年数"  # a table with no label column (T7): its one data line
            if not code and not label:
                if has_amount and pending is not None and not any(c.amount for c in pending.cells.values()):
                    # a total line whose label spans groups: its figure sits in the next group
                    for key, cell in cells.items():
                        if cell.amount is not None:
                            pending.cells[key] = cell
                continue
            if not code and rows and not has_amount and _is_wrapped_label(label, rows[-1], roles):
                rows[-1].label += label
                continue
            line_no = texts[roles.line_no_col] if roles.line_no_col is not None and roles.line_no_col < len(texts) else ""
            group_cells = [raw[c] for c in range(roles.start, min(roles.end, len(raw)))]
            level = code_level(code) if code else (0 if is_total_label(label) else 1)
            if not code and level and roles.label_col is not None and roles.label_col < len(raw):
                level = indent_levels[g_index].get(_indent_key(raw[roles.label_col].indent), level)
            row = Row(
                label=label,
                code=code,
                level=level,
                side=roles.side,
                line_no=compact(line_no),
                cells=cells,
                location=_row_location(group_cells),
            )
            if not row.code and kind in (TableKind.T1, TableKind.T4) and row.side == "expense":
                class_code = function_class_for_label(label)
                if class_code:
                    row.code = class_code
                    row.level = 1
            rows.append(row)
            pending = row
    return rows


def _indent_key(indent: float | None) -> float | None:
    return None if indent is None else round(indent / 2) * 2


def _indent_levels(raw_rows: list[list[RawCell]], roles: GroupRoles) -> dict[float | None, int]:
    """Levels from indentation when a table prints no codes: the label column's distinct
    indents (to 2 pt, or leading blanks in text), smallest first, are 类 / 款 / 项. Nothing when
    the table prints codes or its labels all start at one place."""
    if roles.code_cols or roles.label_col is None:
        return {}
    found: set[float] = set()
    for raw in raw_rows:
        if roles.label_col < len(raw) and raw[roles.label_col].text.strip() and not is_total_label(
                cell_text(raw[roles.label_col].text)):
            key = _indent_key(raw[roles.label_col].indent)
            if key is not None:
                found.add(key)
    indents = sorted(found)
    if len(indents) < 2:
        return {}
    return {indent: min(index + 1, 3) for index, indent in enumerate(indents)}


def _join_code(texts: list[str], cols: list[int], carry: dict[int, str], group: int) -> str:
    parts = [compact(texts[c]) if c < len(texts) else "" for c in cols]
    parts = [p for p in parts]
    if not any(parts):
        return ""
    if len(parts) == 1:
        code = parts[0]
        return code if code.isdigit() else ""
    # split 类 / 款 / 项 columns: a missing higher level is carried from the rows above
    previous = carry.get(group, "")
    code = ""
    for index, part in enumerate(parts):
        if part:
            code += part
        elif index == 0 and previous:
            code += previous[:3]
        elif index == 1 and any(parts[2:]) and len(previous) >= 5:
            code += previous[3:5]
        else:
            break
    if not code.isdigit():
        return ""
    carry[group] = code
    return code


def _is_wrapped_label(label: str, previous: Row, roles: GroupRoles) -> bool:
    """A row with only label text right after a row in the same group: a wrapped label."""
    return previous.side == roles.side and not is_total_label(label) and not _ORDINAL_LABEL.match(label)


def _row_location(cells: list[RawCell]) -> Location:
    if not cells:
        return Location()
    first = cells[0].location
    return Location(page=first.page, line=first.line, bbox=union_bbox([c.location.bbox for c in cells]))


def build_table(
    kind: TableKind,
    title: str,
    unit: str,
    parts: list[RawTable],
) -> Table:
    """One typed table from its raw parts (the first, then its continuations)."""
    warnings: list[str] = []
    parts = join_header_only_part(parts)
    first = parts[0]
    width = max(p.width for p in parts)
    grid = first.texts()
    header, _ = split_header(grid)
    data_raw: list[list[RawCell]] = list(first.rows[len(header) :])
    last_words = max((i for i, r in enumerate(header) if any(compact(t) for t in r)), default=-1)
    for index, row in enumerate(header):
        if index > 0 and index == last_words and is_mixed_total_row(row):
            # keep the words as header, and the row itself as the 合计 data row
            label_cell = first.rows[index][0]
            kept = [
                RawCell(text=c.text if (looks_numeric(c.text) or c is label_cell) else "", location=c.location)
                for c in first.rows[index]
            ]
            header[index] = ["", ""] + row[2:]
            data_raw.insert(0, kept)
    pages = list(first.pages or ([first.location.page] if first.location.page else []))
    printed_header = [[compact(t) for t in row] for row in header]
    for part in parts[1:]:
        part_header, _ = split_header(part.texts())
        # a continued page repeats the header; a words-only row that is not the header (the rest of
        # a label cut by the page break: "象等支出") is data and joins the row above
        repeated = 0
        for texts in part_header:
            compacted = [compact(cell_text(t)) for t in texts]
            if any(compact(t) for t in texts) and compacted not in printed_header and not _is_repeated_header(
                    [cell_text(t) for t in texts]) and not is_column_number_row(texts):
                break
            repeated += 1
        part_rows = part.rows[repeated:]
        if part.width != first.width:
            aligned = align_columns(part_rows, first)
            if aligned is not None:
                part_rows = aligned
            else:
                warnings.append(f"续表列数（{part.width}）与首页（{first.width}）不同，已按位置对齐")
        data_raw.extend(part_rows)
        if part.location.page and part.location.page not in pages:
            pages.append(part.location.page)
    # repeated header rows in the middle (a header printed again after a page break)
    data_raw = [r for r in data_raw if not _is_repeated_header([cell_text(c.text) for c in r])]
    header_texts = [[cell_text(t) for t in row] for row in header]
    paths = header_paths(header_texts, width)
    groups = column_groups(header_texts, width)
    if len(groups) == 1:
        groups = column_groups_from_paths(paths) or groups
    data_texts = [[cell_text(c.text) for c in r] for r in data_raw]
    roles = group_roles(kind, paths, groups, data_texts, warnings)
    rows = build_rows(kind, unit, data_raw, roles, warnings)
    columns: list[Column] = []
    seen: set[tuple[str, str]] = set()
    for r in roles:
        for column in r.value_cols.values():
            if (column.key, column.side) not in seen:
                seen.add((column.key, column.side))
                columns.append(column)
    if not header:
        warnings.append("未找到表头，列含义无法识别")
    printed = [[GridCell(text=cell_text(c.text), location=c.location) for c in row] for part in parts for row in part.rows]
    return Table(
        kind=kind,
        title=title,
        unit=unit,
        columns=columns,
        rows=rows,
        pages=pages,
        location=first.location,
        warnings=warnings,
        grid=printed,
    )


def align_columns(rows: list[list[RawCell]], first: RawTable) -> list[list[RawCell]] | None:
    """A continued page whose grid has other column lines (a cell split or merged on that page):
    each cell goes to the first page's column that holds the cell's centre. None when the
    columns cannot be placed (no boxes, text input)."""
    columns = [next((c.location.bbox for c in col if c.location.bbox is not None), None) for col in zip(*first.rows)]
    if not columns or any(box is None for box in columns):
        return None
    aligned: list[list[RawCell]] = []
    for row in rows:
        new_row = [RawCell(text="", location=Location(page=row[0].location.page if row else None)) for _ in columns]
        for cell in row:
            box = cell.location.bbox
            if box is None:
                if cell.text.strip():
                    return None
                continue  # the covered part of a merged cell
            centre = (box[0] + box[2]) / 2
            index = next((i for i, col in enumerate(columns) if col is not None and col[0] - 1 <= centre <= col[2] + 1), None)
            if index is None:
                if cell.text.strip():
                    return None
                continue
            if cell.text.strip():
                joined = f"{new_row[index].text}\n{cell.text}" if new_row[index].text else cell.text
                new_row[index] = RawCell(text=joined, location=cell.location)
            elif not new_row[index].text:
                new_row[index] = RawCell(text="", location=cell.location)
        aligned.append(new_row)
    return aligned


def join_header_only_part(parts: list[RawTable]) -> list[RawTable]:
    """A table whose first header rows stand at the foot of a page, its grid on the next page:
    the first part holds only header rows, often with fewer columns (merged cells). Its rows
    are laid over the next part's columns by position (a merged cell's text in the first
    column it covers) and the two become one part."""
    if len(parts) < 2:
        return parts
    first, second = parts[0], parts[1]
    header, data = split_header(first.texts())
    if data or not header or second.width < first.width:
        return parts
    if second.width == first.width:  # the header itself continues on the next page
        joined = RawTable(rows=list(first.rows) + list(second.rows), location=first.location,
                          pages=[p for p in (first.location.page, second.location.page) if p])
        return [joined, *parts[2:]]
    columns = [next((c.location.bbox for c in row if c.location.bbox is not None), None) for row in zip(*second.rows)]
    if any(box is None for box in columns):
        return parts
    widened: list[list[RawCell]] = []
    for row in first.rows:
        new_row = [RawCell(text="", location=Location(page=first.location.page, bbox=box)) for box in columns]
        for cell in row:
            box = cell.location.bbox
            if box is None or not cell.text.strip():
                continue
            covered = [i for i, col in enumerate(columns) if col is not None and box[0] - 1 <= (col[0] + col[2]) / 2 <= box[2] + 1]
            if covered:
                new_row[covered[0]] = RawCell(text=cell.text, location=cell.location)
        widened.append(new_row)
    joined = RawTable(rows=widened + list(second.rows), location=first.location,
                      pages=[p for p in (first.location.page, second.location.page) if p])
    return [joined, *parts[2:]]


def _is_repeated_header(texts: list[str]) -> bool:
    filled = [compact(t) for t in texts if compact(t)]
    if not filled:
        return True
    if is_column_number_row(texts):
        return True
    header_words = ("项目", "科目名称", "科目编码", "行次", "决算数", "收入", "支出")
    return all(not looks_numeric(t) and not looks_like_code(t) for t in filled) and any(
        t in header_words or is_code_header(t) for t in filled
    )
