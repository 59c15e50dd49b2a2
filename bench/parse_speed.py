"""Benchmark: the median time per cable to read and to parse the 2,500 real cables, on one core.

Run from the repository root:

    python bench/parse_speed.py                # the 500 dev .txt and the 2,000 apr2011 pages, 3 repeats
    python bench/parse_speed.py --repeat 5 --shared DIR --limit 200

The cables are ../shared/corpus/dev/*.txt (500 texts) and ../shared/corpus/pages/apr2011/*.html (2,000 full
WikiLeaks pages). For each file two stages are timed apart, in this process, pinned to one core:

  read   the file's bytes to a Document (sniffing, decoding, and for a page the HTML reader that takes the
         cable's text and the page's table out of the whole page), as generator.read.readers.read_path does it;
  parse  the Document to a Cable (generator.read.parse.parse_document): what the issue's target is about.

Each cable's time for a stage is its fastest of the repeats (the noise of a shared machine only ever adds);
the rows give the median, 90th percentile and worst cable, and the whole pass. One warm-up pass first.
Target (issue 17 point 6): parsing stays under 2 ms per cable, median, over the 2,500.
This is a benchmark, not a test: it exits 0, and when the corpus is absent it says so and measures nothing.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the package may not be installed

from generator.errors import CableError, Problems  # noqa: E402
from generator.read.parse import parse_document  # noqa: E402
from generator.read.readers import CableRowError, Document, read_path  # noqa: E402

TARGET_MS = 2.0
"""Median parse time per cable to stay under, in milliseconds."""


def one_core() -> str:
    """Pin this process to one core, where the system allows it; say which."""
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to core {cpu}"
    except (AttributeError, OSError):
        return "not pinned (no sched_setaffinity here): one process, one thread"


def read_docs(path: Path) -> list[Document]:
    """The Documents of one file, as build reads them."""
    return [d for d in read_path(path) if not isinstance(d, CableRowError)]


def time_file(path: Path) -> tuple[float, float, int, set[str]]:
    """Read then parse one file once; return (read s, parse s, cables, formats)."""
    start = time.perf_counter()
    try:
        docs = read_docs(path)
    except CableError:
        return time.perf_counter() - start, 0.0, 0, set()
    mid = time.perf_counter()
    problems = Problems()
    cables = 0
    for doc in docs:
        try:
            parse_document(doc, problems)
            cables += 1
        except CableError:
            pass
    return mid - start, time.perf_counter() - mid, cables, {d.source.format for d in docs}


def measure(files: list[Path], repeat: int) -> dict:
    """Per-file fastest read and parse times over `repeat` passes, after a warm-up pass."""
    for f in files:
        time_file(f)
    best_read = [float("inf")] * len(files)
    best_parse = [float("inf")] * len(files)
    cables, formats, passes = 0, {}, []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        cables = 0
        for i, f in enumerate(files):
            r, p, n, kinds = time_file(f)
            best_read[i] = min(best_read[i], r)
            best_parse[i] = min(best_parse[i], p)
            cables += n
            for k in kinds:
                formats[k] = formats.get(k, 0) + 1
        passes.append(time.perf_counter() - start)
    return {"read": best_read, "parse": best_parse, "cables": cables, "pass": min(passes),
            "formats": {k: v // repeat for k, v in formats.items()}}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f}"


def row(label: str, times: list[float]) -> None:
    """One line: median, p90, worst and total of per-cable times, in milliseconds."""
    t = sorted(times)
    p90 = t[min(len(t) - 1, int(0.9 * len(t)))]
    print(f"{label:<28} {len(t):>5} {ms(statistics.median(t))} {ms(p90)} {ms(t[-1])} {sum(t):9.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared folder that holds corpus/dev and corpus/pages (default ../shared)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes after the warm-up (default 3)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N files of each set (a quick look)")
    args = ap.parse_args()
    corpus = args.shared.resolve() / "corpus"
    sets = {"dev .txt": sorted((corpus / "dev").glob("*.txt")),
            "apr2011 pages": sorted((corpus / "pages" / "apr2011").glob("*.html"))}
    if args.limit > 0:
        sets = {k: v[: args.limit] for k, v in sets.items()}
    if not any(sets.values()):
        print(f"parse_speed: no cables under {corpus}; nothing to measure (skipped).")
        return 0
    repeat = max(1, args.repeat)
    load = f"; load average {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    print(f"corpus {corpus}; {one_core()}{load}; per cable the fastest of {repeat} passes after a warm-up")
    print(f"{'stage':<28} {'files':>5} {'median':>8} {'p90':>8} {'worst':>8} {'total s':>9}   (ms per cable)")
    all_parse: list[float] = []
    for name, files in sets.items():
        if not files:
            print(f"{name:<28} no files found")
            continue
        m = measure(files, repeat)
        row(f"{name}: read", m["read"])
        row(f"{name}: parse", m["parse"])
        row(f"{name}: read + parse", [a + b for a, b in zip(m["read"], m["parse"])])
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(m["formats"].items()))
        print(f"{'':<28} {m['cables']} cables read as {kinds}; one whole pass {m['pass']:.2f} s")
        all_parse += m["parse"]
    median = statistics.median(all_parse)
    verdict = "OK" if median * 1000 < TARGET_MS else "SLOW"
    print(f"parse, all {len(all_parse)} cables: median {median * 1000:.3f} ms per cable "
          f"(target < {TARGET_MS:g} ms median): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
