"""Inputs found by the mutation fuzzer (bench/fuzz_ingest.py) that once escaped as raw
exceptions. Each is rebuilt from the bundled example with the fuzzer's seed."""

from __future__ import annotations

import random
from pathlib import Path

import pdfplumber
import pytest

from auditor.audit import audit_file
from auditor.ingest.errors import InputError
from bench.fuzz_ingest import mutate
from tests.conftest import EXAMPLE_PDF


@pytest.mark.parametrize("seed", [14, 19])
def test_damaged_page_tree_is_rejected_in_chinese(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "damaged.pdf"
    path.write_bytes(mutate(EXAMPLE_PDF.read_bytes(), random.Random(seed)))
    # The damage this seed makes: pdfplumber opens the file, but listing the pages fails and
    # so does closing it (close walks the page tree again). That second failure used to
    # replace our Chinese error with a raw PdfminerException.
    pdf = pdfplumber.open(path)
    with pytest.raises(Exception):  # noqa: B017 - pdfminer raises assorted types here
        _ = pdf.pages
    with pytest.raises(Exception):  # noqa: B017
        pdf.close()
    with pytest.raises(InputError) as info:
        audit_file(path)
    assert info.value.kind == "corrupt"
    assert "已损坏" in str(info.value)
