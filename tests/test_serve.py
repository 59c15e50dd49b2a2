"""The preview server: loopback only, nothing outside the site, rebuild and reload on a change, and the
last good site with the problems shown when a rebuild fails."""

from __future__ import annotations

import asyncio
import http.client
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

from .conftest import ROOT
from .pages_server import fetch


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(content: Path, out: Path, port: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content),
                             "--output", str(out), "--port", str(port), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_until_up(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stdout.read()
        try:
            fetch(base + "/")
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the preview did not start")


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preview")
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    port = free_port()
    proc = start(content, tmp / "site", port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, proc)
        yield base, content, tmp / "site", port
    finally:
        proc.terminate()
        proc.wait(10)


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    """A request with the path exactly as given (no client-side clean-up of dot segments)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, body


def listening_addresses(port: int) -> set[str]:
    """Local addresses of the sockets listening on a port, from /proc/net/tcp and tcp6."""
    found = set()
    for name in ("tcp", "tcp6"):
        table = Path("/proc/net") / name
        if not table.exists():
            continue
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            addr, hexport = fields[1].split(":")
            if int(hexport, 16) == port and fields[3] == "0A":  # 0A: LISTEN
                found.add(addr)
    return found


def test_listens_on_loopback_only(preview):
    base, content, site, port = preview
    if not Path("/proc/net/tcp").exists():
        pytest.skip("needs Linux's /proc/net/tcp to list listening sockets")
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and nothing else


@pytest.mark.parametrize("path", [
    "/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd",
    "/%2e%2e%2f%2e%2e%2fbuild.py", "/cables/07BEIJING3239/../../../build.py", "/cables/%2e%2e/%2e%2e/build.py",
    "/%252e%252e/build.py", "/a%00b", "//etc/passwd",
])
def test_nothing_outside_the_site_is_served(preview, path):
    base, content, site, port = preview
    status, body = raw_get(port, path)
    assert status == 404, (path, status)
    assert b"root:" not in body and b"import" not in body


def test_a_symlink_out_of_the_site_is_not_followed(preview):
    base, content, site, port = preview
    link = site / "escape"
    link.symlink_to(ROOT)
    try:
        assert raw_get(port, "/escape/build.py")[0] == 404
    finally:
        link.unlink()


def test_missing_pages_get_the_404_page(preview):
    base, content, site, port = preview
    status, body = raw_get(port, "/cables/00NOWHERE1/deeper/")
    assert status == 404 and b"Page not found" in body
    assert raw_get(port, "/")[0] == 200


async def reload_after(base: str, change, timeout: float = 15) -> None:
    """Connect as livereload.js does, make a change, and wait for the reload message."""
    ws = await websocket_connect(base.replace("http://", "ws://") + "/livereload")
    try:
        await ws.write_message(json.dumps({"command": "hello", "protocols": [
            "http://livereload.com/protocols/official-7"]}))
        await ws.read_message()
        await ws.write_message(json.dumps({"command": "info", "url": base + "/", "plugins": {}}))
        await asyncio.sleep(0.3)
        change()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = await asyncio.wait_for(ws.read_message(), timeout=deadline - time.monotonic())
            if msg and json.loads(msg).get("command") == "reload":
                return
        raise AssertionError("no reload")
    finally:
        ws.close()


def in_thread(coroutine) -> None:
    """Run a coroutine to its end in a thread of its own (Playwright's sync API keeps a loop in this one)."""
    errors = []

    def work():
        try:
            asyncio.run(coroutine)
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            errors.append(e)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    if errors:
        raise errors[0]


def test_edit_rebuild_reload_and_failed_rebuild(preview):
    base, content, site, port = preview
    ann = content / "annotations" / "07BEIJING3239.yaml"
    page = f"{base}/cables/07BEIJING3239/"
    original = ann.read_text()
    assert "Telegram from Embassy Beijing to" in original
    try:
        in_thread(reload_after(base, lambda: ann.write_text(
            original.replace("Telegram from Embassy Beijing to", "Telegram from Embassy Beijing EDITED to"))))
        first = fetch(page)[2].decode()
        assert "EDITED" in first and "preview-problems" not in first

        # Broken YAML: the reload shows the last good page, with the problem named by file and line.
        in_thread(reload_after(base, lambda: ann.write_text(original.replace("cable:", "notes: [\ncable:", 1))))
        shown = fetch(page)[2].decode()
        assert "EDITED" in shown
        assert 'class="preview-problems"' in shown and "The last rebuild failed" in shown
        assert f"{ann}:" in shown and "invalid YAML" in shown
        status, missing = raw_get(port, "/no/such/page")
        assert status == 404 and b"invalid YAML" in missing

        # A note on a paragraph the cable does not have is an error too; the site stays as it was.
        bad_note = original.replace("notes:\n", "notes:\n  - paragraph: \"99\"\n    text: \"nowhere\"\n", 1)
        assert bad_note != original
        in_thread(reload_after(base, lambda: ann.write_text(bad_note)))
        shown = fetch(page)[2].decode()
        assert "EDITED" in shown and "a note on ¶99" in shown

        in_thread(reload_after(base, lambda: ann.write_text(original)))
        fixed = fetch(page)[2].decode()
        assert "EDITED" not in fixed and "preview-problems" not in fixed
    finally:
        ann.write_text(original)


def test_a_port_in_use_is_a_message(preview, tmp_path):
    base, content, site, port = preview
    proc = start(content, tmp_path / "other", port)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use; try --port {port + 1}" in out
    assert "Traceback" not in out
