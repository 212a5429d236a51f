"""The corpus view of the workbench: open a batch output folder (or its corpus.duckdb) on the
server, ask questions across its reports, see the cited table and the chart.

Paths are the server's: when ``AUDITOR_CORPUS_ROOT`` is set (a folder, or several joined by
the path separator) only corpora under it can be opened. The database is opened read only
and never built from the UI (``auditor batch`` builds it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import gradio as gr

from index.corpus import DB_NAME, Corpus, CorpusError, cell_text
from ui.security import inert

EXAMPLES = ("哪个部门的三公经费最多", "三公经费排名前五的部门", "全区三公经费合计", "哪些部门公务用车购置费大于0",
            "哪些项目执行率不到90%")


def allowed_roots() -> list[Path]:
    """The folders a typed path may lie in: AUDITOR_CORPUS_ROOT, else the folder the server was
    started in (never the whole file system)."""
    value = os.environ.get("AUDITOR_CORPUS_ROOT", "")
    return [Path(p).resolve() for p in value.split(os.pathsep) if p.strip()] or [Path.cwd().resolve()]


def resolve(path_text: str) -> Path:
    """The corpus file a typed path names, refused (Chinese reason) when outside the allowed
    roots, not a corpus, or missing."""
    text = (path_text or "").strip()
    if not text:
        raise CorpusError("请输入批量审核输出文件夹的路径（或其中 corpus.duckdb 的路径）")
    path = Path(text).expanduser().resolve()
    roots = allowed_roots()
    if not any(path == root or root in path.parents for root in roots):
        raise CorpusError("该路径不在管理员允许的语料库目录内")
    target = path / DB_NAME if path.is_dir() else path
    if not target.is_file():
        raise CorpusError(f"没有找到语料库（{DB_NAME}）；请先对该文件夹运行 auditor batch")
    return target


def summary_text(db: Corpus) -> str:
    s = db.summary()
    return (f"已打开语料库：报告 {s['reports']} 份（成功 {s['ok']}，无法读取 {s['errors']}），部门 {s['departments']} 个，"
            f"年度 {s['first_year']}–{s['last_year']}。")


def ask_corpus(path_text: str, question: str) -> tuple[str, Any, str]:
    """(answer markdown, table, chart html) for the view; Chinese errors as gr.Error."""
    import pandas as pd

    if not (question or "").strip():
        raise gr.Error("请输入问题")
    try:
        with Corpus(resolve(path_text)) as db:
            answer = db.ask(question[:300])
            head = summary_text(db)
    except CorpusError as exc:
        raise gr.Error(str(exc)) from exc
    rows = [[cell_text(r.get(c)) for c in answer.columns] for r in answer.rows]
    table = pd.DataFrame(rows, columns=answer.columns) if answer.columns else pd.DataFrame()
    text = f"{inert(answer.text)}\n\n<small>{inert(head)}　用时 {answer.seconds * 1000:.0f} 毫秒</small>"
    return text, table, answer.chart_svg  # the SVG is ours; every label in it is escaped


def open_corpus(path_text: str) -> str:
    try:
        with Corpus(resolve(path_text)) as db:
            return summary_text(db)
    except CorpusError as exc:
        raise gr.Error(str(exc)) from exc


def build_tab() -> None:
    """The tab's components and handlers (call inside ``with gr.Tab(...)``)."""
    gr.Markdown("就一次批量审核的全部报告提问：排名、历年变化、筛选、合计与平均。每行注明出处（文件、页或行、单元格）。")
    with gr.Row():
        path = gr.Textbox(label="批量审核输出文件夹（或 corpus.duckdb）的路径", scale=5, elem_id="corpus-path")
        open_btn = gr.Button("打开", scale=1, elem_id="corpus-open")
    info = gr.Markdown("", elem_id="corpus-info")
    with gr.Row():
        question = gr.Textbox(label="问题", placeholder=EXAMPLES[0], scale=5, elem_id="corpus-question")
        ask_btn = gr.Button("提问", variant="primary", scale=1, elem_id="corpus-ask")
    gr.Examples([[q] for q in EXAMPLES], [question], label="示例问题")
    answer = gr.Markdown("", elem_id="corpus-answer")
    chart = gr.HTML("", elem_id="corpus-chart")
    table = gr.Dataframe(value=None, interactive=False, wrap=True, label="结果与出处", elem_id="corpus-table")
    open_btn.click(open_corpus, [path], [info], api_name="corpus_open", concurrency_limit=2)
    ask_btn.click(ask_corpus, [path, question], [answer, table, chart], api_name="corpus_ask", concurrency_limit=2)
    question.submit(ask_corpus, [path, question], [answer, table, chart], api_visibility="private", concurrency_limit=2)
