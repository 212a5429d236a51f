"""The registry and the docs agree: every check module registers one documented check."""

from __future__ import annotations

import importlib
import pkgutil
import re

import auditor.checks as checks_package
from auditor.checks.base import DOC_SECTIONS, DOC_SECTIONS_ZH, REGISTRY, load_all

CODE_RE = re.compile(r"^(STR|SUM|XT|NAR|UNIT|YEAR|TPL|PERF|READ|BUD)\d{3}$")
HAN_RE = re.compile(r"[\u4e00-\u9fff]")


def _check_modules() -> list[str]:
    names = []
    for module in pkgutil.walk_packages(checks_package.__path__, checks_package.__name__ + "."):
        leaf = module.name.rsplit(".", 1)[-1]
        if CODE_RE.match(leaf):
            names.append(module.name)
    return names


def test_every_check_module_is_registered_under_its_file_name() -> None:
    load_all()
    modules = _check_modules()
    assert modules, "no check modules found"
    for name in modules:
        code = name.rsplit(".", 1)[-1]
        assert code in REGISTRY, f"{name} does not register {code}"
        check = REGISTRY[code]
        assert check.func.__module__ == name, f"{code} is registered from {check.func.__module__}, not {name}"
        category_folder = name.split(".")[-2]
        assert check.category == category_folder, f"{code}: category {check.category} vs folder {category_folder}"
    assert set(REGISTRY) == {m.rsplit(".", 1)[-1] for m in modules}


def test_every_check_is_documented() -> None:
    load_all()
    for code, check in REGISTRY.items():
        assert CODE_RE.match(code), code
        assert check.summary, f"{code} has no summary line"
        for section in DOC_SECTIONS:
            assert check.doc_section(section), f"{code} docstring lacks **{section}**"
        for section in DOC_SECTIONS_ZH:
            text = check.doc_section(section)
            assert text, f"{code} docstring lacks **{section}**"
            assert HAN_RE.search(text), f"{code}: **{section}** is not written in Chinese"
        basis = check.doc_section("Basis")
        assert not any(s in basis for s in DOC_SECTIONS_ZH), f"{code}: **Basis** runs into the Chinese sections"
        assert check.name.startswith(check.category + "."), f"{code}: name {check.name} not under {check.category}"


def test_codes_and_names_unique() -> None:
    load_all()
    names = [c.name for c in REGISTRY.values()]
    assert len(names) == len(set(names))


def test_modules_import_cleanly() -> None:
    for name in _check_modules():
        importlib.import_module(name)
