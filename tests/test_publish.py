"""Publishing: the site works under a sub-path (GitHub Pages) and at a domain root, builds are
reproducible and atomic, and the feeds, sitemap and data files agree with the pages."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from generator.errors import Problems
from generator.read.inspect import CONTRACT_KEYS
from generator.build.site import build
from generator.render.spans import record_summary, record_texts

from .conftest import ROOT, need_shared
from .pages_server import Links, crawl, fetch, pages_server
from .test_bad_input import run

SEEDS = ("07BEIJING3239", "07BEIJING6872")


def tree(folder: Path) -> dict[str, str]:
    """Every file under a folder with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("prefix", ["/REPO/", "/"])
def test_every_link_works_under_a_sub_path_and_at_the_root(tmp_path, prefix):
    with pages_server(prefix) as (server, mount):
        base = f"http://127.0.0.1:{server.server_port}{prefix}".rstrip("/")
        out = tmp_path / "site"
        problems = build(ROOT / "content", out, Problems(), base_url=base)
        assert not problems.errors, [str(p) for p in problems]
        mount(out)
        sitemap = re.findall(r"<loc>([^<]+)</loc>", fetch(base + "/sitemap.xml")[2].decode())
        feed = feedparser.parse(fetch(base + "/feed.xml")[2])
        listed = sitemap + [e.link for e in feed.entries] + [base + "/catalog.json", base + "/catalog.csv"]
        count, broken = crawl(base + "/", base + "/", listed)
        assert not broken, broken[:10]
        assert count > 40 and len(sitemap) > 20

        for deep in ("no-such-page", "cables/00NOWHERE1/", "a/b/c/d/e.html"):
            status, _, body = fetch(f"{base}/{deep}")
            assert status == 404
            page = Links()
            page.feed(body.decode())
            assert any("style.css" in link for link in page.links)
            for link in page.links:
                if link.startswith("#"):
                    continue
                assert link.startswith("/"), f"404.html link {link} must start from the site's path"
                target = urljoin(f"{base}/{deep}", link)
                assert target.startswith(base + "/"), f"404.html link {link} leaves {prefix}"
                assert fetch(target)[0] == 200, f"404.html at /{deep}: {link} is broken"


def test_corpus_site_works_under_a_sub_path(tmp_path):
    dev = need_shared("corpus", "dev")
    with pages_server("/REPO/") as (server, mount):
        base = f"http://127.0.0.1:{server.server_port}/REPO"
        out = tmp_path / "site"
        assert not build(dev, out, Problems(), base_url=base).errors
        mount(out)
        count, broken = crawl(base + "/", base + "/")
        assert not broken, broken[:10]
        assert count > 1500


def build_in_process(content: Path, out: Path, seed: str, cwd: Path, epoch: str | None = None) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--output",
                        str(out), "--base-url", "https://example.org/edition"], cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]


@pytest.mark.parametrize("which", ["seeds", "corpus"])
def test_two_builds_are_byte_identical(tmp_path, which):
    """Different hash seeds, folders and working directories; nothing from the clock or the machine."""
    content = ROOT / "content" if which == "seeds" else need_shared("corpus", "dev")
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    build_in_process(content, tmp_path / "one" / "site", "1", tmp_path / "one")
    build_in_process(content, tmp_path / "two" / "out", "2", ROOT)
    first, second = tree(tmp_path / "one" / "site"), tree(tmp_path / "two" / "out")
    assert first.keys() == second.keys()
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, differ[:10]
    assert len(first) > (40 if which == "seeds" else 2500)


def test_source_date_epoch_sets_every_time(tmp_path):
    build_in_process(ROOT / "content", tmp_path / "site", "0", tmp_path, epoch="1193630880")
    times = {p.stat().st_mtime for p in (tmp_path / "site").rglob("*")}
    assert times == {1193630880}


def test_no_build_time_in_any_page(tmp_path):
    out = tmp_path / "site"
    build(ROOT / "content", out, Problems())
    today = time.strftime("%Y-%m-%d")
    hits = [p for p in out.rglob("*") if p.is_file() and today.encode() in p.read_bytes()]
    assert not hits


def newest_leftover(parent: Path) -> Path | None:
    found = sorted(parent.glob(".site-new-*"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


@pytest.mark.parametrize("files_before_kill", [1, 1200])
def test_a_killed_build_leaves_the_previous_site(tmp_path, files_before_kill):
    dev = need_shared("corpus", "dev")
    out = tmp_path / "site"
    assert not build(ROOT / "content", out, Problems()).errors
    before = tree(out)
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--content", str(dev), "--output",
                             str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            tmp = newest_leftover(tmp_path)
            if tmp and sum(1 for _ in tmp.rglob("*")) >= files_before_kill:
                break
            assert proc.poll() is None, "the build finished before it could be killed"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert tree(out) == before
    assert newest_leftover(tmp_path) is not None  # what the killed build wrote is still beside it ...
    assert not build(ROOT / "content", out, Problems()).errors
    assert newest_leftover(tmp_path) is None  # ... until the next build clears it
    assert tree(out) == before


@pytest.mark.parametrize("change", ["everything", "one note"])
def test_a_failed_render_keeps_the_previous_site(tmp_path, monkeypatch, change):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    assert not build(content, out, Problems()).errors
    before = tree(out)
    from generator.render import pages

    def broken(*args, **kwargs):
        raise RuntimeError("disk full, say")

    monkeypatch.setattr(pages, "not_found_context", broken)
    monkeypatch.setattr(pages, "cable_page_context", broken)
    base_url = None
    if change == "everything":  # a new address: a clean build
        base_url = "https://example.org/edition"
    else:  # an incremental build
        note = content / "annotations" / "07BEIJING6872.yaml"
        note.write_text(note.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        build(content, out, Problems(), base_url=base_url)
    assert tree(out) == before
    assert not list(tmp_path.glob(".site-*"))


def test_a_folder_that_is_not_a_build_is_never_replaced(tmp_path):
    keep = tmp_path / "notes"
    keep.mkdir()
    (keep / "thesis.md").write_text("years of work")
    r = run("build", "--output", str(keep))
    assert r.returncode == 1
    assert f"{keep}: error: not replaced" in r.stderr
    assert (keep / "thesis.md").read_text() == "years of work"


def test_a_bad_base_url_is_reported(tmp_path):
    r = run("build", "--output", str(tmp_path / "site"), "--base-url", "example.org/edition")
    assert "--base-url: error: base_url 'example.org/edition' is not an address" in r.stderr
    assert r.returncode == 1


# --- what the site says to machines -----------------------------------------------------------------

@pytest.fixture(scope="module")
def published(tmp_path_factory):
    out = tmp_path_factory.mktemp("pub") / "site"
    assert not build(ROOT / "content", out, Problems(), base_url="https://example.org/edition").errors
    return out


@pytest.fixture(scope="module")
def unaddressed(tmp_path_factory):
    out = tmp_path_factory.mktemp("bare") / "site"
    assert not build(ROOT / "content", out, Problems()).errors
    return out


def test_feeds_are_valid_atom(published, unaddressed):
    for site in (published, unaddressed):
        feed = feedparser.parse((site / "feed.xml").read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert feed.version == "atom10"
        assert [e.title.split(":")[0] for e in feed.entries] == ["07BEIJING6872", "07BEIJING3239"]
        assert feed.entries[0].updated == "2007-10-29T05:48:00Z"
        assert {t.term for t in feed.entries[0].tags} == {"PREL", "PGOV", "CH", "KCRS"}
        thread = feedparser.parse((site / "threads" / "scrs-beijing-2007" / "feed.xml").read_bytes())
        assert not thread.bozo and len(thread.entries) == 2
        assert "07BEIJING3239 ¶1, ¶7, ¶13 → 07BEIJING6872 ¶1-2" in thread.entries[1].summary
    feed = feedparser.parse((published / "feed.xml").read_bytes())
    assert feed.entries[1].link == "https://example.org/edition/cables/07BEIJING3239/"
    assert feed.entries[1].id == "https://example.org/edition/cables/07BEIJING3239/"
    bare = feedparser.parse((unaddressed / "feed.xml").read_bytes())
    assert bare.entries[1].id.startswith("urn:uuid:")


def test_sitemap_and_robots(published, unaddressed):
    locs = re.findall(r"<loc>([^<]+)</loc>", (published / "sitemap.xml").read_text())
    pages = sorted(p for p in published.rglob("*.html") if p.name != "404.html")
    assert len(locs) == len(pages)
    assert "https://example.org/edition/cables/07BEIJING3239/" in locs
    assert (published / "robots.txt").read_text().endswith("Sitemap: https://example.org/edition/sitemap.xml\n")
    assert not (unaddressed / "sitemap.xml").exists()  # a sitemap needs absolute addresses
    assert "Sitemap" not in (unaddressed / "robots.txt").read_text()
    assert (published / ".nojekyll").exists()


def test_sitemap_splits_past_fifty_thousand_pages():
    from generator.render.feeds import sitemap_files
    files = sitemap_files({"base_url": "https://x.org"}, [f"cables/{k}/index.html" for k in range(120_001)])
    assert sorted(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    assert files["sitemap.xml"]["index"] and len(files["sitemap-3.xml"]["urls"]) == 20_001


def head_of(page: Path) -> str:
    return page.read_text().split("</head>")[0]


def test_canonical_open_graph_and_feed_links(published, unaddressed):
    head = head_of(published / "cables" / "07BEIJING3239" / "index.html")
    assert '<link rel="canonical" href="https://example.org/edition/cables/07BEIJING3239/">' in head
    assert '<meta property="og:type" content="article">' in head
    assert '<meta property="og:url" content="https://example.org/edition/cables/07BEIJING3239/">' in head
    assert 'type="application/atom+xml"' in head and 'href="../../feed.xml"' in head
    thread = head_of(published / "threads" / "scrs-beijing-2007" / "index.html")
    assert 'href="feed.xml"' in thread  # the thread's own feed is offered on the thread's page
    bare = head_of(unaddressed / "cables" / "07BEIJING3239" / "index.html")
    assert "canonical" not in bare and "og:url" not in bare and "og:title" in bare


def test_json_ld_describes_the_cable(published):
    page = (published / "cables" / "07BEIJING3239" / "index.html").read_text()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1)
    ld = json.loads(block)
    assert ld["@type"] == ["ArchiveComponent", "Message"]
    assert ld["identifier"] == "07BEIJING3239" and ld["dateCreated"] == "2007-05-15T03:01:00Z"
    assert ld["creator"]["name"] == "Embassy Beijing"
    assert {"@type": "PropertyValue", "name": "classification", "value": "CONFIDENTIAL"} in ld["additionalProperty"]
    assert ld["keywords"] == ["PREL", "KCRS", "CH"]
    assert ld["url"] == "https://example.org/edition/cables/07BEIJING3239/"
    # The digest of the verbatim file lives in the data record and the catalogue, not in every page's head.
    assert "encoding" not in ld
    record = json.loads((published / "cables" / "07BEIJING3239" / "07BEIJING3239.json").read_text())
    assert record["source"]["sha256"] == hashlib.sha256(
        (published / "cables" / "07BEIJING3239" / "07BEIJING3239.txt").read_bytes()).hexdigest()


def test_cable_json_is_the_model_with_the_editorial_layer(published):
    r = run("inspect", "--json", str(ROOT / "content" / "cables"))
    inspected = {d["id"]: d for d in map(json.loads, r.stdout.splitlines())}
    for cid in SEEDS:
        record = json.loads((published / "cables" / cid / f"{cid}.json").read_text())
        assert list(record)[1:len(CONTRACT_KEYS) + 1] == list(CONTRACT_KEYS)
        for key in CONTRACT_KEYS:
            if key not in ("source", "paragraphs", "summary"):
                assert record[key] == inspected[cid][key], key
        # Paragraphs carry spans into the verbatim file instead of their text; the rule rebuilds it exactly.
        verbatim = (published / "cables" / cid / f"{cid}.txt").read_bytes()
        texts = record_texts(record, verbatim)
        assert texts == [p["text"] for p in inspected[cid]["paragraphs"]]
        summary = inspected[cid]["summary"]
        assert record_summary(record, texts) == (summary and summary["text"])
        assert record["summary"] is None or "cut" in record["summary"]
        # (a paragraph the rule cannot rebuild, such as one with an inline heading, keeps its text)
        assert [{k: v for k, v in p.items() if k not in ("span", "text")} for p in record["paragraphs"]] == \
            [{k: v for k, v in p.items() if k != "text"} for p in inspected[cid]["paragraphs"]]
        assert record["urls"]["page"] == f"https://example.org/edition/cables/{cid}/"
        assert record["editorial"]["threads"][0]["slug"] == "scrs-beijing-2007"
    r3239 = json.loads((published / "cables" / "07BEIJING3239" / "07BEIJING3239.json").read_text())
    import yaml
    written = yaml.safe_load((ROOT / "content" / "annotations" / "07BEIJING3239.yaml").read_text())["notes"]
    in_order = sorted(written, key=lambda n: int(n["paragraph"]))  # numbered in the cable's order
    assert [n["paragraph"] for n in r3239["editorial"]["notes"]] == [n["paragraph"] for n in in_order]
    assert "Statesand" in r3239["editorial"]["sic"]
    assert r3239["editorial"]["threads"][0]["next"] == "07BEIJING6872"


def test_catalog_lists_every_cable(published):
    doc = json.loads((published / "catalog.json").read_text())
    assert doc["count"] == 2 and [c["id"] for c in doc["cables"]] == list(SEEDS)
    rows = list(csv.DictReader(io.StringIO((published / "catalog.csv").read_text(), newline="")))
    assert [r["id"] for r in rows] == list(SEEDS)
    assert list(rows[0]) == doc["fields"]
    assert rows[1]["tags"] == "PREL PGOV CH KCRS" and rows[1]["annotated"] == "true"
    for row in rows:
        local = published / row["source"].removeprefix("https://example.org/edition/")
        assert hashlib.sha256(local.read_bytes()).hexdigest() == row["sha256"]


def test_pages_workflow_tests_builds_and_deploys_with_the_official_actions():
    import yaml
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    assert flow[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the key `on` as True
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build_steps = flow["jobs"]["build"]["steps"]
    uses = [s["uses"].split("@")[0] for s in build_steps if "uses" in s]
    assert uses == ["actions/checkout", "actions/setup-python", "actions/configure-pages",
                    "actions/upload-pages-artifact"]
    runs = "\n".join(s.get("run", "") for s in build_steps)
    assert "make test" in runs  # the README's test command, which installs the checkers too
    build = re.search(r'build\.py build --strict (?:--formats (\S+) )?--base-url "\$\{\{ steps\.pages\.outputs\.base_url \}\}"', runs)
    assert build, runs
    assert build.group(1) and "tei" in build.group(1).split(",")  # the Pages edition carries its exports
    upload = next(s for s in build_steps if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"] == {"path": "site", "include-hidden-files": True}  # or .nojekyll is left out
    deploy = flow["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_a_feed_without_dated_entries_takes_source_date_epoch(monkeypatch):
    from generator.render.feeds import fallback_date
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1193630880")
    assert fallback_date() == "2007-10-29T04:08:00Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert fallback_date() == "1970-01-01T00:00:00Z"
