"""The narrative as data: sentences, the claims they make, and the table cells they name."""

from __future__ import annotations

from auditor.model import Report


def analyse_narrative(report: Report) -> None:
    """Fill ``report.sentences`` and ``report.claims`` (with their resolved table cells)."""
    from auditor.narrative.claims import extract_claims
    from auditor.narrative.sentences import build_sentences
    from auditor.narrative.subjects import resolve_claims

    report.sentences = build_sentences(report)
    report.claims = extract_claims(report)
    resolve_claims(report)
