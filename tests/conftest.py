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


# Debian's Chromium, headless, on a machine with no outside network (Playwright never downloads one):
# the one flag list, shared with the producer that prints web pages
from auditor.synth.producers import CHROMIUM_FLAGS  # noqa: E402, F401


class UIServer:
    """`auditor ui` started as a real process on loopback, with its own review folder."""

    def __init__(self, tmp: Path, *extra: str, keyword_only: bool = True, env: dict[str, str] | None = None) -> None:
        import os
        import subprocess
        import sys

        from index.llm import free_port, wait_http

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.review_dir = tmp / "reviews"
        self.log_path = tmp / "ui.log"
        env = {**os.environ, "AUDITOR_REVIEW_DIR": str(self.review_dir), "GRADIO_ANALYTICS_ENABLED": "False",
               **(env or {})}
        self._log = self.log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "auditor.cli", "ui", "--port", str(self.port),
             *(["--keyword-only"] if keyword_only else []), *extra],
            stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
        )
        state = wait_http(self.process, self.url, 120)
        if state == "exited":
            raise RuntimeError(f"auditor ui exited: {self.log_path.read_text(encoding='utf-8')[-2000:]}")
        if state == "timeout":
            self.stop()
            raise RuntimeError("auditor ui did not answer within 120 s")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except Exception:  # noqa: BLE001
            self.process.kill()
        self._log.close()


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    server = UIServer(tmp_path_factory.mktemp("ui"), "--max-upload-mb", "5")
    yield server
    server.stop()
