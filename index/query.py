"""Question → typed query: a small pipeline you can explain on one page (docs/qa.md).

    normalise → split into parts → intent from cue words → subject span (what is left after
    removing cue words and question particles) → resolve the span against the report's own
    row names and claim subjects (synonyms, then containment, then a fuzzy score)

The vocabularies (cue words, synonyms, periods, corpus cues) are data: ``query_vocab.yaml``.
The parser never produces a number: a ``Query`` says what is asked, the answerer finds the
figures. An optional LLM may propose a ``Query`` as JSON (``query_from_json``); anything not
valid falls back to the deterministic parser.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from index.text import compact, listed_name

if TYPE_CHECKING:
    from index.facts import FactBase

VOCAB_PATH = Path(__file__).with_name("query_vocab.yaml")

INTENTS = ("amount", "growth", "budget", "share", "rank", "by_class", "count", "why", "findings", "list")
MEASURES = ("amount", "count", "rate", "reason")
PERIODS = ("本年", "上年", "年初预算", "全年预算", "年末")
COMPARISONS = ("none", "last_year", "budget")
SCOPES = ("report", "corpus")
# intents that mean nothing without a subject (rank / by_class / findings scan the report)
NEEDS_SUBJECT = ("amount", "share", "growth", "budget", "count", "why", "list")


@dataclass
class Vocab:
    noise: list[str]
    synonyms: dict[str, list[str]]
    protected: list[str]
    intents: list[tuple[str, str]]  # (intent, regex of its cues), in priority order
    measures: dict[str, list[str]]
    periods: dict[str, list[str]]
    comparisons: dict[str, list[str]]
    whole_report: list[str]
    corpus: list[str]
    part_starts: list[str]
    default_subjects: dict[str, str]
    subject_noise: list[str]
    rewrite: re.Pattern[str] = field(init=False)
    replacement: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.replacement = {w: w for w in self.protected}
        for canonical, forms in self.synonyms.items():
            self.replacement[canonical] = canonical
            for form in forms:
                self.replacement.setdefault(form, canonical)
        forms = sorted(self.replacement, key=len, reverse=True)
        self.rewrite = re.compile("|".join(re.escape(f) for f in forms))


@cache
def vocab(path: Path = VOCAB_PATH) -> Vocab:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    intents = [(item["name"], "|".join(item["patterns"])) for item in data["intents"]]
    return Vocab(
        noise=sorted(data["noise"], key=len, reverse=True), synonyms=data["synonyms"], protected=data["protected"],
        intents=intents, measures=data["measures"], periods=data["periods"], comparisons=data["comparisons"],
        whole_report=data["whole_report"], corpus=data["corpus"], part_starts=data["part_starts"],
        default_subjects=data["default_subjects"], subject_noise=sorted(data["subject_noise"], key=len, reverse=True),
    )


@dataclass
class Query:
    """What a question (or one part of it) asks. ``canonical`` is the text the answer
    methods read (synonyms rewritten to the report's words)."""

    text: str
    canonical: str = ""
    intent: str = "amount"
    subject: str = ""
    resolved: str = ""  # the report's own name the subject matched ("" = none)
    score: float = 0.0
    measure: str = "amount"
    period: str = "本年"
    comparison: str = "none"
    scope: str = "report"
    whole_report: bool = False  # names the report's totals ("决算数小于预算数"): never carries a topic
    follow_up: bool = False  # shaped like a follow-up ("那…呢？", "它…")
    carried: bool = False  # subject taken from the previous question
    source: str = "parser"  # or "llm"
    forms: list[str] = field(default_factory=list)  # colloquial words the question used ("招待")

    @property
    def needs_subject(self) -> bool:
        return self.intent in NEEDS_SUBJECT

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---- 1. normalise -------------------------------------------------------------------

def normalise_text(text: str) -> str:
    """Full-width forms folded (but Chinese punctuation kept), spaces dropped, filler removed,
    colloquial words rewritten to the report's words."""
    text = unicodedata.normalize("NFKC", text).replace("?", "？").replace("!", "！").replace(",", "，")
    text = text.replace(";", "；").replace("(", "（").replace(")", "）").replace('"', "“")
    text = compact(text)
    v = vocab()
    for word in v.noise:
        text = text.replace(word, "")
    text = v.rewrite.sub(lambda m: v.replacement[m.group(0)], text)
    return re.sub(r"([\u4e00-\u9fff]{2,})(?=\1)", "", text)  # "年末还剩" → "年末年末结转和结余" → once


# ---- 2. split -----------------------------------------------------------------------

_ENUM = re.compile(r"^(?P<head>.*?)(?P<items>[\u4e00-\u9fff]{1,8}(?:、[\u4e00-\u9fff]{1,8})+)(?:三项|几项)?(?:分别|各自|各)(?P<tail>.*)$")


def split_parts(text: str) -> list[str]:
    """Sentences ending in ？/。/；/！ are parts; "…、为什么" starts a new part; "A、B、C各多少"
    becomes one part per item."""
    v = vocab()
    pieces = [p for p in re.split(r"(?<=[？。；！])", text) if p.strip("？。；！，")]
    starts = "|".join(re.escape(w) for w in v.part_starts)
    parts: list[str] = []
    for piece in pieces:
        for sub in re.split(rf"[，、](?=(?:那么?|又|以及|并且|还有)?(?:{starts}))", piece):
            if sub.strip("？。；！，"):
                parts.extend(_enumerated(sub))
    return parts or [text]


_SHARES = re.compile(r"^(?P<items>[\u4e00-\u9fff]{2,16}(?:[和与及、][\u4e00-\u9fff]{2,16})+?)(?:各|分别|各自)(?P<tail>占.+)$")


def _enumerated(part: str) -> list[str]:
    shares = _SHARES.match(part.rstrip("？。；！"))
    if shares:  # "人员经费和公用经费各占基本支出多少" → one share question per item
        return [f"{item}{shares.group('tail')}？" for item in re.split(r"[和与及、]", shares.group("items")) if item]
    match = _ENUM.match(part.rstrip("？。；！"))
    if not match or re.search(r"多少批次|人次", part) or detect_intent(part) == "findings":
        return [part]
    items = match.group("items").split("、")
    head, tail = match.group("head"), match.group("tail") or "是多少"
    if head and not re.search(r"[，。]$", head):
        return [part]  # "单位编制人数和实有人数各是多少" is one part (the answer method splits it)
    return [f"{item}{tail}？" for item in items]


# ---- 3. intent, measure, period, comparison, scope -----------------------------------

def detect_intent(question: str) -> str:
    v = vocab()
    count_cues = dict(v.intents)["count"]
    if "预算金额" in question and not re.search(r"完成|执行|决算", question):
        return "count" if re.search(count_cues, question) else "amount"
    for intent, pattern in v.intents:
        if re.search(pattern, question):
            if intent == "share" and re.search(r"占用|占有", question):
                continue
            return intent
    return "amount"


def _first_key(text: str, table: dict[str, list[str]], default: str) -> str:
    for key, words in table.items():
        if any(w in text for w in words):
            return key
    return default


def measure_of(text: str, intent: str) -> str:
    if intent == "why":
        return "reason"
    if intent == "count":
        return "count"
    if intent == "share" or re.search(r"率|比例|百分", text):
        return "rate"
    return "amount"


def period_of(text: str, intent: str) -> str:
    period = _first_key(text, vocab().periods, "本年")
    if period == "年初预算" and "全年预算" in text:
        return "全年预算"
    if period == "本年" and intent == "budget" and "预算" in text:
        return "年初预算"
    return period


def comparison_of(text: str, intent: str) -> str:
    if intent == "growth":
        return "last_year"
    if intent == "budget":
        return "budget"
    if intent == "why":
        return _first_key(text, {"budget": ["预算"], **vocab().comparisons}, "none")
    return "none"


def scope_of(text: str) -> str:
    return "corpus" if any(w in text for w in vocab().corpus) else "report"


# ---- 4. subject span ---------------------------------------------------------------

QUESTION_NOISE = re.compile(
    r"[？?。！!，,、：:\s“”\"]|这份报告|该报告|本报告|报告中|报告里|报告|本部门|该部门|本单位|该单位|的?数字|分别|各是|各自|"
    r"^(?:单位|部门)(?=有)|(?:为|共有?|总共有?|一共有?)(?=多少|几)|有几[辆个人家项名位台次批]|(?:花|用|发|拨|付|要)[了掉得过给]?(?:多少钱?|几多)|是多少钱|花了多少钱|花了多少|用了多少|花掉多少|多少钱|是多少|有多少|有几个|有几|多少|几个|几辆|几|"
    r"的支出决算|的决算|支出决算是|决算是|是什么|呢$|^那么?|^它|一下|吗|了|^全年|正文里的?|与表格|和表格|是啥|啥|"
    r"^其中|^另外|^还有"
)
COUNT_UNITS_RE = re.compile(r"^(?:辆|个|人次|批次|名|家|项|人)|(?:辆|个|人次|批次|名|家|项)$")
REASON_TAIL = re.compile(r"(?:的)?(?:决算数?)?(?:小于|大于|低于|高于|超过|少于)(?:年初|全年)?预算数?|没有?用完预算|超过年初预算|"
                         r"比(?:年初|全年)?预算(?:少|多)(?:那么多|这么多|了)?|比上年增加|比上年减少|增加|减少|下降|增长$")
FINDING_WORDS = re.compile(r"(?<=.)(?:那几个|那个|这个|那些|这些)|(?<=..)(?:的|数字?|数据|数额|金额|加起来|表述|说法|合计|问题|核对|核实|核查|"
                           r"计算|算得|和其明细科目之和|与其明细科目之和|明细|增长率|增幅|降幅)+$")
FINDING_TAIL = re.compile(r"的(?:增长率|比例|数字|数据|文字说明|说明)$|这个说法|的?说法")

# Everyday words for the two grand totals ("这个部门一共花了多少钱？" → 本年支出合计)
TOTAL_WORDS = {
    "": "本年支出合计", "花": "本年支出合计", "花费": "本年支出合计", "支出": "本年支出合计", "总支出": "本年支出合计",
    "支出总额": "本年支出合计", "全部支出": "本年支出合计", "开支": "本年支出合计", "花钱": "本年支出合计",
    "收入": "本年收入合计", "总收入": "本年收入合计", "收入总额": "本年收入合计", "全部收入": "本年收入合计",
    "收到": "本年收入合计",
}


WHOLE_PART = (  # "X在Y里占…", "Y里头X占…", "Y中X占…": (part, whole)
    (re.compile(r"^(?P<part>.+?)在(?P<whole>.+?)(?:里头|里面|当中|之中|里|中)?占"), ),
    (re.compile(r"^(?P<whole>.+?)(?:里头|里面|当中|之中|里|中)(?P<part>[^里中]+?)占"), ),
)
SHARE_WORDS = re.compile(r"的?(?:比例|比重|百分比|份额)$")
# "基本支出中公用经费": the part. Not the 中 of a word (高中, 初中, 其中, 集中, 中专, 中小企业, 中心, 中央, 中学)
WITHIN = re.compile(r"^(?P<whole>.{2,}?)(?:里头|里面|当中|之中|(?<![高初其集空])中(?![专小心央学等型])的?|里的?)(?P<part>.{2,})$")
WHY_CUT = re.compile(r"较上年|比上年|与上年|和上年|跟上年|同比|比预算|较预算|决算数|未完成|没完成|没有?把|没有?用完|超预算|超过|超出|"
                     r"怎么|花得|增加|减少|增长|下降|上升|降低|涨|变化|的主要$|主要$")


def share_parts(question: str) -> tuple[str, str]:
    """(part, whole) of a share question, or ("", "")."""
    text = question.strip().rstrip("？?。！!")
    for (pattern,) in WHOLE_PART:
        match = pattern.search(text)
        if match and len(match.group("part")) >= 2 and len(match.group("whole")) >= 2:
            return match.group("part"), match.group("whole")
    return "", ""


def share_whole(question: str) -> str:
    """The whole a share is of ("占本年支出合计的比例" → 本年支出合计); "" when not named."""
    whole = share_parts(question)[1]
    if not whole:
        match = re.search(r"占(.+?)(?:的)?(?:比例|比重|百分比|份额|多少|几成|百分之)", question)
        whole = match.group(1) if match else ""
    whole = re.sub(r"^(?:了|有)|的$", "", whole)
    return "" if re.fullmatch(r"(?:了|有)?(?:多少|几|百分之几|多大|多大头|多少比例)?", whole) else whole


def subject_of(question: str, intent: str) -> str:
    """The subject span: the question without its cue words and question particles."""
    text = question.strip().rstrip("？?。！!")
    for word in vocab().subject_noise:
        text = text.replace(word, "")
    if intent == "share":
        part, _ = share_parts(text)
        text = part or re.split(r"占", text, maxsplit=1)[0]
        text = SHARE_WORDS.sub("", text)
    if intent == "growth":
        text = re.split(r"同比|环比|比上年|和上年|与上年|对比上年|跟上年|较上年|上年|增长|增加|减少|增减|有什么变化|变化|变动|涨|降了|多了|少了",
                        text, maxsplit=1)[0]
    if intent == "why":
        text = re.split(r"为什么|为何|的原因|原因|怎么会|咋|因为什么", text, maxsplit=1)[0] or \
            re.sub(r"为什么|为何|的?(?:主要)?原因(?:是什么|是啥|何在)?|怎么会|咋|因为什么", "", text)
        text = REASON_TAIL.sub("", compact(text))
        text = WHY_CUT.split(text, maxsplit=1)[0]
    if intent == "budget":
        text = re.split(r"的?年初预算|的?全年预算|的?预算(?!财政拨款|拨款)|完成|执行|计划", text, maxsplit=1)[0]
    if intent == "findings":
        quoted = re.search(r"[“\"](.+?)[”\"]这个", text)
        text = quoted.group(1) if quoted else re.split(
            r"的?(?:数字|文字说明|说明|数据)?(?:有|是否|前后|在各表)|对吗|对不对|算得|一致|一样|相同|相符|对得上|准确|准不准", text, maxsplit=1)[0]
        text = FINDING_TAIL.sub("", compact(text))
        text = FINDING_WORDS.sub("", text) or text
        text = re.sub(dict(vocab().intents)["findings"], "", text)
    if intent == "list":
        text = re.split(r"(?:都|主要|具体)?(?:包括|包含|有|是)(?:哪些|什么|啥|哪几)|都有哪些|哪些内容|分别是什么|列举|都是什么", text, maxsplit=1)[0]
    if intent in ("rank", "by_class"):  # the scope is read by the answer method; the span names the domain
        text = re.sub(r"哪一?[类项个样种笔]|什么|哪些|是哪|金额|最多|最大|最高|最少|最小|最低|的是|排名|按类|各类|分别|"
                      r"几大类|哪几类|结构|构成|花钱|花得|用得|数额|按功能分类的?类?", "", text)
        text = re.sub(r"(?:中|里|里面|里头|之中|当中|的)+$", "", QUESTION_NOISE.sub("", text))
    if intent == "count":
        text = COUNT_UNITS_RE.sub("", QUESTION_NOISE.sub("", text))
        text = re.sub(r"的?(?:数量|保有量|数目|总数|个数)$|(?<=项目|单位|团组|科室|机构)数$", "", text)
    text = QUESTION_NOISE.sub("", text)
    within = WITHIN.match(text)
    if within and intent in ("amount", "count", "budget", "growth", "why"):
        text = within.group("part")  # "基本支出中公用经费": 公用经费
    text = re.sub(r"^其中|^(?:19|20)\d{2}年度?(?=[\u4e00-\u9fff])", "", text)  # "2016年度本年收入": the year is not the subject
    text = re.sub(r"(?<=[\u4e00-\u9fff]{2})(?:上|方面|这块|那块)$", "", text)  # "培训上花了多少"
    text = re.sub(r"(?:的支出)?(决算数?|的)$|的$|(?<=[\u4e00-\u9fff]{2})的?钱$", "", text).strip()
    core = re.sub(r"^(?:这个|这家|该)?(?:部门|单位)?(?:一共|总共|共计|全年|合计)?", "", text)
    if intent in ("amount", "growth", "budget") and core in TOTAL_WORDS and (core or re.search(r"花|支出|开支", question)):
        return TOTAL_WORDS[core]
    return text


# question words after a subject ("…比上年增减了多少", "…小于预算数", "…的用途")
SUBJECT_TAIL = re.compile(
    r"(?:比上年|比去年|较上年|与上年相比|同比|上年)?(?:的)?(?:增减|增加|减少|增长|下降|变化|变动)?(?:了)?(?:多少|几何)?$|"
    r"(?:的)?(?:决算数?|支出)?(?:小于|大于|低于|高于|超过|少于)(?:年初|全年)?预算数?$|的?(?:用途|用处)$")


def clean_subject(subject: str) -> str:
    """'一般公共预算财政拨款支出比上年增减' → '一般公共预算财政拨款支出'."""
    text = compact(subject)
    for _ in range(3):
        stripped = SUBJECT_TAIL.sub("", text)
        if stripped == text:
            break
        text = stripped
    return re.sub(r"[、，,和及与]+$", "", text)


# ---- 5. resolve against the report -------------------------------------------------

def report_name_kinds(base: FactBase) -> dict[str, set[str]]:
    """The names a subject can resolve to — row labels and claim subjects of this report, in
    report order — each with the kinds of fact it names ("row", or the claim's kind)."""
    names: dict[str, set[str]] = {}
    for fact in base.facts:
        if fact.kind in ("row", "claim") and fact.subject and not fact.extra.get("suspect"):
            kind = "row" if fact.kind == "row" else fact.extra.get("kind", "")
            if kind in ("year", "date"):
                continue
            name = listed_name(fact.subject)
            if 2 <= len(name) <= 40:
                names.setdefault(name, set()).add(kind)
    return names


def report_names(base: FactBase) -> list[str]:
    return list(report_name_kinds(base))


# which names can answer which intent
INTENT_KINDS = {"count": {"count"}, "amount": {"row", "amount", "outturn"}, "budget": {"budget", "outturn", "completion"},
                "growth": {"growth"}, "share": {"share", "row", "amount", "outturn"}}


def rewritten_forms(text: str) -> list[str]:
    """The colloquial words of a question that normalise_text rewrote (their own spelling)."""
    v = vocab()
    return [m.group(0) for m in v.rewrite.finditer(compact(text)) if v.replacement[m.group(0)] != m.group(0)]


def alternatives(query: Query, kinds: dict[str, set[str]], limit: int = 3) -> list[str]:
    """Other readings of a subject that found nothing: the report name it resolved to, then
    the names of the right kind containing the subject or a word it was rewritten from
    ("招待" → the count "接待来访团组"), shortest first."""
    if not query.subject or query.intent not in (*INTENT_KINDS, "why"):
        return []
    wanted = INTENT_KINDS.get(query.intent) or {k for ks in kinds.values() for k in ks}
    out: list[str] = []
    v = vocab()
    for form in query.forms:  # the user's own word first ("财政拨款支出" as the report prints it)
        canonical = v.replacement[form]
        if canonical in query.subject and len(form) >= 2:
            out.append(query.subject.replace(canonical, form))
    if query.resolved and query.score >= 0.7 and query.resolved != query.subject and kinds.get(query.resolved, set()) & wanted:
        out.append(query.resolved)
    words = [listed_name(query.subject)]
    for form in query.forms:
        canonical = v.replacement[form]
        if canonical in query.subject:
            stem = re.sub(r"(?:经费|费用|费|支出)$", "", canonical)
            words += [form, stem, stem[-2:]]
    for word in dict.fromkeys(w for w in words if len(w) >= 2):
        found = sorted((n for n, k in kinds.items() if word in n and n != query.subject and k & wanted), key=len)
        out += [n for n in found if n not in out]
    close = covering(listed_name(query.subject), [n for n, k in kinds.items() if k & wanted])
    out += [n for n in close if n not in out]
    return out[:limit]


def covering(span: str, names: list[str], least: int = 4, share: float = 0.55) -> list[str]:
    """Names sharing most of the span's characters in order ("财政代缴养老保险费" →
    "财政代缴城乡居民基本养老保险费支出"): at least ``least`` characters and ``share`` of the span."""
    if len(span) < 3:
        return []
    scored = []
    chars = set(span)
    for name in names:
        if len(chars & set(name)) < least:
            continue
        matcher = SequenceMatcher(None, span, name, autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks() if block.size >= 2)
        words = [span[i : i + 2] for i in range(0, len(span) - 1, 2)]
        if len(span) % 2 == 0 and len(words) >= 2 and all(w in name for w in words):
            same = max(same, len(span))  # the same words in another order: "货物采购" → "政府采购货物支出"
        if same >= least and same / len(span) >= share:
            scored.append((-same, -matcher.ratio(), name))
    return [name for *_, name in sorted(scored)[:2]]


def resolve(span: str, names: list[str]) -> tuple[str, float]:
    """The report name the span means, and how sure: exact (1.0), the span is the name plus
    words (a name wholly inside the span, 0.9), the span is part of a name (0.85), else the
    best fuzzy ratio (≥ 0.7)."""
    bare = listed_name(span)
    if len(bare) < 2 or not names:
        return "", 0.0
    if bare in names:
        return bare, 1.0
    around = [n for n in names if len(bare) >= 3 and bare in n]
    close = [n for n in around if len(bare) / len(n) >= 0.6]
    if close:  # "其他社会工作事务" is most of "其他社会工作事务支出"
        return min(close, key=len), 0.85
    inside = [n for n in names if len(n) >= 3 and n in bare]
    if inside:
        return max(inside, key=len), 0.9
    if around:
        return min(around, key=len), 0.85
    best, score = "", 0.0
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(bare)
    for name in names:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() <= max(score, 0.69) or matcher.quick_ratio() <= max(score, 0.69):
            continue  # cannot beat the best so far (upper bounds of the ratio)
        ratio = matcher.ratio()
        if ratio > score:
            best, score = name, ratio
    return (best, score) if score >= 0.7 else ("", score)


def _subject_words_only(subject: str) -> bool:
    return bool(re.search(r"和|与|及|以及|其中|的(?:基本支出|项目支出)$", subject))


# ---- the pipeline -----------------------------------------------------------------

FOLLOW_UP = re.compile(r"^(?:那|那么|它|其(?!中)|该项|这一项|这一类|年末的|还有|另外|再)")


def parse_part(text: str, base: FactBase | None = None, names: list[str] | None = None,
               forms: list[str] | None = None) -> Query:
    canonical = normalise_text(text)
    intent = detect_intent(canonical)
    subject = subject_of(canonical, intent)
    query = Query(text=text, canonical=canonical, intent=intent, subject=subject,
                  measure=measure_of(canonical, intent), period=period_of(canonical, intent),
                  comparison=comparison_of(canonical, intent), scope=scope_of(canonical),
                  whole_report=any(re.search(w, canonical) for w in vocab().whole_report),
                  follow_up=bool(FOLLOW_UP.match(canonical)) or (canonical.rstrip("？。").endswith("呢") and len(canonical) <= 16),
                  forms=forms if forms is not None else rewritten_forms(text))
    if names is None and base is not None:
        names = report_names(base)
    if subject and names:
        query.resolved, query.score = resolve(subject, names)
        # the span is a report name plus filler ("住房公积金这块支出" → 住房公积金)
        if query.score == 0.9 and intent != "findings" and not _subject_words_only(subject) \
                and _keeps_meaning(subject, query.resolved):
            query.subject = _qualified(subject, query.resolved, names)
    return query


def _qualified(span: str, name: str, names: list[str]) -> str:
    """The name inside the span, unless the leftover words qualify it and another name
    carries them ("工程类政府采购金额": 工程采购金额, not 政府采购金额)."""
    rest = re.sub(r"[类的]|方面|本年度?|全年|今年|当年|年度|总", "", listed_name(span).replace(name, "", 1))
    if len(rest) >= 2:
        richer = [n for n in names if rest in n and n != name and len(set(n) & set(name) - set(rest)) * 2 >= len(set(name))]
        if richer:
            return min(richer, key=len)
    return name


def _keeps_meaning(span: str, name: str) -> bool:
    """Replacing the span by the name inside it drops only filler, not a qualifier: the
    leftover is short and not itself a budget word."""
    rest = listed_name(span).replace(name, "", 1)
    return len(rest) <= 6 and not re.search(r"收入|支出|预算|财政|基本|项目|经费|费|合计|总", rest)


def parse(question: str, base: FactBase | None = None) -> list[Query]:
    """One query per part of the question."""
    names = report_names(base) if base is not None else None
    return [parse_part(part, base, names, rewritten_forms(question)) for part in split_parts(normalise_text(question))]


def compose(subject: str, previous: str, names: list[str]) -> str:
    """A part whose subject names only a kind ("货物" after "政府采购金额") joined with the
    previous subject's tail, when that makes a report name."""
    if not previous or not subject or not names:
        return ""
    prev = listed_name(previous)
    candidates = [subject + prev[i:] for i in range(1, len(prev))] + [prev[:i] + subject for i in range(1, len(prev))]
    candidates += [prev[:i] + subject + prev[j:] for i in range(1, len(prev)) for j in range(i + 1, len(prev))]
    best = [c for c in candidates if c in names]
    return max(best, key=len) if best else ""


# ---- optional LLM → typed query ------------------------------------------------------

QUERY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["intent"],
    "properties": {
        "intent": {"enum": list(INTENTS)},
        "subject": {"type": "string", "maxLength": 60},
        "measure": {"enum": list(MEASURES)},
        "period": {"enum": list(PERIODS)},
        "comparison": {"enum": list(COMPARISONS)},
        "scope": {"enum": list(SCOPES)},
    },
}


class InvalidQuery(ValueError):
    """An LLM's query proposal that does not validate against QUERY_SCHEMA."""


def validate_query_json(raw: str, question: str) -> dict[str, str]:
    """The fields of a JSON query proposal, checked against QUERY_SCHEMA by hand (no extra
    dependency). Unknown fields, wrong types, numbers anywhere, or a subject with words not
    in the question raise InvalidQuery."""
    if not isinstance(raw, str) or len(raw) > 2000:
        raise InvalidQuery("not a short string")
    text = raw.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, re.S)
    if fenced:
        text = fenced.group(1)
    try:
        data = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(InvalidQuery(c)))
    except (ValueError, RecursionError) as exc:
        raise InvalidQuery(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidQuery("not an object")
    props = QUERY_SCHEMA["properties"]
    unknown = set(data) - set(props)
    if unknown:
        raise InvalidQuery(f"unknown fields: {sorted(unknown)}")
    for key in QUERY_SCHEMA["required"]:
        if key not in data:
            raise InvalidQuery(f"missing {key}")
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise InvalidQuery(f"{key} is not a string")
        rule = props[key]
        if "enum" in rule and value not in rule["enum"]:
            raise InvalidQuery(f"{key}={value!r} not allowed")
        if "maxLength" in rule and len(value) > rule["maxLength"]:
            raise InvalidQuery(f"{key} too long")
        if re.search(r"\d", unicodedata.normalize("NFKC", value)):
            raise InvalidQuery("numbers are never taken from the model")
        out[key] = value
    subject = compact(out.get("subject", ""))
    if subject:
        asked = normalise_text(question)
        if not all(ch in asked or ch in compact(question) for ch in subject):
            raise InvalidQuery("subject has words the question does not")
        out["subject"] = subject
    return out


QUERY_PROMPT = (
    "把用户关于一份部门决算报告的问题转换为JSON，只输出JSON，不要输出任何数字。字段：intent（" + "/".join(INTENTS)
    + "），subject（问题中的事项原文），measure（" + "/".join(MEASURES) + "），period（" + "/".join(PERIODS)
    + "），comparison（" + "/".join(COMPARISONS) + "），scope（report/corpus）。"
)


def query_from_json(raw: str, question: str, base: FactBase | None = None) -> Query:
    """A Query from an LLM's JSON proposal; the deterministic parse when it is invalid."""
    parsed = parse_part(normalise_text(question), base)
    try:
        fields = validate_query_json(raw, question)
    except InvalidQuery:
        return parsed
    query = Query(text=question, canonical=parsed.canonical, intent=fields["intent"],
                  subject=fields.get("subject", parsed.subject), measure=fields.get("measure", parsed.measure),
                  period=fields.get("period", parsed.period), comparison=fields.get("comparison", parsed.comparison),
                  scope=fields.get("scope", parsed.scope), whole_report=parsed.whole_report,
                  follow_up=parsed.follow_up, source="llm")
    if base is not None and query.subject:
        query.resolved, query.score = resolve(query.subject, report_names(base))
    return query


def llm_query(chat: Any, question: str, base: FactBase | None = None) -> Query:
    """Ask a chat model for the typed query; any failure falls back to the parser."""
    try:
        from langchain_core.messages import HumanMessage, SystemMessage

        reply = chat.invoke([SystemMessage(content=QUERY_PROMPT), HumanMessage(content=question[:500])])
        raw = reply.content if isinstance(reply.content, str) else ""
    except Exception:  # noqa: BLE001 - a failing model never blocks the question
        return parse_part(normalise_text(question), base)
    return query_from_json(raw, question, base)
