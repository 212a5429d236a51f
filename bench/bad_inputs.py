"""A corpus of bad inputs, and what each does to the CLI, the batch runner and the UI.

    python bench/bad_inputs.py [--out DIR]     # builds the corpus, runs it, writes bench/results_bad_inputs.md

Every file is made here from the bundled example (or from nothing): zero-byte, truncated,
corrupt xref, encrypted with and without a user password, other formats renamed .pdf, an
image-only scan, 1,000 pages, a decompression bomb, deeply nested objects, GBK / UTF-16 /
binary text, garbage in number cells, a report without tables. The tests build the small
ones (``build(folder, large=False)``); this script adds the large ones and measures.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PDF = ROOT / "examples" / "example_report.pdf"
EXAMPLE_TXT = ROOT / "examples" / "example_report.txt"
SPEC = ROOT / "examples" / "example_2022.yaml"


@dataclass(frozen=True)
class Case:
    name: str
    what: str  # Chinese description for the results table
    expect: str  # "error" (exit 2 with a reason), "audited" (exit 0/1), or "either"
    reason: str = ""  # a fragment the Chinese reason must contain when expect == "error"


def _pdf(objects: list[bytes]) -> bytes:
    """A minimal PDF from object bodies (numbered from 1), with a correct xref table."""
    buffer = io.BytesIO()
    buffer.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(buffer.tell())
        buffer.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = buffer.tell()
    buffer.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        buffer.write(b"%010d 00000 n \n" % offset)
    buffer.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return buffer.getvalue()


def _one_page(content: bytes, flate: bool) -> bytes:
    header = b"<< /Length %d %s>>\nstream\n" % (len(content), b"/Filter /FlateDecode " if flate else b"")
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        header + content + b"\nendstream",
    ])


def decompression_bomb(megabytes: int) -> bytes:
    """One page whose content stream inflates to ``megabytes`` MiB of blanks (about 1/1000 packed)."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    packed = b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()
    return _one_page(packed, flate=True)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         'package/2006/content-types"/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.'
                         'org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>部门决算</w:t></w:r></w:p></w:body>'
                         '</w:document>')
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("report.pdf", EXAMPLE_PDF.read_bytes())
    return buffer.getvalue()


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _scanned(pages: int = 3) -> bytes:
    """The first pages of the example as images only: what a scanner produces."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(EXAMPLE_PDF))
    try:
        images = [document[i].render(scale=1.2).to_pil().convert("RGB") for i in range(pages)]
    finally:
        document.close()
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=86)
    return buffer.getvalue()


def _many_pages(count: int) -> bytes:
    from reportlab.pdfgen import canvas

    from auditor.synth.pdf import CJK_FONT, register_fonts

    register_fonts()
    font = CJK_FONT
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number in range(1, count + 1):
        pdf.setFont(font, 12)
        pdf.drawString(72, 760, f"示例单位部门决算 第{number}页")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _encrypted(user_password: str) -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    from auditor.synth import load_spec, pdf_bytes

    return pdf_bytes(load_spec(SPEC), encrypt=StandardEncryption(user_password, ownerPassword="owner-secret",
                                                                 canModify=0))


def _corrupt_xref(data: bytes) -> bytes:
    """The xref table overwritten with garbage and startxref pointing at nothing."""
    start = data.rfind(b"xref")
    garbage = bytes((i * 37) % 251 for i in range(len(data) - start))
    damaged = data[:start] + garbage
    return damaged + b"\nstartxref\n999999999\n%%EOF\n"


def _garbage_cells(text: str) -> str:
    """Number cells of the tables replaced by junk in a rotating set of shapes."""
    junk = ["12a.3x", "N/A", "#REF!", "１２３．４", "--5..2", "1e309", "∞", "(3,2,1)", "０.0.0", "￥12"]
    counter = iter(range(10**9))

    def swap(match: re.Match[str]) -> str:
        return junk[next(counter) % len(junk)] if next(counter) % 3 == 0 else match.group(0)

    lines = []
    for line in text.splitlines():
        lines.append(re.sub(r"(?<=\t)-?\d[\d,]*\.?\d*(?=\t|$)", swap, line) if "\t" in line else line)
    return "\n".join(lines)


def build(folder: Path, large: bool = True) -> list[tuple[Case, Path]]:
    """Write the corpus into ``folder``; ``large`` adds the 1,000-page PDF and the 1 GiB bomb."""
    folder.mkdir(parents=True, exist_ok=True)
    example = EXAMPLE_PDF.read_bytes()
    text = EXAMPLE_TXT.read_text(encoding="utf-8")
    narrative_only = "\n".join(line for line in text.splitlines() if "\t" not in line)
    files: list[tuple[Case, bytes | str]] = [
        (Case("zero_byte.pdf", "0 字节文件", "error", "文件为空"), b""),
        (Case("truncated.pdf", "PDF 只剩前 40%", "error", "损坏"), example[: len(example) * 2 // 5]),
        (Case("corrupt_xref.pdf", "交叉引用表被改写为乱码", "either"), _corrupt_xref(example)),
        (Case("encrypted_user_password.pdf", "加密，需用户密码", "error", "已加密"), _encrypted("open-sesame")),
        (Case("encrypted_owner_only.pdf", "加密，仅有所有者密码（限制权限）", "either"), _encrypted("")),
        (Case("docx_renamed.pdf", "Word 文档改名为 .pdf", "error", "Office 文档"), _docx()),
        (Case("report.docx", "Word 文档（原扩展名）", "error", "Office 文档"), _docx()),
        (Case("png_renamed.pdf", "PNG 图片改名为 .pdf", "error", "PNG 图片"), _png()),
        (Case("zip_renamed.pdf", "ZIP 压缩包（内含 PDF）改名为 .pdf", "error", "ZIP 压缩包"), _zip()),
        (Case("scanned.pdf", "扫描件：只有图片的 PDF", "error", "扫描件，无文本层"), _scanned()),
        (Case("nested_arrays.pdf", "内容流中 10 万层嵌套数组", "error", ""),
         _one_page(b"[" * 100_000 + b"]" * 100_000, flate=False)),
        (Case("nested_graphics.pdf", "内容流中 50 万层 q/Q 嵌套", "error", ""),
         _one_page(zlib.compress(b"q " * 500_000 + b"Q " * 500_000), flate=True)),
        (Case("gbk.txt", "文本报告，GBK 编码", "audited"), text.encode("gbk")),
        (Case("utf16.txt", "文本报告，UTF-16（带 BOM）", "audited"), text.encode("utf-16")),
        (Case("utf8_bom.txt", "文本报告，UTF-8 带 BOM", "audited"), text.encode("utf-8-sig")),
        (Case("binary.txt", "二进制数据改名为 .txt", "error", ""), bytes(range(256)) * 64),
        (Case("blank.txt", "只有空白的文本", "error", "文件为空"), b" \n\t\n   \n"),
        (Case("garbage_cells.txt", "表格数字单元格混入乱码", "audited"), _garbage_cells(text)),
        (Case("no_tables.txt", "只有正文、没有任何表格", "audited"), narrative_only),
        (Case("not_a_report.txt", "与决算无关的文本", "error", "没有部门决算的内容"), "会议通知\n请各单位于周五前报送材料。\n"),
    ]
    if large:
        files += [
            (Case("pages_1000.pdf", "1,000 页 PDF（上限 500 页）", "error", "超过上限"), _many_pages(1000)),
            (Case("bomb_1gib.pdf", "解压后 1 GiB 的内容流（压缩后约 1 MB）", "error", "内存超过上限"),
             decompression_bomb(1024)),
        ]
    written = []
    for case, content in files:
        path = folder / case.name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        written.append((case, path))
    return written


def run_cli(path: Path, *options: str) -> tuple[int, str, float, int]:
    """`auditor audit FILE` in a child process: exit code, last stderr line, seconds, peak RSS (MB)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "auditor.cli", "audit", str(path), "--format", "json", *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stderr is not None
    stderr = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    lines = [line for line in stderr.splitlines() if line.strip()]
    return process.returncode, (lines[-1] if lines else ""), seconds, usage.ru_maxrss // 1024


def run_ui(path: Path) -> tuple[str, float]:
    """Open the file in a UI workspace from a request-like thread: the message a user would see."""
    from auditor.ingest.errors import InputError
    from ui.workbench import UISettings, Workspace

    outcome: list[tuple[str, float]] = []

    def work() -> None:
        workspace = Workspace(UISettings(vectors=False, review_dir=Path(os.environ.get("TMPDIR", "/tmp")) / "bad-rev"))
        started = time.perf_counter()
        try:
            workspace.open(path, path.name, index=False)
            counts = workspace.summary()["counts"]
            outcome.append((f"已打开：错误 {counts['error']}，警告 {counts['warning']}", time.perf_counter() - started))
        except InputError as exc:
            outcome.append((f"无法打开：{exc.reason}", time.perf_counter() - started))
        finally:
            workspace.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return outcome[0]


def main() -> None:
    parser = argparse.ArgumentParser(description="坏输入语料：构建并测量")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "bad_inputs")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    cases = build(args.out)
    rows = ["| 文件 | 内容 | CLI 退出码 | CLI 信息（最后一行） | 秒 | 峰值内存 MB | 界面信息 | 界面秒 | 符合预期 |",
            "|---|---|---|---|---|---|---|---|---|"]
    problems = 0
    for case, path in cases:
        code, message, seconds, rss = run_cli(path)
        ui_message, ui_seconds = run_ui(path)
        ok = "Traceback" not in message and (
            (case.expect == "error" and code == 2 and case.reason in message)
            or (case.expect == "audited" and code in (0, 1))
            or (case.expect == "either" and code in (0, 1, 2)))
        problems += not ok
        shown = message if code == 2 else "（完成审核，输出 JSON）"
        rows.append(f"| {case.name} | {case.what} | {code} | {shown} | {seconds:.1f} | {rss} | {ui_message} | "
                    f"{ui_seconds:.1f} | {'是' if ok else '**否**'} |")
        print(rows[-1], flush=True)

    from auditor.batch import run_batch

    started = time.perf_counter()
    batch_out = args.out.parent / "bad_inputs_batch"
    import shutil

    shutil.rmtree(batch_out, ignore_errors=True)  # a fresh batch, not a resumed one
    result = run_batch([str(p) for _, p in cases if p.suffix in (".pdf", ".txt")], batch_out, jobs=2)
    batch_seconds = time.perf_counter() - started
    fed = sum(1 for _, p in cases if p.suffix in (".pdf", ".txt"))
    ok_rows = sum(1 for r in result.rows if r.get("status") == "ok")
    crash_rows = [r for r in result.rows if r.get("kind") == "crash"]
    text = "\n".join([
        "# Bad inputs (bench/bad_inputs.py)", "",
        "Each file through `auditor audit FILE --format json` (own process; default limits: 500 pages, 300 s, "
        "2048 MB) and through the UI's workspace (opened from a request thread, so read in a bounded child "
        "process).", "", *rows, "",
        f"Batch (`run_batch`, 2 processes) over the {fed} .pdf/.txt files: {len(result.rows)} rows "
        f"({ok_rows} audited, {len(result.rows) - ok_rows} error rows with reasons, {len(crash_rows)} crashes), "
        f"{batch_seconds:.1f} s. Nothing lost: {len(result.rows) == fed}.", "",
        f"Cases not as expected: {problems}.", "",
    ])
    (ROOT / "bench" / "results_bad_inputs.md").write_text(text, encoding="utf-8")
    print(text)
    if problems or crash_rows or len(result.rows) != fed:
        sys.exit(1)


if __name__ == "__main__":
    main()
