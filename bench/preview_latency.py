"""Measure the preview: from saving an annotation to the reloaded page, as a browser would see it.

Starts `python build.py serve` on a copy of the content, connects to its live-reload socket as the
browser's livereload.js does, then edits an annotation file again and again. Each round is timed from
just before the file is written to the moment the page, fetched again after the reload message,
carries the edit. Prints the rounds and their median and worst; the target is under 0.5 s.

    python bench/preview_latency.py [--content content] [--rounds 20] [--cable 07BEIJING3239]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode("utf-8")


def wait_for(url: str, seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"the preview did not answer at {url} within {seconds:.0f} s")


async def measure(base: str, page: str, annotation: Path, rounds: int) -> list[float]:
    ws = await websocket_connect(base.replace("http://", "ws://") + "/livereload")
    await ws.write_message(json.dumps({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]}))
    await ws.read_message()
    await ws.write_message(json.dumps({"command": "info", "url": page, "plugins": {}}))
    await asyncio.sleep(0.2)
    original = annotation.read_text(encoding="utf-8")
    m = re.search(r"^headnote: [|>]-?\n\s+(\S+)", original, re.M)
    if not m:
        raise SystemExit(f"{annotation} has no headnote block to edit")
    word = m.group(1)
    times = []
    try:
        for k in range(rounds):
            marker = f"probe{k}x{os.getpid()}"
            edited = original.replace(word, f"{word} {marker}", 1)
            start = time.perf_counter()
            annotation.write_text(edited, encoding="utf-8")
            while True:
                msg = await asyncio.wait_for(ws.read_message(), timeout=30)
                if msg and json.loads(msg).get("command") == "reload":
                    break
            if marker not in fetch(page):
                raise SystemExit(f"round {k}: the page was reloaded without the edit")
            times.append(time.perf_counter() - start)
            await asyncio.sleep(0.3)
    finally:
        annotation.write_text(original, encoding="utf-8")
        ws.close()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--content", default=str(ROOT / "content"), help="the content folder to copy and serve")
    ap.add_argument("--cable", default="07BEIJING3239", help="a cable with an annotation file")
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as tmp:
        content = Path(tmp) / "content"
        shutil.copytree(args.content, content)
        annotation = content / "annotations" / f"{args.cable}.yaml"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = open(Path(tmp) / "serve.log", "w+")
        proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content),
                                 "--output", str(Path(tmp) / "site"), "--port", str(port)],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            page = f"{base}/cables/{args.cable}/"
            wait_for(page)
            times = asyncio.run(measure(base, page, annotation, args.rounds))
        finally:
            proc.terminate()
            proc.wait(10)
        log.seek(0)
        builds = [float(x) for x in re.findall(r"\[serve\] built in ([\d.]+) s", log.read())[1:]]
    cables = sum(1 for _ in (Path(args.content) / "cables").rglob("*") if _.is_file())
    print(f"Preview latency, save -> reload message -> page fetched with the edit ({cables} cable files, "
          f"{len(times)} rounds)")
    print("rounds (s): " + " ".join(f"{t:.3f}" for t in times))
    print(f"median {statistics.median(times):.3f} s, worst {max(times):.3f} s; "
          f"rebuild alone median {statistics.median(builds):.3f} s" if builds else "")
    ok = max(times) < 0.5
    print("target (under 0.5 s):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
