"""Ingest: a PDF or a text file -> the typed Report.

``load_report(path)`` is the one entry point; unusable input raises ``InputError`` with a
one-line Chinese reason.
"""

from __future__ import annotations

from pathlib import Path

from auditor.ingest.assemble import assemble
from auditor.ingest.errors import InputError
from auditor.model import Report

__all__ = ["InputError", "load_report", "load_document"]

TEXT_SUFFIXES = {".txt", ".text", ".md"}


def load_document(path: Path | str, max_pages: int | None = None):  # type: ignore[no-untyped-def]
    from auditor.ingest.document import Document

    path = Path(path)
    if not path.exists():
        raise InputError(f"文件不存在：{path}", kind="missing")
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是文件：{path}", kind="missing")
    if path.stat().st_size == 0:
        raise InputError("文件为空（0 字节）", kind="empty")
    with path.open("rb") as handle:
        head = handle.read(1024)
    doc: Document
    if b"%PDF-" in head:
        from auditor.ingest.pdf import read_pdf

        doc = read_pdf(path, max_pages=max_pages)
    elif path.suffix.lower() == ".pdf":
        raise InputError("扩展名为 .pdf，但文件不是有效的 PDF（缺少 PDF 文件头）", kind="not_pdf")
    elif path.suffix.lower() in TEXT_SUFFIXES or _looks_like_text(head):
        from auditor.ingest.text import read_text

        doc = read_text(path)
    else:
        raise InputError("不是 PDF 或文本文件，无法读取", kind="not_pdf")
    return doc


def load_report(path: Path | str, max_pages: int | None = None) -> Report:
    report = assemble(load_document(path, max_pages=max_pages))
    if not report.recognition.found and not any("决算" in line.text for line in report.lines):
        raise InputError("文件中没有部门决算的内容（既无可识别的决算表，也无“决算”字样）", kind="not_report")
    return report


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return True
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # a character cut at the end of the sample
                return True
    return False
