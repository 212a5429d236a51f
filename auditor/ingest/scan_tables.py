"""Ruled tables in a page image: ruling lines found with OpenCV morphology, the grid of
cells from where the lines run, merged cells where a line between two grid cells is missing.

Everything here works in pixels of the upright, deskewed page image; ``ocr.py`` assigns the
recognised text to the cells and maps the boxes back to PDF points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

PixelBox = tuple[int, int, int, int]  # x0, y0, x1, y1


@dataclass
class GridCell:
    """One cell of the grid; a merged cell is the ``owner`` of the grid cells it covers."""

    row: int
    col: int
    box: PixelBox
    owner: tuple[int, int]  # (row, col) of the top-left grid cell of its merged cell

    @property
    def is_owner(self) -> bool:
        return self.owner == (self.row, self.col)


@dataclass
class Grid:
    xs: list[int]
    ys: list[int]
    cells: dict[tuple[int, int], GridCell] = field(default_factory=dict)

    @property
    def box(self) -> PixelBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    def merged_box(self, owner: tuple[int, int]) -> PixelBox:
        members = [c.box for c in self.cells.values() if c.owner == owner]
        return (min(b[0] for b in members), min(b[1] for b in members),
                max(b[2] for b in members), max(b[3] for b in members))

    def cell_at(self, x: float, y: float) -> GridCell | None:
        """The merged cell's owner for the grid cell holding point (x, y)."""
        if not (self.xs[0] <= x <= self.xs[-1] and self.ys[0] <= y <= self.ys[-1]):
            return None
        col = max(0, min(len(self.xs) - 2, int(np.searchsorted(self.xs, x)) - 1))
        row = max(0, min(len(self.ys) - 2, int(np.searchsorted(self.ys, y)) - 1))
        cell = self.cells[(row, col)]
        return self.cells[cell.owner]


def line_masks(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(horizontal, vertical) masks of ruling lines: long thin runs of dark pixels."""
    import cv2

    height, width = gray.shape[:2]
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 12)
    h_len = max(30, width // 30)
    v_len = max(20, height // 60)
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len)))
    # rejoin a line broken by blur or a stamp over it
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 3)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 15)))
    return horizontal, vertical


def _segments(mask: np.ndarray, axis: str) -> list[tuple[float, int, int]]:
    """Line segments of a mask as (position across, start, end along)."""
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    result = []
    for i in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[i])
        if axis == "h":
            result.append((y + h / 2, x, x + w))
        else:
            result.append((x + w / 2, y, y + h))
    return result


def _cluster(values: list[float], tolerance: float) -> list[int]:
    values = sorted(values)
    groups: list[list[float]] = []
    for v in values:
        if groups and v - groups[-1][-1] <= tolerance:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [int(round(sum(g) / len(g))) for g in groups]


def find_grids(gray: np.ndarray) -> tuple[list[Grid], np.ndarray]:
    """The ruled tables of a page image, and the mask of all ruling lines (to erase them
    before text detection, so that text boxes stop at the rules)."""
    import cv2

    height, width = gray.shape[:2]
    horizontal, vertical = line_masks(gray)
    lines = cv2.bitwise_or(horizontal, vertical)
    count, _, stats, _ = cv2.connectedComponentsWithStats(
        cv2.dilate(lines, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5))), connectivity=8)
    grids: list[Grid] = []
    for i in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[i])
        if w < width * 0.25 or h < 30:
            continue
        grid = _grid_in(horizontal[y:y + h, x:x + w], vertical[y:y + h, x:x + w], (x, y))
        if grid is not None:
            grids.append(grid)
    return grids, _rule_pixels(horizontal, vertical, grids)


def _rule_pixels(horizontal: np.ndarray, vertical: np.ndarray, grids: list[Grid], band: int = 12) -> np.ndarray:
    """The line pixels that are rules: horizontal runs near a grid's rows or long across the
    page, vertical runs that reach from one of a grid's horizontal rules to another. Not the
    rest of the line masks: strokes of characters stacked in a two-line header cell can join
    into a short vertical "line", and erasing them would cut the characters."""
    import cv2

    height, width = horizontal.shape[:2]
    keep = np.zeros_like(horizontal)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    chosen = [i for i in range(1, count) if stats[i][2] >= width * 0.2]
    for grid in grids:
        x0, y0, x1, y1 = grid.box
        for i in range(1, count):
            x, y, w, h, _ = (int(v) for v in stats[i])
            if x >= x0 - band and x + w <= x1 + band and any(abs(y + h / 2 - r) <= band for r in grid.ys):
                chosen.append(i)
    if chosen:
        keep[np.isin(labels, chosen)] = 255
    count, labels, stats, _ = cv2.connectedComponentsWithStats(vertical, connectivity=8)
    chosen = []
    for i in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[i])
        for grid in grids:
            x0, y0, x1, y1 = grid.box
            if not (x0 - band <= x + w / 2 <= x1 + band):
                continue
            ends = any(abs(y - r) <= band for r in grid.ys) and any(abs(y + h - r) <= band for r in grid.ys)
            if ends or h >= (y1 - y0) * 0.5:
                chosen.append(i)
                break
    if chosen:
        keep[np.isin(labels, chosen)] = 255
    return keep


def _grid_in(horizontal: np.ndarray, vertical: np.ndarray, origin: tuple[int, int]) -> Grid | None:
    h_segs = _segments(horizontal, "h")
    v_segs = _segments(vertical, "v")
    height, width = horizontal.shape[:2]
    h_segs = [s for s in h_segs if s[2] - s[1] >= max(30, width * 0.05)]
    v_segs = [s for s in v_segs if s[2] - s[1] >= 12]
    if len(h_segs) < 2:
        return None
    ys = _cluster([s[0] for s in h_segs], 14)

    def near_rule(y: float) -> bool:
        return any(abs(y - r) <= 10 for r in ys)

    # a rule runs from one horizontal rule to another; a character's stroke stops short of both
    v_segs = [s for s in v_segs if (near_rule(s[1]) and near_rule(s[2])) or s[2] - s[1] >= height * 0.5]
    xs = _cluster([s[0] for s in v_segs], 14)
    left = min(s[1] for s in h_segs)
    right = max(s[2] for s in h_segs)
    # a table drawn without outer vertical borders: its rules' ends are its edges. Not when the
    # strip between the rules' ends and the outer vertical is narrower than a row is high:
    # that is a slanted border (perspective), whose rules end before or after it, not a column
    gap = max(16.0, float(np.median(np.diff(ys)))) * 0.8 if len(ys) >= 3 else 16.0
    if not xs or xs[0] - left > gap:
        xs.insert(0, left)
    if xs[-1] < right - gap:
        xs.append(right)
    top = min(ys)
    bottom = max(ys)
    if v_segs:
        if min(s[1] for s in v_segs) < top - 16:
            ys.insert(0, int(min(s[1] for s in v_segs)))
        if max(s[2] for s in v_segs) > bottom + 16:
            ys.append(int(max(s[2] for s in v_segs)))
    ys = sorted(set(ys))
    xs = sorted(set(xs))
    if len(ys) < 2 or len(xs) < 2:
        return None
    if len(xs) == 2:
        return None  # a box around text, or rules only (read as text lines): not a ruled grid
    # which rule each segment belongs to: a slanted scan (perspective) moves a rule by more
    # than any pixel tolerance between its ends, but its segments still cluster to it
    def covered(runs: list[tuple[int, int]], start: int, end: int) -> bool:
        a, b = start + (end - start) // 5, end - (end - start) // 5
        if b <= a:
            return True
        hit = sum(max(0, min(b, r1) - max(a, r0)) for r0, r1 in runs)
        return hit >= (b - a) * 0.5

    def runs_of(positions: list[int]) -> dict[int, list[tuple[int, int]]]:
        runs: dict[int, list[tuple[int, int]]] = {}
        for pos, a, b in v_segs:
            j = int(np.argmin([abs(pos - x) for x in positions]))
            if abs(pos - positions[j]) <= 20:
                runs.setdefault(j, []).append((a, b))
        return runs

    v_runs = runs_of(xs)
    # strokes of bold or large characters (a header, a 合计 row) that fill their cell cross the
    # rules above and below them and look like short rules. Columns are the body's: in a table
    # of six rows or more, a boundary is a column only where it splits at least two rows below
    # the two header rows (in a long table, two rows between the header and the last four,
    # where the 小计/合计 rows are)
    if len(ys) >= 7:
        rows = len(ys) - 1
        middle = range(2, rows - 4) if rows >= 10 else range(2, rows)
        spurious = set()
        for j in range(1, len(xs) - 1):
            split = sum(1 for r in middle if covered(v_runs.get(j, []), ys[r], ys[r + 1]))
            if split < 2:
                spurious.add(j)
        if spurious:
            xs = [x for j, x in enumerate(xs) if j not in spurious]
            v_runs = runs_of(xs)
    h_runs: dict[int, list[tuple[int, int]]] = {}
    for pos, a, b in h_segs:
        i = int(np.argmin([abs(pos - y) for y in ys]))
        if abs(pos - ys[i]) <= 20:
            h_runs.setdefault(i, []).append((a, b))

    def has_vertical(j: int, y0: int, y1: int) -> bool:
        return covered(v_runs.get(j, []), y0, y1)

    def has_horizontal(i: int, x0: int, x1: int) -> bool:
        return covered(h_runs.get(i, []), x0, x1)

    rows, cols = len(ys) - 1, len(xs) - 1
    parent = {(r, c): (r, c) for r in range(rows) for c in range(cols)}

    def find(key: tuple[int, int]) -> tuple[int, int]:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def union(a: tuple[int, int], b: tuple[int, int]) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            keep, drop = min(ra, rb), max(ra, rb)
            parent[drop] = keep

    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and not has_vertical(c + 1, ys[r], ys[r + 1]):
                union((r, c), (r, c + 1))
            if r + 1 < rows and not has_horizontal(r + 1, xs[c], xs[c + 1]):
                union((r, c), (r + 1, c))
    ox, oy = origin
    grid = Grid(xs=[x + ox for x in xs], ys=[y + oy for y in ys])
    for r in range(rows):
        for c in range(cols):
            owner = find((r, c))
            grid.cells[(r, c)] = GridCell(r, c, (xs[c] + ox, ys[r] + oy, xs[c + 1] + ox, ys[r + 1] + oy), owner)
    # a merged region that is not a rectangle (rare: a missing rule segment) keeps its top-left owner
    for cell in grid.cells.values():
        if cell.owner[0] > cell.row or cell.owner[1] > cell.col:
            cell.owner = (cell.row, cell.col)
    return grid


def borderless_tables(words: list[dict[str, Any]], number: int, blocked: list[float]) -> tuple[list[Any], set[int]]:
    """Tables with no vertical rules on a scanned page, from the OCR words outside the ruled
    grids (boxes already in PDF points; ``digits``: each digit's probability), read by the
    text layer's borderless reader (``borderless.py``): the tables, and the indices of the
    words they took."""
    from auditor.ingest.borderless import find_tables, lines_of_words
    from auditor.ingest.recognize import kind_from_title
    from auditor.ingest.sections import is_page_number

    for index, word in enumerate(words):
        word["index"] = index
    lines = lines_of_words(words)
    tables, used_lines = find_tables(lines, number, lambda text: kind_from_title(text.replace(" ", "")) is not None,
                                     is_page_number, blocked)
    return tables, {w["index"] for i in used_lines for w in lines[i]}


def _fit(points: np.ndarray, along: int) -> tuple[float, float]:
    """Least-squares line through pixel coordinates: across = a · along + b."""
    a, b = np.polyfit(points[:, along].astype(float), points[:, 1 - along].astype(float), 1)
    return float(a), float(b)


def keystone(gray: np.ndarray, tolerance: float = 3.0) -> np.ndarray | None:
    """The 3×3 map that squares a page photographed or scanned slightly in perspective: the
    outer rules of its largest ruled table (leftmost and rightmost long verticals, topmost and
    bottommost long horizontals) fitted as straight lines, their four crossings moved to the
    rectangle they should form. None when the corners are already within ``tolerance`` pixels
    of it, or the page has no such table (then rotation alone has straightened it)."""
    import cv2

    height, width = gray.shape[:2]
    horizontal, vertical = line_masks(gray)

    def long_lines(mask: np.ndarray, axis: int, least: float) -> list[tuple[float, float, float]]:
        count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        lines = []
        for i in range(1, count):
            length = stats[i][cv2.CC_STAT_HEIGHT if axis == 1 else cv2.CC_STAT_WIDTH]
            if length < least:
                continue
            ys, xs = np.nonzero(labels == i)
            points = np.column_stack([xs, ys])[:: max(1, len(xs) // 400)]
            a, b = _fit(points, axis)
            middle = float(np.median(points[:, 1 - axis]))
            lines.append((middle, a, b))
        return sorted(lines)

    verticals = long_lines(vertical, 1, height * 0.25)
    horizontals = long_lines(horizontal, 0, width * 0.3)
    if len(verticals) < 2 or len(horizontals) < 2:
        return None
    (_, la, lb), (_, ra, rb) = verticals[0], verticals[-1]
    (_, ta, tb), (_, ba, bb) = horizontals[0], horizontals[-1]

    def cross(va: float, vb: float, ha: float, hb: float) -> tuple[float, float]:
        # x = va·y + vb and y = ha·x + hb
        y = (ha * vb + hb) / (1 - ha * va)
        return va * y + vb, y

    corners = np.float32([cross(la, lb, ta, tb), cross(ra, rb, ta, tb), cross(ra, rb, ba, bb), cross(la, lb, ba, bb)])
    left = (corners[0][0] + corners[3][0]) / 2
    right = (corners[1][0] + corners[2][0]) / 2
    top = (corners[0][1] + corners[1][1]) / 2
    bottom = (corners[2][1] + corners[3][1]) / 2
    if right - left < width * 0.3 or bottom - top < height * 0.2:
        return None
    square = np.float32([[left, top], [right, top], [right, bottom], [left, bottom]])
    if float(np.abs(corners - square).max()) <= tolerance:
        return None
    if float(np.abs(corners - square).max()) > max(width, height) * 0.05:
        return None  # not a slight perspective: a wrong pairing of lines; leave the page as it is
    return cv2.getPerspectiveTransform(corners, square)
