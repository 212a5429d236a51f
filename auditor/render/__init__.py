"""Renderers over one findings list: terminal text, JSON, Markdown, HTML."""

from __future__ import annotations

from auditor.audit import AuditResult

FORMATS = ("text", "json", "md", "html")


def render(result: AuditResult, fmt: str, color: bool = False) -> str:
    if fmt == "json":
        from auditor.render.json_out import render_json

        return render_json(result)
    if fmt == "md":
        from auditor.render.markdown import render_markdown

        return render_markdown(result)
    if fmt == "html":
        from auditor.render.html import render_html

        return render_html(result)
    from auditor.render.text import render_text

    return render_text(result, color=color)
