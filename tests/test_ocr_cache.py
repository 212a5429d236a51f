"""The OCR page cache: a scan read a second time gives the same report with no OCR at all; a
damaged cache file is read again, not a crash; the cache stays within its size bound; it can
be turned off. A page of the bundled example, rendered and saved as an image-only PDF."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from auditor.audit import audit_report
from auditor.cache import trim_cache
from auditor.ingest import load_report
from auditor.ingest import ocr as ocr_module
from auditor.ingest.ocr import Engine, PageCache
from tests.test_ocr import _images_to_pdf, _jpeg, _render

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 收入决算表 (a ruled table) and a text page
    images = [_jpeg(_render(number).rotate(0.6, expand=False, fillcolor="white")) for number in (7, 4)]
    return _images_to_pdf(images, tmp_path_factory.mktemp("cache_scan") / "scan.pdf", 200)


class _Counting:
    """The shared engine, counting recogniser calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        engine = Engine.shared()
        original = engine.recognise

        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            self.calls += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(engine, "recognise", counted)


def _summary(path: Path) -> tuple[object, ...]:
    report = load_report(path, ocr="auto")
    cells = tuple((t.kind.value, r.code, r.label, k, c.raw, c.confidence, c.digit_confidence, c.location.bbox)
                  for t in report.tables for r in t.rows for k, c in r.cells.items())
    findings = tuple((f.code, f.severity.value, f.fingerprint) for f in audit_report(report).findings)
    lines = tuple((line.text, line.location.page, line.location.bbox) for line in report.lines)
    return cells, lines, findings, tuple(sorted(report.meta.page_notes.items()))


def test_a_second_read_hits_the_cache_and_gives_the_same_report(scan: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path))
    monkeypatch.delenv("AUDITOR_OCR_CACHE", raising=False)
    counting = _Counting(monkeypatch)
    first = _summary(scan)
    assert counting.calls > 0
    files = sorted((tmp_path / "auditor" / "ocr").glob("*.json"))
    assert len(files) == 2, files  # one per page
    assert json.loads(files[0].read_text(encoding="utf-8"))["pieces"]  # JSON, not a pickle
    counting.calls = 0
    second = _summary(scan)
    assert counting.calls == 0, "a cached page must not be recognised again"
    assert second == first
    assert first[0], "the table's cells should have been read"


def test_a_damaged_cache_file_is_read_again(scan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path))
    counting = _Counting(monkeypatch)
    first = _summary(scan)
    files = sorted((tmp_path / "auditor" / "ocr").glob("*.json"))
    files[0].write_text('{"key": "', encoding="utf-8")  # torn
    data = json.loads(files[1].read_text(encoding="utf-8"))
    data["pieces"] = [["not", "a", "piece"]]  # well-formed JSON, wrong shape
    files[1].write_text(json.dumps(data), encoding="utf-8")
    counting.calls = 0
    again = _summary(scan)
    assert counting.calls > 0  # both pages read again
    assert again == first
    # and written back whole: a third read costs nothing
    counting.calls = 0
    assert _summary(scan) == first
    assert counting.calls == 0


def test_the_cache_can_be_turned_off(scan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path))
    monkeypatch.setenv("AUDITOR_OCR_CACHE", "0")
    assert PageCache.default() is None
    load_report(scan, ocr="auto")
    assert not (tmp_path / "auditor" / "ocr").exists()


def test_the_cache_keeps_within_its_bound(scan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path))
    monkeypatch.setenv("AUDITOR_OCR_CACHE_MB", "0.001")  # ~1 KB: less than one page
    load_report(scan, ocr="auto")
    files = list((tmp_path / "auditor" / "ocr").glob("*.json"))
    assert len(files) == 1  # only the page just written is kept

    # the shared helper: least recently used first, whatever was written last
    folder = tmp_path / "lru"
    folder.mkdir()
    now = time.time()
    for age, name in enumerate(("new", "mid", "old")):
        path = folder / f"{name}.json"
        path.write_bytes(b"x" * 1000)
        os.utime(path, (now - age * 100, now - age * 100))
    trim_cache(folder, 2500, pattern="*.json")
    assert sorted(p.stem for p in folder.glob("*.json")) == ["mid", "new"]
    trim_cache(folder, 0, keep=folder / "mid.json", pattern="*.json")
    assert [p.stem for p in folder.glob("*.json")] == ["mid"]


def test_a_changed_page_misses_and_an_unchanged_one_hits(scan: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path))
    load_report(scan, ocr="auto")
    cache = PageCache.default()
    assert cache is not None
    seen: list[bool] = []
    original = PageCache.load

    def recording(self: PageCache, key: str):  # type: ignore[no-untyped-def]
        found = original(self, key)
        seen.append(found is not None)
        return found

    monkeypatch.setattr(PageCache, "load", recording)
    other = _images_to_pdf([_jpeg(_render(7).rotate(0.6, expand=False, fillcolor="white")),
                            _jpeg(_render(5))], tmp_path / "other.pdf", 200)
    load_report(other, ocr="auto")
    assert seen == [True, False]
    assert ocr_module.CACHE_FORMAT  # the version string holds a format number
