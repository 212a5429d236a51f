"""The bad-input corpus (bench/bad_inputs.py, small files only): every file ends in an audit or
in exit code 2 with a Chinese reason, never a traceback; a batch over all of them loses none;
the time and memory bounds stop a decompression bomb and an endless content stream."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.batch import run_batch
from auditor.cli import main
from bench.bad_inputs import Case, build, decompression_bomb


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Case, Path]]:
    return build(tmp_path_factory.mktemp("bad"), large=False)


def test_each_bad_input_gets_a_clear_outcome(corpus: list[tuple[Case, Path]]) -> None:
    runner = CliRunner()
    for case, path in corpus:
        result = runner.invoke(main, ["audit", str(path), "--format", "json"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (case.name, result.exception)
        assert "Traceback" not in result.stderr, case.name
        if case.expect == "error":
            assert result.exit_code == 2, (case.name, result.exit_code, result.stderr)
            assert case.reason in result.stderr and "无法读取" in result.stderr, (case.name, result.stderr)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stderr.split("：", 1)[-1]), case.name
        elif case.expect == "audited":
            assert result.exit_code in (0, 1), (case.name, result.stderr)
            assert result.stdout.lstrip().startswith("{"), case.name
        else:
            assert result.exit_code in (0, 1, 2), case.name


def test_encodings_give_the_same_audit(corpus: list[tuple[Case, Path]]) -> None:
    runner = CliRunner()
    outputs = {}
    for case, path in corpus:
        if case.name in ("gbk.txt", "utf16.txt", "utf8_bom.txt"):
            result = runner.invoke(main, ["audit", str(path), "--format", "json"])
            outputs[case.name] = result.stdout.split('"summary"', 1)[1].split('"findings"')[0]
    assert len(outputs) == 3 and len(set(outputs.values())) == 1, outputs


def test_batch_over_the_corpus_loses_nothing(corpus: list[tuple[Case, Path]], tmp_path: Path) -> None:
    files = [p for _, p in corpus if p.suffix in (".pdf", ".txt")]
    result = run_batch([str(p) for p in files], tmp_path / "out", jobs=2)
    assert sorted(r["file"] for r in result.rows) == sorted(str(p) for p in files)
    assert not [r for r in result.rows if r.get("kind") == "crash"]
    expected = {case.name: case for case, _ in corpus}
    for row in result.rows:
        case = expected[Path(row["file"]).name]
        if case.expect == "error":
            assert row["status"] == "error" and case.reason in row["reason"], row
        if case.expect == "audited":
            assert row["status"] == "ok", row


def test_a_decompression_bomb_is_stopped_by_the_memory_bound(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(decompression_bomb(600))  # inflates to 600 MiB
    result = CliRunner().invoke(main, ["audit", str(bomb), "--max-memory-mb", "200"])
    assert result.exit_code == 2 and "内存超过上限（200 MB）" in result.stderr, result.stderr


def test_an_endless_content_stream_is_stopped_by_the_time_bound(corpus: list[tuple[Case, Path]]) -> None:
    path = next(p for case, p in corpus if case.name == "nested_graphics.pdf")  # ~10 s to parse
    result = CliRunner().invoke(main, ["audit", str(path), "--timeout", "1"])
    assert result.exit_code == 2 and "超过时间上限（1 秒）" in result.stderr, result.stderr


def test_bounds_hold_off_the_main_thread(corpus: list[tuple[Case, Path]]) -> None:
    """The UI and Dask read in request / worker threads: there the read runs in a child process."""
    import threading

    from auditor.ingest.errors import InputError
    from auditor.limits import Limits, read_bounded

    path = next(p for case, p in corpus if case.name == "nested_graphics.pdf")
    seen: list[str] = []

    def work() -> None:
        try:
            read_bounded(path, Limits(seconds=1))
        except InputError as exc:
            seen.append(exc.kind)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert seen == ["timeout"]
