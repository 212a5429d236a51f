"""An annotated copy of the source PDF: every finding's evidence boxed on its page, coloured by
severity, with a note carrying the finding's code and message (shown by PDF viewers on hover).

The original text layer is kept (boxes are added as vector paths and Square annotations with
pdfium), so the copy stays searchable and figures can still be copied from it.
"""

from __future__ import annotations

import ctypes
from io import BytesIO
from pathlib import Path

from auditor.audit import AuditResult
from auditor.findings import Severity

COLOURS = {Severity.ERROR: (217, 48, 37), Severity.WARNING: (244, 160, 0), Severity.INFO: (110, 125, 145)}
PAD = 1.5  # points around the evidence box


def _wide(text: str) -> ctypes.Array[ctypes.c_char]:
    return ctypes.create_string_buffer(text.encode("utf-16-le") + b"\x00\x00")


def annotate_pdf(source: Path, result: AuditResult) -> bytes:
    """The source PDF with the findings boxed. Findings without a page box are skipped (they are
    listed in the audit report); reviewers' dismissed findings are not drawn."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument(str(source))
    try:
        touched: dict[int, pdfium.PdfPage] = {}
        for finding in result.findings:
            mark = result.review.get(finding.fingerprint) or {}
            if mark.get("status") == "dismissed":
                continue
            red, green, blue = COLOURS[finding.severity]
            note = f"{finding.code} {finding.severity.zh}：{finding.title}\n{finding.message}"
            if mark.get("status") == "confirmed":
                note += f"\n复核：已确认{('：' + mark['note']) if mark.get('note') else ''}"
            for evidence in finding.locations:
                if evidence.page is None or evidence.bbox is None or not 1 <= evidence.page <= len(pdf):
                    continue
                page = touched.get(evidence.page) or pdf[evidence.page - 1]
                touched[evidence.page] = page
                left, _bottom, _right, top = page.get_mediabox()
                x0, top_edge, x1, bottom_edge = evidence.bbox
                rect = (left + x0 - PAD, top - bottom_edge - PAD, left + x1 + PAD, top - top_edge + PAD)
                path = raw.FPDFPageObj_CreateNewRect(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1])
                raw.FPDFPageObj_SetStrokeColor(path, red, green, blue, 255)
                raw.FPDFPageObj_SetStrokeWidth(path, ctypes.c_float(1.2))
                raw.FPDFPath_SetDrawMode(path, raw.FPDF_FILLMODE_NONE, True)
                raw.FPDFPage_InsertObject(page.raw, path)
                annot = raw.FPDFPage_CreateAnnot(page.raw, raw.FPDF_ANNOT_SQUARE)
                if annot:
                    box = raw.FS_RECTF(rect[0], rect[3], rect[2], rect[1])
                    raw.FPDFAnnot_SetRect(annot, ctypes.byref(box))
                    raw.FPDFAnnot_SetColor(annot, raw.FPDFANNOT_COLORTYPE_Color, red, green, blue, 255)
                    raw.FPDFAnnot_SetFlags(annot, raw.FPDF_ANNOT_FLAG_PRINT)
                    for key, value in ((b"Contents", note), (b"T", f"auditor {finding.code} #{finding.fingerprint}")):
                        raw.FPDFAnnot_SetStringValue(annot, key, ctypes.cast(_wide(value), ctypes.POINTER(raw.FPDF_WCHAR)))
                    raw.FPDFPage_CloseAnnot(annot)
        for page in touched.values():
            page.gen_content()
        buffer = BytesIO()
        pdf.save(buffer)
        return buffer.getvalue()
    finally:
        pdf.close()
