"""Tables printed with no ruling lines: found under a recognised table title from the words'
positions alone, and returned as the same ``RawTable`` grid the ruled path produces.

Two ways a borderless table is printed, told apart by where its words start:

- **tab stops** (tab-separated text printed by LibreOffice Writer, WPS, Word): every cell starts
  on a default tab stop, one step apart from the left margin; a cell longer than a step pushes
  the next cell to a later stop, so columns do not line up, but the number of stops crossed
  between two words is the number of tabs between them, which is the number of cells;
- **aligned columns** (a Word table with its borders off, an HTML table without borders, a
  table drawn without lines): columns are the gaps that no word of the rows with figures crosses
  (right-aligned amounts and left-aligned names alike); header words go to the column under
  their centre, a header centred over several columns to the first of them.

Input words are dicts with ``text``, ``x0``, ``x1``, ``top``, ``bottom`` (pdfplumber's words, or
OCR boxes in any unit): ``lines_of_words`` groups them into printed lines, ``find_tables`` finds
the tables under the titles. A table that runs to the page's foot carries on at the top of the
next page (``Carry``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from auditor.codes import compact
from auditor.ingest.document import RawCell, RawTable
from auditor.model import BBox, Location

Word = dict[str, Any]

_NUMBER = re.compile(r"^[-−]?[\d,，]+(?:\.\d+)?%?$")
_CONTEXT = re.compile(r"单位\s*[:：]|^(金额)?单位\s*(亿|万|千)?元$|部门\s*[:：]|^公开\s*0?\d+\s*表$|^金额单位|^编制单位|^表\s*\d+$|^附(件|表)[\d\-－—.]*$")
_ENDS_TABLE = re.compile(r"^(注\s*[:：\d]|注\s|说明\s*[:：]|[（(]?\s*说明\s*[:：]|备注\s*[:：]|第[一二三四五六七八九十]+部分|[（(]本(表|单位|部门)|本(单位|部门|表)(没有|无|不涉及))")
_ITEM = re.compile(r"^[一二三四五六七八九十]+[、．.]|^[（(][一二三四五六七八九十\d]+[）)]|^\d+[、．.]")
_HANGING = "。，、；：！？”’）」』.,;:)"
_MIN_GAP = 4.0  # pt between two columns that no figure row crosses


@dataclass
class Line:
    words: list[Word]
    index: int  # position in the page's line list

    @property
    def top(self) -> float:
        return min(w["top"] for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w["bottom"] for w in self.words)

    @property
    def x0(self) -> float:
        return min(w["x0"] for w in self.words)

    @property
    def x1(self) -> float:
        return max(w["x1"] for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)

    @property
    def has_figure(self) -> bool:
        return any(_NUMBER.match(w["text"]) for w in self.words)


@dataclass
class Carry:
    """A borderless table left open at the foot of a page: how its columns were found."""

    mode: str = ""  # "" (none open), "tabs" or "aligned"
    margin: float = 0.0
    step: float = 0.0
    edges: list[float] = field(default_factory=list)
    right: float = 0.0  # the text's right margin, where a long line of tab-separated cells wraps


def runs_from_chars(chars: Sequence[dict[str, Any]], gap: float = 0.5) -> list[Word]:
    """Characters of one printed line cut into runs at blanks and at gaps wider than ``gap``
    (a tab, a space, a column gap; characters of one word touch)."""
    runs: list[Word] = []
    current: list[dict[str, Any]] = []

    def flush() -> None:
        if current:
            runs.append({"text": "".join(c["text"] for c in current), "x0": float(current[0]["x0"]),
                         "x1": float(max(c["x1"] for c in current)), "top": float(min(c["top"] for c in current)),
                         "bottom": float(max(c["bottom"] for c in current))})
            current.clear()

    for char in sorted(chars, key=lambda c: c["x0"]):
        text = char.get("text", "")
        if not text.strip():
            flush()
            continue
        if current and char["x0"] - current[-1]["x1"] > gap:
            flush()
        current.append(char)
    flush()
    return runs


def lines_of_words(words: Sequence[Word]) -> list[list[Word]]:
    """Words grouped into printed lines: a word joins the line its vertical middle falls in."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w["top"] + w["bottom"]) / 2):
        middle = (word["top"] + word["bottom"]) / 2
        if lines:
            last = lines[-1]
            top, bottom = min(w["top"] for w in last), max(w["bottom"] for w in last)
            if top <= middle <= bottom:
                last.append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


# ---- finding the regions ----------------------------------------------------------------------


def find_tables(
    word_lines: Sequence[Sequence[Word]],
    page: int | None,
    is_title: Callable[[str], bool],
    is_page_number: Callable[[str], bool],
    blocked: Sequence[float] = (),
    carry: Carry | None = None,
    page_bottom: float | None = None,
) -> tuple[list[RawTable], set[int]]:
    """The borderless tables of one page: under each line ``is_title`` accepts (its 公开NN表 /
    单位 / 部门 lines left as text), the lines down to a note, a heading, the next title, a
    paragraph or a ruled table's top (``blocked``: the tops of the ruled tables, whose reading is
    never replaced); and, when ``carry`` holds a table left open on the previous page, the lines
    at the top of this page. Returns the tables and the indices of the lines they took."""
    lines = [Line(words=sorted(ws, key=lambda w: w["x0"]), index=i) for i, ws in enumerate(word_lines) if ws]
    if not lines:
        return [], set()
    body_x0 = min(line.x0 for line in lines)
    # the right margin: a closing mark may hang past it at a line's end (。，、；：”）)
    body_x1 = max(line.x1 for line in lines)
    width = max(body_x1 - body_x0, 1.0)
    heights = sorted(line.bottom - line.top for line in lines)
    char = heights[len(heights) // 2] or 10.0
    tables: list[RawTable] = []
    used: set[int] = set()
    starts: list[tuple[int, bool]] = []  # (first line, is a continuation)
    if carry is not None and carry.mode == "pending":
        starts.append((0, False))  # a title at the previous page's foot: its table starts here
    elif carry is not None and carry.mode:
        starts.append((0, True))
    starts += [(n + 1, False) for n, line in enumerate(lines) if is_title(line.text)]
    for start, continued in starts:
        n = start
        while not continued and n < len(lines) and _is_context(lines[n]):
            n += 1
        region: list[Line] = []
        open_end = True
        while n < len(lines):
            line = lines[n]
            if is_title(line.text) or _ENDS_TABLE.match(compact(line.text)) or _is_paragraph(line, width, char):
                open_end = False
                break
            if any(line.top - 1 <= b <= line.bottom + 1 or (region and region[-1].bottom <= b <= line.top)
                   for b in blocked) or (not region and any(lines[start - 1].bottom <= b <= line.top
                                                              for b in blocked if start > 0)):
                open_end = False
                break
            if is_page_number(line.text):  # a page's number under the table
                n += 1
                continue
            if region and line.top - region[-1].bottom > char * 3.5:
                open_end = False
                break
            region.append(line)
            n += 1
        if region and page_bottom is not None and region[-1].bottom < page_bottom * 0.6:
            open_end = False  # ended high on the page: the table is over
        figures = [line for line in region if line.has_figure and len(line.words) >= 2]
        one_row = len(figures) == 1 and sum(1 for w in figures[0].words if _NUMBER.match(w["text"])) >= 3  # T7's one line
        if len(figures) < (1 if continued or one_row else 2):
            if carry is not None:
                # nothing under a title that ends the page: its table is on the next page
                carry.mode = "pending" if open_end and not region and not continued else ""
            continue
        state = carry if continued and carry is not None else Carry()
        table = _build(region, page, state, continued, body_x1)
        if carry is not None:
            if open_end:
                carry.mode, carry.margin, carry.step, carry.edges, carry.right = (state.mode, state.margin, state.step, state.edges,
                                                                                 state.right)
            else:
                carry.mode = ""
        if table is None:
            continue
        tables.append(table)
        used.update(line.index for line in region)
    if carry is not None and not tables and not starts:
        carry.mode = ""
    return tables, used


def _is_context(line: Line) -> bool:
    text = compact(line.text)
    return bool(_CONTEXT.search(text)) and not any(_NUMBER.match(w["text"]) and "." in w["text"] for w in line.words)


def _is_paragraph(line: Line, width: float, char: float) -> bool:
    """A line of running text: one long stretch of words with no column gap in it."""
    stretches: list[list[float]] = []
    for word in line.words:  # words a space apart are one stretch of text
        if stretches and word["x0"] - stretches[-1][1] < 0.6 * char:
            stretches[-1][1] = word["x1"]
        else:
            stretches.append([word["x0"], word["x1"]])
    longest = max(b - a for a, b in stretches)
    return longest > width * 0.55 and not line.has_figure or longest > width * 0.75


def _build(region: list[Line], page: int | None, state: Carry, continued: bool, right: float) -> RawTable | None:
    if not continued or not state.mode:
        state.right = right
        # one line of figures (T7) cannot tell tab stops from evenly spaced columns by itself:
        # every header word on a stop too tells them apart (centred headers are not)
        grid = tab_grid(region)
        if grid is not None and sum(1 for line in region if line.has_figure) < 3:
            words = [w for line in region for before, w in zip([None, *line.words], line.words)
                     if before is None or w["x0"] - before["x1"] > 0.3 * (w["bottom"] - w["top"])]
            on_stop = sum(1 for w in words if _stop_index(w["x0"], grid[0], grid[1]) is not None)
            if on_stop < 0.95 * len(words):
                grid = None
        if grid is not None:
            state.mode, state.margin, state.step = "tabs", grid[0], grid[1]
        else:
            edges = column_edges(region)
            if not edges:
                return None
            edges = _merge_header_only_columns(region, edges)
            state.mode, state.edges = "aligned", edges
    if state.mode == "tabs":
        rows = _tab_rows(region, state.margin, state.step, state.right, page)
    else:
        rows = _aligned_rows(region, state.edges, page, continued)
    rows = [r for r in rows if any(c.text.strip() for c in r)]
    if not rows or max(len(r) for r in rows) < 2:
        return None
    width = max(len(r) for r in rows)
    for row in rows:
        while len(row) < width:
            row.append(RawCell(text="", location=Location(page=page)))
    box = (min(line.x0 for line in region), min(line.top for line in region),
           max(line.x1 for line in region), max(line.bottom for line in region))
    return RawTable(rows=rows, location=Location(page=page, bbox=box))


# ---- tab stops --------------------------------------------------------------------------------

_STOP_TOLERANCE = 0.8


def tab_grid(region: Sequence[Line]) -> tuple[float, float] | None:
    """(left margin, step) when the words of the region start on regularly spaced tab stops:
    at least 95% of the words that follow a gap sit within 0.8 pt of a stop, over at least
    three stops; None otherwise (the columns are read by alignment)."""
    margin = min(line.x0 for line in region)
    offsets = sorted({round(w["x0"] - margin, 1) for line in region for w in line.words if w["x0"] - margin > 8})
    # the words that start a cell: in lines with figures (header words hold spaces: "项 目")
    # (a word a few points after the one before goes on the same cell: "指标" "1" in another font)
    starts = [w["x0"] - margin for line in region if line.has_figure
              for before, w in zip([None, *line.words], line.words)
              if w["x0"] - margin > 8 and (before is None or w["x0"] - before["x1"] > 0.3 * (w["bottom"] - w["top"]))]
    if len(starts) < 8 or not offsets:
        return None
    candidates: set[float] = set()
    for offset in offsets[:6]:
        for k in range(1, 9):
            if 14 <= offset / k <= 80:
                candidates.add(round(offset / k, 2))
    best: tuple[float, float] | None = None
    for step in sorted(candidates, reverse=True):
        hits = [s for s in starts if abs(s - round(s / step) * step) <= _STOP_TOLERANCE]
        stops = {round(s / step) for s in hits}
        if len(hits) >= 0.95 * len(starts) and len(stops) >= 3:
            # refine the step on the words themselves (a stop far right shows a small error)
            refined = sum(s for s in hits) / sum(round(s / step) for s in hits)
            best = (margin, refined)
            break
    return best


def _stop_index(x: float, margin: float, step: float) -> int | None:
    k = round((x - margin) / step)
    return k if abs(x - margin - k * step) <= _STOP_TOLERANCE * 1.5 else None


def _tab_rows(region: Sequence[Line], margin: float, step: float, right: float, page: int | None) -> list[list[RawCell]]:
    """Each printed line read as tab-separated cells (tabs = stops crossed between two words).
    A line too long for the page wraps (when the line before holds fewer cells than the table's
    full lines): a line that starts at the margin right after a line that ran to the right
    margin continues that line's last cell; after a line with no room for another tab stop, the
    tab moves to the next line, whose first stop then starts the next cell."""
    cut = [_tab_cells(line, margin, step) for line in region]
    full = max((len(c) for line, c in zip(region, cut) if line.x1 < right - step), default=0)

    def assemble(loose: int) -> list[list[RawCell]]:
        rows: list[list[RawCell]] = []
        origins.clear()
        previous: Line | None = None
        for line, cells in zip(region, cut):
            how = ""
            if previous is not None and rows:
                at_margin = line.x0 - margin <= _STOP_TOLERANCE * 1.5
                next_stop = margin + (int((previous.x1 - margin) // step) + 1) * step
                first = line.words[0]
                # the next tab stop was past the margin, or the cell after it did not fit there
                no_room = next_stop > right or next_stop + first["x1"] - first["x0"] > right + 1
                height = previous.bottom - previous.top
                if at_margin and previous.x1 >= right - 3 and len(rows[-1]) < full:
                    how = "cell"  # the text ran to the margin: the cell goes on
                elif (at_margin and previous.x1 >= right - 1.5 * height and not _starts_row(line)
                      and not previous.has_figure and not line.has_figure and len(rows[-1]) < loose):
                    # a header line short of the margin by less than the next character, which did
                    # not fit (a line that starts an item of its own, 一、 / a code / 合计, is a row)
                    how = "cell"
                elif no_room and len(rows[-1]) < full and not at_margin and cells and not cells[0]:
                    how = "tab"  # the tab moved to the next line: its first stop starts the next cell
                    cells = cells[1:]
            if how:
                last = rows[-1]
                target = max((i for i, c in enumerate(last) if c.text), default=len(last) - 1)
                if how == "cell" and cells and cells[0]:
                    joined = _cell(cells[0], page, margin, step, target)
                    last[target] = RawCell(text=last[target].text + joined.text, location=Location(
                        page=page, bbox=_union(last[target].location.bbox, joined.location.bbox)))
                    cells = cells[1:]
                for offset, words in enumerate(cells):
                    index = target + 1 + offset
                    while len(last) <= index:
                        last.append(RawCell(text="", location=Location(page=page)))
                    if words and not last[index].text:
                        last[index] = _cell(words, page, margin, step, index)
            else:
                rows.append([_cell(words, page, margin, step, i, line) for i, words in enumerate(cells)])
                origins.append(line)
            previous = line
        return rows

    # a header line wrapped short of the margin joins the next while its row has fewer cells than
    # the rows of figures once their own wrapped lines are joined
    origins: list[Line] = []
    first = assemble(0)
    figures = max((len(r) for r in first if any(_NUMBER.match(c.text.strip()) for c in r if c.text)), default=0)
    rows = assemble(max(full, figures))
    _join_wrapped_header_cells(rows, origins)
    return rows


def _join_wrapped_header_cells(rows: list[list[RawCell]], origins: list[Line]) -> None:
    """Header cells wrapped inside a table's cells (a Word table without borders, its columns
    on regular stops): a header line whose every text stands under a text of the line above,
    closer to it than three quarters of the body's rows are to each other, continues it."""
    end = next((i for i, line in enumerate(origins) if line.has_figure), len(rows))
    tops = [line.top for line in origins[end:]]
    pitches = sorted(b - a for a, b in zip(tops, tops[1:]) if b > a)
    if len(rows) != len(origins) or len(pitches) < 2:
        return
    pitch = pitches[len(pitches) // 2]
    r = 1
    while r < end:
        above, row = rows[r - 1], rows[r]
        filled = [c for c, cell in enumerate(row) if cell.text]
        if (filled and origins[r].top - origins[r - 1].top < 0.75 * pitch
                and all(c < len(above) and above[c].text for c in filled)):
            for c in filled:
                cell = above[c]
                above[c] = RawCell(text=cell.text + row[c].text, location=Location(
                    page=cell.location.page, bbox=_union(cell.location.bbox, row[c].location.bbox)), indent=cell.indent)
            del rows[r]
            del origins[r]
            end -= 1
            continue
        r += 1


def _starts_item(line: Line) -> bool:
    """A word of the line (its name column need not be the first) starts a numbered item or is a code."""
    from auditor.codes import looks_like_code

    return any(_ITEM.match(compact(w["text"])) or looks_like_code(compact(w["text"])) for w in line.words)


def _starts_row(line: Line) -> bool:
    """The line's first word starts a row of its own: an item number, a code, a total, a figure."""
    from auditor.codes import looks_like_code
    from auditor.model import is_total_label

    text = compact(line.words[0]["text"])
    return bool(_ITEM.match(text) or looks_like_code(text) or is_total_label(text) or _NUMBER.match(text))


def _tab_cells(line: Line, margin: float, step: float) -> list[list[Word]]:
    cells: list[list[Word]] = []
    position = -1.0  # x where the last word ended
    for word in line.words:
        k = _stop_index(word["x0"], margin, step)
        if k is None or (cells and word["x0"] - position <= 0.2):
            if cells:
                cells[-1].append(word)  # a word after a space, inside the cell
            else:
                cells.append([word])
        else:
            if not cells:
                empty = k  # leading tabs: empty cells before the first word
            else:
                first = int((position - margin) // step) + 1  # the first stop after the text
                empty = max(1, k - first + 1) - 1
            cells.extend([] for _ in range(empty))
            cells.append([word])
        position = word["x1"]
    return cells


def _cell(words: list[Word], page: int | None, margin: float, step: float, index: int,
          line: Line | None = None) -> RawCell:
    if not words:
        top, bottom = (line.top, line.bottom) if line is not None else (0.0, 0.0)
        box: BBox | None = (margin + index * step, top, margin + (index + 1) * step, bottom) if line is not None else None
        return RawCell(text="", location=Location(page=page, bbox=box))
    text = _join(words)
    box = (min(w["x0"] for w in words), min(w["top"] for w in words), max(w["x1"] for w in words),
           max(w["bottom"] for w in words))
    return _sure(RawCell(text=text, location=Location(page=page, bbox=box), indent=0.0), words)


def _sure(cell: RawCell, words: Sequence[Word]) -> RawCell:
    """OCR words carry the probability of each digit (``digits``): the cell keeps them."""
    digits = tuple(d for w in words for d in w.get("digits", ()))
    if digits:
        cell.digit_confidence = digits
        cell.confidence = min(digits)
    return cell


def _join(words: Sequence[Word]) -> str:
    """Words of one cell: a space where the gap is a space's width, else joined."""
    text = ""
    for previous, word in zip([None, *words], words):
        if previous is not None and word["x0"] - previous["x1"] > 0.25 * (word["bottom"] - word["top"]):
            text += " "
        text += word["text"]
    return text


def _union(a: BBox | None, b: BBox | None) -> BBox | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


# ---- aligned columns -------------------------------------------------------------------------


def column_edges(region: Sequence[Line]) -> list[float]:
    """Column edges (left edge, separators, right edge): the gaps of at least 4 pt that no word
    of a line with a figure crosses; a header word standing in such a gap clear of every figure
    is a column of its own (a column with no figure on this page, a side-by-side group with no
    rows). Empty when fewer than two columns are found."""
    x0 = min(line.x0 for line in region)
    x1 = max(line.x1 for line in region)
    from auditor.model import is_total_label

    # a 合计 label printed across the code and name columns crosses their gap: not counted
    figure_words = [w for line in region if line.has_figure and len(line.words) >= 2 for w in line.words
                    if not is_total_label(compact(w["text"]))]
    data = _aligned_clusters(figure_words)
    if not data:
        return []
    first_figure = next((i for i, line in enumerate(region) if line.has_figure), 0)

    def crosses(w: Word, spans: Sequence[tuple[float, float]]) -> bool:
        return any(w["x0"] < b + 1 and w["x1"] > a - 1 for a, b in spans)

    header = [[w for w in line.words] for line in region[:first_figure]]
    crossing = [[(w["x0"], w["x1"]) for w in words if crosses(w, data)] for words in header]
    # clear of the figures, and not the wrapped end of a header word over a column of figures
    # (a one-character head, "类" / "款" / "项" centred over a narrow code column, is not a column)
    clear = sorted((w["x0"], w["x1"]) for i, words in enumerate(header) for w in words
                   if not crosses(w, data) and w["x1"] - w["x0"] >= 1.8 * (w["bottom"] - w["top"])
                   and not any(crosses(w, crossing[j]) for j in (i - 1, i + 1) if 0 <= j < len(header)))
    # a header close to a column's figures (centred over right-aligned figures) is that column's
    spans = sorted(data + [h for h in _merged(clear, 1.0)
                           if not any(h[0] < b + 2.5 and h[1] > a - 2.5 for a, b in data)])
    separators = [(a[1] + b[0]) / 2 for a, b in zip(spans, spans[1:]) if b[0] > a[1]]
    if not separators:
        return []
    return [x0 - 1, *separators, x1 + 1]


def _aligned_clusters(words: Sequence[Word]) -> list[tuple[float, float]]:
    """Stretches of x that words cover, cut at gaps of 4 pt, and at narrower gaps where three
    words start on the gap's right (left-aligned names) and three words, or figures only, end
    on its left (right-aligned figures): two columns set edge to edge (a spreadsheet printed)."""
    tight = _merged(sorted((w["x0"], w["x1"]) for w in words), 0.3)
    if not tight:
        return []
    clusters = [tight[0]]
    for left, right in tight[1:]:
        gap_left, gap_right = clusters[-1][1], left
        ends = [w for w in words if abs(w["x1"] - gap_left) < 1.0]
        starts = sum(1 for w in words if abs(w["x0"] - gap_right) < 1.0)
        figures_end = bool(ends) and all(_NUMBER.match(w["text"]) for w in ends)
        if gap_right - gap_left >= _MIN_GAP or (starts >= 3 and (len(ends) >= 3 or figures_end)):
            clusters.append((left, right))
        else:
            clusters[-1] = (clusters[-1][0], max(clusters[-1][1], right))
    return clusters


def _merged(spans: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Sorted intervals joined where they overlap or stand less than ``gap`` apart."""
    merged: list[tuple[float, float]] = []
    for left, right in spans:
        if merged and left - merged[-1][1] < gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], right))
        else:
            merged.append((left, right))
    return merged


def _aligned_rows(region: Sequence[Line], edges: list[float], page: int | None, continued: bool = False
                  ) -> list[list[RawCell]]:
    """One row per printed line; each word in the column holding its centre (a word wider than
    the region's columns, such as a header over several columns, in the column holding its
    start). A header line (no figure) centred over several empty columns moves to the first.
    A table continued from the previous page has a header only when it repeats it: its lines
    before the first figure are rows once one starts an item (一、 / (一) / a code)."""
    rows: list[list[RawCell]] = []
    columns = len(edges) - 1
    for line in region:
        cells: list[list[Word]] = [[] for _ in range(columns)]
        for word in line.words:
            centre = (word["x0"] + word["x1"]) / 2
            index = _column_of(centre, edges)
            if word["x1"] - word["x0"] > edges[index + 1] - edges[index] + 2:
                index = _column_of(word["x0"] + 1, edges)
            cells[index].append(word)
        row = []
        for c, words in enumerate(cells):
            box: BBox = (edges[c], line.top, edges[c + 1], line.bottom)
            if words:
                text = _join(words)
                row.append(_sure(RawCell(text=text, location=Location(page=page, bbox=(
                    min(w["x0"] for w in words), line.top, max(w["x1"] for w in words), line.bottom)),
                    indent=round(min(w["x0"] for w in words) - edges[c], 1)), words))
            else:
                row.append(RawCell(text="", location=Location(page=page, bbox=box)))
        rows.append(row)
    lines = list(region)
    header_end = next((i for i, line in enumerate(lines) if line.has_figure), len(rows))
    if continued:
        header_end = next((i for i, line in enumerate(lines[:header_end]) if _starts_item(line)), header_end)
    _centre_headers(rows, region[:header_end], edges)
    assembled = _assemble_header(lines[:header_end], lines[header_end:], edges, page)
    if assembled is not None:
        rows[:header_end] = assembled[0]
        lines[:header_end] = assembled[1]
        header_end = len(assembled[0])
    _join_wrapped_names(rows, lines, header_end)
    _join_centred_labels(rows, lines, header_end)
    _total_to_first_code_column(rows, header_end)
    return rows


def _total_to_first_code_column(rows: list[list[RawCell]], header_end: int) -> None:
    """A 合计 label centred over the 类 / 款 / 项 code columns (one merged cell) lands in one of
    them: it goes to the first of the run, where a ruled grid keeps a merged cell's text."""
    from auditor.model import is_total_label

    body = rows[header_end:]

    def code_only(c: int) -> bool:
        texts = [compact(r[c].text) for r in body if c < len(r) and r[c].text]
        return bool(texts) and all(t.isdigit() or is_total_label(t) for t in texts) and any(t.isdigit() for t in texts)

    for row in body:
        for c, cell in enumerate(row):
            if c == 0 or not cell.text or not is_total_label(compact(cell.text)) or any(x.text for x in row[:c]):
                continue
            first = c
            while first > 0 and code_only(first - 1):
                first -= 1
            if first < c and code_only(c):
                row[first], row[c] = cell, RawCell(text="", location=Location(page=cell.location.page))
            break


@dataclass
class _Label:
    """Header words of one printed header cell: a text wrapped over lines joined."""

    words: list[Word]
    column: int

    @property
    def x0(self) -> float:
        return min(w["x0"] for w in self.words)

    @property
    def x1(self) -> float:
        return max(w["x1"] for w in self.words)

    @property
    def top(self) -> float:
        return min(w["top"] for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w["bottom"] for w in self.words)

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2

    def text(self) -> str:
        lines = lines_of_words(self.words)
        return "".join(_join(line) for line in lines)


def _header_labels(header: Sequence[Line], edges: list[float]) -> list[_Label]:
    """Header words grouped into labels: words of one line a space apart, and lines stacked
    within one column with less than half a line between them (a label wrapped in its cell,
    centred or left-aligned), are one label."""
    words = sorted((w for line in header for w in line.words), key=lambda w: (w["top"], w["x0"]))
    labels: list[_Label] = []
    for word in words:
        height = word["bottom"] - word["top"]
        column = _column_of((word["x0"] + word["x1"]) / 2, edges)
        home = None
        for label in labels:
            if label.column != column:
                continue
            same_line = abs(label.words[-1]["top"] - word["top"]) < 0.5 * height
            if same_line and 0 <= word["x0"] - max(w["x1"] for w in label.words if abs(w["top"] - word["top"]) < 0.5 * height) < height:
                home = label
                break
            last = max(label.words, key=lambda w: w["bottom"])
            gap = word["top"] - last["bottom"]
            # lines set wider apart (Word's spacing) still join when centred or started alike
            aligned = abs((word["x0"] + word["x1"]) / 2 - label.centre) < 1.5 or abs(word["x0"] - label.x0) < 1.0
            # a label over two or more words of the next line is a group header over them
            inside = sum(1 for w in words if abs(w["top"] - word["top"]) < 0.5 * height
                         and w["x0"] < label.x1 - 1 and w["x1"] > label.x0 + 1) < 2
            below = 0 <= gap < (0.8 if aligned else 0.6) * height
            overlap = word["x0"] < label.x1 + 1 and word["x1"] > label.x0 - 1
            if below and overlap and inside and not same_line:
                home = label
                break
        if home is None:
            labels.append(_Label(words=[word], column=column))
        else:
            home.words.append(word)
    return labels


def _above(m: _Label, n: _Label) -> bool:
    """``m`` stands over ``n``: higher, in its column or over its extent."""
    return m.bottom <= n.top + 1 and (m.column == n.column or (n.x0 < m.x1 - 1 and n.x1 > m.x0 + 1))


def _merge_header_only_columns(region: Sequence[Line], edges: list[float]) -> list[float]:
    """Columns that hold header words only, where a header is centred clear of its column's
    right-aligned figures or over several columns: a column with no body word goes into its
    neighbour when all its labels are group headers (to the side its label leans to), or when
    its neighbour has body words but no header of its own (a label beside its figures)."""
    from auditor.model import is_total_label

    first = next((i for i, line in enumerate(region) if line.has_figure), len(region))
    header, body = region[:first], region[first:]
    if not header:
        return edges
    edges = list(edges)
    changed = True
    while changed and len(edges) > 3:
        changed = False
        columns = len(edges) - 1
        labels = _header_labels(header, edges)
        filled = [0] * columns
        for line in body:
            for word in line.words:  # (a 合计 label centred over the code columns is no column's)
                if not is_total_label(compact(word["text"])):
                    filled[_column_of((word["x0"] + word["x1"]) / 2, edges)] += 1
        leaves = [[lab for lab in labels if lab.column == c and not any(_above(lab, m) for m in labels if m is not lab)]
                  for c in range(columns)]
        for c in range(columns):
            own = [lab for lab in labels if lab.column == c]
            if filled[c] or not own:
                continue
            near = [m for m in labels if m.column in (c - 1, c + 1)]
            if not leaves[c] or all(any(lab.bottom <= m.top + 1 for m in near) for lab in own):
                # group headers only (over the labels beside it): merged toward the side it leans to
                centre = sum(lab.centre for lab in own) / len(own)
                left = c > 0 and (c + 1 >= columns or centre - edges[c] < edges[c + 1] - centre)
                del edges[c if left else c + 1]
                changed = True
                break
            for n in (c + 1, c - 1):
                if 0 <= n < columns and filled[n] and not leaves[n]:
                    del edges[max(c, n)]
                    changed = True
                    break
            if changed:
                break
    return edges


def _clusters(values: Sequence[float], tolerance: float = 1.5) -> list[float]:
    """Values that stand within ``tolerance`` of the previous one counted once."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > tolerance:
            out.append(value)
    return out


def _assemble_header(header: Sequence[Line], body: Sequence[Line], edges: list[float], page: int | None
                     ) -> tuple[list[list[RawCell]], list[Line]] | None:
    """Header rows rebuilt from labels rather than printed lines, whose tops drift when a cell's
    text is wrapped or centred vertically. A label with labels below it (in its column or under
    its extent) is a group. At each level: the labels no other label stands above; of these, a
    label with nothing below stays in its own column, unless it stands in the lower half of the
    band under a group (a group's own label, not a sibling centred over several rows); each
    group spans the run of columns whose printed extent is centred under it (the widest run
    when several are); the labels under a group form its next level.
    Returns (rows, lines), one row per level, or None when the labels do not fit such a tree."""
    if len(header) < 2:
        return None
    columns = len(edges) - 1
    labels = _header_labels(header, edges)
    if len(labels) < 2:
        return None
    ink_left = [edges[c + 1] for c in range(columns)]
    ink_right = [edges[c] for c in range(columns)]
    lowest = [max((lab for lab in labels if lab.column == c), key=lambda lab: lab.bottom, default=None)
              for c in range(columns)]
    for word in [w for line in body for w in line.words] + [w for lab in lowest if lab is not None for w in lab.words]:
        c = _column_of((word["x0"] + word["x1"]) / 2, edges)
        ink_left[c] = min(ink_left[c], word["x0"])
        ink_right[c] = max(ink_right[c], word["x1"])
    # a column's printed extent: its lowest label is centred in it, so the ink reflected about
    # that label's centre (a left-aligned name or right-aligned figure marks one side)
    for c in range(columns):
        leaf = lowest[c]
        middle = leaf.centre if leaf is not None else (ink_left[c] + ink_right[c]) / 2
        half = max(middle - ink_left[c], ink_right[c] - middle, 0.0)
        ink_left[c], ink_right[c] = middle - half, middle + half

    above = _above
    # cells aligned to their top (Word) put the labels of one header row on one line; cells
    # centred vertically put them on one middle line, their tops apart
    top_aligned = len(_clusters([lab.top for lab in labels])) <= len(_clusters([(lab.top + lab.bottom) / 2 for lab in labels]))
    levels: list[list[tuple[int, _Label]]] = []

    def solve(members: list[_Label], first: int, last: int, depth: int) -> bool:
        if not members:
            return True
        tops = [lab for lab in members if not any(above(m, lab) for m in members if m is not lab)]
        groups = sorted((lab for lab in tops if any(above(lab, m) for m in members if m is not lab)),
                        key=lambda g: g.centre)
        # a group standing below another group (a narrow label over a wide group) is nested in it
        if groups:
            highest = min(g.bottom for g in groups)
            nested = [g for g in groups if g.top >= highest - 1]
            groups = [g for g in groups if g not in nested]
            tops = [lab for lab in tops if lab not in nested]
        foot = max(m.bottom for m in members)
        demoted = [lab for lab in tops if lab not in groups and any(
            lab.top >= g.bottom - 1 and (top_aligned or (lab.top + lab.bottom) / 2 > (g.top + foot) / 2 + (g.bottom - g.top) / 4)
            for g in groups)]
        fixed: dict[int, _Label] = {}
        for leaf in tops:
            if leaf in groups or leaf in demoted:
                continue
            if leaf.column in fixed or not first <= leaf.column <= last:
                return False
            fixed[leaf.column] = leaf
        spans: list[tuple[int, int, _Label]] = []
        start = first
        for group in groups:
            best: tuple[float, int, int, int] | None = None  # (distance, -width, a, b)
            for a in range(start, last + 1):
                for b in range(a, last + 1):
                    if any(c in fixed for c in range(a, b + 1)):
                        break
                    distance = abs((ink_left[a] + ink_right[b]) / 2 - group.centre)
                    if best is None or distance < best[0] - 3 or (distance <= best[0] + 3 and b - a > -best[1]):
                        best = (distance, -(b - a), a, b)
            if best is None:
                return False
            spans.append((best[2], best[3], group))
            start = best[3] + 1
        for leaf in demoted:
            if not any(a <= leaf.column <= b for a, b, _ in spans):
                if leaf.column in fixed or not first <= leaf.column <= last:
                    return False
                fixed[leaf.column] = leaf
        while len(levels) <= depth:
            levels.append([])
        levels[depth].extend(fixed.items())
        placed = set(map(id, fixed.values())) | {id(g) for g in groups}
        for a, b, group in spans:
            levels[depth].append((a, group))
            under = [m for m in members if id(m) not in placed and a <= m.column <= b]
            placed |= set(map(id, under))
            if not solve(under, a, b, depth + 1):
                return False
        return all(id(m) in placed for m in members)

    if not solve(labels, 0, columns - 1, 0):
        return None
    rows: list[list[RawCell]] = []
    lines: list[Line] = []
    for level in levels:
        row = [RawCell(text="", location=Location(page=page, bbox=(edges[c], header[0].top, edges[c + 1], header[-1].bottom)))
               for c in range(columns)]
        for c, lab in level:
            if row[c].text:
                return None
            row[c] = RawCell(text=lab.text(), location=Location(page=page, bbox=(lab.x0, lab.top, lab.x1, lab.bottom)),
                             indent=round(lab.x0 - edges[c], 1))
        rows.append(row)
        lines.append(Line(words=[w for _, lab in level for w in lab.words] or list(header[0].words), index=header[0].index))
    return rows, lines


def _join_centred_labels(rows: list[list[RawCell]], region: list[Line], header_end: int) -> None:
    """A name wrapped over lines in a cell centred vertically: its first line stands above the
    line with the code and figures, its last below. A line holding only that column's text goes
    into the data line below when that line's cell is empty, and the line after such a data
    line joins it too (a name wrapped in a top-aligned cell joins the row above downstream)."""
    drop: set[int] = set()
    opened: dict[int, int] = {}  # data row -> column that received a top half
    for r in range(header_end, len(rows)):
        filled = [c for c, cell in enumerate(rows[r]) if cell.text]
        if len(filled) != 1 or region[r].has_figure:
            continue
        col = filled[0]
        below = rows[r + 1] if r + 1 < len(rows) else None
        if below is not None and region[r + 1].has_figure and not below[col].text:
            below[col] = RawCell(text=rows[r][col].text, location=rows[r][col].location, indent=rows[r][col].indent)
            opened[r + 1] = col
            drop.add(r)
        elif r - 1 in opened and opened[r - 1] == col:
            above = rows[r - 1][col]
            rows[r - 1][col] = RawCell(text=above.text + rows[r][col].text, location=above.location, indent=above.indent)
            drop.add(r)
    for r in sorted(drop, reverse=True):
        del rows[r]
        del region[r]


def _join_wrapped_names(rows: list[list[RawCell]], region: list[Line], header_end: int) -> None:
    """Names wrapped in top-aligned cells: a line with no figure whose every text sits under a
    name of the line above (in side-by-side groups, several names wrap at once) continues those
    names. A line that starts an item of its own (一、, 合计, a code) is a row."""
    from auditor.codes import looks_like_code
    from auditor.model import is_total_label

    reach = [max((box[2] for row in rows[header_end:] if row[c].text and (box := row[c].location.bbox) is not None),
                 default=0.0) for c in range(len(rows[0]) if rows else 0)]

    def full(cell: RawCell, c: int) -> bool:
        """The name ran to its column's widest text: it wrapped there."""
        box = cell.location.bbox
        return bool(cell.text) and box is not None and box[2] >= reach[c] - 1.5 * (box[3] - box[1])

    r = header_end + 1
    while r < len(rows):
        filled = [c for c, cell in enumerate(rows[r]) if cell.text]
        above = rows[r - 1]
        texts = [compact(rows[r][c].text) for c in filled]
        if (filled and not region[r].has_figure and all(full(above[c], c) and not _NUMBER.match(compact(above[c].text))
                                                          for c in filled)
                and not any(_ITEM.match(t) or is_total_label(t) or looks_like_code(t) for t in texts)):
            for c in filled:
                cell = above[c]
                above[c] = RawCell(text=cell.text + rows[r][c].text, location=Location(
                    page=cell.location.page, bbox=_union(cell.location.bbox, rows[r][c].location.bbox)), indent=cell.indent)
            del rows[r]
            del region[r]
            continue
        r += 1


def _column_of(x: float, edges: list[float]) -> int:
    for index in range(len(edges) - 1):
        if x < edges[index + 1]:
            return index
    return len(edges) - 2


def _centre_headers(rows: list[list[RawCell]], region: Sequence[Line], edges: list[float]) -> None:
    """A header word centred over a run of empty columns whose columns all have a sub-header
    below (a group header: "本年支出" over 基本支出 / 项目支出) moves to the run's first column,
    where a merged cell keeps its text."""
    header_end = next((i for i, line in enumerate(region) if line.has_figure), len(region))
    for r in range(header_end):
        row = rows[r]
        below = rows[r + 1 : header_end]
        for c in range(len(row)):
            cell = row[c]
            box = cell.location.bbox
            if not cell.text or box is None:
                continue
            centre = (box[0] + box[2]) / 2
            left = c
            while left > 0 and not row[left - 1].text and any(b[left - 1].text for b in below):
                left -= 1
            right = c
            while right + 1 < len(row) and not row[right + 1].text and any(b[right + 1].text for b in below):
                right += 1
            best = (abs((edges[c] + edges[c + 1]) / 2 - centre), c)
            for a in range(left, c + 1):
                for b in range(c, right + 1):
                    if a == b:
                        continue
                    distance = abs((edges[a] + edges[b + 1]) / 2 - centre)
                    if distance + 1.0 < best[0]:
                        best = (distance, a)
            if best[1] != c:
                row[best[1]], row[c] = cell, RawCell(text="", location=Location(page=cell.location.page, bbox=(
                    edges[c], box[1], edges[c + 1], box[3])))


__all__ = ["Carry", "column_edges", "find_tables", "lines_of_words", "runs_from_chars", "tab_grid"]
