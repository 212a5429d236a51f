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

    # 5. the tables tab shows a recognised table as a grid (T1 first: income and expense side by side)
    page.get_by_role("tab", name="表格").click()
    page.locator("#table-frame").get_by_text("收入项目").first.wait_for()
    page.screenshot(path=str(SHOTS / "4-tables.png"), full_page=True)
    for name in ("1-findings", "2-finding-page", "3-answer-citation", "4-tables"):
        assert (SHOTS / f"{name}.png").stat().st_size > 20_000
    assert "Traceback" not in ui_server.log()



def _overlapping_labels(page, container: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """Gradio label chips drawn over a component (any with a real size)."""
    found = []
    for label in page.locator(f"{container} [data-testid='block-label']").all():
        box = label.bounding_box()
        if box and box["width"] * box["height"] > 4:
            found.append(box)
    return found


def test_polish_in_a_browser(page, ui_server: UIServer) -> None:  # type: ignore[no-untyped-def]
    """Issue 18's UI items, each with a screenshot: no label chip over the page image or the
    chat; 问题序号 empty before a choice; citations deduplicated with their 原文 in full; T1 and
    T4 income and expense side by side as printed; a download in one click."""
    page.goto(ui_server.url)
    page.locator("#open-example").click()
    page.locator("#findings-table").get_by_text("SUM001").first.wait_for()

    # 问题序号: empty (its hint shown), never "0", before anything is chosen
    number = page.locator("#finding-number input")
    assert number.input_value() == "" and number.get_attribute("placeholder")
    page.locator("#finding-number").screenshot(path=str(SHOTS / "5-number-empty.png"))

    # the page image: no label chip over its top-left corner
    page.locator("#findings-table").get_by_text("SUM001").first.click()
    page.locator("#page-image img").wait_for()
    assert number.input_value() not in ("", "0")
    assert _overlapping_labels(page, "#page-image") == []
    page.locator("#page-image").screenshot(path=str(SHOTS / "6-page-image-no-label.png"))

    # the chat: no label chip over it; citations each listed once, 原文 in full
    page.get_by_role("tab", name="问答").click()
    page.locator("#question textarea").fill("基本支出和项目支出分别是多少？基本支出是多少？")
    page.locator("#ask").click()
    page.locator("#chatbot").get_by_text("出处").first.wait_for(timeout=180_000)
    assert _overlapping_labels(page, "#chatbot") == [] and _overlapping_labels(page, "#cite-image") == []
    rows = page.locator("#citations .virtual-row").all()
    cited = [tuple((c.text_content() or "").strip() for c in row.locator("[role=gridcell]").all()[1:3]) for row in rows]
    assert cited and len(cited) == len(set(cited)), cited  # the same citation listed once
    page.screenshot(path=str(SHOTS / "7a-citations-once.png"), full_page=True)
    page.locator("#question textarea").fill("机关运行经费为什么增加？")  # a long sentence as 原文
    page.locator("#ask").click()
    page.wait_for_function("() => document.querySelector('#citations .virtual-body').textContent.includes('原因')", timeout=180_000)
    rows = page.locator("#citations .virtual-row").all()
    assert rows
    for row in rows:
        cell = row.locator("[role=gridcell]").nth(2)
        clipped = cell.evaluate("td => [...td.querySelectorAll('*'), td].some(e => e.scrollWidth > e.clientWidth + 2)")
        assert not clipped, cell.inner_text()
        # the whole quote lies inside the table's visible width
        inside = page.locator("#citations").evaluate(
            "(root, td) => { const v = root.querySelector('.virtual-table-viewport').getBoundingClientRect();"
            " const r = td.getBoundingClientRect(); return r.right <= v.right + 1 && r.left >= v.left - 1; }",
            cell.element_handle())
        assert inside, cell.inner_text()
    page.screenshot(path=str(SHOTS / "7-chat-citations.png"), full_page=True)

    # T1 and T4: income and expense side by side, as printed
    page.get_by_role("tab", name="表格").click()
    frame = page.locator("#table-frame")
    frame.get_by_text("收入项目").first.wait_for()
    header = frame.locator("thead").inner_text()
    assert header.index("收入项目") < header.index("支出项目")
    first = frame.locator(".virtual-row").first.text_content() or ""
    assert "一般公共预算财政拨款收入" in first and "一般公共服务支出" in first, first  # one printed line, one row
    page.screenshot(path=str(SHOTS / "8-t1-side-by-side.png"), full_page=True)
    page.locator("#table-pick input").click()
    page.get_by_role("option", name=re.compile("^T4 ")).click()
    page.wait_for_function("() => document.querySelector('#table-frame thead').innerText.includes('一般公共预算财政拨款')")
    first = frame.locator(".virtual-row").first.text_content() or ""
    assert "一般公共预算财政拨款" in first and "一般公共服务支出" in first, first
    page.screenshot(path=str(SHOTS / "9-t4-side-by-side.png"), full_page=True)

    # one click downloads the HTML report
    page.get_by_role("tab", name="下载").click()
    button = page.locator("#download-html")
    page.wait_for_function("() => !document.querySelector('#download-html').disabled")
    with page.expect_download() as info:
        button.click()
    path = info.value.path()
    assert path and "<html" in open(path, encoding="utf-8").read(4000).lower()
    page.screenshot(path=str(SHOTS / "10-downloads.png"), full_page=True)
    for name in ("5-number-empty", "6-page-image-no-label", "7-chat-citations", "8-t1-side-by-side",
                 "9-t4-side-by-side", "10-downloads"):
        assert (SHOTS / f"{name}.png").stat().st_size > 2_000
    assert "Traceback" not in ui_server.log()


def test_report_images_never_load_in_the_browser(page, ui_server: UIServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A report carrying markdown images, <img> and links: shown as text; the browser fetches
    nothing from the addresses (a local listener counts requests)."""
    import http.server
    import threading

    from conftest import fixture_text
    from test_ui_security import HOSTILE

    hits: list[str] = []

    class Count(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    listener = http.server.HTTPServer(("127.0.0.1", 0), Count)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    port = listener.server_address[1]
    report = tmp_path / "hostile.txt"
    report.write_text(fixture_text(HOSTILE.replace("127.0.0.1:9", f"127.0.0.1:{port}")), encoding="utf-8")
    try:
        page.goto(ui_server.url)
        page.locator("#upload input[type=file]").set_input_files(str(report))
        page.locator("#status").get_by_text("已打开").wait_for()
        page.locator("#findings-table .virtual-row").first.click()
        page.get_by_role("tab", name="问答").click()
        page.locator("#question textarea").fill("机关运行经费为什么增加？")
        page.locator("#ask").click()
        page.locator("#chatbot").get_by_text("出处").first.wait_for(timeout=180_000)
        page.get_by_role("tab", name="表格").click()
        page.locator("#table-frame").get_by_text("科目/项目").first.wait_for()
        page.wait_for_timeout(1500)
        page.get_by_role("tab", name="问答").click()
        page.screenshot(path=str(SHOTS / "11-report-links-inert.png"), full_page=True)
        assert hits == [], hits
        assert page.locator("#chatbot img[src*='127.0.0.1']").count() == 0
        assert page.locator("#chatbot a[href*='127.0.0.1']").count() == 0
    finally:
        listener.shutdown()
