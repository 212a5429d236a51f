"""Rectangles a reader does not see: filled white (or not painted at all) on a white page.

Word and WPS export a cell's padding and a text run's background as white-filled rectangles,
one around every figure and header line. They draw nothing, but their edges look like cell
rules to a table finder, which then cuts a ruled table into many narrow columns: a header's
text lands one column left of its figures, and a figure is cut in two ("267.8" | "0").
The table finder is given the page without them, as long as the page has rules that are
painted (so a table drawn as white cells over a dark background is left as it is).
"""

from __future__ import annotations

from typing import Any

_THIN = 2.0  # pt: a filled rectangle this narrow or this low is a rule


def _white(colour: Any) -> bool:
    if colour is None:
        return False
    if isinstance(colour, int | float):
        return float(colour) == 1.0
    if not isinstance(colour, tuple | list) or not all(isinstance(v, int | float) for v in colour):
        return False  # a pattern or a named colour: assume it shows
    values = [float(v) for v in colour]
    if len(values) == 4:  # CMYK
        return all(v == 0.0 for v in values)
    return bool(values) and all(v == 1.0 for v in values)


def unseen(obj: dict[str, Any]) -> bool:
    """A rectangle that paints nothing visible: no dark stroke and no dark fill."""
    if obj.get("object_type") != "rect":
        return False
    stroked = bool(obj.get("stroke")) and not _white(obj.get("stroking_color"))
    filled = bool(obj.get("fill")) and not _white(obj.get("non_stroking_color"))
    return not stroked and not filled


def _painted_rule(obj: dict[str, Any]) -> bool:
    if obj.get("object_type") == "line":
        return not _white(obj.get("stroking_color"))
    if obj.get("object_type") != "rect" or unseen(obj):
        return False
    thin = min(float(obj["x1"]) - float(obj["x0"]), float(obj["bottom"]) - float(obj["top"])) <= _THIN
    return thin or bool(obj.get("stroke"))


def without_unseen_rects(page: Any) -> Any:
    """The page without rectangles that paint nothing, when it has painted rules; else itself."""
    rects = page.rects
    if not any(unseen(r) for r in rects):
        return page
    if not any(_painted_rule(o) for o in [*rects, *page.lines]):
        return page
    return page.filter(lambda obj: not unseen(obj))
