"""Render a ``ReportSpec`` as plain text, in the style of a report copied out of its PDF:
cover lines, the 目录, headings and paragraphs one per line with a blank line between, and
each table as its title, label, unit and department lines followed by tab-separated rows
(merged cells print their text once, in the top-left position, and blanks elsewhere).

The project's text reader (``auditor.ingest.text``) reads this back.
"""

from __future__ import annotations

from pathlib import Path

from auditor.synth.spec import Heading, PageBreak, Paragraph, ReportSpec, TableSpec


def table_lines(spec: TableSpec) -> list[str]:
    """The grid as tab-separated lines (header rows first)."""
    return ["\t".join(spec.text_at(r, c) for c in range(spec.width)) for r in range(len(spec.grid))]


def _table_block(spec: TableSpec) -> list[str]:
    parts: list[str] = [spec.pre_title, ""] if spec.pre_title else []
    parts += [spec.title, ""]
    if spec.label:
        parts.append(spec.label)
    parts.append(f"单位：{spec.unit}")
    parts.append("")
    if spec.department:
        parts += [f"部门：{spec.department}", ""]
    parts += table_lines(spec)
    parts.append("")
    for note in spec.notes:
        parts += [note, ""]
    return parts


def render_text(spec: ReportSpec) -> str:
    """The whole report as text (UTF-8 when written), ending with a newline."""
    lines: list[str] = [""]
    for line in spec.cover:
        lines += [line, ""]
    if spec.toc:
        lines += [spec.toc_title, ""]
        for entry in spec.toc:
            lines += [entry, ""]
    for block in spec.blocks:
        if isinstance(block, PageBreak):
            continue
        if isinstance(block, (Heading, Paragraph)):
            lines += [block.text, ""]
        elif isinstance(block, TableSpec):
            lines += _table_block(block)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def write_text(spec: ReportSpec, path: Path | str) -> None:
    Path(path).write_text(render_text(spec), encoding="utf-8")


__all__ = ["render_text", "table_lines", "write_text"]
