# auditor — 部门决算审核工具
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: setup demo test lint bench example clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

# 审核随附的示例报告：终端输出问题清单，并生成 HTML 报告（有“错误”级问题时 auditor 退出码为 1，属正常）
demo: setup
	$(BIN)/auditor audit examples/example_report.pdf --no-info || [ $$? -eq 1 ]
	$(BIN)/auditor audit examples/example_report.pdf --format html --out out/example_audit.html || [ $$? -eq 1 ]

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check auditor index prompts ui tests bench examples
	$(BIN)/mypy

# 基准：真实报告的审核耗时与 pdfplumber 基线对比；生成植入错误的语料并测提取、检出与速度
bench: setup
	$(BIN)/python bench/bench_audit.py
	$(BIN)/python bench/bench_corpus.py

# 由 examples/example_2022.yaml 重新生成示例 PDF 与文本
example: setup
	$(BIN)/python examples/build_example.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache build *.egg-info
