"""The name forms index/ matches in (index/text.py): one key for comparing a subject with a
report's names and sentences, one form for the names a subject resolves to."""

from __future__ import annotations

import pytest

from index.text import listed_name, name_key, unquoted, without_class_marks


@pytest.mark.parametrize(("a", "b"), [
    ("一般公共服务支出（类）", "“一般公共服务”支出"),  # class mark, quotes
    ("收入、支出 总计", "收支总计"),  # two spellings of one total, a space
    ("其他收入（含利息）", "其他收入"),  # a remark in brackets
    ("办公(款)费", "办公费"),  # a half-width class mark
    ("培训—会议费", "培训会议费"),  # a dash
])
def test_name_key_meets_two_spellings_of_one_name(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_name_key_keeps_what_tells_names_apart() -> None:
    assert name_key("基本支出") != name_key("项目支出")
    assert name_key("收入合计") != name_key("收支合计")  # only 收入、支出 / 收入支出 is 收支


def test_listed_name_keeps_the_reports_spelling() -> None:
    assert listed_name("一、收入支出总计（类）") == "收入支出总计"  # not aliased: it is shown and looked up again
    assert listed_name("“三公”经费 支出") == "三公经费支出"
    assert listed_name("办公费(注)") == "办公费(注)"  # a half-width remark is part of a listed name


def test_unquoted_and_class_marks() -> None:
    assert unquoted(" “机关 运行”经费 ") == "机关运行经费"
    assert unquoted(None) == ""
    assert without_class_marks("社会保障和就业支出（类）") == "社会保障和就业支出"
    assert without_class_marks("其他（项目）") == "其他（项目）"  # a remark, not a mark
