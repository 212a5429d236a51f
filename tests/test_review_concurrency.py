"""Review marks are never lost when several writers mark one report at once (issue 17.2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from auditor.review import ReviewStore

SHA = "ab" * 32
WRITER = """
import sys
from auditor.review import ReviewStore
store = ReviewStore(sys.argv[1], sys.argv[2])
for n in range(int(sys.argv[4])):
    store.set(f"{sys.argv[3]}-{n}", "confirmed" if n % 2 else "dismissed", f"备注 {n}")
"""


def test_two_processes_writing_300_marks_each_keep_all_600(tmp_path: Path) -> None:
    root = str(Path(__file__).resolve().parents[1])
    env_path = {"PYTHONPATH": root}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), SHA, name, "300"], env=env_path)
               for name in ("a", "b")]
    assert [w.wait(timeout=300) for w in writers] == [0, 0]
    marks = ReviewStore(tmp_path, SHA).marks
    assert len(marks) == 600
    assert marks["a-7"].status == "confirmed" and marks["b-8"].note == "备注 8"
    assert not list(tmp_path.glob("*.tmp"))  # no temporary file left behind


def test_a_stale_store_does_not_drop_marks_made_elsewhere(tmp_path: Path) -> None:
    first, second = ReviewStore(tmp_path, SHA), ReviewStore(tmp_path, SHA)
    first.set("f1", "confirmed")
    second.set("f2", "dismissed", "不是问题")  # second was loaded before f1 was written
    first.set("f1", "")  # clearing one's own mark keeps the other's
    assert set(ReviewStore(tmp_path, SHA).marks) == {"f2"}
    assert set(first.as_dict()) == {"f2"}  # reading refreshes from disk


def test_two_workbench_sessions_marking_one_report_keep_both(tmp_path: Path) -> None:
    import json
    import threading

    from tests.conftest import ROOT
    from ui.workbench import UISettings, Workspace

    settings = UISettings(review_dir=tmp_path / "reviews", work_root=tmp_path / "work", vectors=False)
    first, second = Workspace(settings), Workspace(settings)
    try:
        for ws in (first, second):
            ws.open(ROOT / "examples" / "example_report.txt", "example_report.txt", index=False)
        numbers = [row[0] for row in first.finding_rows()]
        assert len(numbers) >= 4
        # both sessions mark at the same time: the first the even rows, the second the odd ones
        threads = [threading.Thread(target=lambda ws=ws, part=part: [ws.mark(n, "confirmed", f"第{n}条") for n in part])
                   for ws, part in ((first, numbers[0::2]), (second, numbers[1::2]))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for ws in (first, second):
            data = json.loads(ws.export("json").read_text(encoding="utf-8"))
            assert all((f.get("review") or {}).get("status") == "confirmed" for f in data["findings"])
    finally:
        first.close()
        second.close()
