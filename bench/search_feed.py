"""Feed Pagefind from memory or from disk? (issue 19) Time both on the cable pages of a built site.

    python bench/search_feed.py SITE [--pages N]

- disk: what the build does: the pages in a folder of their own, one `pagefind --site` run over it;
- memory: the pagefind Python API (`PagefindIndex.add_html_file` with each page's HTML), then `write_files`;
  once with requests one after another and once with 64 in flight.

Prints seconds and the bundle's size for each. On 2026-12-02 (2 cores, 2,000 synthetic cable pages): disk
8.5 s; memory 213 s either way (about 100 ms a page, whatever the page's size), so the build feeds Pagefind
from disk.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import search  # noqa: E402


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def from_disk(site: Path, pages: list[Path], work: Path) -> float:
    view, out = work / "view", work / "disk"
    for p in pages:
        d = view / p.relative_to(site)
        d.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, d)
    start = time.perf_counter()
    subprocess.run([search.executable(), "--site", str(view), "--output-path", str(out),
                    "--exclude-selectors", search.EXCLUDE, "--silent"], check=True)
    return time.perf_counter() - start


async def _feed(site: Path, pages: list[Path], out: Path, in_flight: int) -> None:
    from pagefind.index import IndexConfig, PagefindIndex
    texts = [(p, p.read_text(encoding="utf-8")) for p in pages]
    gate = asyncio.Semaphore(in_flight)
    async with PagefindIndex(config=IndexConfig(exclude_selectors=[search.EXCLUDE])) as index:
        async def add(path: Path, html: str) -> None:
            async with gate:
                url = "/" + str(path.parent.relative_to(site)) + "/"
                await index.add_html_file(content=html, url=url)
        await asyncio.gather(*(add(p, h) for p, h in texts))
        await index.write_files(output_path=str(out))


def from_memory(site: Path, pages: list[Path], out: Path, in_flight: int) -> float:
    start = time.perf_counter()
    asyncio.run(_feed(site, pages, out, in_flight))
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--pages", type=int, default=300, help="cable pages to index (default 300)")
    args = ap.parse_args()
    if not search.available():
        raise SystemExit("search_feed: Pagefind is not installed")
    pages = sorted(args.site.glob("cables/*/index.html"))[: args.pages]
    if not pages:
        raise SystemExit(f"search_feed: no cable pages under {args.site}")
    work = Path(tempfile.mkdtemp(prefix="search-feed-"))
    try:
        print(f"{len(pages)} cable pages of {args.site}")
        t = from_disk(args.site, pages, work)
        print(f"disk (pagefind --site):               {t:7.2f} s  {size_of(work / 'disk') / 1e6:6.2f} MB")
        for n in (1, 64):
            out = work / f"memory-{n}"
            t = from_memory(args.site, pages, out, n)
            print(f"memory (Python API, {n:2d} in flight):   {t:7.2f} s  {size_of(out) / 1e6:6.2f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
