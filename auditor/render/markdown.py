from __future__ import annotations

from auditor.audit import AuditResult
from auditor.render.common import location_lines
from auditor.render.ocr_cells import page_note_lines


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(result: AuditResult) -> str:
    meta = result.report.meta
    counts = result.counts()
    coverage = result.coverage()
    out = [
        f"# {meta.department or '（未识别部门）'} {meta.year or ''}年度{meta.document_name}审核报告",
        "",
        f"- 来源：`{meta.source}`（{meta.source_kind}，{meta.page_count or '-'} 页）",
        f"- 识别到的表：{'、'.join(coverage['tables_found']) or '无'}",
        f"- 问题：错误 {counts['error']}，警告 {counts['warning']}，提示 {counts['info']}",
        *[f"- {_cell(line)}" for line in page_note_lines(meta)],
        "",
        "## 问题清单",
        "",
        "| 级别 | 代码 | 问题 | 说明 | 位置 |",
        "|---|---|---|---|---|",
    ]
    for f in result.findings:
        mark = result.review.get(f.fingerprint)
        reviewed = f"【复核：{mark.get('status_zh', mark['status'])}{'：' + mark['note'] if mark.get('note') else ''}】" if mark else ""
        out.append(
            f"| {f.severity.zh} | {f.code} | {_cell(f.title)} | {_cell(reviewed + f.message)} | "
            f"{_cell('<br>'.join(location_lines(f, 4)))} |"
        )
    out += ["", "## 检查覆盖", "", "| 代码 | 名称 | 结果 | 核对处数 | 说明 |", "|---|---|---|---|---|"]
    for r in result.results:
        out.append(f"| {r.code} | {r.name} | {r.outcome.zh} | {r.comparisons} | {_cell(r.reason)} |")
    claims = coverage["claims"]
    out += [
        "",
        "## 正文陈述的对照情况",
        "",
        f"共 {claims['claims']} 条陈述；可与表格对照 {claims['tieable']} 条，已对应 {claims['tied']} 条。未对应的：",
        "",
        "| 位置 | 类型 | 主语 | 原文 | 原因 |",
        "|---|---|---|---|---|",
    ]
    for c in claims["not_tied"]:
        where = f"第{c['page']}页" if c["page"] else f"第{c['line']}行"
        out.append(f"| {where} | {c['kind']} | {_cell(c['subject'])} | {_cell(c['raw'])} | {_cell(c['reason'])} |")
    return "\n".join(out) + "\n"
