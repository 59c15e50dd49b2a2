"""The command line: build (default), check, serve, inspect, import."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from . import __version__
from .errors import Problems, as_built

ROOT = Path(__file__).resolve().parent.parent


def report(problems: Problems, strict: bool = False) -> int:
    """Print problems together, sorted by place; return the exit status they call for."""
    for p in sorted(problems, key=lambda p: (p.path, p.line or 0)):
        print(p, file=sys.stderr)
    failed = bool(problems.errors) or (strict and bool(problems.warnings))
    return 1 if failed else 0


def cmd_inspect(args: argparse.Namespace) -> int:
    from .inspect import write_json_line, write_summary
    from .load import read_cables

    problems = Problems()
    out = sys.stdout
    count = 0
    for cable in read_cables([Path(p) for p in args.paths], problems):
        count += 1
        if args.json:
            write_json_line(cable, out)
        else:
            write_summary(cable, out)
    if not args.json:
        print(f"{count} cables read, {len(problems.errors)} errors, {len(problems.warnings)} warnings",
              file=sys.stderr)
    return report(problems, args.strict)


def cmd_build(args: argparse.Namespace) -> int:
    problems, scanned = nothing_to_do(args)
    if problems is None:
        from .site import build

        problems = build(Path(args.content), Path(args.output), problems=Problems(), base_url=args.base_url,
                         index_search=not args.no_search, show=False if args.quiet else None, scanned=scanned,
                         strict=args.strict)
    status = report(problems, args.strict)
    if args.strict and len(problems):
        print(f"build --strict: {len(problems)} problem{'s' * (len(problems) != 1)}; nothing was written to "
              f"{args.output}", file=sys.stderr)
    return status


def nothing_to_do(args: argparse.Namespace) -> tuple[Problems | None, tuple]:
    """The last build's problems, as a build reports them, when nothing it read has changed since, without
    loading the renderer; else None and what was found (the build's options, the last build's head, the scan
    of content/). A strict build has nothing to do only when the last build had no problem."""
    import time
    from .search import installed
    from .store import Store, build_base, default_folder, unchanged, write_atomic

    start = time.perf_counter()
    output = Path(args.output)
    store = Store(default_folder(output))
    searching = not args.no_search and installed()
    base = build_base(False, args.base_url, searching)
    old, inputs = unchanged(store, Path(args.content), output, base)
    if not old or old["inputs"] != inputs or old.get("stale"):  # stale: search bundles left to index
        return None, (base, old, inputs)
    found = Problems(list(old["problems"]))
    if args.strict and len(found):
        return as_built(found, False, True), ()  # the site stays the last build's, which had problems
    seconds = round(time.perf_counter() - start, 4)
    doc = {"result": "nothing changed", "seconds": {"total": seconds}, "pages": {"written": 0, "total": old["pages"]}}
    write_atomic(store.folder / "last-build.json", (json.dumps(doc, indent=1) + "\n").encode())
    print(f"nothing changed since the last build ({old['pages']} pages); {seconds:.2f} s", file=sys.stderr)
    return as_built(found, True, args.strict), ()


def cmd_check(args: argparse.Namespace) -> int:
    from .site import check

    problems = Problems()
    from .store import default_folder

    site, _ = check(Path(args.content), problems, args.base_url, default_folder(Path(args.output)))
    print(f"{len(site.cables)} cables, {len(site.threads)} threads checked: {len(problems.errors)} errors, "
          f"{len(problems.warnings)} warnings", file=sys.stderr)
    return report(problems, args.strict)


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(Path(args.content), Path(args.output), args.host, args.port)


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import Selection, import_cables, summary

    for flag, day in (("--from", args.start), ("--to", args.end)):
        if day and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
            print(f"build.py import: error: {flag} {day!r} is not a date like 2007-01-31", file=sys.stderr)
            return 2
    source = Path(args.source)
    if not source.exists():
        print(f"{source}: error: no such file or folder", file=sys.stderr)
        return 1
    selection = Selection(origins=args.origin or [], tags=args.tag or [], start=args.start, end=args.end,
                          ids=[i.upper() for i in args.id or []])
    out = import_cables(source, Path(args.into), selection, replace=args.replace,
                        progress=False if args.quiet else None)
    status = report(out.problems, args.strict)
    print(summary(out, Path(args.into)), file=sys.stderr)
    return status


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="Build a documentary edition of diplomatic cables.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--content", default=str(ROOT / "content"), help="content folder (default: content/)")
        sp.add_argument("--output", "--out", dest="output", default=str(ROOT / "site"),
                        help="output folder (default: site/)")
        sp.add_argument("--strict", action="store_true", help="treat warnings as errors")

    def address(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--base-url", metavar="URL", help="the address the site will be published at, e.g. "
                        "https://USER.github.io/REPO (overrides base_url in content/site.yaml)")

    b = sub.add_parser("build", help="build the site into site/ (the default command)")
    common(b)
    address(b)
    b.add_argument("--no-search", action="store_true", help="do not index for search (the search page says so)")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.set_defaults(func=cmd_build)
    c = sub.add_parser("check", help="check that every link, anchor and key named in content/ exists")
    common(c)
    address(c)
    c.set_defaults(func=cmd_check)
    s = sub.add_parser("serve", help="build, then preview on http://127.0.0.1:8000 with live reload")
    common(s)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)
    m = sub.add_parser("import", help="copy the cables of a cables.csv or a folder into a content folder, "
                                      "one file per cable")
    m.add_argument("source", metavar="SOURCE", help="a cables.csv, or a folder of WikiLeaks HTML pages or text files")
    m.add_argument("--into", required=True, metavar="DIR", help="where to write, e.g. content/cables")
    m.add_argument("--origin", action="append", metavar="PLACE", help="keep cables from this place (BEIJING); "
                   "repeatable")
    m.add_argument("--tag", action="append", metavar="CODE", help="keep cables with this TAGS code; repeatable")
    m.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help="keep cables dated on or after this day")
    m.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help="keep cables dated on or before this day")
    m.add_argument("--id", action="append", metavar="ID", help="keep this cable; repeatable")
    m.add_argument("--replace", action="store_true", help="overwrite files that hold other bytes")
    m.add_argument("--quiet", action="store_true", help="no progress bar")
    m.add_argument("--strict", action="store_true", help="treat warnings as errors")
    m.set_defaults(func=cmd_import)
    i = sub.add_parser("inspect", help="show what the parser reads from cable files")
    i.add_argument("paths", nargs="+", metavar="PATH", help="cable files or folders")
    i.add_argument("--json", action="store_true", help="one JSON object per cable per line (JSON Lines)")
    i.add_argument("--strict", action="store_true", help="treat warnings as errors")
    i.set_defaults(func=cmd_inspect)
    return p


COMMANDS = ("build", "check", "serve", "inspect", "import")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["build", *argv]  # `python build.py [--content DIR --out DIR]` builds
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
