"""Drive a real `build.py serve` from the tests: start it on a free port, send requests exactly as written,
and wait until it has settled after an edit (its status.json says every change seen is built and indexed)."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

from generator.serve import STATUS, preview_folder

from .conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A preview process serving a content folder."""

    def __init__(self, content: Path, output: Path, port: int, log: Path, *extra: str):
        self.content, self.output, self.port, self.log = content, output, port, log
        self.folder = preview_folder(output)
        self.site = self.folder / "site"
        self.base = f"http://127.0.0.1:{port}"
        self.log_file = open(log, "w+", encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content),
                                      "--output", str(output), "--port", str(port), *extra],
                                     stdout=self.log_file, stderr=subprocess.STDOUT, text=True)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_until_up(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.text()
            try:
                if get(self.port, "/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"the preview did not start:\n{self.text()}")

    def status(self) -> dict:
        try:
            return json.loads((self.folder / STATUS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def changes(self) -> int:
        return self.status().get("changes", 0)

    def settle(self, after: int, seconds: float = 60) -> dict:
        """Wait until the preview has seen a change beyond `after` and has built and indexed all it saw,
        and stays so for a moment (the rest of a save may still be coming)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.text()
            now = self.status()
            if now.get("changes", 0) > after and idle(now):
                time.sleep(0.12)
                if self.status() == now:
                    return now
            time.sleep(0.01)
        raise AssertionError(f"the preview did not settle: {self.status()}\n{self.text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log_file.close()


def idle(status: dict) -> bool:
    return status.get("built") == status.get("changes") and not status.get("building") and \
        not status.get("indexing")


def get(port: int, path: str, headers: dict | None = None, host: str = "127.0.0.1",
        timeout: float = 10) -> tuple[int, dict, bytes]:
    """A request with the path and headers exactly as given (no client-side clean-up of dot segments)."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_host="Host" in (headers or {}), skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        r = conn.getresponse()
        if r.status == 101:  # a websocket accepted: its stream has no end to read to
            return r.status, dict(r.getheaders()), b""
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def websocket_handshake(port: int, headers: dict) -> int:
    """The status the preview answers a websocket opening of /livereload with (101: accepted)."""
    return get(port, "/livereload", {"Upgrade": "websocket", "Connection": "Upgrade",
                                     "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13",
                                     **headers})[0]
