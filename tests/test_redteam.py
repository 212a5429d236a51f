"""The red-team probes of issue 17 (bench/redteam.py), each as a test: a PDF whose MediaBox refers
to itself, special files, a hostile batch, output overwrites, formula injection into spreadsheets,
200,000 blank lines, bad options, concurrent review marks, kill -9 during a batch."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from auditor.ingest.errors import InputError
from auditor.limits import check_path
from auditor.spreadsheet import csv_text, safe_cell
from bench.redteam import PROBES, Outcome

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="探测用到 FIFO、/dev/zero 与 /proc（Linux）")


@pytest.mark.parametrize("name", list(PROBES))
def test_probe(name: str, tmp_path: Path) -> None:
    result = PROBES[name](tmp_path)
    outcomes: list[Outcome] = result if isinstance(result, list) else [result]
    failed = [f"{o.name}: {o.detail}" for o in outcomes if not o.ok]
    assert outcomes and not failed, failed


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\r=x", "'\r=x"), ("-3.00", "-3.00"), ("+12%", "+12%"), ("-1,234.50", "-1,234.50"), ("部门", "部门"),
    ("a=b", "a=b"), (12, 12), (-3.5, -3.5), (None, None),
])
def test_safe_cell(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_csv_text_neutralises_headers_and_fields() -> None:
    text = csv_text(["=h"], [["=x", -1, "-1"]])
    assert text.splitlines() == ["'=h", "'=x,-1,-1"]


def test_check_path_reasons(tmp_path: Path) -> None:
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    loop = tmp_path / "loop"
    os.symlink(loop, loop)
    dangling = tmp_path / "dangling"
    os.symlink(tmp_path / "gone", dangling)
    for path, fragment, kind in ((fifo, "命名管道", "special"), (Path("/dev/zero"), "字符设备", "special"),
                                 (loop, "符号链接循环", "special"), (tmp_path, "文件夹", "directory"),
                                 (dangling, "符号链接指向的文件不存在", "missing"), (tmp_path / "none", "文件不存在", "missing")):
        with pytest.raises(InputError, match=fragment) as caught:
            check_path(path)
        assert caught.value.kind == kind
    regular = tmp_path / "r.txt"
    regular.write_text("x", encoding="utf-8")
    assert check_path(regular).st_size == 1


def test_blank_runs_scale_linearly() -> None:
    """A perf guard without absolute times: 10× the blank lines costs about 10×, not 100×
    (best of three of each, so that a busy machine does not decide)."""
    import time

    from auditor.ingest.text import parse_text
    from bench.redteam import blank_run_text

    def best(n: int) -> float:
        text = blank_run_text(n)
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            parse_text(text)
            runs.append(time.perf_counter() - started)
        return min(runs)

    small, large = best(20_000), best(200_000)
    assert large / small < 40, (small, large)  # quadratic would be ~100


def test_blank_run_keeps_the_table_together() -> None:
    from auditor.ingest.document import RawTable
    from auditor.ingest.text import parse_text

    document = parse_text("标题\n科目\t金额\n\n\n\n合计\t1.00\n\n正文\n\n另一\t表\n")
    tables = [b for b in document.blocks if isinstance(b, RawTable)]
    assert [len(t.rows) for t in tables] == [2, 1]
