from __future__ import annotations

from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence, text_half_wan
from auditor.findings import Severity, cell_evidence
from auditor.model import TABLE_NAMES_ZH, Report, TableKind
from auditor.numbers import fmt

_FUND_TABLES = (("政府性基金", TableKind.T8), ("国有资本经营", TableKind.T9), ("三公", TableKind.T7))


@register("NAR009", "narrative.statements_match_tables", "narrative")
def statements_match_tables(report: Report, ctx: CheckContext) -> None:
    """"No such money" statements agree with the tables, and 机关运行经费 fits within 公用经费.

    **What it checks**: a sentence saying the department had no 政府性基金 / 国有资本经营 /
    "三公" money ("本单位2022年度无政府性基金预算财政拨款收入") requires T8 / T9 / T7 to carry no
    figure; 机关运行经费 (the 公用经费 of administrative units paid from the general budget)
    cannot exceed T6's 公用经费合计.

    **Why it matters**: the text then denies spending the tables show (or claims more
    running costs than all 公用经费), and one of the two is false.

    **Bad example**: "本部门无“三公”经费支出" while T7 shows 公务接待费 决算数 0.39.

    **Good example**: "无政府性基金预算财政拨款收入和支出" with T8 empty and its 无数据 statement.

    **Basis**: DESIGN §3 ("no data" statements vs the tables; 机关运行经费 vs 公用经费).

    **检查内容**: 正文称本单位没有政府性基金、国有资本经营或“三公”经费资金的（如“本单位无政府性
    基金预算财政拨款收入”），T8、T9、T7 中对应就不应有任何数字（T7 只看决算数）；正文所述机关运
    行经费（行政单位使用一般公共预算安排的公用经费）不得超过 T6 公用经费合计。

    **为何重要**: 这时正文否认了表中列示的支出，或所称机关运行经费超过了全部公用经费，两者必有一
    处不实。
    """
    found = False
    for claim in (c for c in report.claims if c.kind == "no_data"):
        for word, kind in _FUND_TABLES:
            if word not in claim.subject:
                continue
            table = report.table(kind)
            if table is None:
                continue
            found = True
            ctx.comparisons += 1
            rows = [(r, k) for r in table.rows for k, cell in r.cells.items()
                    if cell.value and (kind is not TableKind.T7 or k.startswith("final"))]
            if rows:
                row, key = rows[0]
                ctx.add(
                    Severity.ERROR,
                    "正文称无此项资金但表中有数",
                    f"正文称“{claim.raw}”，但{kind.value}{TABLE_NAMES_ZH[kind]}“{row.label}”为{fmt(row.value(key))}万元。",
                    observed=claim.raw,
                    expected=f"{kind.value}中无数据",
                    locations=[sentence_evidence(claim), cell_evidence(table, row, key)],
                )
            break
    t6 = report.table(TableKind.T6)
    public = t6.find_row("公用经费") if t6 is not None else None
    running = [c for c in report.claims if c.kind in ("amount", "outturn") and "机关运行经费" in c.subject and c.amount_wan is not None]
    if t6 is not None and public is not None and public.value("amount") is not None:
        for claim in running:
            found = True
            ctx.comparisons += 1
            assert claim.amount_wan is not None
            value = public.value("amount")
            assert value is not None
            if claim.amount_wan - value > text_half_wan(claim) + Decimal("0.005"):
                ctx.add(
                    Severity.WARNING,
                    "机关运行经费大于公用经费",
                    f"机关运行经费{claim.raw}超过T6公用经费合计{fmt(value)}万元（机关运行经费属于公用经费）。",
                    observed=claim.raw,
                    expected=f"≤ {fmt(value)}万元",
                    locations=[sentence_evidence(claim), cell_evidence(t6, public, "amount")],
                )
    if not found:
        raise NotApplicable("正文没有“无此项资金”的表述，也没有机关运行经费")
