"""Fast first answer: the index is built only when a search needs it (or in the background),
its vectors are cached by content, model and code version, and the CLI shows progress on
stderr while it builds, keeping stdout clean."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import index.store as store
from auditor.audit import audit_report
from auditor.cli import main
from auditor.ingest.assemble import assemble
from auditor.ingest.text import parse_text
from index.ask import Session
from index.embed import EmbeddingSettings
from index.facts import build_facts
from index.store import build_index, embed_groups, trim_cache
from tests.conftest import fixture_text

REPORT = """
2023年度示例服务站部门决算
支出决算表
公开03表
单位：万元
| 功能分类科目编码 | 科目名称 | 本年支出合计 | 基本支出 | 项目支出 |
|  | 合计 | 312.40 | 280.10 | 32.30 |
| 208 | 社会保障和就业支出 | 312.40 | 280.10 | 32.30 |
| 2080109 | 社会保险经办机构 | 312.40 | 280.10 | 32.30 |
第三部分 2023年度部门决算情况说明
三、支出决算情况说明
2023年度支出合计312.40万元，其中：基本支出280.10万元；项目支出32.30万元。
十、机关运行经费支出说明
本部门2023年度机关运行经费支出18.20万元，比上年增加1.10万元。主要原因是：办公设备维修增加。
"""
NOT_IN_REPORT = "站里养了几条狗？"


def _base(text: str = REPORT):  # type: ignore[no-untyped-def]
    report = assemble(parse_text(fixture_text(text), source="<cache>"))
    return build_facts(report, audit_report(report))


def test_vector_texts_are_distinct_names_and_sentences_not_cells() -> None:
    base = _base()
    groups = embed_groups(base.facts)
    assert len(groups) == len(set(groups))
    kinds = {f.kind for facts in groups.values() for f in facts}
    assert "cell" not in kinds and "claim" not in kinds and {"row", "sentence"} <= kinds
    assert "社会保险经办机构" in groups  # a row is embedded by its name, not its figures
    assert not any("280.10" in text for text, facts in groups.items() if facts[0].kind == "row")
    # the same row name in two tables is embedded once and stands for both rows
    rows = [f for f in base.facts if f.kind == "row"]
    assert sum(len(facts) for facts in groups.values() if facts[0].kind == "row") == len(rows)


def test_same_content_is_a_cache_hit_changed_content_or_code_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = _base()
    first = build_index(base, directory=tmp_path)
    assert first.vector is not None and first.vector.matrix is None  # nothing built yet
    first.prepare()
    assert first.vector.built and not first.vector.from_cache
    assert len(list(tmp_path.glob("*.npz"))) == 1

    second = build_index(base, directory=tmp_path)
    assert second.vector is not None and second.vector.from_cache and second.vector.ready
    second.prepare()
    assert not second.vector.built  # nothing embedded again
    query = "社会保险经办机构的基本支出"
    assert [f.id for f, _ in second.search(query, k=5)] == [f.id for f, _ in first.search(query, k=5)]

    changed = build_index(_base(REPORT.replace("办公设备维修增加", "租用车辆增加")), directory=tmp_path)
    assert changed.vector is not None and not changed.vector.from_cache
    changed.prepare()
    assert changed.vector.built and len(list(tmp_path.glob("*.npz"))) == 2

    monkeypatch.setattr(store, "INDEX_VERSION", store.INDEX_VERSION + "-next")
    newer_code = build_index(base, directory=tmp_path)
    assert newer_code.vector is not None and not newer_code.vector.from_cache
    newer_code.prepare()
    assert newer_code.vector.built


def test_another_model_or_a_damaged_file_is_not_a_hit(tmp_path: Path) -> None:
    base = _base()
    build_index(base, directory=tmp_path).prepare()
    other = build_index(base, EmbeddingSettings(model="st:/no/such/model"), directory=tmp_path)
    assert other.vector is not None and not other.vector.from_cache
    (cached,) = tmp_path.glob("*.npz")
    cached.write_bytes(b"not a vector file")
    damaged = build_index(base, directory=tmp_path)
    assert damaged.vector is not None and not damaged.vector.from_cache
    damaged.prepare()
    assert damaged.vector.built and build_index(base, directory=tmp_path).vector.from_cache  # type: ignore[union-attr]


def test_cache_is_bounded_least_recently_used_first(tmp_path: Path) -> None:
    for n, age in (("old", 300), ("mid", 200), ("new", 100)):
        path = tmp_path / f"{n}.npz"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (time.time() - age, time.time() - age))
    trim_cache(tmp_path, limit=2500)
    assert sorted(p.stem for p in tmp_path.glob("*.npz")) == ["mid", "new"]
    trim_cache(tmp_path, keep=tmp_path / "mid.npz", limit=0)
    assert [p.stem for p in tmp_path.glob("*.npz")] == ["mid"]


def test_an_answer_from_the_tables_builds_no_index_a_search_builds_it(tmp_path: Path) -> None:
    base = _base()
    session = Session(base, build_index(base, directory=tmp_path))
    answer = session.ask("社会保险经办机构的基本支出是多少？")
    assert "280.10" in answer.text
    assert not session.index.ready and session.index.vector.matrix is None  # type: ignore[union-attr]
    missing = session.ask(NOT_IN_REPORT)
    assert not missing.found  # its "closest content" comes from the keyword index: no model is loaded for it
    assert session.index.vector.matrix is None  # type: ignore[union-attr]
    assert session.index.search("社会保险经办机构")  # a retrieval search (the LLM path, `index`) builds the vectors
    assert session.index.ready and session.index.vector.built  # type: ignore[union-attr]


def test_background_build_gives_the_same_answers(tmp_path: Path) -> None:
    base = _base()
    lazy = Session(base, build_index(base, directory=tmp_path / "a"))
    ahead = Session(base, build_index(base, directory=tmp_path / "b"))
    ahead.index.start()
    assert "正在建立" in ahead.index.status or ahead.index.ready
    ahead.index.start().join(120)
    assert ahead.index.ready and ahead.index.status.startswith("问答索引已就绪")
    assert ahead.ask(NOT_IN_REPORT).text == lazy.ask(NOT_IN_REPORT).text


def test_cli_progress_on_stderr_json_on_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "report.txt"
    source.write_text(fixture_text(REPORT), encoding="utf-8")
    result = CliRunner().invoke(main, ["ask", str(source), "-q", "基本支出是多少？", "-q", NOT_IN_REPORT, "--format", "json"])
    assert result.exit_code == 0, result.output
    answers = json.loads(result.stdout)
    assert len(answers) == 2 and "280.10" in answers[0]["answer"]
    for line in ("正在读取…", "正在审核…", "正在建立关键词索引…", "已回答 2 个问题"):
        assert line in result.stderr, result.stderr
    assert "正在建立向量索引" not in result.stderr  # deterministic answers need no embeddings
    assert all(line.startswith("[") and " 秒] " in line for line in result.stderr.splitlines())
    built = CliRunner().invoke(main, ["index", str(source)])
    assert built.exit_code == 0, built.output
    for line in ("正在建立向量索引（0/", "向量索引已建立（"):
        assert line in built.stderr, built.stderr
    again = CliRunner().invoke(main, ["index", str(source)])
    assert again.exit_code == 0, again.output
    assert "已存在，直接复用" in again.stdout and "正在建立向量索引" not in again.stderr
