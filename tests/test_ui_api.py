"""The UI's flows through its HTTP API (gradio_client) against `auditor ui` started on loopback:
open, findings, evidence page, marks, tables, questions, downloads; and its safety rules."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import EXAMPLE_PDF, ROOT, UIServer

gradio_client = pytest.importorskip("gradio_client", reason="gradio_client is installed with .[dev]")
from gradio_client import Client, handle_file  # noqa: E402

ALL = "全部"


@pytest.fixture(scope="module")
def client(ui_server: UIServer) -> Client:
    return Client(ui_server.url, verbose=False)


@pytest.fixture(scope="module")
def opened(client: Client) -> tuple:
    return client.predict(api_name="/open_example")


def test_open_example_shows_summary_and_findings(opened: tuple) -> None:
    status, summary, rows = opened[0], opened[2], opened[6]
    assert "example_report.pdf" in status
    assert "T1、T2、T3、T4、T5、T6、T7、T8、T9" in summary and "错误" in summary
    assert rows["headers"][:3] == ["序号", "级别", "代码"]
    codes = [r[2] for r in rows["data"]]
    assert "SUM001" in codes and "UNIT001" in codes and "NAR006" in codes
    severities = opened[3]["choices"]
    assert [c[0] for c in severities] == [ALL, "错误", "警告", "提示"]


def test_pick_finding_shows_page_with_evidence(client: Client, opened: tuple) -> None:
    number = next(r[0] for r in opened[6]["data"] if r[2] == "NAR006")
    text, pages, image, html, shown = client.predict(number, api_name="/show_finding")
    assert "NAR006" in text and "检查说明" in text and "应为" in text
    assert Path(image).exists() and Path(image).stat().st_size > 10_000
    assert pages["value"] in [c[1] for c in pages["choices"]] and "框出" in html
    missing = client.predict(9999, api_name="/show_finding")
    assert "没有第 9999 条问题" in missing[0]


def test_filter_and_mark(client: Client, opened: tuple, ui_server: UIServer) -> None:
    errors = client.predict("错误", ALL, ALL, api_name="/filter_findings")["data"]
    assert errors and all(r[1] == "错误" for r in errors)
    assert len(errors) < len(opened[6]["data"])
    number = errors[0][0]
    message, rows, detail = client.predict(number, "确认", "已与原表核对", "错误", ALL, ALL, api_name="/mark_finding")
    assert "已确认" in message and "已与原表核对" in detail
    assert next(r for r in rows["data"] if r[0] == number)[7] == "已确认"
    stored = list(ui_server.review_dir.glob("*.review.json"))
    assert stored and "已与原表核对" in stored[0].read_text(encoding="utf-8")
    exported = client.predict("json", api_name="/export")
    data = json.loads(Path(exported).read_text(encoding="utf-8"))
    assert any((f.get("review") or {}).get("note") == "已与原表核对" for f in data["findings"])


def test_tables_tab(client: Client, opened: tuple) -> None:
    labels = [c[0] for c in opened[7]["choices"]]
    assert len([label for label in labels if label[:2] in {f"T{i}" for i in range(1, 10)}]) == 9
    frame, notes = client.predict(next(label for label in labels if label.startswith("T3 ")), api_name="/show_table")
    assert frame["headers"][:2] == ["编码", "科目/项目"] and len(frame["data"]) > 3


def test_ask_gives_a_cited_answer(client: Client, opened: tuple) -> None:
    history, cleared, citations, image, html = client.predict("人员经费是多少？", [], "无（仅确定性回答）",
                                                              api_name="/ask")
    answer = history[-1]["content"][0]["text"]
    assert citations["data"], answer
    quote = citations["data"][0][2]
    assert quote and quote in answer and "出处" in answer and "确定性回答" in answer
    assert "第" in citations["data"][0][1] and Path(image).exists()
    page, _ = client.predict(1, api_name="/show_citation")
    assert Path(page).exists()


def test_downloads(client: Client, opened: tuple) -> None:
    for kind, suffix in (("html", ".html"), ("xlsx", ".xlsx"), ("pdf", ".pdf")):
        path = Path(client.predict(kind, api_name="/export"))
        assert path.suffix == suffix and path.stat().st_size > 1000
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        assert sum(len(p.annots) for p in pdf.pages) > 5


def test_bad_upload_gets_a_chinese_message(ui_server: UIServer, tmp_path: Path) -> None:
    client = Client(ui_server.url, verbose=False)  # a fresh session
    fake = tmp_path / "scan.pdf"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 500)
    out = client.predict(handle_file(str(fake)), api_name="/open_report")
    assert out[0].startswith("**无法打开**") and "PDF" in out[0]
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert "文件为空" in client.predict(handle_file(str(empty)), api_name="/open_report")[0]
    assert "请先打开报告" in client.predict("人员经费是多少？", [], "无（仅确定性回答）",
                                          api_name="/ask")[0][-1]["content"][0]["text"]
    assert "Traceback" not in ui_server.log()


def test_upload_over_the_size_limit_gets_a_chinese_message(ui_server: UIServer, tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"  # the server runs with --max-upload-mb 5
    big.write_bytes(EXAMPLE_PDF.read_bytes() + b"%" + b"0" * (6 * 1024 * 1024))
    out = Client(ui_server.url, verbose=False).predict(handle_file(str(big)), api_name="/open_report")
    assert out[0].startswith("**无法打开**") and "超过上限 5 MB" in out[0], out[0]


def test_upload_of_a_real_report_by_file(ui_server: UIServer) -> None:
    client = Client(ui_server.url, verbose=False)
    out = client.predict(handle_file(str(EXAMPLE_PDF)), api_name="/open_report")
    assert "已打开" in out[0] and out[6]["data"]


def test_only_session_files_are_served(ui_server: UIServer, client: Client, opened: tuple) -> None:
    for target in ("/etc/passwd", str(EXAMPLE_PDF), str(ROOT / "pyproject.toml"), "../../../etc/passwd"):
        url = f"{ui_server.url}gradio_api/file={target}"
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(url, timeout=10)
        assert info.value.code in (403, 404), (target, info.value.code)


def test_no_model_address_can_be_given_from_the_ui(ui_server: UIServer, client: Client, opened: tuple) -> None:
    """The model URL is the operator's (CLI / environment): the ask endpoint takes no address or
    key, and this server (no model configured) offers none (see test_ui_security for one)."""
    ask = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/ask"]
    assert [p["parameter_name"] for p in ask["parameters"]] == ["text", "history", "model_label"]
    radio = next(c for c in client.config["components"] if c.get("props", {}).get("elem_id") == "llm-kind")
    assert [c[0] if isinstance(c, list) else c for c in radio["props"]["choices"]] == ["无（仅确定性回答）"]


def test_binds_loopback_only(ui_server: UIServer) -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            own = probe.getsockname()[0]
        except OSError:
            pytest.skip("no non-loopback address on this machine to test against")
    if own.startswith("127."):
        pytest.skip("no non-loopback address on this machine to test against")
    with socket.socket() as sock:
        sock.settimeout(3)
        assert sock.connect_ex((own, ui_server.port)) != 0, "the UI answered on a non-loopback address"


def test_optional_login(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("# 审核组\nreviewer:s3cret-pass\n", encoding="utf-8")
    server = UIServer(tmp_path, "--auth-file", str(accounts))
    try:
        with pytest.raises(urllib.error.HTTPError) as info:  # the app's config is not served before login
            urllib.request.urlopen(f"{server.url}config", timeout=10)
        assert info.value.code in (401, 403)
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises its own error type for a bad login
            Client(server.url, auth=("reviewer", "wrong"), verbose=False)
        client = Client(server.url, auth=("reviewer", "s3cret-pass"), verbose=False)
        assert "已打开" in client.predict(api_name="/open_example")[0]
        assert "s3cret-pass" not in server.log()
    finally:
        server.stop()
