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


def load_document(path: Path | str, max_pages: int | None = None, ocr: str | None = None):  # type: ignore[no-untyped-def]
    """``ocr``: auto (scanned pages are read by OCR), always (every PDF page by OCR), never;
    None takes ``AUDITOR_OCR`` (set by the CLI's --ocr), else auto."""
    from auditor.ingest.document import Document
    from auditor.ingest.ocr import mode_from_env

    ocr = mode_from_env(ocr)

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
    other = _other_format(head)
    if other:
        raise InputError(f"这是 {other}，不是 PDF 或文本文件{'（扩展名为 ' + path.suffix + '）' if path.suffix else ''}；"
                         "请提供报告的 PDF 或文本", kind="not_pdf")
    if b"%PDF-" in head:
        from auditor.ingest.pdf import read_pdf

        if ocr == "always":
            from auditor.ingest.ocr import read_scanned_pdf

            return read_scanned_pdf(path, max_pages=max_pages)
        try:
            doc = read_pdf(path, max_pages=max_pages, ocr=ocr)
        except InputError as exc:
            if exc.kind != "scanned" or ocr == "never":
                raise
            from auditor.ingest.ocr import read_scanned_pdf

            doc = read_scanned_pdf(path, max_pages=max_pages)
    elif path.suffix.lower() == ".pdf":
        raise InputError("扩展名为 .pdf，但文件不是有效的 PDF（缺少 PDF 文件头）", kind="not_pdf")
    elif path.suffix.lower() in TEXT_SUFFIXES or _looks_like_text(head):
        from auditor.ingest.text import read_text

        doc = read_text(path)
    else:
        raise InputError("不是 PDF 或文本文件，无法读取", kind="not_pdf")
    return doc


def load_report(path: Path | str, max_pages: int | None = None, ocr: str | None = None) -> Report:
    doc = load_document(path, max_pages=max_pages, ocr=ocr)
    report = assemble(doc)
    if doc.ocr_pages or doc.page_notes:
        from auditor.ingest.ocr import attach_confidence

        attach_confidence(report, doc)
        report.meta.page_notes = dict(doc.page_notes)
        report.meta.ocr_pages = list(doc.ocr_pages)
    if not report.recognition.found and not any("决算" in line.text for line in report.lines):
        raise InputError("文件中没有部门决算的内容（既无可识别的决算表，也无“决算”字样）", kind="not_report")
    return report


# Formats people upload by mistake, by their leading bytes (a PDF may follow some junk, so a
# PDF header found later in the first KiB is accepted; these formats start at byte 0).
_MAGIC = (
    (b"PK\x03\x04", "ZIP 压缩包或 Office 文档（docx、xlsx 等）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文档（doc、xls 等）"),
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"II*\x00", "TIFF 图片"),
    (b"MM\x00*", "TIFF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩文件"),
    (b"{\\rtf", "RTF 文档"),
)


def _other_format(head: bytes) -> str:
    return next((name for magic, name in _MAGIC if head.startswith(magic)), "")


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
