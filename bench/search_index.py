"""Measure search indexing: Pagefind's time and the bundle's size, for the seed site and the 500 dev cables.

Builds each site once, then indexes it again --repeat times (removing the bundle in between) and reports
the best and median time, the pages indexed, the bundle's files and bytes, and the bytes a reader's
browser fetches for a first search (entry, metadata, WebAssembly, one index chunk).

    python bench/search_index.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import search  # noqa: E402
from generator.errors import Problems  # noqa: E402
from generator.build.site import build  # noqa: E402

SITES = [("seed site", ROOT / "content"), ("500 dev cables", ROOT.parent / "shared" / "corpus" / "dev")]


def first_search_bytes(bundle: Path) -> int:
    """What a first search downloads: the script, the entry file, metadata, wasm and the largest index chunk."""
    files = [bundle / "pagefind.js", bundle / "pagefind-entry.json", bundle / "wasm.en.pagefind"]
    files += list(bundle.glob("pagefind.*.pf_meta"))
    chunks = sorted((bundle / "index").iterdir(), key=lambda p: p.stat().st_size)
    return sum(p.stat().st_size for p in files if p.exists()) + (chunks[-1].stat().st_size if chunks else 0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not search.available():
        print("search_index: Pagefind is not installed (pip install 'pagefind[bin]'); nothing to measure")
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        for name, content in SITES:
            if not content.exists():
                print(f"search_index: {content} is absent; {name} skipped")
                continue
            site = Path(tmp) / name.replace(" ", "-") / "site"
            problems = build(content, site, Problems())
            if problems.errors:
                print(f"search_index: {name} did not build: {problems.errors[0]}")
                continue
            times = []
            for _ in range(args.repeat):
                shutil.rmtree(site / search.BUNDLE)
                report = search.index(site)
                times.append(report.seconds)
            bundle = site / search.BUNDLE
            pages = len(list((bundle / "fragment").iterdir()))
            rows.append((name, pages, min(times), statistics.median(times), report.files, report.bytes,
                         first_search_bytes(bundle)))
    print("| site | pages indexed | best s | median s | bundle files | bundle KB | first search KB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, pages, best, median, files, size, first in rows:
        print(f"| {name} | {pages} | {best:.2f} | {median:.2f} | {files} | {size / 1024:.0f} | {first / 1024:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
