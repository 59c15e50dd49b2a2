"""The preview server: loopback only, nothing outside the site, rebuild and reload on a change, and the
last good site with the problems shown when a rebuild fails."""

from __future__ import annotations

import asyncio
import re
import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

from generator.errors import Problems
from generator.serve import Addressed, allowed_hosts, preview_folder

from .conftest import ROOT, need_shared
from .pages_server import fetch
from .preview_server import Served, free_port, get, websocket_handshake


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("preview")
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    preview = Served(content, tmp / "site", free_port(), tmp / "serve.log")
    try:
        preview.wait_until_up()
        yield preview
    finally:
        preview.stop()


@pytest.fixture(scope="module")
def preview(served):
    return served.base, served.content, served.site, served.port


def raw_get(port: int, path: str) -> tuple[int, bytes]:
    """A request with the path exactly as given (no client-side clean-up of dot segments)."""
    status, _, body = get(port, path)
    return status, body


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
    assert "The cable reports the consultations" in original
    try:
        in_thread(reload_after(base, lambda: ann.write_text(
            original.replace("The cable reports the consultations", "The cable reports the EDITED consultations"))))
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
    other = Served(content, tmp_path / "other", port, tmp_path / "other.log")
    other.proc.wait(60)
    other.stop()
    out = other.text()
    assert other.proc.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use; try --port {port + 1}" in out
    assert "Traceback" not in out and "Serving on" not in out
    assert not (tmp_path / ".cache").exists()  # refused before anything was built


# --- the preview's own folder -------------------------------------------------------------------------

def test_the_preview_builds_into_its_own_folder(served):
    """The pages served carry the local address and the live-reload script's hash; they are built beside the
    output's cache, never into the output (here absent before `serve`, and absent still)."""
    assert served.site == preview_folder(served.output) / "site"
    assert served.site.is_relative_to(served.output.parent / ".cache")
    page = (served.site / "cables" / "07BEIJING3239" / "index.html").read_text(encoding="utf-8")
    assert served.base in page and "sha256-" in page
    assert not served.output.exists()
    assert sorted(p.name for p in (served.output.parent / ".cache").iterdir()) == ["preview-site"]


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*"))
            if p.is_file()}


def test_serve_leaves_a_built_site_as_it_was(tmp_path):
    from generator.build.site import build

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    assert not build(content, out, Problems()).errors
    cache = tmp_path / ".cache"
    site_before, cache_before = snapshot(out), snapshot(cache)
    preview = Served(content, out, free_port(), tmp_path / "serve.log")
    try:
        preview.wait_until_up()
        note = content / "annotations" / "07BEIJING3239.yaml"
        before = preview.changes()
        note.write_text(note.read_text(encoding="utf-8").replace("The cable reports", "PREVIEWED The cable reports", 1),
                        encoding="utf-8")
        preview.settle(before)
        assert b"PREVIEWED" in get(preview.port, "/cables/07BEIJING3239/")[2]
    finally:
        preview.stop()
    assert snapshot(out) == site_before
    assert b"127.0.0.1" not in b"".join(body for body, _ in site_before.values() if body)
    after = snapshot(cache)
    assert {k: v for k, v in after.items() if not k.startswith("preview-site/")} == cache_before


# --- who may talk to the preview ----------------------------------------------------------------------

ENDPOINTS = ["/", "/cables/07BEIJING3239/", "/assets/style.css", "/no/such/page", "/livereload.js",
             "/forcereload"]


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1.evil.example:{port}", "localhost:1",
                                  "localhost", "localhost.:{port}", "{port}", "", "127.0.0.1:{port}@evil.example"])
def test_a_foreign_host_is_refused(preview, path, host):
    """A DNS-rebinding page reaches the preview under its own name: every endpoint refuses it."""
    base, content, site, port = preview
    status, _, body = get(port, path, {"Host": host.format(port=port)})
    assert status == 403 or (status == 400 and "@" in host), (host, path, status)  # tornado: a malformed Host
    assert b"Telegram" not in body and b"preview-problems" not in body and b"livereload" not in body


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "LOCALHOST:{port}"])
def test_the_local_names_are_answered(preview, host):
    base, content, site, port = preview
    for path in ("/", "/cables/07BEIJING3239/", "/livereload.js"):
        assert get(port, path, {"Host": host.format(port=port)})[0] == 200, (host, path)
    assert get(port, "/no/such/page", {"Host": host.format(port=port)})[0] == 404


@pytest.mark.parametrize("origin", ["http://evil.example", "http://evil.example:{port}", "null",
                                    "http://127.0.0.1:1", "https://localhost:{port}", "http://localhost.:{port}",
                                    "file://", "http://127.0.0.1:{port}.evil.example"])
def test_the_websocket_refuses_a_foreign_origin(preview, origin):
    """A page of another site may open a websocket to 127.0.0.1 (the browser sends the true Host, and its own
    Origin): the preview refuses it, as it refuses its other requests from such a page."""
    base, content, site, port = preview
    assert websocket_handshake(port, {"Origin": origin.format(port=port)}) == 403
    assert get(port, "/", {"Origin": origin.format(port=port)})[0] == 403


@pytest.mark.parametrize("origin", [None, "http://127.0.0.1:{port}", "http://localhost:{port}",
                                    "http://[::1]:{port}"])
def test_the_websocket_accepts_the_preview_own_pages(preview, origin):
    base, content, site, port = preview
    headers = {"Origin": origin.format(port=port)} if origin else {}  # no Origin: a tool, not a browser page
    assert websocket_handshake(port, headers) == 101


def test_the_websocket_refuses_a_foreign_host(preview):
    base, content, site, port = preview
    assert websocket_handshake(port, {"Host": f"evil.example:{port}", "Origin": f"http://evil.example:{port}"}) == 403
    assert websocket_handshake(port, {"Host": f"evil.example:{port}"}) == 403


def test_another_site_cannot_make_the_pages_reload(preview):
    """/forcereload reloads every open page: an image on another site, which sends no Origin, must not."""
    base, content, site, port = preview
    assert get(port, "/forcereload", {"Sec-Fetch-Site": "cross-site"})[0] == 403
    assert get(port, "/forcereload", {"Sec-Fetch-Site": "same-site"})[0] == 403
    status, _, body = get(port, "/forcereload")  # the preview's own pages and tools may
    assert (status, body) == (200, b"ok")


def test_which_hosts_are_this_previews():
    on_loopback = Addressed(allowed_hosts("127.0.0.1", 8000), 8000)
    assert on_loopback.host("127.0.0.1:8000") and on_loopback.host("localhost:8000") and on_loopback.host("[::1]:8000")
    assert not on_loopback.host("192.168.1.5:8000") and not on_loopback.host("localhost")
    assert not on_loopback.origin("http://localhost:8000/page") and on_loopback.origin("http://localhost:8000")
    named = Addressed(allowed_hosts("preview.lan", 8000), 8000)
    assert named.host("preview.lan:8000") and named.host("127.0.0.1:8000") and not named.host("preview.lan:8001")
    # Listening on every address, the machine's addresses are answered too; names other than its own never.
    anywhere = Addressed(allowed_hosts("0.0.0.0", 8000), 8000, any_ip=True)
    assert anywhere.host("192.168.1.5:8000") and anywhere.host("[fe80::1]:8000") and anywhere.host("10.0.0.2:8000")
    assert not anywhere.host("0.0.0.0.evil.example:8000") and not anywhere.host("evil.example:8000")
    assert not anywhere.host("192.168.1.5:8001") and not anywhere.host("192.168.1.5")
    assert Addressed(allowed_hosts("::", 80), 80, any_ip=True).host("192.168.1.5")


def test_the_host_given_is_answered(tmp_path):
    """--host names one more address the preview answers by; a loopback address draws no warning."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    port = free_port()
    preview = Served(content, tmp_path / "site", port, tmp_path / "serve.log", "--host", "127.0.0.2")
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if preview.proc.poll() is not None:
                if "cannot listen" in preview.text():
                    pytest.skip("127.0.0.2 is not a loopback address here")
                raise AssertionError(preview.text())
            try:
                if get(port, "/", {"Host": f"127.0.0.2:{port}"}, host="127.0.0.2")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        assert get(port, "/", {"Host": f"localhost:{port}"}, host="127.0.0.2")[0] == 200
        assert get(port, "/", {"Host": f"evil.example:{port}"}, host="127.0.0.2")[0] == 403
        assert websocket_handshake_at("127.0.0.2", port, f"http://127.0.0.2:{port}") == 101
    finally:
        preview.stop()
    assert "reachable from other machines" not in preview.text()


def websocket_handshake_at(host: str, port: int, origin: str) -> int:
    return get(port, "/livereload", {"Host": f"{host}:{port}", "Origin": origin, "Upgrade": "websocket",
                                     "Connection": "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                                     "Sec-WebSocket-Version": "13"}, host=host)[0]


# --- the problems panel -------------------------------------------------------------------------------

def test_the_problems_panel_escapes_what_it_shows(served):
    """A file name and a YAML key that are markup reach the panel as text, on pages and on the 404 page."""
    name = "<img src=x onerror=alert(1)>.yaml"
    hostile = served.content / "annotations" / name
    before = served.changes()
    hostile.write_text('cable: "07BEIJING3239"\n"<script>alert(1)</script>": 1\n"<script>alert(1)</script>": 2\n',
                       encoding="utf-8")
    try:
        assert served.settle(before)["result"] == "failed"
        for path in ("/", "/cables/07BEIJING3239/", "/no/such/page"):
            body = get(served.port, path)[2].decode("utf-8")
            assert 'class="preview-problems"' in body, path
            assert "<script>alert(1)</script>" not in body and "<img src=x" not in body, path
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
            assert "&lt;img src=x onerror=alert(1)&gt;.yaml" in body, path
        refused = get(served.port, "/no/such/page", {"Host": f"evil.example:{served.port}"})[2]
        assert b"alert(1)" not in refused and b"preview-problems" not in refused
    finally:
        before = served.changes()
        hostile.unlink()
        served.settle(before)
    assert b"preview-problems" not in get(served.port, "/")[2]


# --- the search index a preview refreshes -------------------------------------------------------------

@pytest.fixture
def seed_preview(tmp_path):
    from generator.build import search
    if not search.available():
        pytest.skip("pagefind is not installed")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content, tmp_path / "site"


def quick_edit(content: Path, text: str | None = None) -> str:
    """Rewrite a note (with `text`, or an edit of its own); return what it held."""
    note = content / "annotations" / "07BEIJING6872.yaml"
    old = note.read_text(encoding="utf-8")
    note.write_text(old.replace("workshop", "Workshop", 1) if text is None else text, encoding="utf-8")
    return old


def test_an_edit_undone_before_the_search_refresh_keeps_the_bundle(seed_preview):
    """Fixing a YAML mistake puts back what the search bundle was made from: the refresh has nothing to index
    (it used to swap in a bundle it had not made, leaving pagefind/ gone and .pagefind-old-* behind)."""
    from generator.build.quick import refresh_search
    from generator.build.site import build
    from generator.read.store import Store, default_folder

    content, out = seed_preview
    assert not build(content, out, Problems(), preview=True).errors
    entry = (out / "pagefind" / "pagefind-entry.json").read_bytes()
    original = quick_edit(content, (content / "annotations" / "07BEIJING6872.yaml").read_text().replace(
        "cable:", "notes: [\ncable:", 1))
    assert build(content, out, Problems(), preview=True, defer_search=True).errors  # the YAML mistake
    quick_edit(content, original)  # fixed: the note is as the bundle was made from
    assert not build(content, out, Problems(), preview=True, defer_search=True).errors
    store = Store(default_folder(out))
    assert store.head()["stale"]
    assert not refresh_search(out, store)  # nothing to put in place
    assert (out / "pagefind" / "pagefind-entry.json").read_bytes() == entry
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".nojekyll"]  # no .pagefind-old-*
    assert not store.head()["stale"]
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".site-")] == []


def test_a_missing_bundle_is_made_again_by_the_refresh(seed_preview):
    from generator.build.quick import refresh_search
    from generator.build.site import build
    from generator.read.store import Store, default_folder

    content, out = seed_preview
    assert not build(content, out, Problems(), preview=True).errors
    original = quick_edit(content)
    assert not build(content, out, Problems(), preview=True, defer_search=True).errors
    quick_edit(content, original)
    assert not build(content, out, Problems(), preview=True, defer_search=True).errors
    shutil.rmtree(out / "pagefind")  # lost, by whatever means
    assert refresh_search(out, Store(default_folder(out)))
    assert (out / "pagefind" / "pagefind.js").is_file()


def test_a_refresh_is_not_put_in_place_after_a_rebuild(seed_preview):
    """The preview's account of rebuilds: a refresh begun before one leaves the site and the record as they
    are, for the next refresh to index the site as it is then."""
    from generator.build.quick import refresh_search
    from generator.build.site import build
    from generator.read.store import Store, default_folder

    content, out = seed_preview
    assert not build(content, out, Problems(), preview=True).errors
    quick_edit(content)
    assert not build(content, out, Problems(), preview=True, defer_search=True).errors
    store = Store(default_folder(out))
    entry = out / "pagefind" / "pagefind-entry.json"
    before = (entry.read_bytes(), entry.stat().st_ino)
    assert not refresh_search(out, store, threading.Lock(), current=lambda: False)
    assert (entry.read_bytes(), entry.stat().st_ino) == before and store.head()["stale"]
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".site-")]  # its staging folder is gone
    assert refresh_search(out, store, threading.Lock(), current=lambda: True)
    assert (entry.read_bytes(), entry.stat().st_ino) != before and not store.head()["stale"]


# --- serving while a rebuild runs ---------------------------------------------------------------------

def test_pages_are_served_while_a_rebuild_runs(tmp_path):
    """A rebuild runs beside the server: the last good site answers at once meanwhile (it used to wait for
    the whole rebuild, 5.8 s at the 99th percentile)."""
    dev = need_shared("corpus", "dev")
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for p in sorted(dev.glob("*.txt"))[:200]:
        shutil.copy(p, content / "cables" / p.name)
    preview = Served(content, tmp_path / "site", free_port(), tmp_path / "serve.log")
    try:
        preview.wait_until_up(180)
        before = preview.changes()
        settings = content / "site.yaml"
        settings.write_text(settings.read_text(encoding="utf-8") + "\n# every page is made again\n", encoding="utf-8")
        during, deadline = [], time.monotonic() + 120
        while time.monotonic() < deadline:
            now = preview.status()
            if now.get("changes", 0) > before and not now.get("building"):
                break
            start = time.perf_counter()
            status, _, body = get(preview.port, "/cables/07BEIJING3239/")
            took = time.perf_counter() - start
            if now.get("building") and preview.status().get("building"):
                assert status == 200 and b"Telegram" in body
                during.append(took)
        seconds = float(re.findall(r"\[serve\] built in ([\d.]+) s", preview.text())[-1])
    finally:
        preview.stop()
    assert seconds > 1.0, "the rebuild was too quick to tell"
    assert len(during) >= 5, during
    assert max(during) < 0.5, (max(during), seconds)


def test_a_note_edit_keeps_the_preview_address(tmp_path):
    """A quick rebuild (notes only) renders with the address the build was given, as a full one does: the
    preview's pages kept their canonical link to 127.0.0.1 only until the first note edit."""
    from generator.build.site import build
    from generator.read.store import default_folder

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out, clean = tmp_path / "site", tmp_path / "clean"
    address = "http://127.0.0.1:9"
    assert not build(content, out, Problems(), preview=True, base_url=address).errors
    quick_edit(content)
    assert not build(content, out, Problems(), preview=True, base_url=address).errors
    assert json.loads((default_folder(out) / "last-build.json").read_text())["result"] == "built (notes only)"
    page = "cables/07BEIJING6872/index.html"
    assert f'<link rel="canonical" href="{address}/cables/07BEIJING6872/">' in (out / page).read_text()
    assert not build(content, clean, Problems(), preview=True, base_url=address).errors
    assert (out / page).read_bytes() == (clean / page).read_bytes()


def test_a_stopped_preview_leaves_nothing_running(tmp_path):
    """`kill` (SIGTERM) stops the preview as Ctrl+C does: the rebuild or search refresh under way ends first, so
    no Pagefind run is left writing into the preview's folder, and no staging folder stays behind."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    preview = Served(content, tmp_path / "site", free_port(), tmp_path / "serve.log")
    try:
        preview.wait_until_up()
        before = preview.changes()
        quick_edit(content)
        deadline = time.monotonic() + 30
        while preview.changes() == before and time.monotonic() < deadline:
            time.sleep(0.005)
        preview.proc.terminate()  # during the rebuild or the search refresh that follows it
        assert preview.proc.wait(60) == 0
    finally:
        preview.stop()
    assert "[serve] stopped" in preview.text() and "Traceback" not in preview.text()
    assert not [p.name for p in preview.folder.iterdir() if p.name.startswith(".site-")]
    assert not [p.name for p in (preview.folder / ".cache" / "site").iterdir() if p.name.startswith("view-")]


def test_files_no_build_reads_are_not_changes(served):
    """Editors' scratch files and anything in a hidden folder (.git/, an editor's backups) start no rebuild."""
    before = served.changes()
    hidden = served.content / ".git" / "objects"
    hidden.mkdir(parents=True)
    try:
        (hidden / "ab.yaml").write_text("x: 1\n")
        (served.content / "annotations" / ".07BEIJING3239.yaml.swp").write_text("x")
        (served.content / "annotations" / "07BEIJING3239.yaml~").write_text("x")
        time.sleep(0.5)
        assert served.changes() == before
    finally:
        shutil.rmtree(served.content / ".git")
        for name in (".07BEIJING3239.yaml.swp", "07BEIJING3239.yaml~"):
            (served.content / "annotations" / name).unlink()
    time.sleep(0.3)
    assert served.changes() == before
