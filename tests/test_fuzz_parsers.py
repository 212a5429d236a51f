"""Property-based fuzzing of the number and claim parsers (issue 8): arbitrary cell text and
arbitrary narrative sentences, built from the characters reports actually contain, must never
raise anything but the documented ValueError, and what is parsed must be consistent."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.model import Location, NarrativeSentence
from auditor.narrative.claims import extract_sentence_claims
from auditor.numbers import looks_numeric, parse_amount, try_parse_amount

# Characters seen in number cells and narrative: digits, separators, signs, units, CJK words.
CELL_ALPHABET = "0123456789.,，．%％-−–－()（）—/… \u3000\u00a0元万亿千"
WORDS = [
    "年", "本年度", "上年", "决算", "预算", "支出", "收入", "万元", "元", "亿元", "%", "增加", "减少",
    "下降", "增长", "持平", "占", "比", "主要", "原因", "是", "为", "，", "。", "；", "、", "（", "）",
    "一般公共预算", "财政拨款", "社会保障和就业", "（类）", "（款）", "（项）", "三公", "经费", "公务接待费",
    "政府采购", "货物", "0", "1", "2", "9", "12", ".", "5", "2022", "2,940.05", "-", "第", "个", "次", "人",
]
SUBJECTS = ["", "基本支出", "社会保障和就业支出"]


@given(st.text(alphabet=CELL_ALPHABET, max_size=24), st.sampled_from(["万元", "元", "亿元", "千元"]))
@settings(max_examples=1500, deadline=None)
def test_parse_amount_never_crashes(raw: str, unit: str) -> None:
    try:
        amount = parse_amount(raw, unit)
    except ValueError as exc:
        assert "不是数字" in str(exc)
        assert not looks_numeric(raw)
        assert try_parse_amount(raw, unit) is None
        return
    if amount is None:
        return
    assert looks_numeric(raw)
    assert isinstance(amount.value, Decimal)
    assert amount.value.is_finite()
    assert amount.decimals >= 0
    assert amount.raw == raw


@given(st.lists(st.sampled_from(WORDS), max_size=40), st.sampled_from(SUBJECTS), st.sampled_from(SUBJECTS))
@settings(max_examples=800, deadline=None)
def test_claim_extraction_never_crashes(words: list[str], section: str, item: str) -> None:
    text = "".join(words)
    sentence = NarrativeSentence(text=text, location=Location(), section_title=section, part="", item=item)
    claims = extract_sentence_claims(sentence)
    for claim in claims:
        # Every claim points at its sentence, and a numeric claim's value is printed in it.
        assert claim.sentence is sentence
        if claim.value is not None:
            assert claim.value.is_finite()
