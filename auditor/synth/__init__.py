"""Synthetic reports: a layout-neutral spec of a 部门决算 report, rendered as PDF or text.

Used for the bundled example (``examples/build_example.py``) and for tests that need a PDF
whose every figure is known::

    from auditor.synth import load_spec, render_pdf, render_text
    spec = load_spec("examples/example_2022.yaml")
    render_pdf(spec, "out.pdf", layout="hunan")
"""

from auditor.synth.pdf import LAYOUTS, Layout, get_layout, pdf_bytes, render_pdf
from auditor.synth.spec import (
    SPAN_LEFT,
    SPAN_UP,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    ReportSpec,
    Span,
    SpecError,
    TableSpec,
    load_spec,
    resolve_spans,
    spec_from_dict,
)
from auditor.synth.text import render_text, write_text

__all__ = [
    "LAYOUTS",
    "SPAN_LEFT",
    "SPAN_UP",
    "Figure",
    "Heading",
    "Layout",
    "PageBreak",
    "Paragraph",
    "ReportSpec",
    "Span",
    "SpecError",
    "TableSpec",
    "get_layout",
    "load_spec",
    "pdf_bytes",
    "render_pdf",
    "render_text",
    "resolve_spans",
    "spec_from_dict",
    "write_text",
]
