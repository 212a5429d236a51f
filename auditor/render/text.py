"""Terminal output with rich."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table as RichTable

from auditor.audit import AuditResult
from auditor.render.common import location_lines
from auditor.render.ocr_cells import page_note_lines

_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def render_text(result: AuditResult, color: bool = False, show_info: bool = True) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer, force_terminal=color, width=120, soft_wrap=not color, color_system="auto" if color else None
    )
    meta = result.report.meta
    counts = result.counts()
    coverage = result.coverage()
    console.print(f"[bold]{meta.department or '（未识别部门）'} {meta.year or ''}年度{meta.document_name}[/bold]  来源：{meta.source}")
    if meta.document_type == "budget":
        titles = [t.title for t in result.report.tables if not t.is_empty]
        console.print(f"读取到的预算表：{'、'.join(titles) or '无'}")
        console.print("[yellow]本报告为预算：决算专用的检查不适用，预算专用检查尚未提供；下面只有通用检查（读取情况、模板残留、标题编号）的结果。[/yellow]")
    else:
        console.print(
            f"识别到的表：{'、'.join(coverage['tables_found']) or '无'}"
            + (f"；未找到：{'、'.join(coverage['tables_missing'])}" if coverage["tables_missing"] else "")
        )
    outcomes = coverage["outcomes"]
    console.print(
        f"检查 {coverage['checks_total']} 项：通过 {outcomes['pass']}，未通过 {outcomes['fail']}，"
        f"不适用 {outcomes['not_applicable']}，数据不足 {outcomes['insufficient_data']}，解析错误 {outcomes['parse_error']}；"
        f"核对 {coverage['comparisons']} 处"
    )
    claims = coverage["claims"]
    console.print(
        f"正文陈述 {claims['claims']} 条（{claims['sentences']} 句）；可与表格对照的 {claims['tieable']} 条中"
        f"已对应 {claims['tied']} 条，未对应 {claims['tieable'] - claims['tied']} 条（原因见 JSON/HTML 报告）"
    )
    health = result.report_health()
    console.print(
        f"读取情况：有数据的表 {len(health.tables_with_data)} 张，空表 {len(health.tables_empty)} 张；"
        f"只有数字的行 {health.figures_outside_sentences} 行；无法解码的文字 {health.undecodable_chars} 处"
        + (f"；[bold red]读取可能失败：{'；'.join(health.problems)}[/bold red]" if health.problems else "")
    )
    if len(meta.files) > 1:
        console.print("文件：" + "；".join(f"{f.name}（第{f.first_page}–{f.first_page + f.pages - 1}页）" for f in meta.files))
    for line in page_note_lines(meta):
        console.print(line, style="yellow", highlight=False, markup=False)
    console.print(f"问题：错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}")
    console.print()
    for finding in result.findings:
        if finding.severity.value == "info" and not show_info:
            continue
        style = _STYLE[finding.severity.value]
        console.print(f"[{style}][{finding.severity.zh}] {finding.code} {finding.title}[/{style}]")
        console.print(f"  {finding.message}", highlight=False)
        for line in location_lines(finding):
            console.print(f"    · {line}", highlight=False)
    not_run = [r for r in result.results if r.outcome.value not in ("pass", "fail")]
    if not_run:
        console.print()
        table = RichTable(title="未完成的检查（不等于通过）", show_lines=False)
        table.add_column("代码")
        table.add_column("结果")
        table.add_column("原因")
        for r in not_run:
            table.add_row(r.code, r.outcome.zh, r.reason)
        console.print(table)
    return buffer.getvalue()
