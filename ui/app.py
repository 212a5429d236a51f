"""The Gradio reviewer's workbench (``auditor ui``): open a report, review its findings on the
page, read its tables, ask it questions, download the audit.

Every browser session owns one ``Workspace`` (ui/workbench.py) in a ``gr.State``, bound to
the user who logged in: another user cannot use it even knowing its session id. Its folder
(upload copy, downloads) is deleted when the session ends: the "结束会话" button, the tab
closed, or idle past ``--session-minutes`` (a sweep on a schedule); Gradio's own cache is
cleared on the same schedule, and folders left by a server that is gone are deleted at
start-up. Files handed to Gradio come only from that folder. Safe defaults: loopback
binding, optional login with throttling, upload size, page and per-user storage limits, the
model URL set by the operator only, report text rendered inert (no remote images or links),
no analytics, no server-side rendering process.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
# Gradio's upload and output cache in this server's own folder (cleared with it)
os.environ.setdefault("GRADIO_TEMP_DIR", str(Path(tempfile.gettempdir()) / "auditor-ui" / f"srv-{os.getpid()}" / "gradio"))

import gradio as gr  # noqa: E402

from auditor.ingest.errors import InputError  # noqa: E402
from ui.security import LoginThrottle, inert  # noqa: E402
from ui.workbench import ALL, FINDING_HEADERS, SESSIONS, UISettings, Workspace  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example_report.pdf"
NO_MODEL = "无（仅确定性回答）"
DOWNLOADS = (("html", "HTML 审核报告"), ("xlsx", "Excel（XLSX）"), ("json", "JSON"), ("pdf", "标注版 PDF"))
VERIFICATION_ZH = {
    "deterministic": "确定性回答（未用大模型）",
    "passed": "模型措辞，所有数字已与报告核对一致",
    "repaired": "⚠ 模型回答中有未能核实的数字，相关句子已删除",
    "replaced": "⚠ 模型回答未通过数字核验，已改用确定性回答",
}
CSS = """
#auditor-title h1{margin-bottom:0}
.auditor-detail{max-height:640px;overflow:auto}
.auditor-caption p{margin:4px 0 2px 0;font-weight:600}
#citations table{width:100% !important;table-layout:fixed !important}
#citations th, #citations td{max-width:none !important}
#citations th:nth-child(1), #citations td:nth-child(1){width:48px !important;min-width:48px !important}
#citations th:nth-child(2), #citations td:nth-child(2){width:32% !important;min-width:0 !important}
#citations th:nth-child(3), #citations td:nth-child(3){width:auto !important;min-width:0 !important}
#citations .virtual-row [role=gridcell]:last-child{flex:1 1 0 !important;width:auto !important;min-width:0 !important}
#citations .virtual-row [role=gridcell] span{white-space:normal !important;word-break:break-all !important}
#citations td .cell-wrap, #citations td span{white-space:normal !important;word-break:break-all !important;
  overflow:visible !important;text-overflow:clip !important}
"""
FONTS = ["Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC", "sans-serif"]


def _user(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def _workspace(ws: Workspace | None, settings: UISettings, request: gr.Request | None) -> Workspace:
    ws = _own(ws, request)
    if ws is None:
        ws = Workspace(settings, owner=_user(request))
        ws.session_hash = getattr(request, "session_hash", None)
    return ws


def _own(ws: Workspace | None, request: gr.Request | None) -> Workspace | None:
    """The session's workspace when it belongs to the user making the request; an ended
    session is None. Another user's session is refused, whatever session id they send."""
    if ws is None:
        return None
    if ws.owner != _user(request):
        raise gr.Error("无权访问此会话：它属于另一位登录用户。", print_exception=False)
    if ws.closed:
        return None
    ws.touch()
    return ws


def _close(ws: Workspace | None) -> None:
    if ws is not None:
        ws.close()


def build_app(settings: UISettings | None = None) -> gr.Blocks:
    settings = settings or UISettings()
    cache_age = max(1, int(settings.session_minutes * 60))
    sweep_every = max(1, int(min(60.0, settings.session_minutes * 60 / 4)))

    with gr.Blocks(title="部门决算审核工作台", analytics_enabled=False, delete_cache=(sweep_every, cache_age)) as demo:
        state = gr.State(None, delete_callback=_close)
        gr.Markdown("# 部门决算审核工作台\n上传部门决算公开报告（PDF 或文本），查看每个问题在页面上的证据，浏览表格，并就报告提问。"
                    f"\n单个文件不超过 {settings.max_upload_mb:g} MB、{settings.max_pages} 页；"
                    f"会话闲置 {settings.session_minutes:g} 分钟后结束，上传的文件随之删除。", elem_id="auditor-title")
        with gr.Row():
            upload = gr.File(label="上传报告（PDF、TXT、网页或 Excel）", type="filepath", elem_id="upload")  # types checked by content
            uploads = gr.File(label="一份报告分成几个文件时（如情况说明与公开表）：一起上传", type="filepath",
                              file_count="multiple", elem_id="upload-several")
            budget_up = gr.File(label="（可选）同一部门同一年度的部门预算：核对决算所列年初预算，问题中并列两份文件的页面",
                                type="filepath", file_count="multiple", elem_id="upload-budget")
            with gr.Column():
                example_btn = gr.Button("打开示例报告", variant="secondary", elem_id="open-example",
                                        visible=EXAMPLE.exists())
                end_btn = gr.Button("结束会话（删除上传的文件）", size="sm", elem_id="end-session")
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
                            number = gr.Number(None, label="问题序号", precision=0, elem_id="finding-number",
                                               placeholder="点击上表一行，或输入序号")
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
                        gr.Markdown("页面（证据已框出）", elem_classes=["auditor-caption"])
                        page_image = gr.Image(label="页面（证据已框出）", show_label=False, type="pil", interactive=False,
                                              elem_id="page-image", buttons=["fullscreen"])
                        page_html = gr.HTML("", elem_id="page-html")

            with gr.Tab("表格", id="tables"):
                table_pick = gr.Dropdown([], label="选择表格", elem_id="table-pick")
                table_notes = gr.Markdown("", elem_id="table-notes")
                table_frame = gr.Dataframe(value=[], interactive=False, wrap=True, elem_id="table-frame", max_height=640)

            with gr.Tab("问答", id="chat"):
                with gr.Row():
                    with gr.Column(scale=5):
                        gr.Markdown("与报告对话", elem_classes=["auditor-caption"])
                        chatbot = gr.Chatbot(label="与报告对话", show_label=False, height=460, elem_id="chatbot",
                                             sanitize_html=True)
                        question = gr.Textbox(label="问题", placeholder="例如：人员经费是多少？机关运行经费为什么增加？",
                                              elem_id="question", max_length=500)
                        ask_btn = gr.Button("提问", variant="primary", elem_id="ask")
                        with gr.Accordion("措辞模型（默认不用模型，答案由数据直接计算）", open=False):
                            llm_kind = gr.Radio([NO_MODEL, *settings.models], value=NO_MODEL, label="措辞模型",
                                                info="可选的模型由管理员在启动时配置（auditor ui --llm …）",
                                                elem_id="llm-kind")
                    with gr.Column(scale=5):
                        citations = gr.Dataframe(headers=["序号", "出处", "原文"], value=[], interactive=False, wrap=True,
                                                 label="引用（点击查看页面）", elem_id="citations",
                                                 column_widths=["48px", "34%", "auto"])
                        gr.Markdown("引用所在页", elem_classes=["auditor-caption"])
                        cite_image = gr.Image(label="引用所在页", show_label=False, type="pil", interactive=False,
                                              elem_id="cite-image")
                        cite_html = gr.HTML("", elem_id="cite-html")

            with gr.Tab("下载", id="downloads") as downloads_tab:
                gr.Markdown("点击即下载（打开本页时按当前复核标记生成）。审核报告包含复核标记；"
                            "标注版 PDF 在原页面上框出每个问题（已排除的不画）。")
                with gr.Row():
                    buttons = {kind: gr.DownloadButton(label, value=None, interactive=False, elem_id=f"download-{kind}")
                               for kind, label in DOWNLOADS}
                with gr.Row(visible=False):
                    exp_kind = gr.Radio([k for k, _ in DOWNLOADS], value="html", elem_id="export-kind")
                    exp_btn = gr.Button("生成", elem_id="export")
                    exp_file = gr.File(interactive=False, elem_id="export-file")
            with gr.Tab("语料库", id="corpus"):  # questions across a batch's reports (ui/corpus_view.py)
                from ui.corpus_view import build_tab as corpus_tab

                corpus_tab()
        download_outputs = [buttons[k] for k, _ in DOWNLOADS]

        # -- handlers ------------------------------------------------------------------------
        def opened(ws: Workspace) -> tuple[Any, ...]:
            pdf = ws.report.meta.source_kind == "pdf"  # text reports show the marked lines instead of a page
            choices = ws.filter_choices()
            tables = ws.table_choices()
            first_table = next((t for t in tables if t.startswith("T")), tables[0] if tables else None)
            headers, rows, notes = ws.table_frame(first_table) if first_table else (["说明"], [["未识别到表格"]], "")
            return (
                ws, f"已打开：**{inert(ws.source.name) if ws.source else ''}**", ws.index_status, ws.summary_markdown(),
                gr.update(choices=choices["severity"], value=ALL), gr.update(choices=choices["category"], value=ALL),
                gr.update(choices=choices["table"], value=ALL), ws.finding_rows(),
                gr.update(choices=tables, value=first_table),
                _frame(headers, rows), (notes + "\n\n" + ws.missing_tables_markdown()).strip(),
                "选择一个问题查看说明与证据。", gr.update(value=None, visible=pdf), "", [], [],
                gr.update(choices=[], value=None, visible=pdf), gr.update(value=None, visible=pdf), None,
            )

        def failed(ws: Workspace | None, message: str) -> tuple[Any, ...]:
            return (ws, f"**无法打开**：{inert(message)}", "", "", gr.update(), gr.update(), gr.update(), [], gr.update(),
                    _frame(["说明"], []), "", "", None, "", [], [], gr.update(), gr.update(), None)

        open_outputs = [state, status, index_status, summary, f_sev, f_cat, f_tab, findings, table_pick, table_frame,
                        table_notes, detail, page_image, page_html, chatbot, citations, page_pick, cite_image, number]

        def open_file(file: str | None, ws: Workspace | None, request: gr.Request,
                      progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - how Gradio injects progress
            if not file:
                return failed(ws, "请先选择文件")
            ws = _workspace(ws, settings, request)
            try:
                ws.open(file, Path(file).name, progress=lambda f, d: progress(f, desc=d))
            except InputError as exc:
                ws.close_report()
                return failed(ws, exc.reason)
            return opened(ws)

        def open_files(files: list[str] | None, ws: Workspace | None, request: gr.Request,
                       progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - how Gradio injects progress
            """Several files of one report (narrative + tables), read as one."""
            if not files:
                return failed(ws, "请先选择文件")
            ws = _workspace(ws, settings, request)
            try:
                ws.open(list(files), [Path(f).name for f in files], progress=lambda f, d: progress(f, desc=d))
            except InputError as exc:
                ws.close_report()
                return failed(ws, exc.reason)
            return opened(ws)

        def attach_budget(files: list[str] | None, ws: Workspace | None, request: gr.Request) -> tuple[Any, ...]:
            ws = _own(ws, request)
            if ws is None or ws.result is None or not files:
                return failed(ws, "请先打开部门决算，再上传同年度的部门预算")
            try:
                ws.attach_budget(list(files), [Path(f).name for f in files])
            except InputError as exc:  # the 决算 stays open; the status says why the budget was not used
                return (ws, f"**预算未能使用**：{inert(exc.reason)}", *opened(ws)[2:])
            return opened(ws)

        def open_example(ws: Workspace | None, request: gr.Request,
                         progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - how Gradio injects progress
            if not EXAMPLE.exists():
                return failed(ws, "本安装未附带示例报告，请上传文件")
            return open_file(str(EXAMPLE), ws, request, progress)

        def prepare_downloads(ws: Workspace | None, request: gr.Request) -> list[Any]:
            ws = _own(ws, request)
            if ws is None or ws.result is None:
                return [gr.update(value=None, interactive=False) for _ in DOWNLOADS]
            ready = ws.prepare_downloads()
            return [gr.update(value=str(ready[k]), interactive=True) if k in ready else
                    gr.update(value=None, interactive=False) for k, _ in DOWNLOADS]

        upload.upload(open_file, [upload, state], open_outputs, api_name="open_report", concurrency_limit=2)
        uploads.upload(open_files, [uploads, state], open_outputs, api_name="open_reports", concurrency_limit=2)
        budget_up.upload(attach_budget, [budget_up, state], open_outputs, api_name="attach_budget", concurrency_limit=2)
        example_btn.click(open_example, [state], open_outputs, api_name="open_example", concurrency_limit=2)
        # the downloads are written when their tab is opened: current marks, fresh files, one click each
        downloads_tab.select(prepare_downloads, [state], download_outputs, api_visibility="private")

        def end_session(ws: Workspace | None, request: gr.Request) -> tuple[Any, ...]:
            ws = _own(ws, request)
            if ws is not None:
                ws.close()
            return (None, "会话已结束，上传的文件和下载文件已删除。", "", "", [], [], [], None, None, "",
                    *[gr.update(value=None, interactive=False) for _ in DOWNLOADS])

        end_btn.click(end_session, [state], [state, status, index_status, summary, findings, chatbot, citations,
                                             page_image, cite_image, detail, *download_outputs], api_name="end_session")

        def tab_closed(request: gr.Request) -> None:
            SESSIONS.end(getattr(request, "session_hash", None), _user(request))  # its files go now

        demo.unload(tab_closed)

        def refresh_index(ws: Workspace | None, request: gr.Request) -> str:
            mine = ws is not None and not ws.closed and ws.owner == _user(request)
            return ws.index_status if mine else ""  # type: ignore[union-attr]

        gr.Timer(1.0).tick(refresh_index, [state], [index_status], show_progress="hidden", api_visibility="private")

        def filter_rows(ws: Workspace | None, sev: str, cat: str, tab: str, request: gr.Request) -> list[list[Any]]:
            ws = _own(ws, request)
            return ws.finding_rows(sev, cat, tab) if ws is not None and ws.result is not None else []

        for dropdown in (f_sev, f_cat, f_tab):
            dropdown.change(filter_rows, [state, f_sev, f_cat, f_tab], [findings], api_visibility="private")
        gr.Button("应用筛选", size="sm", visible=False).click(filter_rows, [state, f_sev, f_cat, f_tab], [findings],
                                                               api_name="filter_findings")

        def show(ws: Workspace | None, num: float | None, request: gr.Request, page: Any = None) -> tuple[Any, ...]:
            ws = _own(ws, request)
            if ws is None or ws.result is None:
                return "请先打开报告。", gr.update(choices=[], value=None), None, "", num
            if num is None:
                return "请点击上表中的一行，或输入问题序号。", gr.update(choices=[], value=None), None, "", None
            try:
                n = int(num)
                text = ws.finding_markdown(n)
                pages = ws.evidence_pages(n)  # the page it opens on first
                shown = int(page) if page and int(page) in pages else (pages[0] if pages else None)
                image, html = ws.finding_view(n, shown)
            except (IndexError, ValueError) as exc:
                return f"**{exc}**", gr.update(choices=[], value=None), None, "", num
            return text, gr.update(choices=pages, value=shown), image, html, n

        show_outputs = [detail, page_pick, page_image, page_html, number]
        show_btn.click(show, [state, number], show_outputs, api_name="show_finding")

        def select_row(ws: Workspace | None, evt: gr.SelectData, request: gr.Request) -> tuple[Any, ...]:
            row = evt.row_value or []
            return show(ws, row[0] if row else None, request)

        def pick_page(ws: Workspace | None, num: float | None, page: Any, request: gr.Request) -> tuple[Any, ...]:
            return show(ws, num, request, page)

        findings.select(select_row, [state], show_outputs, api_visibility="private")
        page_pick.input(pick_page, [state, number, page_pick], show_outputs, api_visibility="private")

        def save_mark(ws: Workspace | None, num: float | None, status_zh: str | None, note: str,
                      sev: str, cat: str, tab: str, request: gr.Request) -> tuple[Any, ...]:
            ws = _own(ws, request)
            if ws is None or ws.result is None:
                return "请先打开报告。", gr.update(), gr.update()
            status_map = {"确认": "confirmed", "排除": "dismissed", "清除标记": ""}
            if status_zh not in status_map:
                return "请选择“确认”“排除”或“清除标记”。", gr.update(), gr.update()
            if num is None:
                return "请先选择一个问题。", gr.update(), gr.update()
            try:
                done = ws.mark(int(num), status_map[status_zh], note or "")
            except IndexError as exc:
                return f"**{exc}**", gr.update(), gr.update()
            return f"第 {int(num)} 条：{done}", ws.finding_rows(sev, cat, tab), ws.finding_markdown(int(num))

        mark_btn.click(save_mark, [state, number, mark_status, mark_note, f_sev, f_cat, f_tab],
                       [mark_msg, findings, detail], api_name="mark_finding")

        def pick_table(ws: Workspace | None, label: str | None, request: gr.Request) -> tuple[Any, ...]:
            ws = _own(ws, request)
            if ws is None or ws.result is None or not label:
                return _frame(["说明"], []), ""
            headers, rows, notes = ws.table_frame(label)
            return _frame(headers, rows), (notes + "\n\n" + ws.missing_tables_markdown()).strip()

        table_pick.change(pick_table, [state, table_pick], [table_frame, table_notes], api_name="show_table")

        def ask(ws: Workspace | None, text: str, history: list[dict[str, Any]] | None, model_label: str,
                request: gr.Request) -> tuple[Any, ...]:
            history = list(history or [])
            ws = _own(ws, request)
            if ws is None or ws.result is None:
                return history + [{"role": "assistant", "content": "请先打开报告。"}], "", [], None, ""
            # only the models the operator configured; anything else means no model
            ws.set_llm(settings.models.get(model_label))
            history.append({"role": "user", "content": inert(text)})
            try:
                answer = ws.ask(text)
            except (ValueError, TimeoutError, RuntimeError) as exc:
                return history + [{"role": "assistant", "content": str(exc)}], "", [], None, ""
            history.append({"role": "assistant", "content": answer_markdown(answer)})
            rows = [[i, c.where(), c.quote or ""] for i, c in enumerate(answer.citations, 1)]
            image, html = ws.view(ws.last_citations[:1]) if ws.last_citations else (None, "")
            return history, "", rows, image, html

        ask_inputs = [state, question, chatbot, llm_kind]
        ask_outputs = [chatbot, question, citations, cite_image, cite_html]
        ask_btn.click(ask, ask_inputs, ask_outputs, api_name="ask", concurrency_limit=2)
        question.submit(ask, ask_inputs, ask_outputs, api_visibility="private", concurrency_limit=2)

        def show_citation(ws: Workspace | None, num: float | None, request: gr.Request) -> tuple[Any, str]:
            ws = _own(ws, request)
            if ws is None or not ws.last_citations:
                return None, "没有可显示的引用"
            i = int(num or 1) - 1
            if not 0 <= i < len(ws.last_citations):
                return None, f"没有第 {i + 1} 条引用"
            return ws.view([ws.last_citations[i]])

        def pick_citation(ws: Workspace | None, evt: gr.SelectData, request: gr.Request) -> tuple[Any, str]:
            row = evt.row_value or []
            return show_citation(ws, row[0], request) if row else (None, "")

        citations.select(pick_citation, [state], [cite_image, cite_html], api_visibility="private")

        cite_number = gr.Number(visible=False)
        gr.Button(visible=False).click(show_citation, [state, cite_number], [cite_image, cite_html],
                                       api_name="show_citation")

        def export(ws: Workspace | None, kind: str, request: gr.Request) -> Any:
            ws = _own(ws, request)
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
    """An answer for the chat: its text (report and model text made inert), the computation,
    the numbered citations and how it was checked."""
    parts = [inert(answer.text)]
    if answer.computation:
        parts.append(f"\n\n**计算**：{inert(answer.computation)}")
    if answer.citations:
        parts.append("\n\n**出处**：" + "；".join(f"[{i}] {inert(c.where())}" for i, c in enumerate(answer.citations, 1)))
    status = str((answer.verification or {}).get("status", "deterministic"))
    label = VERIFICATION_ZH.get(status, status) if answer.found else "确定性回答：报告中未找到，未作推测"
    if status == "deterministic" and answer.found and answer.basis:  # what it rests on, said as it is
        label = f"确定性回答（依据：{answer.basis}）"
    if status == "error":  # the model could not start or be reached: say so, not "failed verification"
        reason = str((answer.verification or {}).get("error") or "大模型不可用")
        label = f"⚠ {inert(reason)}；已改用确定性回答"
    parts.append(f"\n\n<small>{label}</small>")
    return "".join(parts)


KIND_ZH = {"openai": "OpenAI 兼容接口", "ollama": "Ollama", "local": "本地小模型（llama.cpp）"}


def operator_models(kind: str | None = None, url: str | None = None, names: list[str] | None = None) -> dict[str, Any]:
    """The phrasing models UI users may pick, by label, from the operator's options or the
    environment (AUDITOR_LLM, AUDITOR_LLM_URL, AUDITOR_LLM_MODEL, AUDITOR_LLM_KEY). The UI has
    no field for an address: a user can never make the server call a URL of their choosing."""
    from index.llm import LLMSettings

    base = LLMSettings.resolve(kind, url, None)
    if base.kind == "none":
        return {}
    models = {}
    for name in names or [base.model]:
        label = f"{KIND_ZH.get(base.kind, base.kind)}：{name}" if name else KIND_ZH.get(base.kind, base.kind)
        models[label] = LLMSettings(base.kind, base.base_url, name, base.api_key, base.temperature, base.timeout,
                                    base.max_tokens)
    return models


def launch(settings: UISettings, host: str = "127.0.0.1", port: int = 7860,
           auth: list[tuple[str, str]] | None = None, block: bool = True,
           throttle: LoginThrottle | None = None) -> Any:
    """Start the UI. With accounts, logins go through a LoginThrottle (back-off after repeated
    failures). Session folders are swept on a schedule; this server's folder is removed at exit
    and, if the process dies, at the next start."""
    demo = build_app(settings)
    demo.queue(default_concurrency_limit=2)
    gradio_dir = Path(os.environ["GRADIO_TEMP_DIR"])
    SESSIONS.start(settings, gradio_dir)
    atexit.register(shutil.rmtree, settings.server_root, True)
    guard = throttle or (LoginThrottle(dict(auth), base_seconds=float(os.environ.get("AUDITOR_UI_LOGIN_BACKOFF", "2")))
                         if auth else None)
    theme = gr.themes.Default(font=FONTS, font_mono=["monospace"])
    return demo.launch(
        server_name=host, server_port=port, auth=guard.auth_function() if guard else None,  # type: ignore[arg-type]
        auth_message="部门决算审核工作台：请登录",
        # Gradio's own cap refuses far larger uploads before they are stored (its message is English);
        # files over our limit but under the cap get the Chinese message from Workspace.open
        max_file_size=f"{max(settings.max_upload_mb * 2, settings.max_upload_mb + 20):g}mb",
        share=False, ssr_mode=False, show_error=False,
        prevent_thread_lock=not block, theme=theme, css=CSS, quiet=True, footer_links=["api"],
        pwa=False, mcp_server=False,
    )
