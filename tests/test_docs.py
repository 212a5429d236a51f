"""The docs say what the code does: docs/checks.md is the catalogue the CLI prints."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from auditor.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_checks_doc_is_current() -> None:
    generated = CliRunner().invoke(main, ["checks", "--format", "md"]).stdout
    doc = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert generated.strip() in doc, "docs/checks.md is stale: regenerate with `auditor checks --format md`"


def test_readme_lists_every_check_family() -> None:
    from auditor.checks.base import REGISTRY, load_all

    load_all()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    prefixes = {code.rstrip("0123456789") for code in REGISTRY}
    for prefix in prefixes:
        assert prefix in readme, f"README does not mention the {prefix} checks"
