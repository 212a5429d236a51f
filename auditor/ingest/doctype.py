"""What a document is: 部门决算 / 单位决算 (final accounts) or 部门预算 / 单位预算 (budget), read
from the cover and title lines and from the table titles."""

from __future__ import annotations

import re

from auditor.codes import compact

FINAL_ACCOUNTS = "final_accounts"
BUDGET = "budget"
DOCUMENT_NAMES_ZH = {FINAL_ACCOUNTS: "决算", BUDGET: "预算"}
SCOPE_NAMES_ZH = {"department": "部门", "unit": "单位"}

_TITLE_RE = re.compile(r"(部门|单位)(决算|预算)")
_TABLE_TITLE_RE = re.compile(r"(决算|预算)(总表|表|明细表)$")


def document_type(title_lines: list[str], table_titles: list[str]) -> tuple[str, str]:
    """(document type, scope) from the first lines of the document (cover, title, 目录) and
    the table titles; 决算 when the signals are even (the tool's first subject)."""
    votes = {FINAL_ACCOUNTS: 0, BUDGET: 0}
    scope = "department"
    for index, line in enumerate(title_lines):
        text = compact(line)
        weight = 3 if index < 15 and len(text) <= 60 else 1
        for match in _TITLE_RE.finditer(text):
            votes[FINAL_ACCOUNTS if match.group(2) == "决算" else BUDGET] += weight
            if index < 15 and match.group(1) == "单位":
                scope = "unit"
    for title in table_titles:
        found = _TABLE_TITLE_RE.search(compact(title))
        if found:
            votes[FINAL_ACCOUNTS if found.group(1) == "决算" else BUDGET] += 2
    kind = BUDGET if votes[BUDGET] > votes[FINAL_ACCOUNTS] else FINAL_ACCOUNTS
    return kind, scope
