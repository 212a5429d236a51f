"""End to end in a real browser: Debian's Chromium, headless, driven by Playwright (no browser
download), against `auditor ui` on loopback. Opens the example, sees the findings, picks one
and sees its page with the evidence boxed, asks a question and gets a cited answer, clicks the
citation. A screenshot of each step is saved under out/ui-screenshots/."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import CHROMIUM_FLAGS, ROOT, UIServer

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is installed with .[dev]")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = ROOT / "out" / "ui-screenshots"


@pytest.fixture(scope="module")
def page(ui_server: UIServer):  # type: ignore[no-untyped-def]
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run installs it)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
        tab = context.new_page()
        tab.set_default_timeout(60_000)
        yield tab
        context.close()
        browser.close()


def test_review_flow_in_a_browser(page, ui_server: UIServer) -> None:  # type: ignore[no-untyped-def]
    page.goto(ui_server.url)
    page.get_by_text("部门决算审核工作台").first.wait_for()

    # 1. open the bundled example: the summary and the findings table appear
    page.locator("#open-example").click()
    findings = page.locator("#findings-table")
    findings.get_by_text("SUM001").first.wait_for()
    summary = page.locator("#summary").inner_text()
    assert "T1、T2、T3、T4、T5、T6、T7、T8、T9" in summary and "错误" in summary
    assert "UNIT001" in findings.inner_text(), findings.inner_text()[:3000]
    page.screenshot(path=str(SHOTS / "1-findings.png"), full_page=True)

    # 2. pick a finding: its explanation and the page image with the evidence boxed
    findings.get_by_text("NAR006").first.click()
    detail = page.locator("#finding-detail")
    detail.get_by_text("NAR006").first.wait_for()
    image = page.locator("#page-image img")
    image.wait_for()
    assert "检查说明" in detail.inner_text()
    assert page.locator("#page-html").inner_text().startswith("第")
    box = image.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 200
    page.screenshot(path=str(SHOTS / "2-finding-page.png"), full_page=True)

    # 3. filter to errors only: every visible severity is 错误
    page.locator("#filter-severity input").click()
    page.get_by_role("option", name="错误").click()
    page.wait_for_function("() => !document.querySelector('#findings-table').innerText.includes('警告')")
    assert "UNIT001" in findings.inner_text()

    # 4. ask a question: a cited answer, the citation opens its page
    page.get_by_role("tab", name="问答").click()
    page.locator("#question textarea").fill("本年收入合计和人员经费分别是多少？")
    page.locator("#ask").click()
    chat = page.locator("#chatbot")
    chat.get_by_text("出处").first.wait_for(timeout=180_000)
    answer = chat.inner_text()
    assert "万元" in answer and "[2]" in answer and "确定性回答" in answer
    pages = [int(n) for n in re.findall(r"第(\d+)页", page.locator("#citations").inner_text())]
    assert len(set(pages)) >= 2, pages  # two facts on two pages
    page.locator("#cite-html").get_by_text(f"第 {pages[0]} 页").wait_for()  # the first citation is shown
    page.locator("#citations").get_by_text(f"第{pages[-1]}页").filter(visible=True).first.click()
    page.locator("#cite-html").get_by_text(f"第 {pages[-1]} 页").wait_for()  # the clicked one replaces it
    page.locator("#cite-image img").wait_for()
    page.screenshot(path=str(SHOTS / "3-answer-citation.png"), full_page=True)

    # 5. the tables tab shows a recognised table as a grid
    page.get_by_role("tab", name="表格").click()
    page.locator("#table-frame").get_by_text("科目/项目").first.wait_for()
    page.screenshot(path=str(SHOTS / "4-tables.png"), full_page=True)
    for name in ("1-findings", "2-finding-page", "3-answer-citation", "4-tables"):
        assert (SHOTS / f"{name}.png").stat().st_size > 20_000
    assert "Traceback" not in ui_server.log()

