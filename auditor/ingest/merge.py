"""A report published as several files (a narrative PDF or web page, the tables as a PDF or
spreadsheets) read as one: the files' blocks in the order given, pages numbered on from one
file to the next, every location naming its file."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from auditor.ingest.document import Block, Document, TextLine
from auditor.model import Location, SourceFile


def merge_documents(docs: list[Document]) -> Document:
    """One Document from several. A file without pages (text, web page) counts as one page;
    a spreadsheet as one page per sheet (its reader numbers them)."""
    if len(docs) == 1:
        return docs[0]
    blocks: list[Block] = []
    files: list[SourceFile] = []
    sizes: dict[int, tuple[float, float]] = {}
    notes: dict[int, str] = {}
    ocr_pages: list[int] = []
    offset = 0
    for doc in docs:
        notes.update({page + offset: note for page, note in doc.page_notes.items()})
        ocr_pages.extend(page + offset for page in doc.ocr_pages)
        name = Path(doc.source).name
        pages = doc.page_count or 1
        files.append(SourceFile(name=name, path=doc.source, kind=doc.source_kind, first_page=offset + 1,
                                pages=pages, sha256=doc.sha256))
        for number, size in doc.page_sizes.items():
            sizes[number + offset] = size
        for block in doc.blocks:
            blocks.append(_relocate(block, offset, name))
        offset += pages
    digest = hashlib.sha256("".join(d.sha256 for d in docs).encode()).hexdigest()
    return Document(
        blocks=blocks,
        source=" + ".join(str(d.source) for d in docs),
        source_kind="multi",
        page_count=offset,
        sha256=digest,
        page_sizes=sizes,
        files=files,
        page_notes=notes,
        ocr_pages=ocr_pages,
    )


def _location(location: Location, offset: int, name: str) -> Location:
    page = location.page + offset if location.page is not None else offset + 1
    return dataclasses.replace(location, page=page, file=name)


def _relocate(block: Block, offset: int, name: str) -> Block:
    if isinstance(block, TextLine):
        return dataclasses.replace(block, location=_location(block.location, offset, name))
    rows = [[dataclasses.replace(c, location=_location(c.location, offset, name)) for c in row] for row in block.rows]
    return dataclasses.replace(block, rows=rows, location=_location(block.location, offset, name))


def single_file(doc: Document) -> Document:
    """A one-file report keeps its locations as they are; its file is still named."""
    name = Path(doc.source).name
    doc.files = [SourceFile(name=name, path=doc.source, kind=doc.source_kind, first_page=1,
                            pages=doc.page_count or 1, sha256=doc.sha256)]
    return doc
