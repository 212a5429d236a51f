"""Read a report rendered as text: paragraphs one per line, tables as tab-separated lines.

A run of consecutive lines that contain a tab is one raw table; blank lines inside the run
do not end it when the next non-blank line has tabs too (tables printed in pieces).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from auditor.ingest.document import Document, RawCell, RawTable, TextLine
from auditor.ingest.errors import InputError
from auditor.model import Location

_ENCODINGS = ("utf-8-sig", "utf-16", "gb18030")


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (with BOM) or GBK/GB18030 text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("文本编码无法识别（支持 UTF-8、UTF-16、GBK/GB18030）")


def read_text(path: Path) -> Document:
    data = path.read_bytes()
    if not data.strip():
        raise InputError("文件为空")
    text = decode_text(data)
    if "\x00" in text:
        raise InputError("文件不是文本（含二进制内容）")
    return parse_text(text, source=str(path), sha256=hashlib.sha256(data).hexdigest())


def parse_text(text: str, source: str = "<text>", sha256: str = "") -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    continues_table = _next_nonblank_has_tab(lines)
    blocks: list[TextLine | RawTable] = []
    current: list[list[RawCell]] = []
    start_line = 0

    def flush() -> None:
        nonlocal current
        if current:
            blocks.append(RawTable(rows=current, location=Location(line=start_line)))
            current = []

    for index, line in enumerate(lines):
        number = index + 1
        if "\t" in line:
            if not current:
                start_line = number
            cells = [RawCell(text=part.strip(), location=Location(line=number), indent=_leading(part))
                     for part in line.split("\t")]
            current.append(cells)
            continue
        if not line.strip():
            # a blank line inside a table run: keep the run open if more tab lines follow
            if current and continues_table[index]:
                continue
            flush()
            continue
        flush()
        blocks.append(TextLine(text=line.strip(), location=Location(line=number)))
    flush()
    return Document(blocks=blocks, source=source, source_kind="text", sha256=sha256)


def _next_nonblank_has_tab(lines: list[str]) -> list[bool]:
    """For each line, whether the next non-blank line after it contains a tab: one backward
    pass, so a long run of blank lines costs linear time (asking line by line was quadratic)."""
    answers = [False] * len(lines)
    following = False
    for index in range(len(lines) - 1, -1, -1):
        answers[index] = following
        if lines[index].strip():
            following = "\t" in lines[index]
    return answers


def _leading(part: str) -> float:
    """Leading blanks of a cell (a full-width space counts two): a label's indentation."""
    blank = part[: len(part) - len(part.lstrip(" \u3000"))]
    return float(blank.count(" ") + 2 * blank.count("\u3000"))
