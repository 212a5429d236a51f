"""The workbench with a 决算 and the same department's 部门预算: a PAIR finding shows the pages
of both documents (the 决算's page with the evidence boxed, the budget's page below it)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from auditor.pairing import PAIR_CODE
from auditor.synth.budget import generate, render
from auditor.synth.pdf import pdf_bytes
from tests.conftest import EXAMPLE_PDF, need
from ui.workbench import UISettings, Workspace


def test_pair_finding_shows_both_documents(tmp_path: Path) -> None:
    need(EXAMPLE_PDF)
    ws = Workspace(UISettings(review_dir=tmp_path / "review", work_root=tmp_path / "ui", vectors=False))
    try:
        ws.open(EXAMPLE_PDF, EXAMPLE_PDF.name, index=False)
        final = ws.report.meta
        data = dataclasses.replace(generate(5), department=final.department, year=final.year or 2022)
        budget = tmp_path / "budget_2022.pdf"
        budget.write_bytes(pdf_bytes(render(data), "hunan"))
        differences = ws.attach_budget([budget])
        assert differences > 0  # the synthetic budget's 三公 figures are not the example's
        numbers = [n for n, f in enumerate(ws.findings, start=1) if f.code == PAIR_CODE]
        assert len(numbers) == differences
        finding = ws.finding(numbers[0])
        assert finding.locations[1].file == budget.name and finding.locations[1].file_page
        alone_image, _ = ws.view([finding.locations[0]], None, finding.severity)
        image, html = ws.finding_view(numbers[0])
        assert budget.name in html
        assert image is not None and image.height > (alone_image.height if alone_image is not None else 0)
        with pytest.raises(Exception, match="部门决算和一份部门预算"):
            ws.attach_budget([EXAMPLE_PDF])
    finally:
        ws.close()


def test_budget_upload_obeys_the_size_limit_and_loses_nothing(tmp_path: Path) -> None:
    need(EXAMPLE_PDF)
    ws = Workspace(UISettings(review_dir=tmp_path / "review", work_root=tmp_path / "ui", vectors=False,
                              max_upload_mb=0.5))
    try:
        ws.open(EXAMPLE_PDF, EXAMPLE_PDF.name, index=False)
        before = len(ws.findings)
        big = tmp_path / "budget.pdf"
        big.write_bytes(b"%PDF-1.4\n" + b"0" * 700_000)
        with pytest.raises(Exception, match="超过上限"):
            ws.attach_budget([big])
        assert ws.report is not None and len(ws.findings) == before  # the opened 决算 is untouched
        assert not (ws.dir / "budget").exists()
    finally:
        ws.close()
