"""Names in one form for matching: a question's subject against a report's row labels,
claim subjects and sentences. The forms index/ compares names in, each built on ``compact``:

    compact      white space removed (the project's ``auditor.codes.compact``)
    unquoted     … and quotation marks (how the corpus stores row labels and subjects)
    name_key     … remarks in brackets, the 类/款/项 marks, stray brackets and dashes, and
                 "收入、支出" read as 收支: the key the answerer and the reasons finder compare
                 a subject with a name or a sentence in
    listed_name  a report's name as a subject resolves to it (index/query.py): the printed
                 name without its ordinal ("一、"), full-width brackets and quotes. Not
                 ``name_key``: a resolved name is looked up and shown again, so it keeps the
                 report's spelling ("收入支出总计", not 收支总计)

A module that compares names uses these; it does not keep its own copy.
"""

from __future__ import annotations

import re

from auditor.codes import compact

__all__ = ["compact", "listed_name", "name_key", "unquoted", "without_class_marks"]

_UNQUOTED = re.compile(r"[\s“”\"'‘’]+")  # \s holds the full-width space
# a remark in brackets ("（含…）", "(注)"), not the 类/款/项 mark of a classified row
REMARK = re.compile(r"（(?!类|款|项)[^）]*）|\((?!类|款|项)[^)]*\)")
CLASS_MARK = re.compile(r"[（(](?:类|款|项)[）)]")
# two spellings of one name ("收入支出总计" is the 收支总计 a question asks for)
ALIASES = (("收、支", "收支"), ("收入、支出", "收支"), ("收入支出", "收支"))
_KEY_NOISE = re.compile(r"[（(](?:类|款|项)[）)]|[“”\"‘’（）()]|[-—－–·]")
_LISTED_NOISE = re.compile(r"[“”\"]|（[^）]*）")
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")


def unquoted(text: str | None) -> str:
    """White space and quotation marks removed."""
    return _UNQUOTED.sub("", text or "")


def without_class_marks(text: str) -> str:
    """"社会保障和就业支出（类）" → "社会保障和就业支出"."""
    return CLASS_MARK.sub("", text)


def name_key(text: str) -> str:
    """The form two names are compared in: "一般公共服务支出（类）" and "“一般公共服务”支出"
    meet; a remark in brackets and "收入、支出" (收支) do not keep them apart."""
    text = REMARK.sub("", compact(text))
    for old, new in ALIASES:
        text = text.replace(old, new)
    return _KEY_NOISE.sub("", text)


def listed_name(text: str) -> str:
    """A report's name as a question's subject resolves to it: "一、基本支出（类）" → "基本支出"."""
    return _ORDINAL.sub("", _LISTED_NOISE.sub("", compact(text)))
