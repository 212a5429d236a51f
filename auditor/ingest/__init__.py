"""Ingest: a PDF or a text file -> the typed Report.

``load_report(path)`` is the one entry point; unusable input raises ``InputError`` with a
one-line Chinese reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from auditor.ingest.assemble import assemble
from auditor.ingest.document import Document
from auditor.ingest.errors import InputError
from auditor.model import Report

__all__ = ["InputError", "load_report", "load_document", "load_documents"]

TEXT_SUFFIXES = {".txt", ".text", ".md"}
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
SUPPORTED_SUFFIXES = {".pdf", *TEXT_SUFFIXES, *SHEET_SUFFIXES, *HTML_SUFFIXES}


def load_document(path: Path | str, max_pages: int | None = None, ocr: str | None = None) -> Document:
    """``ocr``: auto (scanned pages are read by OCR), always (every PDF page by OCR), never;
    None takes ``AUDITOR_OCR`` (set by the CLI's --ocr), else auto."""
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
    suffix = path.suffix.lower()
    if suffix in SHEET_SUFFIXES and head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        from auditor.ingest.sheets import read_spreadsheet

        return read_spreadsheet(path)
    if suffix in HTML_SUFFIXES or (b"%PDF-" not in head and _looks_like_html(head)):
        from auditor.ingest.html import read_html

        return read_html(path)
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


def load_documents(paths: Sequence[Path | str], max_pages: int | None = None, ocr: str | None = None) -> Document:
    """Several files of one report read as one Document (see ``merge.py``); one file as is."""
    from auditor.ingest.merge import merge_documents, single_file

    if not paths:
        raise InputError("没有给出要读取的文件", kind="missing")
    docs = []
    for path in paths:
        try:
            docs.append(load_document(path, max_pages=max_pages, ocr=ocr))
        except InputError as exc:
            if len(paths) == 1:
                raise
            raise InputError(f"{Path(path).name}：{exc.reason}", kind=exc.kind) from exc
    if len(docs) > 1:
        _same_report(docs)
    total = sum(d.page_count or 0 for d in docs)
    if max_pages and total > max_pages:
        raise InputError(f"这些文件共 {total} 页，超过上限 {max_pages} 页（可用 --max-pages 调整）", kind="too_large")
    return merge_documents(docs) if len(docs) > 1 else single_file(docs[0])


def _same_report(docs: list[Document]) -> None:
    """Files given as one report must be of one department and one year (where a file names
    them): a narrative of one office and the tables of another are refused."""
    departments: dict[str, str] = {}
    years: dict[int, str] = {}
    from auditor.ingest.assemble import lift_titles
    from auditor.ingest.document import TextLine
    from auditor.ingest.meta import department, year

    for doc in docs:
        lines = [b for b in lift_titles(doc.blocks) if isinstance(b, TextLine)]
        name, found, when = Path(doc.source).name, department(lines), year(lines)
        if found and found not in ("部门", "单位"):
            departments.setdefault(found, name)
        if when:
            years.setdefault(when, name)
    names = list(departments)
    unrelated = [(a, b) for i, a in enumerate(names) for b in names[i + 1:] if a not in b and b not in a]
    if unrelated:
        a, b = unrelated[0]
        raise InputError(f"这些文件不是同一份报告：{departments[a]} 属于“{a}”，{departments[b]} 属于“{b}”", kind="mismatch")
    if len(years) > 1:
        listed = "，".join(f"{name} 为 {year} 年度" for year, name in sorted(years.items()))
        raise InputError(f"这些文件不是同一年度的报告：{listed}", kind="mismatch")


def load_report(path: Path | str | Sequence[Path | str], max_pages: int | None = None, ocr: str | None = None) -> Report:
    """The Report of one file, or of several files that together make one report."""
    paths = [path] if isinstance(path, str | Path) else list(path)
    doc = load_documents(paths, max_pages=max_pages, ocr=ocr)
    report = assemble(doc)
    if doc.ocr_pages or doc.page_notes:
        from auditor.ingest.ocr import attach_confidence

        attach_confidence(report, doc)
        report.meta.page_notes = dict(doc.page_notes)
        report.meta.ocr_pages = list(doc.ocr_pages)
    reason = not_a_report(report)
    if reason:
        raise InputError(reason, kind="not_report")
    return report



_TITLE_RE = re.compile(r"(20\d{2}|二〇[一二三四五六七八九〇零]{2})\s*年度?.{0,40}?(决算|预算)")


def not_a_report(report: Report) -> str:
    """Why the text is not a 部门决算 (or 部门预算) report, or "" when it is one: a report has a
    standard table with figures, or a title line naming a year and 决算 / 预算 together with
    the report's typical headings."""
    if any(not t.is_empty for t in report.tables if t.kind.value != "OTHER"):
        return ""
    if report.meta.document_type == "budget" and sum(1 for t in report.tables if not t.is_empty and "预算" in t.title) >= 2:
        return ""  # a budget's tables (published apart from its narrative)
    head = [line.text for line in report.lines[:80]]
    has_title = any(_TITLE_RE.search(text.replace(" ", "")) for text in head)
    words = sum(1 for w in ("收入", "支出", "财政拨款", "基本支出", "项目支出", "三公", "万元", "结转")
                if any(w in line.text for line in report.lines))
    if report.recognition.found and (has_title or words >= 4):
        return ""  # the standard tables, printed empty or as titles only, and a report's words
    if has_title and words >= 2:
        return ""  # a narrative published without its tables
    if not any("决算" in line.text or "预算" in line.text for line in report.lines):
        return "文件中没有部门决算的内容（既无可识别的决算表，也无“决算”字样）"
    return "这不是部门决算或部门预算报告：没有可识别的决算表，也没有报告标题（“20XX年度…决算”）和报告的基本内容"


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


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return start.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower()


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
