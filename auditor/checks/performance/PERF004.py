from __future__ import annotations

import re
from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.checks.performance.common import figure_evidence, table_name
from auditor.codes import compact
from auditor.findings import Severity
from auditor.model import Claim, Report
from auditor.narrative.subjects import similarity
from auditor.performance import Figure, PerformanceTable, performance_tables

_SCORE = re.compile(r"得分为?\s*(\d+(?:\.\d+)?)\s*分")


def _mentions(report: Report, perf: PerformanceTable) -> list[int]:
    """Indexes of sentences that speak of this project: its name, or a close variant."""
    name = compact(perf.project)
    result = []
    for sentence in report.sentences:
        head = compact(sentence.text)[: len(name) + 12]
        if name and (name in compact(sentence.text) or similarity(name, head[: len(name) + 4]) >= 0.8):
            result.append(sentence.index)
    return result


def _claims_near(report: Report, indexes: list[int]) -> list[Claim]:
    wanted = set()
    for i in indexes:
        wanted.update({i, i + 1, i + 2})
    return [c for c in report.claims if c.sentence.index in wanted]


@register("PERF004", "performance.attachment_matches_text", "performance")
def attachment_matches_text(report: Report, ctx: CheckContext) -> None:
    """The self-evaluation tables agree with what the text says of the same project.

    **What it checks**: where the narrative names a project that has a 项目支出绩效自评表
    ("…项目绩效自评综述：…自评得分为 97 分。项目全年预算数为 25 万元，执行数为 25 万元"), the
    score equals the table's 总分, and the 全年预算数 / 执行数 equal the table's funds block.

    **Why it matters**: the text and its attachment report the same evaluation; a different
    budget or score in one of them shows one was not updated.

    **Bad example**: the text says 全年预算数 200 万元 while the attachment's 全年预算数 is
    422.75 (200 is its 年初预算数).

    **Good example**: text and table both give 全年预算数 25 万元, 执行数 25 万元, 得分 97 分.

    **Basis**: DESIGN §3 (the attachment's figures vs the same figures in the report's text).

    **检查内容**: 正文提到某个附有项目支出绩效自评表的项目时（如“……项目绩效自评综述：……自评得分
    为……分。项目全年预算数为……万元，执行数为……万元”），所述得分应等于自评表总分，全年预算数（以
    及年初预算数）、执行数应等于自评表资金部分的对应数字。

    **为何重要**: 正文与附表报告的是同一次评价；两处的预算数或得分不同，说明其中一处没有更新。
    """
    projects = [p for p in performance_tables(report) if p.project]
    if not projects:
        raise NotApplicable("没有项目支出绩效自评表")
    for perf in projects:
        mentions = _mentions(report, perf)
        if not mentions:
            continue
        for index in mentions[:1]:

            window = "".join(s.text for s in report.sentences[index : index + 3])
            score = _SCORE.search(window)
            if score and perf.total_score is not None:
                ctx.comparisons += 1
                if Decimal(score.group(1)) != perf.total_score.value:
                    ctx.add(
                        Severity.ERROR,
                        "正文自评得分与自评表不符",
                        f"正文称{table_name(perf)}得分{score.group(1)}分，自评表总分为{perf.total_score.raw}分。",
                        observed=f"{score.group(1)}分",
                        expected=f"{perf.total_score.raw}分",
                        locations=[figure_evidence(perf, perf.total_score, "得分", "总分")],
                    )
            for claim in _claims_near(report, [index]):
                if claim.amount_wan is None:
                    continue
                figure: Figure | None = None
                label = ""
                if claim.kind == "budget" and claim.basis == "全年预算":
                    figure, label = perf.budget_full, "全年预算数"
                elif claim.kind == "budget" and claim.basis == "年初预算":
                    figure, label = perf.budget_initial, "年初预算数"
                elif "执行数" in claim.sentence.text[max(0, claim.span[0] - 6) : claim.span[0]]:
                    figure, label = perf.executed, "全年执行数"
                if figure is None:
                    continue
                ctx.comparisons += 1
                if abs(claim.amount_wan - figure.value) > Decimal("0.005"):
                    ctx.add(
                        Severity.ERROR,
                        "正文预算执行数与自评表不符",
                        f"正文称{table_name(perf)}{label}为{claim.raw}，自评表{label}为{figure.raw}万元。",
                        observed=claim.raw,
                        expected=f"{figure.raw}万元",
                        locations=[sentence_evidence(claim), figure_evidence(perf, figure, label, "合计")],
                    )
