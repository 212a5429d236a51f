"""Read a report saved as a web page (many departments publish the narrative, or the whole
report, as HTML): paragraphs and headings as text lines, data tables as raw grids (row and
column spans laid out as printed), in document order. Tables used only for page layout
(holding other tables) are walked through, not read as grids.

Locations: the page is the file's one page; ``line`` counts the blocks in reading order.
Scripts, styles and other non-content elements are skipped; nothing is fetched.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from auditor.ingest.document import Block, Document, RawCell, RawTable, TextLine
from auditor.ingest.errors import InputError
from auditor.model import Location

MAX_SPAN = 60  # a row/column span beyond this is hostile or broken: read as 1
MAX_CELLS = 200_000

_SKIP = {"script", "style", "head", "noscript", "iframe", "object", "embed", "svg", "template", "select", "button"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "section", "article", "header", "footer",
          "blockquote", "pre", "dd", "dt", "center", "caption", "form", "ul", "ol", "dl", "body", "td", "th"}
_CHARSET_RE = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    match = _CHARSET_RE.search(data[:4096])
    candidates = [match.group(1).decode("ascii", "ignore")] if match else []
    candidates += ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            return data.decode("gb18030" if encoding.lower() in {"gb2312", "gbk"} else encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise InputError("网页的文字编码无法识别（支持 UTF-8、GBK/GB18030）")


def read_html(path: Path) -> Document:
    data = path.read_bytes()
    return parse_html(decode_html(data), source=str(path), sha256=hashlib.sha256(data).hexdigest())


def parse_html(text: str, source: str = "<html>", sha256: str = "") -> Document:
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # noqa: BLE001 - lxml raises ParserError and others
        raise InputError(f"网页无法解析：{type(exc).__name__}", kind="corrupt") from exc
    reader = _Reader()
    body = root.find("body")
    reader.walk(body if body is not None else root)
    reader.flush()
    if not reader.blocks:
        raise InputError("网页中没有文字", kind="empty")
    return Document(blocks=reader.blocks, source=source, source_kind="html", page_count=1, sha256=sha256)


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.cells = 0

    def _line(self) -> int:
        return len(self.blocks) + 1

    def flush(self) -> None:
        text = re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", "".join(self.buffer))
        self.buffer = []
        for part in text.split("\n"):
            part = part.strip()
            if part:
                self.blocks.append(TextLine(text=part, location=Location(page=1, line=self._line())))

    def walk(self, element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _SKIP or not tag:
            return
        if tag == "br":
            self.buffer.append("\n")
            return
        if tag == "table" and not element.xpath(".//table"):
            self.flush()
            table = self.table(element)
            if table is not None:
                self.blocks.append(table)
            return
        if tag in _BLOCK:
            self.flush()
        if element.text:
            self.buffer.append(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self.buffer.append(child.tail)
        if tag in _BLOCK:
            self.flush()

    def table(self, element: Any) -> RawTable | None:
        line = self._line()
        caption = element.find("caption")
        if caption is not None:
            text = _cell_text(caption)
            if text:
                self.blocks.append(TextLine(text=text, location=Location(page=1, line=line)))
                line += 1
        grid: dict[tuple[int, int], str] = {}
        occupied: set[tuple[int, int]] = set()
        rows = element.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        width = 0
        for r, row in enumerate(rows):
            c = 0
            for cell in row.xpath("./td|./th"):
                while (r, c) in occupied:
                    c += 1
                rowspan, colspan = _span(cell.get("rowspan")), _span(cell.get("colspan"))
                self.cells += rowspan * colspan
                if self.cells > MAX_CELLS:
                    raise InputError(f"网页中的表格过大（超过 {MAX_CELLS} 个单元格）", kind="too_large")
                grid[(r, c)] = _cell_text(cell)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        occupied.add((r + dr, c + dc))
                c += colspan
                width = max(width, c)
        if not rows or not width:
            return None
        height = max(r for r, _ in occupied) + 1
        raw = [
            [RawCell(text=grid.get((r, c), ""), location=Location(page=1, line=line + r)) for c in range(width)]
            for r in range(height)
        ]
        return RawTable(rows=raw, location=Location(page=1, line=line))


def _span(value: str | None) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return number if 1 <= number <= MAX_SPAN else 1


def _cell_text(element: Any) -> str:
    parts: list[str] = []

    def collect(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIP:
            return
        if tag == "br":
            parts.append("\n")
        if node.text and tag:
            parts.append(node.text)
        for child in node:
            collect(child)
            if child.tail:
                parts.append(child.tail)
        if tag in {"p", "div", "li"}:
            parts.append("\n")

    collect(element)
    text = re.sub(r"[ \t\r\f\v\u00a0\u3000]+", " ", "".join(parts))
    return "\n".join(p.strip() for p in text.split("\n") if p.strip())
