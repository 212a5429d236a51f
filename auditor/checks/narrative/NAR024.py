from __future__ import annotations

from auditor.checks.base import CheckContext, register
from auditor.findings import Evidence, Severity
from auditor.model import Report
from auditor.narrative.relations import patterns


@register("NAR024", "narrative.placeholders_and_blanks", "narrative")
def placeholders_and_blanks(report: Report, ctx: CheckContext) -> None:
    """No placeholder, template blank or doubled unit where an amount belongs.

    **What it checks**: each narrative sentence for a placeholder written where an amount
    belongs ("略万元", "XX万元", "……%"), a template blank left in ("增加 万元", "增长 %",
    "主要用于等方面", "主要原因是。") and a unit written twice ("万元万元"). The patterns are data
    (auditor/narrative/vocab.yaml). Placeholders and blanks are errors (an amount is missing);
    a doubled unit is a warning. One finding per sentence and kind lists what was found.

    **Why it matters**: a blank or a placeholder hides an amount the report must disclose, and
    the listed items then fall short of their total; a doubled unit shows the text was not
    proofread.

    **Bad example**: "本年支出 58.40 万元，结余分配万元，年末结转和结余 XX 万元。"

    **Good example**: "本年支出 58.40 万元，结余分配 0 万元，年末结转和结余 2.10 万元。"

    **Basis**: DESIGN §3 (every amount stated); 部门决算公开 templates (blanks are to be filled).

    **检查内容**: 逐句检查正文：应写金额处写了占位符（“略万元”“XX万元”“……%”）、留下了模板空白
    （“增加 万元”“增长 %”“主要用于等方面”“主要原因是。”）、单位重复（“万元万元”）。占位符和空白为错误
    （缺少金额），单位重复为警告。同一句同一类问题合并为一条。匹配规则见 auditor/narrative/vocab.yaml。

    **为何重要**: 空白或占位符隐去了报告必须公开的金额，所列各项也因此合不上总数；单位重复说明文
    字没有经过校对。
    """
    kinds = (
        ("placeholders", Severity.ERROR, "应写金额处为占位符", "金额"),
        ("template_blanks", Severity.ERROR, "模板空白未填写", "填写的内容"),
        ("doubled_units", Severity.WARNING, "单位重复", "单位只写一次"),
    )
    for sentence in report.sentences:
        ctx.comparisons += 1
        seen: list[tuple[int, int]] = []
        found: dict[str, list[str]] = {}
        for key, _, _, _ in kinds:
            for pattern in patterns(key):
                for match in pattern.finditer(sentence.text):
                    if any(a <= match.start() < b for a, b in seen):
                        continue
                    seen.append(match.span())
                    found.setdefault(key, []).append(match.group(0))
        # one finding per sentence and kind, listing what was found (a blank template page
        # is one problem per sentence, not one per blank)
        for key, severity, title, expected in kinds:
            if key not in found:
                continue
            marks = "、".join(f"“{m}”" for m in found[key])
            ctx.add(
                severity,
                title,
                f"正文中{marks}单位重复。" if key == "doubled_units" else f"正文“{sentence.text[:60]}”中{marks}处缺少{expected}。",
                observed="、".join(found[key]),
                expected=expected,
                locations=[Evidence(page=sentence.location.page, line=sentence.location.line, quote=sentence.text,
                                    bbox=sentence.location.bbox)],
            )
