"""Two tables found as one grid (their rules touch): the grid is cut where the second one's
title stands, by one implementation (assemble.split_grid) whether the title is a text line in
the grid's frame (PDF reader) or a merged row of the grid (any input)."""

from __future__ import annotations

from auditor.ingest.assemble import lift_titles, split_grid
from auditor.ingest.document import RawCell, RawTable, TextLine
from auditor.ingest.pdf import split_at_titles
from auditor.model import Location

TITLE = "一般公共预算财政拨款支出决算表"


def _row(top: float, *texts: str) -> list[RawCell]:
    return [RawCell(text=t, location=Location(page=3, bbox=(50.0 + 100 * i, top, 150.0 + 100 * i, top + 20)))
            for i, t in enumerate(texts)]


def _grid(rows: list[list[RawCell]]) -> RawTable:
    return RawTable(rows=rows, location=Location(page=3, bbox=(50.0, 100.0, 250.0, 400.0)))


def test_a_title_row_cuts_the_grid_and_each_piece_is_framed_by_its_own_cells() -> None:
    grid = _grid([_row(100, "项目", "金额"), _row(120, "合计", "10.00"), _row(140, TITLE, ""),
                  _row(160, "科目", "金额"), _row(180, "合计", "5.00")])
    blocks = lift_titles([grid])
    tables = [b for b in blocks if isinstance(b, RawTable)]
    assert [[r[0].text for r in t.rows] for t in tables] == [["项目", "合计"], ["科目", "合计"]]
    assert any(isinstance(b, TextLine) and b.text == TITLE for b in blocks)
    # the first piece ends above the title (it used to keep the whole grid's frame) and the
    # second spans its rows from its title row (it used to be the title cell's box alone)
    assert tables[0].location.bbox == (50.0, 100.0, 250.0, 140.0)
    assert tables[1].location.bbox == (50.0, 140.0, 250.0, 200.0)
    assert all(t.location.page == 3 for t in tables)


def test_a_title_line_inside_the_frame_cuts_the_grid_between_rows() -> None:
    grid = _grid([_row(100, "项目", "金额"), _row(120, "合计", "10.00"), _row(170, "科目", "金额"),
                  _row(190, "合计", "5.00")])
    title = TextLine(text=TITLE, location=Location(page=3, bbox=(60.0, 145.0, 240.0, 160.0)))
    pieces = split_at_titles([grid], [title])
    assert [len(p.rows) for p in pieces] == [2, 2]
    assert pieces[0].location.bbox == (50.0, 100.0, 250.0, 140.0)
    assert pieces[1].location.bbox == (50.0, 170.0, 250.0, 210.0)
    # a title that does not fall between rows (it overlaps one) leaves the grid whole
    inside = TextLine(text=TITLE, location=Location(page=3, bbox=(60.0, 125.0, 240.0, 135.0)))
    assert split_at_titles([grid], [inside]) == [grid]


def test_no_cut_gives_the_grid_itself() -> None:
    grid = _grid([_row(100, "项目", "金额")])
    assert split_grid(grid, []) == [grid]
