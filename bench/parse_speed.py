"""Benchmark: how long the parser takes to read and parse the 500 dev cables on one core.

Run from the repository root:

    python bench/parse_speed.py              # ../shared/corpus/dev, 5 repeats
    python bench/parse_speed.py --repeat 3 --corpus DIR

Each timed pass is a plain loop in this process calling generator.load.read_file on every file
(reading + parsing, as users run it), after one untimed warm-up pass. It reports the .txt cables and,
as a second row, the same cables as WikiLeaks' HTML fragments (DIR/raw_html/*.html).
This is a benchmark, not a test: it exits 0 when the corpus is absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the package may not be installed

from generator.errors import Problems  # noqa: E402
from generator.load import read_file  # noqa: E402

TARGET_S = 2.0


def one_pass(files: list[Path]) -> tuple[float, int, int]:
    """Read and parse every file once; return (seconds, cables, errors)."""
    problems = Problems()
    start = time.perf_counter()
    cables = sum(len(list(read_file(f, problems))) for f in files)
    return time.perf_counter() - start, cables, len(problems.errors)


def measure(label: str, files: list[Path], repeat: int) -> float | None:
    """Print one row for these files; return the best total seconds (None if there are no files)."""
    if not files:
        print(f"{label:<10} no files found")
        return None
    one_pass(files)  # warm-up: imports, caches, the OS page cache
    runs = [one_pass(files) for _ in range(repeat)]
    times = [t for t, _, _ in runs]
    _, cables, errors = runs[-1]
    best = min(times)
    per = best / cables * 1e6 if cables else float("nan")
    print(f"{label:<10} {len(files):>5} {cables:>6} {errors:>6} {best:>8.3f} "
          f"{statistics.median(times):>8.3f} {per:>10.0f}")
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev",
                    help="folder of *.txt cables (with raw_html/*.html); default ../shared/corpus/dev")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes after the warm-up (default 5)")
    args = ap.parse_args()
    corpus = args.corpus.resolve()
    if not corpus.is_dir():
        print(f"parse_speed: corpus folder {corpus} is absent; nothing to measure (skipped).")
        return 0
    repeat = max(1, args.repeat)

    print(f"corpus {corpus}, {repeat} timed passes after a warm-up, one process, one core")
    print(f"{'row':<10} {'files':>5} {'cables':>6} {'errors':>6} {'best s':>8} {'median s':>8} {'µs/cable':>10}")
    txt = sorted(corpus.glob("*.txt"))
    best = measure("txt", txt, repeat)
    measure("raw_html", sorted((corpus / "raw_html").glob("*.html")), repeat)

    if best is not None:
        verdict = "OK" if best < TARGET_S else "SLOW"
        print(f"parse {len(txt)} dev cables: best {best:.2f} s (target < {TARGET_S:g} s): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
