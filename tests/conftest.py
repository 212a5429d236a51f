"""Shared test helpers: fixture reports written as readable text, and the shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.ingest.assemble import assemble
from auditor.ingest.text import parse_text
from auditor.model import Report

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "shifeng_shebao_2022_juesuan.txt"
REAL = SHARED / "real"
EXAMPLE_PDF = ROOT / "examples" / "example_report.pdf"


def fixture_text(text: str) -> str:
    """Fixture tables are written as '| a | b |' rows; the reader takes tab-separated lines."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = [c.strip() for c in stripped[1:-1].split("|")]
            lines.append("\t".join(cells))
        else:
            lines.append(line)
    return "\n".join(lines)


def report_from_text(text: str) -> Report:
    return assemble(parse_text(fixture_text(text), source="<fixture>"))


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} 不存在：此测试需要 ../shared 中的数据（CI 中提供）")
    return path
