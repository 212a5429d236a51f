"""A self-contained HTML audit report: no external files, opens from disk."""

from __future__ import annotations

from html import escape

from auditor.audit import AuditResult
from auditor.checks.base import REGISTRY
from auditor.render.common import where
from auditor.render.ocr_cells import cell_crops_html, page_note_lines

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
.summary span{display:inline-block;margin-right:1.5em;padding:.2em .6em;border-radius:4px}
.error{background:#fde2e1;color:#a4000f}.warning{background:#fff3cd;color:#7a5a00}.info{background:#eef2f7;color:#445}
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;text-align:left}
th{background:#f6f6f6}.finding{border:1px solid #ddd;border-left:6px solid #ccc;padding:.6em 1em;margin:.8em 0;border-radius:4px}
.finding.sev-error{border-left-color:#d93025}.finding.sev-warning{border-left-color:#f4b400}.finding.sev-info{border-left-color:#9aa7b8}
.code{font-family:monospace;font-weight:bold}.quote{background:#fafafa;border-left:3px solid #ccc;padding:.1em .5em;margin:.2em 0;font-family:monospace}
.muted{color:#777;font-size:.9em}.review{background:#e8f0fe;padding:.2em .5em;border-radius:4px}
"""


def render_html(result: AuditResult) -> str:
    meta = result.report.meta
    counts = result.counts()
    coverage = result.coverage()
    title = f"{meta.department or '（未识别部门）'} {meta.year or ''}年度{meta.document_name}审核报告"
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p class='muted'>来源：{escape(meta.source)}（{escape(meta.source_kind)}，{meta.page_count or '-'} 页）"
        f" · SHA-256 {escape(meta.sha256[:16])}</p>",
        "<p class='summary'>"
        f"<span class='error'>错误 {counts['error']}</span>"
        f"<span class='warning'>警告 {counts['warning']}</span>"
        f"<span class='info'>提示 {counts['info']}</span></p>",
        f"<p>识别到的表：{escape('、'.join(coverage['tables_found']) or '无')}"
        + (
            "；未找到：" + escape("；".join(f"{k}（{v}）" for k, v in coverage["tables_missing"].items()))
            if coverage["tables_missing"]
            else ""
        )
        + "</p>",
    ]
    notes = page_note_lines(meta)
    if notes:
        parts.append("<details open><summary>扫描页读取情况</summary><ul class='page-notes'>"
                     + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul></details>")
    parts.append("<h2>问题清单</h2>")
    if not result.findings:
        parts.append("<p>未发现问题。请同时查看下方“检查覆盖”，未运行的检查不等于通过。</p>")
    for f in result.findings:
        check = REGISTRY.get(f.code)
        parts.append(f"<div class='finding sev-{f.severity.value}'>")
        parts.append(
            f"<div><span class='{f.severity.value}'>{f.severity.zh}</span> <span class='code'>{escape(f.code)}</span> "
            f"<b>{escape(f.title)}</b></div>"
        )
        mark = result.review.get(f.fingerprint)
        if mark:
            note = f"：{escape(mark.get('note', ''))}" if mark.get("note") else ""
            parts.append(f"<p class='review'>复核：<b>{escape(mark.get('status_zh', mark['status']))}</b>{note}</p>")
        parts.append(f"<p>{escape(f.message)}</p>")
        if f.observed or f.expected:
            parts.append(f"<p class='muted'>实际：{escape(f.observed)} · 应为：{escape(f.expected)}</p>")
        for e in f.locations[:8]:
            quote = f"<div class='quote'>{escape(e.quote)}</div>" if e.quote else ""
            parts.append(f"<div class='muted'>{escape(where(e))}</div>{quote}")
        if len(f.locations) > 8:
            parts.append(f"<div class='muted'>……另有 {len(f.locations) - 8} 处</div>")
        crops = cell_crops_html(result.report, f)
        if crops:
            parts.append(crops)
        if check is not None:
            what, why = check.doc_section("检查内容") or check.summary, check.doc_section("为何重要")
            parts.append(f"<details><summary class='muted'>检查说明</summary><p class='muted'>{escape(what)}</p>"
                         + (f"<p class='muted'>为何重要：{escape(why)}</p>" if why else "") + "</details>")
        parts.append("</div>")
    parts += [
        "<h2>检查覆盖</h2><table><tr><th>代码</th><th>名称</th><th>结果</th><th>核对处数</th><th>说明</th></tr>",
    ]
    for r in result.results:
        parts.append(
            f"<tr><td class='code'>{escape(r.code)}</td><td>{escape(r.name)}</td><td>{escape(r.outcome.zh)}</td>"
            f"<td>{r.comparisons}</td><td>{escape(r.reason)}</td></tr>"
        )
    parts.append("</table>")
    claims = coverage["claims"]
    parts.append(
        f"<h2>正文陈述的对照情况</h2><p>共 {claims['claims']} 条陈述（{claims['sentences']} 句）；可与表格对照 "
        f"{claims['tieable']} 条，已对应 {claims['tied']} 条。</p>"
    )
    if claims["not_tied"]:
        parts.append("<details><summary>未对应的陈述及原因</summary><table><tr><th>位置</th><th>主语</th><th>原文</th><th>原因</th></tr>")
        for c in claims["not_tied"]:
            place = f"第{c['page']}页" if c["page"] else f"第{c['line']}行"
            parts.append(
                f"<tr><td>{place}</td><td>{escape(c['subject'])}</td><td>{escape(c['raw'])}</td><td>{escape(c['reason'])}</td></tr>"
            )
        parts.append("</table></details>")
    parts.append("</body></html>")
    return "\n".join(parts)
