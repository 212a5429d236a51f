"""Red-team probes (issue 17): each attack a hostile user tried, run against the real CLI, batch
runner and review store, with its outcome.

    python bench/redteam.py        # runs every probe, writes bench/results_redteam.md, exit 1 if any fails

The probes build their own inputs (a hand-crafted 621-byte-class PDF whose page MediaBox refers
to itself, a FIFO, /dev/zero, a symlink loop, a report full of formula-looking text, 200,000
blank lines inside a table) and check what the user sees. ``tests/test_redteam.py`` runs the same
probes one by one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PDF = ROOT / "examples" / "example_report.pdf"
EXAMPLE_TXT = ROOT / "examples" / "example_report.txt"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Outcome:
    name: str
    what: str  # Chinese: the attack
    ok: bool
    detail: str  # what happened (figures)
    seconds: float = 0.0


# ---- inputs ---------------------------------------------------------------------------------

def self_ref_pdf() -> bytes:
    """One page whose /MediaBox is an indirect reference to an object that is a reference to
    itself: resolving it never ends (pdfminer follows references in a loop)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox 4 0 R /Resources << >> /Contents 5 0 R >>",
        b"4 0 R",
        b"<< /Length 35 >>\nstream\nBT /F1 12 Tf 72 712 Td (x) Tj ET\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


HOSTILE_DEPARTMENT = "=2+3示例区社会保险服务中心"
HOSTILE_NOTE = "@SUM(1+1)*cmd|' /C calc'!A0"


def hostile_report_text() -> str:
    """The bundled example with formula-looking text where a reviewer's spreadsheet shows it: the
    department name starts with '=', row labels with '+' and '-'."""
    text = EXAMPLE_TXT.read_text(encoding="utf-8")
    text = text.replace("示例区社会保险服务中心", HOSTILE_DEPARTMENT)
    text = text.replace("八、其他收入\t", "+八、其他收入\t", 1)
    text = text.replace("九、卫生健康支出\t", "-九、卫生健康支出\t", 1)
    return text


def blank_run_text(blank_lines: int) -> str:
    """The example text report with ``blank_lines`` blank lines inside its first table."""
    text = EXAMPLE_TXT.read_text(encoding="utf-8")
    marker = "八、其他收入\t"
    at = text.index(marker)
    return text[:at] + "\n" * blank_lines + text[at:]


# ---- helpers ----------------------------------------------------------------------------------

def auditor(*args: str, timeout: float = 120.0) -> tuple[int, str, str, float]:
    """Run the CLI in its own process: (exit code, stdout, stderr, seconds); -9 if it had to be
    killed after ``timeout``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "auditor.cli", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        return -9, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), time.perf_counter() - started
    return process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), time.perf_counter() - started


def _last(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:160] if lines else ""


def formula_cells(path: Path) -> tuple[int, int, int]:
    """(formula cells, text cells, neutralised cells) over every sheet of a workbook."""
    from openpyxl import load_workbook

    formulas = texts = neutralised = 0
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas += 1
                elif isinstance(cell.value, str):
                    texts += 1
                    neutralised += cell.value.startswith("'") and cell.value[1:2] in FORMULA_START
    return formulas, texts, neutralised


def live_csv_fields(text: str) -> tuple[int, int]:
    """(fields a spreadsheet would evaluate, neutralised fields) of a CSV document."""
    from auditor.spreadsheet import safe_cell

    live = neutralised = 0
    for row in csv.reader(io.StringIO(text)):
        for field in row:
            live += safe_cell(field) != field
            neutralised += field.startswith("'") and field[1:2] in FORMULA_START
    return live, neutralised


# ---- probes ---------------------------------------------------------------------------------

def probe_self_ref_pdf(folder: Path) -> list[Outcome]:
    """audit, extract, ask and index on the self-referencing PDF all end soon after --timeout 5."""
    path = folder / "selfref.pdf"
    path.write_bytes(self_ref_pdf())
    outcomes = []
    for command, extra in (("audit", []), ("extract", []), ("ask", ["-q", "总计多少？", "--keyword-only"]), ("index", [])):
        code, _, err, seconds = auditor(command, str(path), *extra, "--timeout", "5", timeout=60)
        ok = code == 2 and seconds < 10 and "超过时间上限（5 秒）" in err
        outcomes.append(Outcome(f"self_ref_pdf:{command}",
                                f"页面 MediaBox 引用自身的 PDF（{len(self_ref_pdf())} 字节），{command} --timeout 5", ok,
                                f"退出码 {code}，{seconds:.1f} 秒：{_last(err)}", seconds))
    return outcomes


def special_files(folder: Path) -> dict[str, tuple[str, str]]:
    """name -> (path, the reason fragment expected)."""
    fifo = folder / "pipe.pdf"
    if not fifo.exists():
        os.mkfifo(fifo)
    loop_a, loop_b = folder / "loop_a.pdf", folder / "loop_b.pdf"
    for link, target in ((loop_a, loop_b), (loop_b, loop_a)):
        if not os.path.lexists(link):
            os.symlink(target, link)
    empty = folder / "empty_folder"
    empty.mkdir(exist_ok=True)
    return {"FIFO": (str(fifo), "命名管道"), "/dev/zero": ("/dev/zero", "字符设备"),
            "符号链接循环": (str(loop_a), "符号链接循环"), "文件夹": (str(empty), "文件夹")}


def probe_special_files(folder: Path) -> list[Outcome]:
    outcomes = []
    for label, (path, reason) in special_files(folder).items():
        code, _, err, seconds = auditor("audit", path, timeout=30)
        ok = code == 2 and reason in err and "Traceback" not in err and seconds < 10
        outcomes.append(Outcome(f"special:{label}", f"audit {label}", ok, f"退出码 {code}，{seconds:.1f} 秒：{_last(err)}",
                                seconds))
    return outcomes


def probe_batch_hostile(folder: Path) -> Outcome:
    """A batch given the self-referencing PDF, a FIFO, /dev/zero, a symlink loop, an empty folder,
    an unsupported file and one good report completes, with one row per entry."""
    (folder / "selfref.pdf").write_bytes(self_ref_pdf())
    (folder / "good.txt").write_text(EXAMPLE_TXT.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    entries = [str(folder / "selfref.pdf"), *(p for p, _ in special_files(folder).values()), str(folder / "good.txt"),
               str(folder / "notes.docx")]
    out = folder / "batch_out"
    code, stdout, err, seconds = auditor("batch", *entries, "--out", str(out), "--timeout", "5", "--jobs", "2",
                                         timeout=180)
    try:
        rows = json.loads((out / "batch.json").read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError):
        rows = []
    reasons = {Path(r["file"]).name: r.get("reason", "") for r in rows}
    expected = {"selfref.pdf": "超过时间上限", "pipe.pdf": "命名管道", "zero": "字符设备", "loop_a.pdf": "符号链接循环",
                "empty_folder": "没有可审核的文件", "notes.docx": "不支持的文件类型"}
    wrong = [name for name, fragment in expected.items() if fragment not in reasons.get(name, "")]
    good: dict[str, object] = next((r for r in rows if r["file"].endswith("good.txt")), {})
    ok = (code == 2 and len(rows) == len(entries) and not wrong and good.get("status") == "ok"
          and (out / "findings.csv").exists() and seconds < 60)
    return Outcome("batch_hostile", "batch：自引用 PDF + FIFO + /dev/zero + 符号链接循环 + 空文件夹 + .docx + 一份正常报告",
                   ok, f"退出码 {code}，{len(rows)}/{len(entries)} 行，{seconds:.1f} 秒；原因不符：{wrong or '无'}", seconds)


def probe_overwrites(folder: Path) -> list[Outcome]:
    report = folder / "r.txt"
    report.write_bytes(EXAMPLE_TXT.read_bytes())
    pdf = folder / "r.pdf"
    pdf.write_bytes(EXAMPLE_PDF.read_bytes())
    link = folder / "link.json"
    if not os.path.lexists(link):
        os.symlink(folder / "elsewhere.json", link)
    existing = folder / "existing.json"
    existing.write_text("{}", encoding="utf-8")
    attempts = [
        ("--out 为输入文件本身", ["audit", str(report), "--format", "json", "--out", str(report)], "就是输入文件"),
        ("--annotate 为输入 PDF", ["audit", str(pdf), "--annotate", str(pdf)], "就是输入文件"),
        ("--out 为符号链接", ["audit", str(report), "--format", "json", "--out", str(link)], "符号链接"),
        ("--out 已存在、未加 --force", ["audit", str(report), "--format", "json", "--out", str(existing)], "--force"),
        ("extract --out 为输入文件", ["extract", str(report), "--format", "csv", "--out", str(report)], "就是输入文件"),
    ]
    outcomes = []
    for label, args, fragment in attempts:
        code, _, err, seconds = auditor(*args)
        intact = (report.read_bytes() == EXAMPLE_TXT.read_bytes() and pdf.read_bytes() == EXAMPLE_PDF.read_bytes()
                  and existing.read_text(encoding="utf-8") == "{}" and not os.path.exists(folder / "elsewhere.json"))
        outcomes.append(Outcome(f"overwrite:{label}", label, code == 2 and fragment in err and intact,
                                f"退出码 {code}，输入完好 {intact}：{_last(err)}", seconds))
    code, _, err, seconds = auditor("audit", str(report), "--format", "json", "--out", str(existing), "--force")
    replaced = existing.read_text(encoding="utf-8").startswith('{"schema_version"') or '"schema_version"' in \
        existing.read_text(encoding="utf-8")
    outcomes.append(Outcome("overwrite:--force", "--out 已存在且加 --force", code in (0, 1) and replaced,
                            f"退出码 {code}，已替换 {replaced}", seconds))
    return outcomes


def probe_formulas(folder: Path) -> Outcome:
    """A hostile report (department '=…', row labels '+…' / '-…', a reviewer's note '@…') through
    every spreadsheet the project writes: no formula cell, every such field neutralised."""
    report = folder / "hostile.txt"
    report.write_text(hostile_report_text(), encoding="utf-8")
    reviews = folder / "reviews"
    started = time.perf_counter()
    _, stdout, _, _ = auditor("audit", str(report), "--format", "json")
    data = json.loads(stdout)
    from auditor.review import ReviewStore

    sha = hashlib.sha256(report.read_bytes()).hexdigest()
    store = ReviewStore(reviews, sha)
    for finding in data["findings"][:3]:
        store.set(finding["fingerprint"], "confirmed", HOSTILE_NOTE)
    xlsx = folder / "hostile.xlsx"
    auditor("audit", str(report), "--format", "xlsx", "--out", str(xlsx), "--review", str(reviews), "--force")
    batch_out = folder / "hostile_batch"
    auditor("batch", str(report), "--out", str(batch_out), "--jobs", "1")
    _, extract_csv, _, _ = auditor("extract", str(report), "--format", "csv")
    counts = {}
    for name, path in (("audit.xlsx", xlsx), ("findings.xlsx", batch_out / "findings.xlsx")):
        counts[name] = formula_cells(path) if path.exists() else (-1, 0, 0)
    csvs = {"extract.csv": extract_csv}
    for name in ("findings.csv", "reports.csv"):
        path = batch_out / name
        csvs[name] = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    csv_counts = {name: live_csv_fields(text) for name, text in csvs.items()}
    formulas = sum(c[0] for c in counts.values())
    live = sum(c[0] for c in csv_counts.values())
    neutralised = sum(c[2] for c in counts.values()) + sum(c[1] for c in csv_counts.values())
    ok = (data["report"]["department"] == HOSTILE_DEPARTMENT and formulas == 0 and live == 0
          and all(c[2] > 0 for c in counts.values()) and csv_counts["extract.csv"][1] > 0
          and csv_counts["findings.csv"][1] > 0)
    detail = (f"公式单元格 {formulas}（" + "，".join(f"{k} {v[0]}/{v[1]} 文本格，已中和 {v[2]}" for k, v in counts.items())
              + "）；CSV 可执行字段 " + str(live) + "（" + "，".join(f"{k} 已中和 {v[1]}" for k, v in csv_counts.items()) + "）")
    return Outcome("formulas", "恶意报告（部门名“=…”、科目“+…”“-…”、复核备注“@…”）导出 XLSX / CSV", ok,
                   detail + f"；共中和 {neutralised} 处", time.perf_counter() - started)


def probe_blank_lines(folder: Path) -> Outcome:
    from auditor.ingest.text import parse_text

    timings = {}
    for n in (20_000, 200_000):
        text = blank_run_text(n)
        started = time.perf_counter()
        parse_text(text)
        timings[n] = time.perf_counter() - started
    path = folder / "blank_200k.txt"
    path.write_text(blank_run_text(200_000), encoding="utf-8")
    code, _, err, seconds = auditor("audit", str(path), "--format", "json", "--timeout", "60", timeout=120)
    ratio = timings[200_000] / max(timings[20_000], 1e-6)
    ok = code in (0, 1) and seconds < 30 and ratio < 40
    return Outcome("blank_lines", "表格中夹 200,000 个空行的文本报告", ok,
                   f"解析 2 万行 {timings[20_000]:.3f} 秒、20 万行 {timings[200_000]:.3f} 秒（比值 {ratio:.1f}，线性约 10）；"
                   f"整份审核退出码 {code}，{seconds:.1f} 秒", seconds)


BAD_OPTIONS = [
    ["audit", str(EXAMPLE_TXT), "--timeout", "-1"],
    ["audit", str(EXAMPLE_TXT), "--timeout", "nan"],
    ["audit", str(EXAMPLE_TXT), "--max-memory-mb", "1"],
    ["audit", str(EXAMPLE_TXT), "--max-pages", "0"],
    ["audit", str(EXAMPLE_TXT), "--format", "exe"],
    ["audit", str(EXAMPLE_TXT), "--no-such-option"],
    ["audit", str(ROOT / "examples")],
    ["audit"],
    ["extract", str(EXAMPLE_TXT), "--max-pages", "-5"],
    ["batch", str(EXAMPLE_TXT), "--out", str(EXAMPLE_TXT), "--jobs", "1"],
    ["batch", str(EXAMPLE_TXT), "--out", "/tmp/x", "--jobs", "0"],
    ["ui", "--port", "70000"],
    ["ui", "--max-upload-mb", "0"],
    ["nosuchcommand"],
]


def probe_bad_options() -> list[Outcome]:
    outcomes = []
    for args in BAD_OPTIONS:
        code, out, err, seconds = auditor(*args, timeout=60)
        text = out + err
        english = [w for w in ("Error:", "Usage:", "Traceback", "Invalid value", "No such", "Missing") if w in text]
        ok = code == 2 and not english and any("\u4e00" <= ch <= "\u9fff" for ch in err)
        outcomes.append(Outcome("option:" + " ".join(a if len(a) < 30 else "…" + a[-20:] for a in args[1:] or args),
                                "auditor " + " ".join(Path(a).name if "/" in a else a for a in args), ok,
                                f"退出码 {code}：{_last(err)}" + (f"；英文 {english}" if english else ""), seconds))
    code, out, err, seconds = auditor("audit", "--help")
    english = [w for w in ("Show this message", "[default:", "Usage:", "Options:") if w in out]
    outcomes.append(Outcome("help", "auditor audit --help", code == 0 and not english and "显示本帮助并退出" in out,
                            f"退出码 {code}；英文 {english or '无'}", seconds))
    return outcomes


WRITER = """
import sys
from auditor.review import ReviewStore
store = ReviewStore(sys.argv[1], sys.argv[2])
for n in range(int(sys.argv[4])):
    store.set(f"{sys.argv[3]}-{n}", "confirmed", f"note {n}")
"""


def probe_review_marks(folder: Path, per_writer: int = 300) -> Outcome:
    from auditor.review import ReviewStore

    sha = "cd" * 32
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(folder / "marks"), sha, name, str(per_writer)], env=env)
               for name in ("a", "b")]
    codes = [w.wait(timeout=600) for w in writers]
    kept = len(ReviewStore(folder / "marks", sha).marks)
    return Outcome("review_marks", f"两个进程各写 {per_writer} 条复核标记", codes == [0, 0] and kept == 2 * per_writer,
                   f"保留 {kept}/{2 * per_writer}", time.perf_counter() - started)


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def probe_kill_resume(folder: Path, files: int = 8) -> Outcome:
    """kill -9 a running batch: its workers die with it, and the re-run redoes only the files that
    had not finished."""
    inputs = folder / "kill_in"
    inputs.mkdir(exist_ok=True)
    base = EXAMPLE_TXT.read_text(encoding="utf-8")
    for n in range(files):
        (inputs / f"r{n}.txt").write_text(base + f"\n附注 {n}\n", encoding="utf-8")
    out = folder / "kill_out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "auditor.cli", "batch", str(inputs), "--out", str(out), "--jobs", "2"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    journal = out / "batch.progress.jsonl"
    done_before = 0
    workers: set[int] = set()
    while time.perf_counter() - started < 300 and process.poll() is None:
        workers |= _descendants(process.pid)
        if journal.exists():
            done_before = len(journal.read_text(encoding="utf-8").splitlines())
            if done_before >= 2:
                break
        time.sleep(0.05)
    workers |= _descendants(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.1)
    orphans = [p for p in workers if _alive(p)]
    for pid in orphans:  # do not leave them behind
        os.kill(pid, signal.SIGKILL)
    done_before = len(journal.read_text(encoding="utf-8").splitlines()) if journal.exists() else 0
    code, stdout, _, _ = auditor("batch", str(inputs), "--out", str(out), "--jobs", "2", timeout=600)
    rows = json.loads((out / "batch.json").read_text(encoding="utf-8"))["rows"] if (out / "batch.json").exists() else []
    reused = f"其中 {done_before} 份未变化" in stdout
    ok = bool(workers) and not orphans and 0 < done_before < files and len(rows) == files and reused
    return Outcome("kill_resume", f"batch（{files} 份，2 进程）中途 kill -9，再运行", ok,
                   f"被杀前完成 {done_before} 份；工作进程 {len(workers)} 个，残留 {len(orphans)} 个；"
                   f"再运行沿用 {done_before} 份：{reused}，共 {len(rows)} 行", time.perf_counter() - started)


PROBES: dict[str, Callable[[Path], Outcome | list[Outcome]]] = {
    "self_ref_pdf": probe_self_ref_pdf,
    "special_files": probe_special_files,
    "batch_hostile": probe_batch_hostile,
    "overwrites": probe_overwrites,
    "formulas": probe_formulas,
    "blank_lines": probe_blank_lines,
    "bad_options": lambda _folder: probe_bad_options(),
    "review_marks": probe_review_marks,
    "kill_resume": probe_kill_resume,
}


def main() -> None:
    sys.path.insert(0, str(ROOT))
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="redteam-") as temporary:
        for name, probe in PROBES.items():
            folder = Path(temporary) / name
            folder.mkdir()
            result = probe(folder)
            for outcome in result if isinstance(result, list) else [result]:
                outcomes.append(outcome)
                print(f"{'PASS' if outcome.ok else 'FAIL'} {outcome.name}: {outcome.detail}", flush=True)
    failed = [o for o in outcomes if not o.ok]
    rows = ["| 探测 | 攻击 | 结果 | 通过 |", "|---|---|---|---|"]
    def shown(text: str) -> str:  # no machine-specific paths in the committed results
        return text.replace(temporary, "<临时目录>").replace(str(ROOT) + "/", "").replace("|", "/")

    rows += [f"| {shown(o.name)} | {shown(o.what)} | {shown(o.detail)} | {'是' if o.ok else '**否**'} |" for o in outcomes]
    text = "\n".join(["# Red-team probes (bench/redteam.py, `make redteam`)", "",
                      "Each attack from issue 17 run against the real CLI, batch runner and review store "
                      "(each CLI call in its own process).", "", *rows, "",
                      f"{len(outcomes) - len(failed)} of {len(outcomes)} probes pass.", ""])
    (ROOT / "bench" / "results_redteam.md").write_text(text, encoding="utf-8")
    print(text)
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
