"""The exposed UI (issue 17.7): login throttling with back-off, sessions bound to the user who
logged in, model addresses set by the operator only, report text rendered inert, session
files deleted when sessions end (on a schedule, and at start-up), an upload quota per user."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from conftest import EXAMPLE_PDF, ROOT, UIServer, fixture_text

from auditor.ingest.errors import InputError
from ui.security import LoginThrottle, inert
from ui.workbench import SESSIONS, UISettings, Workspace, clean_start, folder_bytes

EXAMPLE_TXT = ROOT / "examples" / "example_report.txt"


# -- login throttling --------------------------------------------------------------------------
def test_throttle_backs_off_and_recovers() -> None:
    guard = LoginThrottle({"reviewer": "right-pass"}, free_tries=3, base_seconds=0.2, max_seconds=0.8)
    verdicts = [guard.check("reviewer", f"wrong-{i}") for i in range(100)]
    assert verdicts[:3] == [False, False, False]
    assert verdicts.count(None) >= 90  # refused without checking while locked
    assert guard.check("reviewer", "right-pass") is None  # locked: even the right password waits
    time.sleep(guard.locked_for("reviewer") + 0.05)
    assert guard.check("reviewer", "right-pass") is True
    # unknown names share one bucket: spraying names is throttled too
    assert [guard.check(f"user{i}", "x") for i in range(6)].count(None) >= 2
    assert guard.check("reviewer", "right-pass") is True  # a real account is not locked by strangers


def _login(url: str, user: str, password: str) -> tuple[int, dict[str, str]]:
    data = urllib.parse.urlencode({"username": user, "password": password}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(f"{url}login", data=data), timeout=30) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("guarded")
    accounts = tmp / "accounts.txt"
    accounts.write_text("alice:alice-pass-1\nbob:bob-pass-2\n", encoding="utf-8")
    server = UIServer(tmp, "--auth-file", str(accounts), "--llm", "openai", "--llm-url", "http://127.0.0.1:9/v1",
                      "--llm-model", "x", env={"AUDITOR_UI_LOGIN_BACKOFF": "0.5", "AUDITOR_LLM_KEY": "sk-op-KEEP-5e2"})
    yield server
    server.stop()


def test_hundred_wrong_logins_are_throttled(guarded: UIServer) -> None:
    started = time.monotonic()
    codes = [_login(guarded.url, "alice", f"guess-{i}")[0] for i in range(100)]
    elapsed = time.monotonic() - started
    refused, checked = codes.count(429), codes.count(400)
    assert refused + checked == 100 and refused >= 85, (refused, checked)
    status, headers = _login(guarded.url, "alice", "alice-pass-1")
    assert status == 429  # the right password does not get through a lock
    wait = float(headers.get("Retry-After") or headers.get("retry-after") or 1)
    time.sleep(wait + 0.2)
    deadline = time.monotonic() + 60
    while (status := _login(guarded.url, "alice", "alice-pass-1")[0]) == 429 and time.monotonic() < deadline:
        time.sleep(1)
    assert status == 200
    print(f"100 wrong logins: {refused} refused (429), {checked} checked, {elapsed:.1f} s")


# -- sessions bound to their user ---------------------------------------------------------------
def test_a_second_user_cannot_use_anothers_session(guarded: UIServer) -> None:
    from gradio_client import Client

    alice = Client(guarded.url, auth=("alice", "alice-pass-1"), verbose=False)
    assert "已打开" in alice.predict(api_name="/open_example")[0]
    assert Path(alice.predict("json", api_name="/export")).exists()
    bob = Client(guarded.url, auth=("bob", "bob-pass-2"), verbose=False)
    bob.session_hash = alice.session_hash  # bob knows alice's session id
    for call in (lambda: bob.predict("json", api_name="/export"),
                 lambda: bob.predict(1, "确认", "bob 的标记", "全部", "全部", "全部", api_name="/mark_finding"),
                 lambda: bob.predict(1, api_name="/show_finding"),
                 lambda: bob.predict("人员经费是多少？", [], "无（仅确定性回答）", api_name="/ask")):
        with pytest.raises(Exception, match="无权访问此会话"):
            call()
    # alice's session is untouched and still hers
    assert "bob 的标记" not in json.dumps(json.loads(Path(alice.predict("json", api_name="/export")).read_text("utf-8")),
                                         ensure_ascii=False)
    assert "Traceback" not in guarded.log()


# -- models set by the operator only ------------------------------------------------------------
def test_ui_users_pick_among_configured_models_only(guarded: UIServer) -> None:
    from gradio_client import Client

    client = Client(guarded.url, auth=("alice", "alice-pass-1"), verbose=False)
    config = json.dumps(client.config, ensure_ascii=False)
    assert "llm-url" not in config and "接口地址" not in config and "API 密钥" not in config
    radio = next(c for c in client.config["components"] if c.get("props", {}).get("elem_id") == "llm-kind")
    labels = [c[0] if isinstance(c, list) else c for c in radio["props"]["choices"]]
    assert labels == ["无（仅确定性回答）", "OpenAI 兼容接口：x"]
    client.predict(api_name="/open_example")
    history, *_ = client.predict("人员经费是多少？", [], "OpenAI 兼容接口：x", api_name="/ask")
    assert "已改用确定性回答" in history[-1]["content"][0]["text"]  # the operator's (dead) model was used
    # a label the operator did not configure (an address, say) is refused before the handler runs
    with pytest.raises(Exception, match="not in the list of choices"):
        client.predict("人员经费是多少？", [], "http://169.254.169.254/latest", api_name="/ask")
    assert "sk-op-KEEP-5e2" not in guarded.log()


# -- report text is rendered inert --------------------------------------------------------------
HOSTILE = """
2023年度示例中心部门决算
支出决算表
公开03表
单位：万元
| 功能分类科目编码 | 科目名称 | 本年支出合计 | 基本支出 | 项目支出 |
|  | 合计 | 251.21 | 214.33 | 36.88 |
| 208 | 社会保障和就业支出![t](http://127.0.0.1:9/t.png) | 251.21 | 214.33 | 36.88 |
| 2080109 | 社会保险经办机构<img src="http://127.0.0.1:9/i.png"> | 251.21 | 214.33 | 36.88 |
第三部分 2023年度部门决算情况说明
三、支出决算情况说明
2023年度支出合计251.21万元，详见![图](http://127.0.0.1:9/a.png)与[说明](http://127.0.0.1:9/b)及 http://127.0.0.1:9/c 。
机关运行经费支出14.58万元，主要原因是：<img src=http://127.0.0.1:9/d.png onerror=alert(1)>办公设备更新。
"""


def _assert_inert(text: str) -> None:
    assert "<img" not in text and "](http" not in text and "![" not in text, text
    for match in re.finditer(r"http://", text):
        before = text[: match.start()]
        assert before.count("`") % 2 == 1, text  # every address sits inside code, never a link


def test_inert_text() -> None:
    for raw in ("![x](http://e.example/x.png)", "[点此](https://e.example)", "<img src=http://e.example/a>",
                "见 http://e.example/a 或 www.e.example", "<script>alert(1)</script>", "[a](javascript:alert(1))",
                "`http://e.example`"):
        out = inert(raw)
        assert "<" not in out and "](" not in out, out
        assert "javascript:" not in out or "`javascript:" in out
    assert inert("基本支出214.33万元（第8页）") == "基本支出214.33万元（第8页）"  # plain text unchanged


def test_report_images_and_links_are_not_rendered(tmp_path: Path) -> None:
    from ui.app import answer_markdown

    source = tmp_path / "hostile.txt"
    source.write_text(fixture_text(HOSTILE), encoding="utf-8")
    ws = Workspace(UISettings(review_dir=tmp_path / "r", work_root=tmp_path / "w", vectors=False))
    try:
        ws.open(source, "hostile.txt")
        _assert_inert(ws.summary_markdown())
        for row in ws.finding_rows():
            _assert_inert(ws.finding_markdown(row[0]))
        for question in ("支出合计是多少？", "机关运行经费为什么增加？", "社会保险经办机构花了多少钱？", "社会保障和就业支出是多少？"):
            _assert_inert(answer_markdown(ws.ask(question)))
    finally:
        ws.close()


# -- session files: deleted at the end, on a schedule, at start-up; a quota -----------------------
def test_upload_quota_per_user(tmp_path: Path) -> None:
    size = EXAMPLE_PDF.stat().st_size
    settings = UISettings(review_dir=tmp_path / "r", work_root=tmp_path / "w", vectors=False, quota_mb=100)
    first, second, third = (Workspace(settings, owner="carol") for _ in range(3))
    other = Workspace(settings, owner="dave")
    try:
        first.open(EXAMPLE_PDF, "a.pdf", index=False)
        first.export("html")  # downloads count too
        settings.quota_mb = (folder_bytes(first.dir) + size * 1.5) / 1048576  # room for one more upload
        second.open(EXAMPLE_PDF, "b.pdf", index=False)
        with pytest.raises(InputError, match="存储上限"):
            third.open(EXAMPLE_PDF, "c.pdf", index=False)
        other.open(EXAMPLE_PDF, "d.pdf", index=False)  # another user's quota is their own
        first.close()
        third.open(EXAMPLE_PDF, "c.pdf", index=False)  # room again once a session ends
    finally:
        for ws in (first, second, third, other):
            ws.close()
    assert folder_bytes(settings.server_root) == 0


def test_sweep_closes_idle_sessions_and_start_up_cleans_dead_servers(tmp_path: Path) -> None:
    settings = UISettings(review_dir=tmp_path / "r", work_root=tmp_path / "w", vectors=False, session_minutes=0.01)
    dead = settings.work_root / "srv-999999999"  # a server that is gone (no such pid)
    (dead / "ws-old" / "input").mkdir(parents=True)
    (dead / "ws-old" / "input" / "r.pdf").write_bytes(b"x" * 1000)
    assert dead in clean_start(settings) and not dead.exists()
    ws = Workspace(settings)
    ws.open(EXAMPLE_PDF, "a.pdf", index=False)
    orphan = settings.server_root / "ws-orphan"
    orphan.mkdir()
    (orphan / "left.bin").write_bytes(b"x" * 1000)
    assert folder_bytes(settings.server_root) > 0
    ws.last_used -= 5
    assert SESSIONS.sweep(settings) >= 1
    assert ws.closed and not ws.dir.exists() and not orphan.exists()
    assert folder_bytes(settings.server_root) == 0


def test_closing_the_tab_deletes_the_session_files(tmp_path: Path) -> None:
    from gradio_client import Client

    temp = tmp_path / "tmp"
    temp.mkdir()
    server = UIServer(tmp_path, env={"TMPDIR": str(temp)})  # the default idle limit: an hour
    try:
        client = Client(server.url, verbose=False)
        client.predict(api_name="/open_example")
        client.predict("html", api_name="/export")
        folders = list((temp / "auditor-ui").glob("srv-*/ws-*"))
        assert len(folders) == 1 and folder_bytes(folders[0]) > 0
        client.close()  # the heartbeat stops, as when the tab is closed
        deadline = time.monotonic() + 60
        while folders[0].exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not folders[0].exists()
    finally:
        server.stop()


def _sizes(root: Path) -> int:
    return folder_bytes(root)


def test_temp_folders_return_to_their_size_after_sessions_end(tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    temp = tmp_path / "tmp"
    temp.mkdir()
    server = UIServer(tmp_path, "--session-minutes", "0.1", env={"TMPDIR": str(temp)})
    try:
        root = temp / "auditor-ui"
        time.sleep(1)
        before = _sizes(root)
        clients = [Client(server.url, verbose=False) for _ in range(2)]
        for client in clients:
            assert "已打开" in client.predict(handle_file(str(EXAMPLE_PDF)), api_name="/open_report")[0]
            client.predict("xlsx", api_name="/export")
            client.predict(1, api_name="/show_finding")
        during = _sizes(root)
        assert during > before + EXAMPLE_PDF.stat().st_size
        clients[0].predict(api_name="/end_session")  # one ends by the button, the other by going idle
        deadline = time.monotonic() + 60
        while _sizes(root) > before and time.monotonic() < deadline:
            time.sleep(1)
        after = _sizes(root)
        print(f"temp folder bytes: before {before}, during {during}, after {after}")
        assert after <= before, (before, during, after, sorted(str(p) for p in root.rglob("*") if p.is_file()))
        for client in clients:
            client.close()
        assert "Traceback" not in server.log()
    finally:
        server.stop()
