"""The PDF reader's near-linear look-ups give what comparing every pair gives: glyphs of two
text lines on top of each other (two printed lines, not one) and the cells within a table's
frame cell."""

from __future__ import annotations

import random

from auditor.ingest.pdf import _boxes_within, _glyph_hit, _glyphs_overlap, merge_overlapping_lines
from auditor.model import BBox


def _glyphs(rng: random.Random, n: int, odd: bool) -> list[dict[str, float]]:
    chars = []
    for _ in range(n):
        x0 = rng.choice([rng.uniform(0, 300), float(rng.randrange(0, 300, 6))])
        width = rng.choice([0.0, 6.0, rng.uniform(0, 12), -2.0 if odd else 3.0])
        chars.append({"x0": x0, "x1": x0 + width})
    return chars


def test_the_sweep_finds_the_same_glyph_overlaps_as_every_pair() -> None:
    rng = random.Random(7)
    hits = 0
    for trial in range(1500):
        first = _glyphs(rng, rng.randrange(0, 25), odd=trial % 7 == 0)
        second = _glyphs(rng, rng.randrange(0, 25), odd=trial % 11 == 0)
        expected = any(_glyph_hit(c, o) for c in second for o in first)
        assert _glyphs_overlap(first, second) is expected
        hits += expected
    assert 100 < hits < 1400  # both answers were exercised


def test_figures_set_lower_join_their_sentence_but_stacked_glyphs_do_not() -> None:
    def line(top: float, xs: list[float], text: str) -> dict[str, object]:
        chars = [{"x0": x, "x1": x + 10, "top": top, "bottom": top + 10, "text": t} for x, t in zip(xs, text)]
        return {"chars": chars, "text": text, "x0": xs[0], "x1": xs[-1] + 10, "top": top, "bottom": top + 10}

    words = line(100, [0, 10, 20, 60], "支出为元")
    figures = line(102, [30, 40, 50], "123")
    assert [m["text"] for m in merge_overlapping_lines([words, figures])] == ["支出为123元"]
    stacked = line(102, [5, 15], "12")
    assert len(merge_overlapping_lines([words, stacked])) == 2


def test_the_bucketed_look_up_finds_the_same_boxes_within_a_frame() -> None:
    rng = random.Random(11)
    for _ in range(200):
        boxes: list[BBox] = []
        for _ in range(rng.randrange(0, 40)):
            x0, y0 = rng.choice([rng.uniform(0, 500), float(rng.randrange(0, 500, 50))]), rng.uniform(0, 700)
            boxes.append((x0, y0, x0 + rng.choice([50.0, rng.uniform(0, 400)]), y0 + rng.choice([15.0, rng.uniform(0, 300)])))
        if boxes and rng.random() < 0.3:
            boxes.append(boxes[0])  # the same box twice
        within = _boxes_within(boxes)
        for frame in boxes + [(-1e9, -1e9, 1e9, 1e9), (300.0, 300.0, 100.0, 100.0)]:
            expected = [b for b in boxes if b != frame and b[0] >= frame[0] - 1 and b[1] >= frame[1] - 1
                        and b[2] <= frame[2] + 1 and b[3] <= frame[3] + 1]
            assert within(frame) == expected
