"""Index the built site for search with Pagefind (https://pagefind.app), so that search runs in the reader's
browser on any static host.

Pagefind reads only what the templates mark with data-pagefind-body: the cable pages (subject, text,
headnote, notes), the people, organisation and glossary pages, and the threads. Inside those, navigation,
metadata, citations and other apparatus carry data-pagefind-ignore. Filters (kind, TAGS, origin,
classification, year), metadata and the date sort key are attributes on the cable pages.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

BUNDLE = "pagefind"
"""The folder of the search bundle inside the site."""


HEADER = b"pagefind_dcd"
"""How Pagefind's index files start, once gunzipped; CBOR follows."""


class SearchIndexError(Exception):
    """Pagefind ran and failed: the build must not publish a site with a broken search."""


@dataclass(frozen=True)
class IndexReport:
    """What indexing did."""

    seconds: float
    files: int
    bytes: int
    reproducible: str | None
    """None when the bundle was made independent of Pagefind's run order; else why it was not."""


@lru_cache(maxsize=1)
def executable() -> str | None:
    """The Pagefind binary the pagefind package finds (its pagefind_bin wheel, or PAGEFIND_BINARY_PATH)."""
    if importlib.util.find_spec("pagefind") is None:
        return None
    if not os.environ.get("PAGEFIND_BINARY_PATH"):
        # The binary wheel's file, found without importing pagefind.service (and asyncio): 50 ms a build.
        spec = importlib.util.find_spec("pagefind_bin")
        for folder in (spec.submodule_search_locations or []) if spec else []:
            if (Path(folder) / "pagefind").is_file():
                return str(Path(folder) / "pagefind")
    from pagefind.service import get_executable
    path = get_executable()
    return str(path) if path and path.exists() else None


def installed() -> bool:
    """Whether the pagefind package is there (cheap: its binary is not looked for)."""
    return importlib.util.find_spec("pagefind") is not None


def available() -> bool:
    """Whether Pagefind can run here."""
    return executable() is not None


def _die_with_build() -> list[str]:
    """A launcher that has Linux end Pagefind when the build that started it is killed (else a killed build
    leaves it writing into a staging folder). setpriv (util-linux) sets the signal and runs Pagefind in its
    place; subprocess's preexec_fn could do the same, but is unsafe in a process with threads (the preview)."""
    launcher = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    return [launcher, "--pdeathsig", "KILL", "--"] if launcher else []


DIE_WITH_BUILD = _die_with_build()


EXCLUDE = ".pm, .nref, .back, .pb, .mark, .xref"
"""Apparatus inside the indexed text that is not words of it: paragraph numbers and their controls, note
markers and back links, page marks, portion markings, thread cross-references (one selector list)."""


def index(site: Path, bundle: Path | None = None) -> IndexReport:
    """Index the pages under `site` into a bundle (site/pagefind/ by default); raise SearchIndexError with
    Pagefind's words on failure."""
    start = time.perf_counter()
    bundle = bundle or site / BUNDLE
    cmd = [*DIE_WITH_BUILD, executable() or "pagefind", "--site", str(site), "--output-path", str(bundle),
           "--exclude-selectors", EXCLUDE, "--silent"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise SearchIndexError(f"Pagefind could not run: {e}") from None
    if done.returncode != 0 or not (bundle / "pagefind.js").exists():
        said = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexError("Pagefind failed: " + (" / ".join(said[-5:]) or f"exit status {done.returncode}"))
    why = canonicalize(bundle)
    files = [p for p in bundle.rglob("*") if p.is_file()]
    return IndexReport(time.perf_counter() - start, len(files), sum(p.stat().st_size for p in files), why)


# --- shards: a large collection is indexed in parts the search page merges -------------------------

SHARD_PAGES = 4000
"""Pagefind's memory grows with the pages of one index (about 1.3 GB for 4,000 cables, 690 MB for 2,000, 5 GB
for 10,000), and the search page's time with the number of indexes it merges: a collection with more cable
pages than this is indexed in shards of at most about this many."""


def shards(site) -> dict[str, list[str]]:
    """Bundle name ("" for the main bundle) -> the ids of the cables it indexes.

    A small collection has one bundle. A large one keeps the threads and entries in the main bundle and puts
    the cables in shards of whole years taken in order ("2003-2005", "2006"), a year too large for one split
    by a stable hash of the id ("2010-1", "2010-2"), so that an edit re-indexes one shard only.
    """
    if len(site.cables) <= SHARD_PAGES:
        return {"": list(site.cables)}
    out: dict[str, list[str]] = {"": []}
    run: list[tuple[str, list[str]]] = []

    def close_run() -> None:
        if run:
            name = run[0][0] if len(run) == 1 else f"{run[0][0]}-{run[-1][0]}"
            out[name] = [cid for _, ids in run for cid in ids]
            run.clear()

    for year, ids in sorted(site.years.items()):
        if len(ids) > SHARD_PAGES:
            close_run()
            parts = -(-len(ids) // SHARD_PAGES)
            for cid in ids:
                name = f"{year}-{int(hashlib.sha1(cid.encode()).hexdigest()[:8], 16) % parts + 1}"
                out.setdefault(name, []).append(cid)
            continue
        if sum(len(i) for _, i in run) + len(ids) > SHARD_PAGES:
            close_run()
        run.append((year, ids))
    close_run()
    return out


def folder(name: str) -> str:
    """The folder of a bundle in the site: pagefind/ for the main one, pagefind-shards/<name>/ for a shard."""
    return f"{BUNDLE}-shards/{name}" if name else BUNDLE


INDEXED = ("people/index.html", "organizations/index.html", "glossary/index.html")
"""Pages beside the cables and threads that carry data-pagefind-body."""


def bundle_pages(site, name: str, ids: list[str]) -> list[str]:
    """The pages (paths in the site) one bundle indexes."""
    pages = [f"cables/{cid}/index.html" for cid in ids]
    if name == "":
        pages += list(INDEXED) + [f"threads/{t.slug}/index.html" for t in site.threads]
    return pages


# --- the same bundle for the same site ------------------------------------------------------------
# Pagefind 1.5 writes each filter's values in hash-map order, which changes from run to run (upstream
# issue Pagefind/pagefind#638: fragments are stable since 1.3, "filter/metadata indexes" are not). The
# filter files are rewritten with their values in sorted order and named from their content as Pagefind
# names them; the metadata file that lists them and the entry file that names it follow. Anything of an
# unexpected shape leaves the bundle exactly as Pagefind wrote it.


class UnexpectedBundle(Exception):
    """The bundle is not shaped as the pinned Pagefind writes it."""


def short_hash(payload: bytes, length: int) -> str:
    """Pagefind's file names: the SHA-1 bytes in hex without leading zeros, cut to a length."""
    return "".join(f"{b:x}" for b in hashlib.sha1(payload).digest())[:length]


def read_cbor(path: Path):
    import cbor2
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(HEADER):
        raise UnexpectedBundle(f"{path.name} does not start with {HEADER!r}")
    return cbor2.loads(data[len(HEADER):])


def packed(obj) -> tuple[bytes, bytes]:
    """(CBOR payload, gzipped file bytes) of an index object; gzip without a time stamp."""
    import cbor2
    payload = cbor2.dumps(obj)
    return payload, gzip.compress(HEADER + payload, compresslevel=9, mtime=0)


def canonical_files(bundle: Path) -> tuple[dict[Path, bytes], list[Path]]:
    """The files to write and to remove so that the bundle depends only on the site."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    writes: dict[Path, bytes] = {}
    removes: list[Path] = []
    for lang, info in entry["languages"].items():
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = read_cbor(meta_path)
        if not (isinstance(meta, list) and len(meta) >= 4 and isinstance(meta[3], list)):
            raise UnexpectedBundle(f"{meta_path.name} has no filter list where expected")
        filters = []
        for name, old in meta[3]:
            path = bundle / "filter" / f"{old}.pf_filter"
            fname, values = read_cbor(path)
            if fname != name or not all(isinstance(v, list) and len(v) == 2 for v in values):
                raise UnexpectedBundle(f"{path.name} is not a list of [value, pages]")
            payload, data = packed([fname, sorted([str(v), sorted(pages)] for v, pages in values)])
            new = f"{lang}_{short_hash(payload, 7)}"
            writes[bundle / "filter" / f"{new}.pf_filter"] = data
            if new != old:
                removes.append(path)
            filters.append([name, new])
        meta[3] = sorted(filters)
        if len(meta) > 4 and isinstance(meta[4], list):
            meta[4] = sorted(meta[4], key=lambda sort: str(sort[0]))  # the sort keys: hash-map order too
        payload, data = packed(meta)
        new_meta = f"{lang}_{short_hash(payload, 10)}"
        writes[bundle / f"pagefind.{new_meta}.pf_meta"] = data
        if new_meta != info["hash"]:
            removes.append(meta_path)
        info["hash"] = new_meta
    writes[entry_path] = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return writes, removes


def canonicalize(bundle: Path) -> str | None:
    """Rewrite the order-dependent index files; where the shape is unexpected, leave them and say why."""
    try:
        writes, removes = canonical_files(bundle)
    except (UnexpectedBundle, OSError, ValueError, KeyError, TypeError, EOFError) as e:
        return f"{type(e).__name__}: {e}"
    for path in removes:
        path.unlink()
    for path, data in writes.items():
        path.write_bytes(data)
    return None
