"""Where one cable's build time goes: parse, join, each page's context and template, data and citations.

    python bench/cable_cost.py CONTENT_DIR [--limit N]

Runs in one process on one core, without a profiler's overhead, and prints milliseconds per cable for each
step of the per-cable work, so that a change to one step can be measured on its own.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.render import cite, data
from generator.render import pages  # noqa: E402
from generator.edition.annotations import join  # noqa: E402
from generator.errors import Problems  # noqa: E402
from generator.read.load import read_file  # noqa: E402
from generator.edition.markup import render as markdown  # noqa: E402
from generator.render.views import source_context, url_for  # noqa: E402
from generator.build.jobs import _Job  # noqa: E402
from generator.build.site import collect  # noqa: E402
from generator.read.store import Store  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("content", type=Path)
    ap.add_argument("--limit", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site, _ = collect(args.content, Problems(), Store(Path(tmp)), {}, None, show=False)
        job = _Job(site, None)
        ids = list(site.cables)[:args.limit]
        spent: dict[str, float] = defaultdict(float)

        def timed(name, fn, *a):
            t = time.perf_counter()
            r = fn(*a)
            spent[name] += time.perf_counter() - t
            return r

        for cid in ids:
            b = site.cables[cid]
            timed("parse", lambda: list(read_file(Path(b.source.path), Problems())))
            cable = timed("load", site.full, cid)
            joined = timed("join", join, cable, site.content.annotations.get(cid), site.content, job.matcher,
                           lambda t: markdown(t, job.cable_link), Problems())
            ctx = timed("cable context", pages.cable_page_context, site, cable, joined, job.cable_link)
            timed("cable.html", job.env.get_template("cable.html").render, ctx)
            sctx = timed("source context", source_context, cable, site.content, "../../")
            timed("source.html", job.env.get_template("source.html").render, sctx)
            url = url_for(site.content.site, f"cables/{cid}/")
            timed("bib/ris/csl", lambda: (cite.bibtex(cable, site.content.site, url), cite.ris(cable, site.content.site, url),
                                          cite.csl_json(cable, site.content.site, url)))
            timed("json record", lambda: json.dumps(data.cable_record(site, cable, joined), ensure_ascii=False))
    total = sum(spent.values())
    print(f"{len(ids)} cables, ms per cable:")
    for name, s in spent.items():
        print(f"  {name:16} {1000 * s / len(ids):7.3f}")
    print(f"  {'total':16} {1000 * total / len(ids):7.3f}")


if __name__ == "__main__":
    main()
