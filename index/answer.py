"""The deterministic answerer: question → intent and subject → facts → a computed answer
in Chinese with its formula and citations, or an honest "报告中未找到…" with the nearest
facts. No LLM; every number stated is a fact's value or a computation recorded here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from difflib import SequenceMatcher

from auditor.model import Report, TableKind
from index import finding_notes
from index.facts import CLAIM_KIND_ZH as CLAIM_KINDS
from index.facts import Citation, Fact, FactBase, cell_id, row_key
from index.query import (
    NEEDS_SUBJECT,
    QUESTION_NOISE,
    TOTAL_WORDS,
    Query,
    alternatives,
    clean_subject,
    compose,
    detect_intent,
    normalise_text,
    parse_part,
    report_name_kinds,
    rewritten_forms,
    share_whole,
    split_parts,
    subject_of,
    vocab,
)
from index.reasons import find_reasons
from index.store import ReportIndex
from index.text import compact, name_key, without_class_marks

__all__ = ["QUESTION_NOISE", "Answer", "Answerer", "detect_intent", "subject_of"]

OTHER_ORG = re.compile(r"([\u4e00-\u9fff]{2,12}(?:区|市|县|省)[\u4e00-\u9fff]{2,16}?(?:局|工作部|委员会|中心|办公室|厅))")


def _same_body(org: str, department: str) -> bool:
    """'普陀区规划和自然资源局' names '上海市普陀区规划和自然资源局'; other bodies do not."""
    core = re.sub(r"^.*?(?:区|市|县|省)", "", org)
    return bool(core) and core in department and org.split(core)[0][-2:] in department


def _suspect(fact: Fact | None) -> bool:
    """A fact from report text shaped like an instruction to an answerer (index/injection.py)."""
    return fact is None or bool(fact.extra.get("suspect"))


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def fmt_amount(value: Decimal) -> str:
    return f"{q2(value):.2f}"


@dataclass
class Answer:
    question: str
    text: str
    intent: str
    subject: str = ""
    found: bool = True
    mode: str = "deterministic"
    verified: bool = True
    facts: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    computation: str = ""
    numbers: list[str] = field(default_factory=list)  # the figures stated, as printed
    verification: dict[str, object] = field(default_factory=dict)
    query: dict[str, object] = field(default_factory=dict)  # the typed query answered (index/query.py)
    parts: list[dict[str, object]] = field(default_factory=list)  # a multi-part question: each part's answer
    basis: str = ""  # what the answer rests on, in Chinese: 表格数据 / 正文引述 / 计算 (index/answer.py::_basis)

    def to_dict(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answer": self.text,
            "mode": self.mode,
            "verified": self.verified,
            "citations": [
                {"page": c.page, "line": c.line, "table": c.table, "row": c.row, "column": c.column, "quote": c.quote,
                 "file": c.file}
                for c in self.citations
            ],
            "computation": self.computation,
            "intent": self.intent,
            "found": self.found,
            "facts": self.facts,
            "verification": self.verification,
            "query": self.query,
            **({"parts": self.parts} if self.parts else {}),
            "basis": self.basis,
        }


COLUMN_TAIL = re.compile(r"的?(基本支出|项目支出)$")
COLUMN_KEYS = {"基本支出": "basic", "项目支出": "project"}


def _is_total_word(subject: str) -> bool:
    bare = compact(subject)
    return bare in TOTAL_WORDS.values() or any(bare in words for words, *_ in TOTALS)


YEAR_PREFIX = re.compile(r"^(?:\d{4}年度?|本年度?)(?=[\u4e00-\u9fff“])")


def _total_names(name: str) -> list[str]:
    """A grand total and its everyday names: a report's "本年收入…" is the question's 本年收入合计."""
    canonical = TOTAL_WORDS.get(name) or (name if name in TOTAL_WORDS.values() else "")
    if not canonical:
        return [name]
    return [name, canonical, *(w for w, c in TOTAL_WORDS.items() if c == canonical and len(w) >= 2)]


def _basis(facts: list[Fact], computation: str) -> str:
    """What an answer rests on, said as it is: a computation, table cells, the report's text."""
    kinds = {f.kind for f in facts if f.kind != "finding"}
    said = []
    if computation or "derived" in kinds:
        said.append("按报告数字计算")
    if kinds & {"cell", "row", "table"}:
        said.append("表格数据")
    if kinds & {"claim", "sentence"}:
        said.append("正文原文")
    return "、".join(said)


def similarity(a: str, b: str) -> float:
    a, b = name_key(a), name_key(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    shorter, longer = sorted((a, b), key=len)
    if len(shorter) >= 3 and shorter in longer and len(shorter) / len(longer) >= (0.25 if len(shorter) >= 4 else 0.4):
        return 0.85 + 0.1 * len(shorter) / len(longer)
    return SequenceMatcher(None, a, b).ratio()


# standard totals: words in the subject → (table, row finder, column)
TOTALS: tuple[tuple[tuple[str, ...], str, tuple[str, ...], str, str], ...] = (
    # (subject words, table, row label needles, side, column)
    (("财政拨款收入支出总计", "财政拨款收支总计"), "T4", ("总计",), "income", "total"),
    (("收入支出总计", "收支总计", "收、支总计"), "T1", ("总计",), "income", "amount"),
    (("本年收入合计", "收入合计", "收入总额"), "T1", ("本年收入合计",), "income", "amount"),
    (("本年支出合计", "支出合计", "支出总额"), "T1", ("本年支出合计",), "expense", "amount"),
    (("年初结转和结余", "年初结转"), "T1", ("年初结转和结余",), "income", "amount"),
    (("年末结转和结余", "年末结转", "年末"), "T1", ("年末结转和结余",), "expense", "amount"),
    (("财政拨款收入",), "T1", ("一般公共预算财政拨款收入",), "income", "amount"),
    (("其他收入",), "T1", ("其他收入",), "income", "amount"),
    (("事业收入",), "T1", ("事业收入",), "income", "amount"),
    (("上级补助收入",), "T1", ("上级补助收入",), "income", "amount"),
    (("人员经费",), "T6", ("人员经费",), "", "amount"),
    (("公用经费",), "T6", ("公用经费",), "", "amount"),
    (("基本支出",), "T3", ("合计",), "", "basic"),
    (("项目支出",), "T3", ("合计",), "", "project"),
)

T7_ITEMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("公务用车购置及运行维护费", "公务用车购置及运行费"), "car_total"),
    (("公务用车购置",), "car_purchase"),
    (("公务用车运行",), "car_operation"),
    (("因公出国",), "abroad"),
    (("公务接待",), "reception"),
    (("三公",), "total"),
)


MAX_PARTS = 12  # parts of one question answered (a pasted list of 800 items is not a question)


class Answerer:
    def __init__(self, base: FactBase, index: ReportIndex | None = None) -> None:
        self.base = base
        self.index = index
        self.report = base.report
        self.history: list[Answer] = []
        self._kinds: dict[str, set[str]] | None = None
        # the same department's 部门预算, when the user gives it (``auditor ask --budget``, the
        # workbench): "预算执行得怎么样" is answered against it (index/budget_qa.py)
        self.budget_report: Report | None = None

    # ---- public --------------------------------------------------------------------
    def ask(self, question: str, query: Query | None = None) -> Answer:
        """Answer a question; ``query`` (e.g. proposed by an LLM and validated) replaces the
        parse of a one-part question."""
        answer = self._answer(question, query)
        self.history.append(answer)
        return answer

    @property
    def kinds(self) -> dict[str, set[str]]:
        if self._kinds is None:
            self._kinds = report_name_kinds(self.base)
        return self._kinds

    @property
    def names(self) -> list[str]:
        return list(self.kinds)

    def parse(self, question: str, limit: int = MAX_PARTS) -> list[Query]:
        """The typed queries of a question, one per part (index/query.py), at most ``limit``."""
        question = self._previous_year_as_last_year(question)
        forms = rewritten_forms(question)
        return [parse_part(part, self.base, self.names, forms) for part in split_parts(normalise_text(question))[:limit]]

    def _previous_year_as_last_year(self, question: str) -> str:
        """The question in the report's own terms: "较2023年度增加多少" in a 2024 report is
        "比上年增加多少" (the report's year minus one, after a comparison word, is the 上年 every
        report compares with), and the department naming itself ("教育局…") is left out."""
        department = compact(self.report.meta.department or "")
        for n in range(len(department), 2, -1):  # "教育局今年收了多少": the department naming itself is not a subject
            own = department[-n:]
            if own in question and re.search(r"(?:局|厅|委|办|中心|部|院|会|站|所|室)$", own):
                question = question.replace(own, "")
                break
        year = self.report.meta.year
        if year is None:
            return question
        return re.sub(rf"(较|比|与|和|同|对比|相比)\s*{year - 1}\s*年度?(?:决算数?|的)?", r"\1上年", question)

    def _answer(self, question: str, query: Query | None = None) -> Answer:
        total = len(split_parts(normalise_text(question)))
        queries = self.parse(question)
        if query is not None and len(queries) == 1:
            queries = [query]
        if len(queries) == 1:
            answer = self._single(queries[0])
            answer.question = question
            return answer
        answers: list[Answer] = []
        for part in queries[:MAX_PARTS]:  # each part sees the parts before it as the conversation
            answers.append(self._single(part, same_turn=bool(answers)))
            self.history.append(answers[-1])
        del self.history[-len(answers):]
        if total > MAX_PARTS:  # said, not silently dropped
            answers.append(Answer(question, f"问题共{total}个部分，一次最多回答{MAX_PARTS}个，其余{total - MAX_PARTS}个"
                                  "部分未回答，请分开提问。", "amount", "", False))
        return self._merge(question, answers)

    def _merge(self, question: str, answers: list[Answer]) -> Answer:
        """Every part answered in order; a part whose answer is already given is not repeated,
        a part that cannot be answered says so."""
        found = [a for a in answers if a.found]
        first = found[0] if found else answers[0]
        merged = Answer(question, "", first.intent, first.subject, bool(found), query=first.query)
        texts: list[str] = []
        stated: set[str] = set()
        for a in answers:
            if a.text in texts or (a.found and a.facts and set(a.facts) <= stated):
                continue
            text = self._without_notes_given(a, "".join(texts))
            texts.append(text if a.found or a.question == question else f"关于“{a.question.rstrip('？?')}”：{text}")
            stated |= set(a.facts)
            merged.facts += [f for f in a.facts if f not in merged.facts]
            merged.citations += [c for c in a.citations if c not in merged.citations]
            merged.computation = "；".join(x for x in (merged.computation, a.computation) if x)
            merged.numbers += a.numbers
        merged.text = "".join(texts)
        merged.parts = [a.to_dict() for a in answers]
        merged.basis = "、".join(dict.fromkeys(b for a in answers if a.found for b in a.basis.split("、") if b))
        return merged

    def _without_notes_given(self, answer: Answer, said: str) -> str:
        """A part's text without the finding notes an earlier part of the same answer already gave."""
        text = answer.text
        for fact in (self.base.get(i) for i in answer.facts):
            if fact is not None and fact.kind == "finding":
                described = finding_notes.describe(fact)
                if described and described in said:
                    text = text.replace(described, "")
        return re.sub(finding_notes.NOTE_LEAD + "。(?!审核)", "注意，此数字涉及上述审核问题。", text)

    def _single(self, question: str | Query, same_turn: bool = False) -> Answer:
        query = question if isinstance(question, Query) else parse_part(question, self.base, self.names)
        q = query.canonical or query.text
        from index.budget_qa import budget_answer  # 部门预算 questions (h5 hook)

        if (budget := budget_answer(self, query.text)) is not None:
            return budget
        previous = self.history[-1] if self.history else None
        intent, subject = query.intent, query.subject
        if query.scope == "corpus":
            return Answer(query.text, "这个问题涉及多个部门或多个年度，单份报告无法回答；请在批量审核的输出目录上用 "
                          "auditor ask --corpus 提问。", intent, subject, False, query=query.to_dict())
        if previous is not None and self._carries(query, previous):
            if intent == "amount" and previous.intent not in ("rank", "by_class", "why", "findings"):
                intent = previous.intent
            if not subject or re.match(r"^(它|其(?!中)|该项|这一项|这一类)", q):
                subject = previous.subject
                query.carried = True
            elif COLUMN_TAIL.fullmatch(subject) and previous.subject and not COLUMN_TAIL.search(previous.subject) \
                    and not _is_total_word(previous.subject):
                # "社会保险经办机构花了多少钱？" then "那项目支出呢？": that item's 项目支出
                subject = f"{previous.subject}的{COLUMN_TAIL.fullmatch(subject).group(1)}"  # type: ignore[union-attr]
                query.carried = True
        if subject and previous is not None and (same_turn or query.follow_up and query.score < 0.8):
            # "政府采购金额是多少？货物、工程、服务各多少？": "货物" means 货物采购金额
            subject = compose(subject, previous.subject, self.names) or subject
        if not subject and intent in NEEDS_SUBJECT and not query.carried:
            subject = vocab().default_subjects.get(intent, "")
        query.intent, query.subject = intent, subject
        if intent == "why" and query.carried and same_turn and previous is not None and previous.intent == "growth":
            q = f"{subject}比上年增减的原因"  # "…比上年增减多少、为什么？": the reason for the change, not a budget gap
        if intent == "share":  # "X在Y里占了多大头" read as "X占Y的比例"; "它占多少？" as "X的比例"
            whole = share_whole(q)
            q = f"{subject}占{whole}的比例是多少？" if whole else f"{subject}的比例是多少？"
        outside = self._outside_scope(q, subject)
        if outside:
            answer = self._not_found(q, intent, subject, outside)
        else:
            handler = self._handler(intent)
            answer = handler(q, self._read_as(query, subject))
            if not answer.found and not query.carried:
                # the subject as read found nothing: the report's own names it may mean
                named = self._named_in_sentence(subject, intent)
                index, self.index = self.index, None  # a retry that fails needs no "closest content" search
                try:
                    for other in [*alternatives(query, self.kinds), *named]:
                        retry = handler(q, other)
                        if retry.found:
                            query.resolved, answer = other, retry
                            if other in named:  # a claim cut short: the question's words name the topic
                                answer.subject = subject
                            break
                finally:
                    self.index = index
        answer.query = query.to_dict()
        return answer

    @staticmethod
    def _read_as(query: Query, subject: str) -> str:
        """The subject to look up: the report's own name when the question's words are that name
        plus a generic tail ("项目支出合计" is the report's 项目支出, not its 支出合计)."""
        resolved = query.resolved
        if (not query.carried and resolved and resolved != subject and query.score >= 0.9 and subject.endswith("合计")
                and name_key(resolved) in name_key(subject)):
            return resolved
        return subject

    # ---- helpers -------------------------------------------------------------------
    def _handler(self, intent: str) -> Callable[[str, str], Answer]:
        """The answer method of a typed query's intent (index/query.py INTENTS)."""
        handlers: dict[str, Callable[[str, str], Answer]] = {
            "amount": self._amount, "growth": self._growth, "budget": self._budget, "share": self._share,
            "rank": self._rank, "by_class": self._by_class, "count": self._count, "why": self._why,
            "findings": self._findings, "list": self._list}
        return handlers.get(intent, self._amount)

    def _list(self, q: str, subject: str) -> Answer:
        """What the items of something are: the report's own sentence listing them, quoted."""
        name = re.sub(r"(?:经费|费用|情况)$", "", name_key(subject))
        if len(name) >= 2:
            for fact in self.base.of_kind("sentence"):
                text = name_key(fact.text)
                at = text.find(name)
                if at >= 0 and not _suspect(fact) and re.search(r"包括|包含|即|分别为|分别是|主要有|[：:]", text[at:]):
                    return self._answer_from(q, "list", subject, f"报告所列：“{fact.citation.quote or fact.text}”"
                                             f"（{fact.citation.where()}）。", [fact])
        return self._not_found(q, "list", subject, "报告未列出其组成")

    def _named_in_sentence(self, subject: str, intent: str) -> list[str]:
        """Subjects of count claims whose sentence names the subject ("本中心共设6个内设科室": the
        claim's own subject may be cut short)."""
        name = name_key(subject)
        if intent != "count" or len(name) < 2:
            return []
        out = [c.subject for c in self.base.of_kind("claim") if c.extra.get("kind") == "count" and c.subject
               and not _suspect(c) and name in name_key(c.citation.quote or "") and name not in name_key(c.subject)]
        return list(dict.fromkeys(out))[:2]

    @classmethod
    def _carries(cls, query: Query, previous: Answer) -> bool:
        """A follow-up takes the previous topic only when it needs one: "那公用经费呢？" keeps the
        intent, "为什么？" the subject; "为什么决算数小于预算数？" names the report's totals."""
        q = query.canonical or query.text
        if cls._is_follow_up(q) or query.follow_up:
            return True
        return not query.subject and query.needs_subject and not query.whole_report and bool(previous.subject)

    @staticmethod
    def _is_follow_up(q: str) -> bool:
        return bool(re.match(r"^(那|那么|它|该项|这一项|这一类|年末的|还有)", q)) or (q.rstrip("？?").endswith("呢") and len(q) <= 14)

    def _outside_scope(self, q: str, subject: str) -> str:
        year = self.report.meta.year
        for match in re.finditer(r"((?:19|20)\d{2})\s*年", q):
            if year is not None and int(match.group(1)) != year:
                return f"本报告为{year}年度决算，未包含{match.group(1)}年的数据"
        department = compact(self.report.meta.department)
        for match in OTHER_ORG.finditer(compact(q)):
            org = match.group(1)
            if department and org not in department and not _same_body(org, department):
                return f"本报告为{self.report.meta.department}的决算，未涉及“{org}”"
        return ""

    def _cell(self, table: str, needles: tuple[str, ...], side: str, column: str) -> Fact | None:
        t = self.report.table(TableKind(table))
        if t is None:
            return None
        for row in t.rows:
            if side and row.side != side:
                continue
            label = compact(row.label)
            if any(label.endswith(n) or label == n or (n in label and len(n) >= 4) for n in needles) and not row.code:
                fact = self.base.get(cell_id(t, row, column))
                if fact is not None and not _suspect(fact):
                    return fact
        return None

    def _row_matches(self, subject: str, tables: tuple[str, ...] = ("T5", "T3", "T2", "T6"), min_score: float = 0.8,
                     level: int | None = None) -> list[tuple[float, Fact]]:
        """Row facts whose label matches the subject, best first; earlier tables preferred."""
        name = compact(without_class_marks(subject))
        found = []
        for order, table in enumerate(tables):
            t = self.report.table(TableKind(table))
            if t is None:
                continue
            for row in t.rows:
                if not row.code or (level is not None and len(row.code) != level):
                    continue
                score = similarity(name, row.label)
                if score >= min_score:
                    fact = self.base.get(f"{table}.{row_key(row)}")
                    if fact is not None and not _suspect(fact):
                        found.append((score - order * 0.001, fact))
        return sorted(found, key=lambda x: -x[0])

    def _claims(self, subject: str, kinds: tuple[str, ...], min_score: float = 0.8) -> list[Fact]:
        """Claims about the subject, the closest names first (document order among equals)."""
        name = compact(without_class_marks(subject))
        names = list(dict.fromkeys(n for w in _total_names(name) for n in (w, YEAR_PREFIX.sub("", w)) if n))
        scored = []
        for order, fact in enumerate(self.base.of_kind("claim")):
            if fact.extra.get("kind") not in kinds or _suspect(fact):
                continue
            target = YEAR_PREFIX.sub("", compact(without_class_marks(fact.subject)))
            if not target:
                continue
            score = max(similarity(n, target) for n in names)
            if score >= min_score:
                scored.append((-round(score, 2), order, fact))
        return [f for _, _, f in sorted(scored, key=lambda x: (x[0], x[1]))]

    def _value_text(self, fact: Fact) -> str:
        if fact.value is None:
            return ""
        if fact.unit == "%":
            return f"{fact.value}%"
        if fact.kind == "claim":
            return fact.extra.get("raw", f"{fact.value}{fact.unit}").replace(" ", "")
        return f"{fmt_amount(fact.value)}万元"

    def _answer_from(self, q: str, intent: str, subject: str, text: str, facts: list[Fact], computation: str = "") -> Answer:
        facts = [f for f in facts if not _suspect(f)]
        warning, related = self._contradictions(facts)
        if warning:
            text += warning
            facts = facts + [f for f in related if f not in facts]
        # findings travel with figures: a figure the audit flagged is never stated bare
        mentioned = {f.id for f in facts if f.kind == "finding"} | set(re.findall(r"[A-Z]{2,5}\d{3}", warning))
        flagged, notes = finding_notes.note(self.base, facts, text, mentioned)
        if flagged:
            text += flagged
            facts = facts + [f for f in notes if f not in facts]
        numbers = re.findall(r"\d[\d,]*(?:\.\d+)?", text)
        citations = list(dict.fromkeys(f.citation for f in facts))
        return Answer(q, text, intent, subject, True, facts=list(dict.fromkeys(f.id for f in facts)),
                      citations=citations, computation=computation, numbers=numbers, basis=_basis(facts, computation))

    def _contradictions(self, facts: list[Fact]) -> tuple[str, list[Fact]]:
        """A narrative figure is never answered as fact when the tables or another statement of
        the same subject say otherwise (index/facts.py::mark_contested): the answer then says
        so, citing the other side and the related findings."""
        notes: list[str] = []
        related: list[Fact] = []
        for fact in facts:
            for other_id in filter(None, fact.extra.get("contested_by", "").split(",")):
                other = self.base.get(other_id)
                if other is None and other_id == "table" and fact.extra.get("table_value"):
                    notes.append(f"正文的“{self._value_text(fact)}”与表中数字"
                                 f"{fmt_amount(Decimal(fact.extra['table_value']))}万元不一致")
                elif other is not None and other.kind == "cell":
                    notes.append(f"正文的“{self._value_text(fact)}”与表中数字{self._value_text(other)}"
                                 f"（{other.citation.where()}）不一致")
                    related.append(other)
                elif other is not None:
                    notes.append(f"报告另一处称“{other.subject}”为{self._value_text(other)}（{other.citation.where()}），"
                                 f"与“{self._value_text(fact)}”不一致")
                    related.append(other)
        if not notes:
            return "", []
        findings = self._findings_about([*facts, *related])
        codes = "、".join(dict.fromkeys(f.extra.get("code", "") for f in findings if f.extra.get("code")))
        text = "注意：" + "；".join(dict.fromkeys(notes)) + (f"，见问题清单 {codes}。" if codes else "，请核实。")
        return text, [f for f in [*related, *findings] if f not in facts]

    def _findings_about(self, facts: list[Fact]) -> list[Fact]:
        """Findings located on the same sentence or cell as these facts."""
        places = {(f.citation.page, f.citation.line) for f in facts if f.citation.page or f.citation.line}
        quotes = {f.citation.quote for f in facts if f.citation.quote and len(f.citation.quote) > 6}
        out = []
        for finding in self.base.of_kind("finding"):
            c = finding.citation
            if (c.quote and c.quote in quotes) or ((c.page or c.line) and (c.page, c.line) in places and c.quote):
                out.append(finding)
        return out[:3]

    def _not_found(self, q: str, intent: str, subject: str, why: str = "") -> Answer:
        nearest: list[Fact] = []
        if self.index is not None and subject:
            nearest = [f for f, _ in self.index.search(subject, k=6, mode="keyword")
                       if not _suspect(f) and not f.extra.get("suspect_evidence")][:3]  # a finding quoting such text too
        if subject and intent in ("growth", "why") and why.startswith("报告未说明"):
            # the item may well be in the report; what is missing is the comparison or the reason
            text = f"报告未{'给出' if intent == 'growth' else '说明'}“{subject}”{'与上年的比较' if intent == 'growth' else '的原因'}。"
        else:
            text = f"报告中未找到{('“' + subject + '”的') if subject else ''}相关数据。" + (why + "。" if why else "")
        if nearest:
            text += "最接近的内容：" + "；".join(f"{f.text[:60]}（{f.citation.where()}）" for f in nearest)
            flagged, notes = finding_notes.note(self.base, nearest, text)  # a flagged figure shown is flagged here too
            text += flagged
            nearest += [f for f in notes if f not in nearest]
        answer = Answer(q, text, intent, subject, False, facts=list(dict.fromkeys(f.id for f in nearest)),
                        citations=list(dict.fromkeys(f.citation for f in nearest)), basis=_basis(nearest, ""))
        return answer

    # ---- intents -------------------------------------------------------------------
    def _listed(self, q: str) -> list[Fact]:
        """"货物、工程、服务各多少？": the figures of the listed kinds, from the one sentence
        that states them all (so each is the part of the same whole)."""
        head = re.split(r"各(?:是|为)?多少|分别|各自|都是多少", compact(q))[0]
        pieces = [p for p in re.split(r"[、，,和及与]", head) if p]
        if len(pieces) < 2 or not all(1 <= len(p) <= 8 for p in pieces):
            return []
        by_sentence: dict[str, list[Fact]] = {}
        for claim in self.base.of_kind("claim"):
            if claim.extra.get("kind") in ("amount", "outturn") and claim.sources and not _suspect(claim):
                by_sentence.setdefault(claim.sources[0], []).append(claim)
        for claims in by_sentence.values():
            found = [next((c for c in claims if p in name_key(c.subject)), None) for p in pieces]
            if all(found):
                return [c for i, c in enumerate(found) if c is not None and c not in found[:i]]
        return []

    def _amount(self, q: str, subject: str) -> Answer:
        facts = self._amount_facts(subject) or self._amount_facts(YEAR_PREFIX.sub("", compact(subject))) or self._listed(q)
        if not facts:
            return self._not_found(q, "amount", subject)
        zero = [f for f in facts if f.value == 0 and f.kind == "cell" and f.id != "T7.empty"]
        if zero and len(zero) == len(facts):
            tail = COLUMN_TAIL.search(compact(subject))
            if tail and len(zero) == 1:  # one item's cell in one column, printed blank or 0
                return self._answer_from(q, "amount", subject, f"“{zero[0].subject}”的{tail.group(1)}在表中为空或为0，"
                                         f"即本年无此项支出（{zero[0].citation.where()}）。", zero)
            return self._not_found(q, "amount", subject, f"表中“{zero[0].subject}”一行为空或为0，即本年无此项支出")
        def name(f: Fact) -> str:
            generic = compact(f.subject) in ("合计", "总计", "本年合计", "本年数", "上年数", "") or f.column in ("basic", "project")
            return subject if generic and len(facts) == 1 else (f.subject or subject)

        parts = [f"{name(f)}为{self._value_text(f)}（{f.citation.where()}）" for f in facts]
        return self._answer_from(q, "amount", subject, "；".join(parts) + "。", facts)

    def _amount_facts(self, subject: str) -> list[Fact]:
        name = compact(subject)
        if not name:
            return []
        # several subjects in one question: "人员经费和公用经费", "政府采购金额…其中工程采购"
        pieces = [p for p in re.split(r"和|与|及|以及|其中", name) if p]
        if len(pieces) > 1:
            out: list[Fact] = []
            for piece in pieces:
                out.extend(self._amount_facts(piece)[:1])
            return out
        bare = re.sub(r"^(?:本年度?|全年|部门|单位|年度|\d{4}年度?)", "", name)
        for words, table, needles, side, column in TOTALS:
            if any(bare == w or bare == "一般公共预算" + w or bare == "财政拨款" + w for w in words):
                if column in ("basic", "project") and ("财政拨款" in name or "一般公共预算" in name):
                    table = "T5"
                fact = self._cell(table, needles, side, column)
                if fact is not None:
                    return [fact]
        for words, item in T7_ITEMS:
            if any(w in name for w in words):
                t7 = self.report.table(TableKind.T7)
                if t7 is not None and t7.rows:
                    fact = self.base.get(cell_id(t7, t7.rows[0], f"final.{item}"))
                    if fact is not None:
                        return [fact]
                if t7 is not None and t7.is_empty:
                    table_fact = self.base.get("T7")
                    if table_fact is not None:
                        zero = Fact("T7.empty", "cell", f"{t7.title}无数据", Citation(
                            page=table_fact.citation.page, line=table_fact.citation.line, table="T7",
                            quote=t7.no_data_statement or "（空表）", bbox=table_fact.citation.bbox),
                            value=Decimal(0), unit="万元", subject="“三公”经费", table="T7")
                        self.base.by_id.setdefault(zero.id, zero)
                        return [zero]
                return self._claims(subject, ("amount", "outturn"))[:1]
        tail = COLUMN_TAIL.search(name)
        if tail and tail.start() >= 2:  # "社会保险经办机构的项目支出": that row's cell in that column
            rows = self._row_matches(name[: tail.start()])
            if rows:
                key = COLUMN_KEYS[tail.group(1)]
                cell = self.base.get(f"{rows[0][1].id}.{key}")
                return [cell] if cell is not None else [self._blank_cell(rows[0][1], key, tail.group(1))]
        rows = self._row_matches(subject)
        if rows:
            row = rows[0][1]
            fact = self.base.get(f"{row.id}.total") or self.base.get(f"{row.id}.amount")
            if fact is not None:
                return [fact]
        claims = self._claims(subject, ("amount", "outturn"))
        return claims[:1]

    def _blank_cell(self, row: Fact, key: str, column: str) -> Fact:
        """A row's cell printed blank: a zero fact citing the row, so the answer says it is empty."""
        fact = Fact(f"{row.id}.{key}", "cell", f"{row.subject} {column}：（空）", row.citation,
                    value=Decimal(0), unit="万元", subject=row.subject, table=row.table, column=key)
        self.base.by_id.setdefault(fact.id, fact)
        return fact

    def _share(self, q: str, subject: str) -> Answer:
        whole = ""
        match = re.search(r"占(.+?)(?:的)?(?:比例|比重|百分比|多少)", q)
        if match:
            whole = re.sub(r"的$", "", match.group(1))
        claims = [c for c in self._claims(subject, ("share",)) if not whole or similarity(whole, c.extra.get("whole", "")) >= 0.5
                  or not c.extra.get("whole")]
        if claims:
            fact = claims[0]
            return self._answer_from(q, "share", subject, f"报告称{fact.subject}占{fact.extra.get('whole') or whole or '合计'}的"
                                     f"{self._value_text(fact)}（{fact.citation.where()}）。", [fact])
        for fact in self.base.of_kind("derived"):
            if similarity(subject, fact.subject) >= 0.8 and (not whole or any(w in fact.text for w in (whole[:2], "合计", "基本支出"))):
                sources = [s for s in (self.base.get(i) for i in fact.sources) if s is not None]
                return self._answer_from(q, "share", subject, f"{fact.text}（计算；数据见{fact.citation.where()}）。",
                                         [fact, *sources], computation=fact.formula)
        part = self._amount_facts(subject)
        total = self._amount_facts(whole) if whole else []
        if part and total and total[0].value:
            value = q2(part[0].value / total[0].value * 100)  # type: ignore[operator]
            formula = f"{fmt_amount(part[0].value)} ÷ {fmt_amount(total[0].value)} × 100% = {value}%"  # type: ignore[arg-type]
            return self._answer_from(q, "share", subject, f"{subject}占{whole}的{value}%（计算：{formula}）。",
                                     [part[0], total[0]], computation=formula)
        return self._not_found(q, "share", subject)

    def _growth(self, q: str, subject: str) -> Answer:
        claims = self._claims(subject, ("growth",))
        if not claims:
            return self._not_found(q, "growth", subject, "报告未说明与上年的比较")
        first_sentence = claims[0].sources
        same = [c for c in claims if c.sources == first_sentence]
        parts = [("增加" if c.extra.get("direction") == "up" else "减少") + self._value_text(c) if c.unit != "%" else
                 ("增长" if c.extra.get("direction") == "up" else "下降") + self._value_text(c) for c in same]
        return self._answer_from(q, "growth", subject, f"与上年相比，{claims[0].subject}{'，'.join(parts)}"
                                 f"（{claims[0].citation.where()}：“{claims[0].citation.quote}”）。", same)

    def _budget(self, q: str, subject: str) -> Answer:
        fund = re.search(r"一般公共预算[\u4e00-\u9fff]*?(?:支出|收入)", compact(q))
        rest = compact(q).replace(fund.group(0), "") if fund else ""
        if fund and not re.search(r"年初预算|全年预算|调整预算|预算数|预算为|完成|执行", rest):
            if re.search(r"上年|去年|增长|增加|减少|下降|增减|变化", rest):
                return self._growth(q, fund.group(0))
            return self._amount(q, fund.group(0))  # "一般公共预算拨款支出是多少": a fund's name, not a budget
        if not compact(subject):  # "年初预算是多少？完成了多少？": the department's own budget statement
            kinds = ("budget", "outturn", "completion")
            budgets = [c for c in self.base.of_kind("claim") if c.extra.get("kind") in kinds and not _suspect(c)]

            def rank(c: Fact) -> int:
                name = name_key(c.subject)
                return next((i for i, w in enumerate(("一般公共预算财政拨款支出", "财政拨款支出", "支出合计", "支出"))
                             if name.endswith(w)), 9)
            budgets = [c for c in budgets if rank(c) < 9]
            subject = min(budgets, key=rank).subject if budgets else subject
        items = self._claims(subject, ("budget", "outturn", "completion"), 0.8)
        if not items:
            # "X项目…自评得分…。项目全年预算数为…，执行数为…": the name in one sentence, the
            # figures in the next ones
            name = name_key(subject)
            for s in self.report.sentences:
                if len(name) >= 3 and name in name_key(s.text):
                    window = {f"S{i}" for i in range(s.index, s.index + 3)}
                    items = [f for f in self.base.of_kind("claim") if f.sources and f.sources[0] in window
                             and (f.extra.get("kind") in ("budget", "outturn", "completion")
                                  or (f.extra.get("kind") == "amount" and "执行" in f.subject))]
                    if items:
                        break
        if not items and self.report.meta.document_type == "budget":
            # a budget's amounts are budgets: "收入、支出预算总计是多少" names the report's own line
            asked = re.sub(r"(?:是|为|有)?(?:多少|几)(?:钱|万元)?|[？?。！!\s]|的$", "", q)
            change = re.search(r"上年|去年|增长|增加|减少|下降|增减|变化", q)
            if change:
                asked = compact(q[: change.start()]).rstrip("比较与和同")
                growth = self._growth(q, asked)
                if growth.found:
                    return growth
            for name in (asked, re.sub(r"的?(?:预算数?|预算安排)$", "", compact(subject))):
                if name and self._amount_facts(name):
                    return self._amount(q, name)
        if not items:
            return self._not_found(q, "budget", subject, "报告未说明其预算")
        anchor = items[0].sources
        same = [c for c in items if c.sources == anchor]
        names = {"budget": "预算", "outturn": "决算", "completion": "完成", "amount": "执行数"}
        parts = []
        for c in same:
            kind = c.extra.get("kind", "")
            label = (c.extra.get("basis") or "预算") if kind == "budget" else names[kind]
            parts.append(f"{label}{self._value_text(c)}" if kind != "completion" else f"完成{c.extra.get('basis') or '预算'}的{self._value_text(c)}")
        return self._answer_from(q, "budget", subject, f"{same[0].subject}：{'，'.join(parts)}（{same[0].citation.where()}：“"
                                 f"{same[0].citation.quote}”）。", same)

    def _scope_table(self, q: str) -> str:
        if "一般公共预算" in q or "财政拨款支出" in q:
            return "T5"
        if re.search(r"工资福利|商品和服务|对个人和家庭|资本性支出|经济分类", q):
            return "T6"
        if "收入" in q:
            return "T2"
        return "T5" if self.report.table(TableKind.T5) and self.report.table(TableKind.T5).rows else "T3"  # type: ignore[union-attr]

    def _rank(self, q: str, subject: str) -> Answer:
        table = self._scope_table(q)
        t = self.report.table(TableKind(table))
        if t is None:
            return self._not_found(q, "rank", subject)
        largest = bool(re.search(r"最多|最大|最高", q))
        key = "amount" if table == "T6" else "total"
        if table == "T6":
            parent = next((r for r in t.rows if len(r.code) == 3 and r.label and compact(r.label) in compact(q)), None)
            rows = [r for r in t.rows if len(r.code) == 5 and (parent is None or r.code.startswith(parent.code))]
        elif "类" in q:
            rows = [r for r in t.rows if len(r.code) == 3]
        else:
            rows = [r for r in t.rows if len(r.code) == 7]
        rows = [r for r in rows if r.value(key) and not _suspect(self.base.get(cell_id(t, r, key)))]
        if not rows:
            return self._not_found(q, "rank", subject)
        best = (max if largest else min)(rows, key=lambda r: r.value(key))  # type: ignore[arg-type, return-value]
        fact = self.base.get(cell_id(t, best, key))
        assert fact is not None
        word = "最多" if largest else "最少"
        return self._answer_from(q, "rank", best.label, f"{word}的是“{best.code} {best.label}”，{self._value_text(fact)}"
                                 f"（{fact.citation.where()}；共比较{len(rows)}项）。", [fact])

    def _by_class(self, q: str, subject: str) -> Answer:
        table = "T5" if ("一般公共预算" in q or "财政拨款" in q) else "T3"
        t = self.report.table(TableKind(table))
        if t is None:
            return self._not_found(q, "by_class", subject)
        facts = [f for r in t.rows if len(r.code) == 3 and (f := self.base.get(cell_id(t, r, "total"))) is not None
                 and not _suspect(f)]
        if not facts:
            return self._not_found(q, "by_class", subject)
        parts = "；".join(f"{f.code} {f.subject} {fmt_amount(f.value)}万元" for f in facts if f.value is not None)  # type: ignore[arg-type]
        return self._answer_from(q, "by_class", subject, f"按类：{parts}（{facts[0].citation.where().split('，第')[0]}）。", facts)

    def _why(self, q: str, subject: str) -> Answer:
        name = clean_subject(subject)
        lead: Answer | None = None
        if name and re.search(r"多少|几|增减|变化|变动", q) and re.search(r"上年|去年|增减|增加|减少|增长|下降|变化|变动", q):
            growth = self._growth(q, name)  # "…比上年增减多少、为什么？": the change, then its reason
            lead = growth if growth.found else None
        carried = bool(name) and name_key(name) not in name_key(q) and not re.search(r"它|其|该项|这一?项|这个|那个|此项", q)
        own = find_reasons(self.report, "", q) if carried else []
        if own:  # "为什么决算数小于预算数？" after another question: the question's own topic, not the last one
            name, reasons = "", own
        else:
            reasons = find_reasons(self.report, name, q)
        none = self._no_data_statement(name or subject) if name or not carried else None
        if none is not None and not any(r.kind == "reason" for r in reasons):
            reasons = []  # no money of this kind: that is the answer, not what other money was used for
        for reason in reasons:
            fact = self.base.get(f"S{reason.sentence}")
            if fact is None or _suspect(fact):
                continue
            if reason.kind == "reason":
                said = f"报告所述原因：“{reason.text}”（{fact.citation.where()}）。"
            else:
                said = f"报告未直接说明原因，但说明了用途：“{reason.text}”（{fact.citation.where()}）。"
            facts = [fact]
            if lead is not None:
                said = lead.text + said
                facts = [f for f in (self.base.get(i) for i in lead.facts) if f is not None] + facts
            return self._answer_from(q, "why", name or subject, said, facts)
        if none is not None:
            return self._answer_from(q, "why", subject, f"报告称本年无此项资金：“{none.citation.quote or none.text}”"
                                     f"（{none.citation.where()}），因此没有增减原因可说明。", [none])
        if lead is not None:
            return self._answer_from(q, "why", name, lead.text + "报告未说明其原因。",
                                     [f for f in (self.base.get(i) for i in lead.facts) if f is not None])
        return self._not_found(q, "why", name or subject, "报告未说明原因")

    def _no_data_statement(self, subject: str) -> Fact | None:
        """A narrative sentence saying the department has none of this item ("本年度无“三公”经费
        财政拨款支出"): the answer to "why did it fall" is then that there was none."""
        core = re.sub(r"(?:经费|支出|费用|费)$", "", name_key(subject))
        if len(core) < 2:
            return None
        for fact in self.base.of_kind("sentence"):
            if _suspect(fact):
                continue
            text = name_key(fact.text)
            if core in text and re.search(r"(?:无|没有|未发生|未安排)[^。；]{0,6}" + re.escape(core), text):
                return fact
        return None

    def _subject_facts(self, subject: str) -> list[Fact]:
        """The figures a findings-question is about: those printed with the number it quotes,
        else the cells and statements of the item it names."""
        numbers = {Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", subject)}
        if numbers:
            printed = [f for f in self.base.of_kind("claim", "cell") if f.value is not None and f.value in numbers
                       and not _suspect(f) and f.extra.get("kind") not in ("year", "date")]
            words = re.sub(r"[\d.,%％]+|万元|万|元|人次|批次|辆|个|的$|为$|是$", "", compact(subject))
            named = [f for f in printed if words and (words in compact(f.subject) or compact(f.subject) in words
                                                      or similarity(words, f.subject) >= 0.6)]
            return named or printed
        name = re.sub(r"的?(?:增长率|增幅|降幅|完成率|比例|占比|数字|金额)$", "", compact(subject))
        facts = list(self._amount_facts(name)) if name else []
        facts += [c for c in self._claims(name, tuple(CLAIM_KINDS), 0.85)[:6] if c not in facts] if name else []
        return facts

    def _findings(self, q: str, subject: str) -> Answer:
        findings = self.base.of_kind("finding")
        generic = not subject or subject in ("报告", "这份", "数据", "文字")
        pieces = [name_key(p) for p in re.split(r"和|与|及|、", subject) if len(p) >= 2]
        numbers = re.findall(r"\d+(?:\.\d+)?", subject)

        words = name_key(re.sub(r"\d+(?:\.\d+)?|[%％]|万元|万|元|人次|批次|辆|个|的$", "", subject))

        def about(f: Fact) -> bool:
            text = name_key(f.text + (f.citation.quote or ""))
            if numbers:  # "公用经费10.23万元对吗": that figure, and the name when one is given
                return any(n in text for n in numbers) and (len(words) < 2 or words in text)
            return any(p in text for p in pieces) or any(similarity(p, f.subject) >= 0.8 for p in pieces)

        figures = [] if generic else self._subject_facts(subject)
        sentences = [s for s in (self.base.get(i) for f in figures for i in f.sources) if s is not None]
        tied = finding_notes.findings_of(self.base, figures + [s for i, s in enumerate(sentences) if s not in sentences[:i]])
        relevant = tied + [f for f in findings if (generic or about(f)) and f not in tied]
        relevant = [f for f in relevant if f.extra.get("severity") in ("error", "warning")] or relevant
        if not relevant:
            if not figures:
                return Answer(q, f"报告中未找到“{subject}”对应的数字或表述，无法说明它是否有问题；审核发现的问题中也没有提到它。",
                              "findings", subject, False)
            cover = finding_notes.coverage(self.base, figures)
            shown = figures[:3]
            generic_names = ("合计", "总计", "本年合计", "本年数", "")
            stated = "；".join(f"{subject if compact(f.subject) in generic_names else f.subject}{self._value_text(f)}"
                              f"（{f.citation.where()}）" for f in shown)
            return self._answer_from(q, "findings", subject, f"报告所载：{stated}。{cover.statement(subject)}", shown)
        relevant.sort(key=lambda f: {"error": 0, "warning": 1, "info": 2}.get(f.extra.get("severity", ""), 3))
        shown = relevant[:6]
        listed = f"（以下列出前{len(shown)}处，全部见问题清单）" if len(shown) < len(relevant) else ""
        text = f"共发现{len(relevant)}处相关问题{listed}：" + "".join(finding_notes.describe(f) for f in shown)
        return self._answer_from(q, "findings", subject, text, shown + [f for f in figures[:2] if f.kind != "finding"])

    def _count(self, q: str, subject: str) -> Answer:
        pieces = [p for p in re.split(r"和|与|及|以及", subject) if len(p) >= 2]
        if len(pieces) > 1:
            answers = [self._count(q, piece) for piece in pieces]
            found = [a for a in answers if a.found]
            if found:
                merged = Answer(q, "".join(a.text for a in found), "count", subject, True, basis=found[0].basis)
                for a in found:
                    merged.facts += [f for f in a.facts if f not in merged.facts]
                    merged.citations += [c for c in a.citations if c not in merged.citations]
                return merged
        name = name_key(subject)
        for _ in range(3):  # "单位有几辆公务用车" leaves "单位辆公务用车": the thing counted is "公务用车"
            name = re.sub(r"^(?:本|这个|该)?(?:单位|部门)|^(?:共有|一共|总共|共|有|辆|个|批次|人次|名|家|项|台)|"
                          r"(?:共有|一共|总共|辆|个|批次|人次|名|家|项|台)$", "", name)
        counts = [c for c in self.base.of_kind("claim") if c.extra.get("kind") == "count" and not _suspect(c)]
        scored = []
        for order, c in enumerate(counts):
            target = name_key(c.subject)
            score = similarity(name, target) if name else 0.0
            if len(name) >= 2 and name in target:
                score = max(score, 0.9 - 0.001 * (len(target) - len(name)) / 10)
            if score >= 0.6:
                scored.append((-round(score, 2), order, c))
        asked = [u for u in ("批次", "人次", "辆", "个", "名", "家", "项", "台", "人") if u in q]
        if not scored and len(name) >= 2:  # "（三）公务接待费…，累计接待25批次": the item names what is counted
            scored = [(-0.7, order, c) for order, c in enumerate(counts)
                      if name in name_key(c.extra.get("item", "")) or name in name_key(c.extra.get("section", ""))
                      or name in name_key(c.citation.quote or "")]
        if not scored and len(name) <= 1 and asked:  # "有几辆车": every count in 辆, the totals first
            scored = [(-0.7 if re.search(r"共有|总|合计", c.subject) else -0.6, order, c) for order, c in enumerate(counts)
                      if (c.unit or "").startswith(asked[0]) and (not name or name in c.subject)]
        claims = [c for _, _, c in sorted(scored, key=lambda x: (x[0], x[1]))]
        if re.search(r"保有|现有|有几|有多少|共有|实有", q) and not re.search(r"购置|购买|买了|新增|新购", q):
            # "有几辆公车" asks what is held (保有量/共有), not what was bought this year
            claims = [c for c in claims if not re.search(r"购置|购买|新增|新购", c.subject)] or claims
            claims.sort(key=lambda c: not re.search(r"保有|共有|现有|实有|年末", c.subject))
        if not re.search(r"外宾|外事|境外|外国|其中", q):  # "接待了多少批次" counts every visit, not the foreign ones
            claims = [c for c in claims if not re.search(r"外宾|外事|境外", c.subject)] or claims
        if asked:
            claims = [c for c in claims if any(c.unit.startswith(u) or (c.extra.get("raw") or "").endswith(u) for u in asked)] \
                or claims
        if claims:
            top = compact(claims[0].subject)
            same = [c for c in claims if c.sources == claims[0].sources and compact(c.subject) == top]
            parts = "，".join(f"{c.subject}{self._value_text(c)}" for c in same)
            return self._answer_from(q, "count", subject, f"{parts}（{same[0].citation.where()}：“{same[0].citation.quote}”）。", same)
        if "单位" in subject and ("构成" in q or "编制范围" in q or "纳入" in q):
            table = next((t for t in self.report.tables if t.kind is TableKind.OTHER and t.grid and any(
                "单位名称" in compact(c.text) for c in t.grid[0])), None)
            if table is not None:
                units = [r for r in table.grid[1:] if any(compact(c.text) for c in r[1:2])]
                citation = Citation(page=table.location.page, line=table.location.line, table="部门决算单位构成表",
                                    quote="、".join(compact(r[1].text) for r in units[:6]), bbox=table.location.bbox)
                fact = Fact(f"U.{table.location.page}", "table", "部门决算单位构成", citation, Decimal(len(units)), "个")
                self.base.facts.append(fact)
                self.base.by_id[fact.id] = fact
                return self._answer_from(q, "count", subject, f"纳入部门决算编制范围的单位共{len(units)}个（{citation.where()}）。",
                                         [fact], computation=f"单位构成表列出{len(units)}个单位")
        return self._not_found(q, "count", subject)
