"""The ``auditor`` command line.

Exit codes: 0 no error finding, 1 error findings, 2 unusable input (one-line Chinese reason
on stderr).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from auditor import __version__
from auditor.ingest import InputError, load_report

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _codes(values: tuple[str, ...]) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _write(text: str, out: Path | None) -> None:
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    click.echo(f"已写入 {out}", err=True)


def _load(path: str, max_pages: int | None):  # type: ignore[no-untyped-def]
    try:
        return load_report(path, max_pages=max_pages)
    except InputError as exc:
        click.echo(f"无法读取 {path}：{exc.reason}", err=True)
        sys.exit(EXIT_INPUT)


@click.group()
@click.version_option(__version__, prog_name="auditor")
def main() -> None:
    """审核部门决算公开报告（PDF 或文本），列出带证据的问题。"""


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md", "html"]), default="text", help="输出格式")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="写入文件（默认输出到屏幕）")
@click.option("--select", multiple=True, help="只运行这些代码（或前缀）的检查，如 SUM,XT001")
@click.option("--ignore", multiple=True, help="跳过这些代码（或前缀）的检查")
@click.option("--max-pages", type=int, default=None, help="PDF 页数上限（默认 500）")
@click.option("--no-info", is_flag=True, help="文本输出中不显示“提示”级别（尾差等）")
def audit(
    file: str,
    fmt: str,
    out: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    max_pages: int | None,
    no_info: bool,
) -> None:
    """审核一份报告：FILE 为 PDF 或文本文件。"""
    from auditor.audit import audit_report
    from auditor.render import render
    from auditor.render.text import render_text

    report = _load(file, max_pages)
    result = audit_report(report, _codes(select), _codes(ignore))
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
@click.option("--max-pages", type=int, default=None)
def extract(file: str, fmt: str, out: Path | None, max_pages: int | None) -> None:
    """提取报告中的表格（JSON 或 CSV，金额单位为万元）。"""
    from auditor.extract import tables_to_dict

    report = _load(file, max_pages)
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
            click.echo(f"{c.code}  {c.name:<48} {c.summary}")


if __name__ == "__main__":  # pragma: no cover
    main()
