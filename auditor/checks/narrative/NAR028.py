from __future__ import annotations

from decimal import Decimal

from auditor.checks.base import CheckContext, NotApplicable, register
from auditor.checks.narrative.common import sentence_evidence
from auditor.findings import Severity
from auditor.model import Claim, Report
from auditor.narrative.relations import inside_parens, roled, tolerance, vocab
from auditor.numbers import fmt

_WORDS = {"opening": "年初结转和结余", "income": "本年收入", "fund_offset": "弥补收支差额", "spending": "本年支出",
          "distribution": "结余分配", "closing": "年末结转和结余", "income_grand": "收入总计", "spending_grand": "支出总计"}


@register("NAR028", "narrative.balance_closes", "narrative")
def balance_closes(report: Report, ctx: CheckContext) -> None:
    """The balance a sentence states closes: 年初 + 收入 − 支出 = 年末, 收入总计 = 支出总计.

    **What it checks**: a sentence that states 年初结转和结余, 本年收入, 本年支出 and 年末结转和结余
    (with 事业基金弥补收支差额 / 使用非财政拨款结余 and 结余分配 when stated) must close: 年初 + 收入
    + 弥补 − 支出 − 分配 = 年末; a sentence stating 收入总计 and 支出总计 must give them equal.
    Rounding per DESIGN §4. The balances are data (auditor/narrative/vocab.yaml).

    **Why it matters**: a balance that does not close means one of its figures is wrong — the
    T1 identities hold in the text too.

    **Bad example**: "年初结转和结余 20.00 万元，本年收入 100.00 万元，本年支出 90.00 万元，年末结转
    和结余 35.00 万元。" (20 + 100 − 90 = 30)

    **Good example**: the same with 年末结转和结余 30.00 万元.

    **Basis**: DESIGN §3 (T1: 总计(收) = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 = 总计(支) =
    本年支出合计 + 结余分配 + 年末结转和结余).

    **检查内容**: 同一句写出年初结转和结余、本年收入、本年支出和年末结转和结余（以及写出的事业基金弥补
    收支差额/使用非财政拨款结余、结余分配）时，应满足：年初 + 收入 + 弥补 − 支出 − 分配 = 年末；同一句写
    出收入总计和支出总计时两者应相等。按 DESIGN §4 处理四舍五入。

    **为何重要**: 收支平衡对不上，说明其中某个数字有误——表一的平衡关系在文字中同样成立。
    """
    by_sentence: dict[int, dict[str, Claim]] = {}
    for role, claim in roled(report):
        if inside_parens(claim) is None:
            by_sentence.setdefault(id(claim.sentence), {}).setdefault(role, claim)
    for figures in by_sentence.values():
        for balance in vocab()["balances"]:
            terms: list[tuple[int, Claim]] = []
            complete = True
            for sign, role in balance:
                optional = str(role).endswith("?")
                found = figures.get(str(role).rstrip("?"))
                if found is None:
                    complete = complete and optional
                    continue
                terms.append((int(sign), found))
            if not complete:
                continue
            ctx.comparisons += 1
            gap = sum((Decimal(sign) * c.amount_wan for sign, c in terms if c.amount_wan is not None), Decimal(0))
            if abs(gap) <= tolerance([c for _, c in terms]):
                continue
            formula = "".join(f"{'+' if sign > 0 else '−'}{c.raw}" for sign, c in terms).lstrip("+")
            ctx.add(
                Severity.ERROR,
                "收支不平衡",
                f"按{'、'.join(_WORDS.get(r.rstrip('?'), r) for _, r in balance if figures.get(r.rstrip('?')))}计算，"
                f"{formula} = {fmt(gap)}万元，应为0。",
                observed=f"相差{fmt(gap)}万元",
                expected="0",
                locations=[sentence_evidence(terms[0][1])],
            )
    if ctx.comparisons == 0:
        raise NotApplicable("正文没有完整写出收支平衡的各项")
