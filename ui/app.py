"""The Gradio reviewer's workbench (``auditor ui``): open a report, review its findings on the
page, read its tables, ask it questions, download the audit.

Every browser session owns one ``Workspace`` (ui/workbench.py) in a ``gr.State``; it is deleted
with its temporary folder when the tab closes. Files handed to Gradio for display or download
come only from that folder. Safe defaults: loopback binding, optional login, upload size and
page limits, no analytics, no server-side rendering process.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from auditor.ingest.errors import InputError  # noqa: E402
from ui.workbench import ALL, FINDING_HEADERS, UISettings, Workspace  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example_report.pdf"
LLM_LABELS = {"无（仅确定性回答）": "none", "OpenAI 兼容接口": "openai", "Ollama": "ollama", "本地小模型（llama.cpp）": "local"}
VERIFICATION_ZH = {
    "deterministic": "确定性回答（由表格数据直接计算）",
    "passed": "模型措辞，所有数字已与报告核对一致",
    "repaired": "⚠ 模型回答中有未能核实的数字，相关句子已删除",
    "replaced": "⚠ 模型回答未通过数字核验，已改用确定性回答",
}
CSS = """
#auditor-title h1{margin-bottom:0}
.auditor-detail{max-height:640px;overflow:auto}
"""
FONTS = ["Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "sans-serif"]


def _workspace(ws: Workspace | None, settings: UISettings) -> Workspace:
    return ws if ws is not None else Workspace(settings)


def _close(ws: Workspace | None) -> None:
    if ws is not None:
        ws.close()


def build_app(settings: UISettings | None = None) -> gr.Blocks:
    settings = settings or UISettings()

    with gr.Blocks(title="部门决算审核工作台", analytics_enabled=False) as demo:
        state = gr.State(None, delete_callback=_close)
        gr.Markdown("# 部门决算审核工作台\n上传部门决算公开报告（PDF 或文本），查看每个问题在页面上的证据，浏览表格，并就报告提问。"
                    f"\n单个文件不超过 {settings.max_upload_mb:g} MB、{settings.max_pages} 页。", elem_id="auditor-title")
        with gr.Row():
            upload = gr.File(label="上传报告（PDF 或 TXT）", type="filepath", elem_id="upload")  # types checked by content, in Chinese
            with gr.Column():
                example_btn = gr.Button("打开示例报告", variant="secondary", elem_id="open-example",
                                        visible=EXAMPLE.exists())
                status = gr.Markdown("尚未打开报告。", elem_id="status")
                index_status = gr.Markdown("", elem_id="index-status")
        summary = gr.Markdown("", elem_id="summary")

        with gr.Tabs():
            with gr.Tab("问题清单", id="findings"):
                with gr.Row():
                    f_sev = gr.Dropdown([ALL], value=ALL, label="级别", elem_id="filter-severity")
                    f_cat = gr.Dropdown([ALL], value=ALL, label="类别", elem_id="filter-category")
                    f_tab = gr.Dropdown([ALL], value=ALL, label="表", elem_id="filter-table")
                with gr.Row():
                    with gr.Column(scale=6):
                        findings = gr.Dataframe(headers=FINDING_HEADERS, value=[], interactive=False, wrap=True,
                                                label="问题（点击一行查看证据；点击表头排序）", elem_id="findings-table",
                                                max_height=620,
                                                column_widths=["44px", "48px", "80px", "76px", "76px", "62px", "auto", "62px"])
                        with gr.Row():
                            number = gr.Number(None, label="问题序号", precision=0, elem_id="finding-number")
                            show_btn = gr.Button("查看", elem_id="show-finding")
                        with gr.Row():
                            mark_status = gr.Radio(["确认", "排除", "清除标记"], label="复核", elem_id="mark-status")
                            mark_note = gr.Textbox(label="备注", max_length=2000, elem_id="mark-note")
                        mark_btn = gr.Button("保存复核标记", elem_id="save-mark")
                        mark_msg = gr.Markdown("", elem_id="mark-msg")
                    with gr.Column(scale=5):
                        detail = gr.Markdown("选择一个问题查看说明与证据。", elem_id="finding-detail",
                                             elem_classes=["auditor-detail"])
                        page_pick = gr.Dropdown([], label="证据所在页", elem_id="evidence-page")
                        page_image = gr.Image(label="页面（证据已框出）", type="pil", interactive=False,
                                              elem_id="page-image", buttons=["fullscreen"])
                        page_html = gr.HTML("", elem_id="page-html")

            with gr.Tab("表格", id="tables"):
                table_pick = gr.Dropdown([], label="选择表格", elem_id="table-pick")
                table_notes = gr.Markdown("", elem_id="table-notes")
                table_frame = gr.Dataframe(value=[], interactive=False, wrap=True, elem_id="table-frame", max_height=640)

            with gr.Tab("问答", id="chat"):
                with gr.Row():
                    with gr.Column(scale=5):
                        chatbot = gr.Chatbot(label="与报告对话", height=460, elem_id="chatbot")
                        question = gr.Textbox(label="问题", placeholder="例如：人员经费是多少？机关运行经费为什么增加？",
                                              elem_id="question", max_length=500)
                        ask_btn = gr.Button("提问", variant="primary", elem_id="ask")
                        with gr.Accordion("模型设置（默认不用模型，答案由数据直接计算）", open=False):
                            llm_kind = gr.Radio(list(LLM_LABELS), value="无（仅确定性回答）", label="措辞模型",
                                                elem_id="llm-kind")
                            llm_url = gr.Textbox(label="接口地址（OpenAI 兼容 / Ollama）", elem_id="llm-url")
                            llm_model = gr.Textbox(label="模型名", elem_id="llm-model")
                            llm_key = gr.Textbox(label="API 密钥（只保存在本次会话内存中）", type="password",
                                                 elem_id="llm-key")
                    with gr.Column(scale=5):
                        citations = gr.Dataframe(headers=["序号", "出处", "原文"], value=[], interactive=False, wrap=True,
                                                 label="引用（点击查看页面）", elem_id="citations",
                                                 column_widths=["44px", "62%", "auto"])
                        cite_image = gr.Image(label="引用所在页", type="pil", interactive=False, elem_id="cite-image")
                        cite_html = gr.HTML("", elem_id="cite-html")

            with gr.Tab("下载", id="downloads"):
                gr.Markdown("审核报告包含复核标记；标注版 PDF 在原页面上框出每个问题（已排除的不画）。")
                with gr.Row():
                    exp_kind = gr.Radio([("HTML 审核报告", "html"), ("JSON", "json"), ("Excel（XLSX）", "xlsx"),
                                         ("标注版 PDF", "pdf")], value="html", label="格式", elem_id="export-kind")
                    exp_btn = gr.Button("生成", elem_id="export")
                exp_file = gr.File(label="下载", interactive=False, elem_id="export-file")

        # -- handlers ------------------------------------------------------------------------
        def opened(ws: Workspace) -> tuple[Any, ...]:
            pdf = ws.report.meta.source_kind == "pdf"  # text reports show the marked lines instead of a page
            choices = ws.filter_choices()
            tables = ws.table_choices()
            first_table = next((t for t in tables if t.startswith("T")), tables[0] if tables else None)
            headers, rows, notes = ws.table_frame(first_table) if first_table else (["说明"], [["未识别到表格"]], "")
            return (
                ws, f"已打开：**{ws.source.name if ws.source else ''}**", ws.index_status, ws.summary_markdown(),
                gr.update(choices=choices["severity"], value=ALL), gr.update(choices=choices["category"], value=ALL),
                gr.update(choices=choices["table"], value=ALL), ws.finding_rows(),
                gr.update(choices=tables, value=first_table),
                _frame(headers, rows), (notes + "\n\n" + ws.missing_tables_markdown()).strip(),
                "选择一个问题查看说明与证据。", gr.update(value=None, visible=pdf), "", [], [],
                gr.update(choices=[], value=None, visible=pdf), gr.update(value=None, visible=pdf),
            )

        def failed(ws: Workspace | None, message: str) -> tuple[Any, ...]:
            return (ws, f"**无法打开**：{message}", "", "", gr.update(), gr.update(), gr.update(), [], gr.update(),
                    _frame(["说明"], []), "", "", None, "", [], [], gr.update(), gr.update())

        open_outputs = [state, status, index_status, summary, f_sev, f_cat, f_tab, findings, table_pick, table_frame,
                        table_notes, detail, page_image, page_html, chatbot, citations, page_pick, cite_image]

        def open_file(file: str | None, ws: Workspace | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - how Gradio injects progress
            if not file:
                return failed(ws, "请先选择文件")
            ws = _workspace(ws, settings)
            try:
                ws.open(file, Path(file).name, progress=lambda f, d: progress(f, desc=d))
            except InputError as exc:
                ws.close_report()
                return failed(ws, exc.reason)
            return opened(ws)

        def open_example(ws: Workspace | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - how Gradio injects progress
            if not EXAMPLE.exists():
                return failed(ws, "本安装未附带示例报告，请上传文件")
            return open_file(str(EXAMPLE), ws, progress)

        upload.upload(open_file, [upload, state], open_outputs, api_name="open_report", concurrency_limit=2)
        example_btn.click(open_example, [state], open_outputs, api_name="open_example", concurrency_limit=2)

        def refresh_index(ws: Workspace | None) -> str:
            return ws.index_status if ws is not None else ""

        gr.Timer(3.0).tick(refresh_index, [state], [index_status], show_progress="hidden", api_visibility="private")

        def filter_rows(ws: Workspace | None, sev: str, cat: str, tab: str) -> list[list[Any]]:
            return ws.finding_rows(sev, cat, tab) if ws is not None and ws.result is not None else []

        for dropdown in (f_sev, f_cat, f_tab):
            dropdown.change(filter_rows, [state, f_sev, f_cat, f_tab], [findings], api_visibility="private")
        gr.Button("应用筛选", size="sm", visible=False).click(filter_rows, [state, f_sev, f_cat, f_tab], [findings],
                                                               api_name="filter_findings")

        def show(ws: Workspace | None, num: float | None, page: Any = None) -> tuple[Any, ...]:
            if ws is None or ws.result is None:
                return "请先打开报告。", gr.update(choices=[], value=None), None, "", num
            try:
                n = int(num or 0)
                text = ws.finding_markdown(n)
                pages = ws.evidence_pages(n)  # the page it opens on first
                shown = int(page) if page and int(page) in pages else (pages[0] if pages else None)
                image, html = ws.finding_view(n, shown)
            except (IndexError, ValueError) as exc:
                return f"**{exc}**", gr.update(choices=[], value=None), None, "", num
            return text, gr.update(choices=pages, value=shown), image, html, n

        show_outputs = [detail, page_pick, page_image, page_html, number]
        show_btn.click(show, [state, number], show_outputs, api_name="show_finding")

        def select_row(ws: Workspace | None, evt: gr.SelectData) -> tuple[Any, ...]:
            row = evt.row_value or []
            return show(ws, row[0] if row else None)

        findings.select(select_row, [state], show_outputs, api_visibility="private")
        page_pick.input(show, [state, number, page_pick], show_outputs, api_visibility="private")

        def save_mark(ws: Workspace | None, num: float | None, status_zh: str | None, note: str,
                      sev: str, cat: str, tab: str) -> tuple[Any, ...]:
            if ws is None or ws.result is None:
                return "请先打开报告。", gr.update(), gr.update()
            status_map = {"确认": "confirmed", "排除": "dismissed", "清除标记": ""}
            if status_zh not in status_map:
                return "请选择“确认”“排除”或“清除标记”。", gr.update(), gr.update()
            try:
                done = ws.mark(int(num or 0), status_map[status_zh], note or "")
            except IndexError as exc:
                return f"**{exc}**", gr.update(), gr.update()
            return f"第 {int(num or 0)} 条：{done}", ws.finding_rows(sev, cat, tab), ws.finding_markdown(int(num or 0))

        mark_btn.click(save_mark, [state, number, mark_status, mark_note, f_sev, f_cat, f_tab],
                       [mark_msg, findings, detail], api_name="mark_finding")

        def pick_table(ws: Workspace | None, label: str | None) -> tuple[Any, ...]:
            if ws is None or ws.result is None or not label:
                return _frame(["说明"], []), ""
            headers, rows, notes = ws.table_frame(label)
            return _frame(headers, rows), (notes + "\n\n" + ws.missing_tables_markdown()).strip()

        table_pick.change(pick_table, [state, table_pick], [table_frame, table_notes], api_name="show_table")

        def ask(ws: Workspace | None, text: str, history: list[dict[str, Any]] | None, kind_label: str, url: str,
                model: str, key: str) -> tuple[Any, ...]:
            history = list(history or [])
            if ws is None or ws.result is None:
                return history + [{"role": "assistant", "content": "请先打开报告。"}], "", [], None, ""
            from index.llm import LLMSettings

            kind = LLM_LABELS.get(kind_label, "none")
            ws.set_llm(LLMSettings(kind, url.strip(), model.strip(), key.strip()) if kind != "none" else None)
            history.append({"role": "user", "content": text})
            try:
                answer = ws.ask(text)
            except (ValueError, TimeoutError, RuntimeError) as exc:
                return history + [{"role": "assistant", "content": str(exc)}], "", [], None, ""
            history.append({"role": "assistant", "content": answer_markdown(answer)})
            rows = [[i, c.where(), c.quote or ""] for i, c in enumerate(answer.citations, 1)]
            image, html = ws.view(ws.last_citations[:1]) if ws.last_citations else (None, "")
            return history, "", rows, image, html

        ask_inputs = [state, question, chatbot, llm_kind, llm_url, llm_model, llm_key]
        ask_outputs = [chatbot, question, citations, cite_image, cite_html]
        ask_btn.click(ask, ask_inputs, ask_outputs, api_name="ask", concurrency_limit=2)
        question.submit(ask, ask_inputs, ask_outputs, api_visibility="private", concurrency_limit=2)

        def show_citation(ws: Workspace | None, num: float | None) -> tuple[Any, str]:
            if ws is None or not ws.last_citations:
                return None, "没有可显示的引用"
            i = int(num or 1) - 1
            if not 0 <= i < len(ws.last_citations):
                return None, f"没有第 {i + 1} 条引用"
            return ws.view([ws.last_citations[i]])

        def pick_citation(ws: Workspace | None, evt: gr.SelectData) -> tuple[Any, str]:
            row = evt.row_value or []
            return show_citation(ws, row[0]) if row else (None, "")

        citations.select(pick_citation, [state], [cite_image, cite_html], api_visibility="private")

        cite_number = gr.Number(visible=False)
        gr.Button(visible=False).click(show_citation, [state, cite_number], [cite_image, cite_html],
                                       api_name="show_citation")

        def export(ws: Workspace | None, kind: str) -> Any:
            if ws is None or ws.result is None:
                raise gr.Error("请先打开报告。")
            try:
                return str(ws.export(kind))
            except InputError as exc:
                raise gr.Error(exc.reason) from exc

        exp_btn.click(export, [state, exp_kind], [exp_file], api_name="export")

    return demo


def _frame(headers: list[str], rows: list[list[Any]]) -> Any:
    import pandas as pd

    # Gradio needs unique column names; tables repeat headers such as "决算数" on both sides
    seen: dict[str, int] = {}
    unique = []
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
        unique.append(h if seen[h] == 1 else f"{h}（{seen[h]}）")
    return pd.DataFrame(rows, columns=unique)


def answer_markdown(answer: Any) -> str:
    parts = [answer.text]
    if answer.computation:
        parts.append(f"\n\n**计算**：{answer.computation}")
    if answer.citations:
        parts.append("\n\n**出处**：" + "；".join(f"[{i}] {c.where()}" for i, c in enumerate(answer.citations, 1)))
    status = str((answer.verification or {}).get("status", "deterministic"))
    label = VERIFICATION_ZH.get(status, status) if answer.found else "确定性回答：报告中未找到，未作推测"
    parts.append(f"\n\n<small>{label}</small>")
    return "".join(parts)


def launch(settings: UISettings, host: str = "127.0.0.1", port: int = 7860,
           auth: list[tuple[str, str]] | None = None, block: bool = True) -> Any:
    demo = build_app(settings)
    demo.queue(default_concurrency_limit=2)
    theme = gr.themes.Default(font=FONTS, font_mono=["monospace"])
    return demo.launch(
        server_name=host, server_port=port, auth=auth or None, auth_message="部门决算审核工作台：请登录",
        # Gradio's own cap refuses far larger uploads before they are stored (its message is English);
        # files over our limit but under the cap get the Chinese message from Workspace.open
        max_file_size=f"{max(settings.max_upload_mb * 2, settings.max_upload_mb + 20):g}mb",
        share=False, ssr_mode=False, show_error=False,
        prevent_thread_lock=not block, theme=theme, css=CSS, quiet=True, footer_links=["api"],
        pwa=False, mcp_server=False,
    )
