"""The command line: build (default), check, serve, inspect, import.

A mistake in the command (a folder that is not there, a date that is no date, a port in use) is one line,
`PATH: error: ...` or `build.py: error: ...`, and exit status 2 (1 where the command was right but the
world was not); a build ends with one line saying what it did.
"""

from __future__ import annotations

import argparse
import difflib
import errno
import json
import os
import socket
import stat
import sys
import time
from pathlib import Path

from . import __version__
from .errors import Problems, as_built, plural, report

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ("build", "check", "serve", "inspect", "import", "audit")


class Mistake(Exception):
    """A mistake in the command, or a folder it names that cannot serve: one line, and the exit status."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


# --- the folders a command names, checked before anything is read or written ------------------------

def kind(path: Path) -> str | None:
    """"folder", "file" or None (nothing there); a path that cannot be looked at is a Mistake."""
    try:
        st = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as e:
        raise Mistake(f"{path}: error: could not be looked at ({e.strerror})") from None
    return "folder" if stat.S_ISDIR(st.st_mode) else "file"


def content_folder(text: str) -> Path:
    """The folder --content names, if it is a folder that can be read."""
    path = Path(text)
    what = "--content names the folder that holds cables/ and the editorial files"
    found = kind(path)
    if found is None:
        raise Mistake(f"{path}: error: no such folder ({what})")
    if found != "folder":
        raise Mistake(f"{path}: error: not a folder ({what})")
    try:
        os.scandir(path).close()
    except OSError as e:
        raise Mistake(f"{path}: error: the folder could not be read ({e.strerror})") from None
    return path


def writable_folder(path: Path, flag: str) -> None:
    """Refuse a folder to write in that is a file, or lies in one."""
    if kind(path) == "file":
        raise Mistake(f"{path}: error: not a folder ({flag} names the folder to write in); nothing was written")
    for parent in path.absolute().parents:
        found = kind(parent)
        if found == "file":
            raise Mistake(f"{path}: error: {parent} is a file, so no folder can be made in it; nothing was written")
        if found:
            break


def output_folder(text: str, content: Path) -> Path:
    """The folder --output names, if a site can be written there: not a file, and apart from the content."""
    path = Path(text)
    if kind(path) == "file":
        raise Mistake(f"{path}: error: the output is a file, not a folder; nothing was written")
    writable_folder(path, "--output")
    out, source = path.resolve(), content.resolve()
    if out == source or out.is_relative_to(source):
        raise Mistake(f"{path}: error: the output lies inside the content folder {content}, so each build would "
                      "read the last one; choose an output outside it")
    if source.is_relative_to(out):
        raise Mistake(f"{path}: error: the content folder {content} lies inside the output, which a build "
                      "replaces whole; choose an output outside it")
    return path


def require_cables(content: Path, scanned: dict | None = None) -> None:
    """Refuse a content folder that holds no cable file at all (an edition of nothing is a mistake). A scan
    of content/ that found a cable file in cables/ answers at once (the folder is not listed again)."""
    from .read.load import CABLE_SUFFIXES, cable_files, is_cable_name

    folder = content / "cables"
    inside = os.path.join(str(content), "cables") + os.sep
    if scanned and any(p.startswith(inside) and is_cable_name(name := os.path.basename(p))
                       and not name.startswith(".") for p in scanned):
        return
    if folder.is_dir():
        listed = Problems()
        if any(True for _ in cable_files([folder], listed)) or listed.items:
            return  # a folder that cannot be listed is the build's to report, with the rest
        where, why = folder, "no cable files in this folder"
    else:
        if any(p.is_file() and is_cable_name(p.name) for p in content.iterdir()):
            return
        where, why = content, "no cables: neither a cables/ folder nor cable files here"
    endings = ", ".join(sorted(s for s in CABLE_SUFFIXES if s))
    raise Mistake(f"{where}: error: {why} (cable files end in {endings} or have no ending); nothing was written", 1)


def write_failure(e: OSError, output: Path, kept: bool) -> str:
    """The message for a build stopped by the file system (a full disk, a read-only or unreadable folder)."""
    reason = e.strerror or (os.strerror(e.errno) if e.errno else str(e))
    if e.errno is None and e.args and isinstance(e.args[0], list) and e.args[0]:  # shutil.Error: [(src, dst, why)]
        reason = str(e.args[0][0][-1])
    full = e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG)  # only ever a write's failure
    if isinstance(e.filename, str) and not full and not written_by_build(os.path.abspath(e.filename), output.resolve()):
        return f"{e.filename}: error: could not be read ({reason}); nothing was written, the previous site is kept"
    if kept:
        return f"{output}: error: could not write ({reason}); the previous site is kept"
    return (f"{output}: error: could not write ({reason}); the site was written, but not the cache's record of "
            "it: the next build starts afresh")


def written_by_build(name: str, out: Path) -> bool:
    """Whether a build into `out` writes at `name`: the site, its cache, or a staging folder beside the site."""
    from .read.store import default_folder

    cache = default_folder(out)
    if any(name == str(root) or name.startswith(str(root) + os.sep) for root in (out, cache, cache.parent)):
        return True
    first = os.path.relpath(name, out.parent).split(os.sep)[0]
    return first.startswith(f".{out.name}-")


# --- build ------------------------------------------------------------------------------------------

def cmd_build(args: argparse.Namespace) -> int:
    from .read.store import BUILD_MARK, default_folder, stat_key

    content = content_folder(args.content)
    output = output_folder(args.output, content)
    record = default_folder(output) / "last-build.json"
    before = stat_key(record), stat_key(output / BUILD_MARK)
    try:
        problems, scanned = nothing_to_do(args)
        if problems is None:
            require_cables(content, scanned[2])
            from .options import BuildOptions
            from .build.site import build

            options = BuildOptions(base_url=args.base_url, index_search=not args.no_search,
                                   show=False if args.quiet else None, strict=args.strict,
                                   formats=args.formats)
            problems = build(content, output, Problems(), options, scanned=scanned)
    except OSError as e:  # the file system refused (ENOSPC, EACCES, EROFS): the message says what stands
        kept = stat_key(output / BUILD_MARK) == before[1]  # else the site was swapped in before the failure
        print(write_failure(e, output, kept), file=sys.stderr)
        failed = Problems()
        failed.error(str(output), None, "could not write")
        print(closing(args, failed, None, output, True, kept), file=sys.stderr)
        return 1
    status = report(problems, args.strict)
    written = stat_key(record) != before[0] or stat_key(output / BUILD_MARK) != before[1]
    print(closing(args, problems, last_build(record) if written else None, output, not written), file=sys.stderr)
    return status


def formats_list(text: str) -> tuple[str, ...]:
    """The editions --formats names, checked: a comma-separated list of FORMATS."""
    from .options import FORMATS

    names = tuple(dict.fromkeys(n.strip().lower() for n in text.split(",") if n.strip()))
    wrong = [n for n in names if n not in FORMATS]
    if wrong:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(wrong)} (the formats are {', '.join(FORMATS)})")
    return tuple(sorted(names))


def nothing_to_do(args: argparse.Namespace) -> tuple[Problems | None, tuple]:
    """The last build's problems, as a build reports them, when nothing it read has changed since, without
    loading the renderer; else None and what was found (the build's options, the last build's head, the scan
    of content/). A strict build has nothing to do only when the last build had no problem."""
    from .build.search import installed
    from .read.store import Store, build_base, default_folder, unchanged, write_atomic

    start = time.perf_counter()
    output = Path(args.output)
    store = Store(default_folder(output))
    searching = not args.no_search and installed()
    base = build_base(False, args.base_url, searching, args.formats)
    old, inputs = unchanged(store, Path(args.content), output, base)
    if not old or old["inputs"] != inputs or old.get("stale"):  # stale: search bundles left to index
        return None, (base, old, inputs)
    found = Problems(list(old["problems"]))
    if args.strict and len(found):
        return as_built(found, False, True), ()  # the site is the last build's, which had problems
    record = store.folder / "last-build.json"
    cables = (last_build(record) or {}).get("cables")
    took = round(time.perf_counter() - start, 4)
    doc = {"result": "nothing changed", "seconds": {"total": took}, "pages": {"written": 0, "total": old["pages"]},
           "cables": cables}
    write_atomic(record, (json.dumps(doc, indent=1) + "\n").encode())
    return as_built(found, True, args.strict), ()


def last_build(record: Path) -> dict | None:
    """What the build recorded in last-build.json, if it can be read."""
    try:
        doc = json.loads(record.read_bytes())
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def closing(args: argparse.Namespace, problems: Problems, doc: dict | None, output: Path, failed: bool,
            kept: bool = True) -> str:
    """The one line that ends every build: what it did, how long it took, what it found, and where."""
    took = seconds(time.perf_counter() - STARTED)
    out = shown(output)
    if failed and not kept:
        return f"build failed in {took}: {problems.tally()}; {out} holds the new site, its cache does not"
    if failed:
        if args.strict and len(problems):
            return f"build --strict: {plural(len(problems), 'problem')}; nothing was written to {out} ({took})"
        kept = f", {out} is as it was" if output.is_dir() else ""
        return f"build failed in {took}: {problems.tally()}; nothing was written{kept}"
    doc = doc or {}
    pages = (doc.get("pages") or {}).get("total")
    what = plural(pages, "page") if isinstance(pages, int) else "the site"
    if isinstance(doc.get("cables"), int):
        what += f" from {plural(doc['cables'], 'cable')}"
    result = doc.get("result", "built")
    if result == "nothing changed":
        return f"nothing changed since the last build: {what}, checked in {took}: {problems.tally()} -> {out}"
    if result == "built (notes only)":
        written = (doc.get("pages") or {}).get("written", 0)
        return (f"built {what} in {took}, making again only the {plural(written, 'file')} of the edited notes: "
                f"{problems.tally()} -> {out}")
    return f"built {what} in {took}: {problems.tally()} -> {out}"


def seconds(value: float) -> str:
    return f"{value:.2f} s" if value < 1 else f"{value:.1f} s"


def shown(folder: Path) -> str:
    """A folder as a closing line names it: from the working folder when it lies inside it, with a slash."""
    try:
        name = str(folder.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        name = str(folder)
    return name.rstrip("/") + "/"


# --- check, serve, inspect, import ------------------------------------------------------------------

def cmd_check(args: argparse.Namespace) -> int:
    from .build.site import check
    from .read.store import default_folder

    problems = Problems()
    content = content_folder(args.content)
    require_cables(content)
    site, _ = check(content, problems, args.base_url, default_folder(Path(args.output)))
    status = report(problems, args.strict)
    print(f"{plural(len(site.cables), 'cable')}, {plural(len(site.threads), 'thread')} checked: "
          f"{problems.tally()}", file=sys.stderr)
    return status


def cmd_serve(args: argparse.Namespace) -> int:
    content = content_folder(args.content)
    output = output_folder(args.output, content)
    require_cables(content)
    free_port(args.host, args.port)  # before building: livereload would say "Serving on" and then fail
    from .serve import serve

    return serve(content, output, args.host, args.port)


def free_port(host: str, port: int) -> None:
    """Refuse a host and port the preview could not listen on, by binding to them as tornado will."""
    where = "build.py serve: error:"
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as e:
        raise Mistake(f"{where} --host {host!r} is not an address of this machine "
                      f"({getattr(e, 'strerror', None) or e})") from None
    for family, kind, proto, _, address in addresses:
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado: a port just closed is free
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                s.bind(address)
            except OSError as e:
                if e.errno == errno.EADDRINUSE:
                    other = port + 1 if port < 65535 else port - 1
                    raise Mistake(f"{where} port {port} on {host} is in use; try --port {other}", 1) from None
                if e.errno == errno.EADDRNOTAVAIL and host == "localhost" and family == socket.AF_INET6:
                    continue  # no IPv6 loopback here: tornado skips it too
                raise Mistake(f"{where} cannot listen on {host} port {port} ({e.strerror})", 1) from None


def cmd_inspect(args: argparse.Namespace) -> int:
    from .read.inspect import write_json_line, write_summary
    from .read.load import cable_files, read_cables

    problems = Problems()
    paths = [Path(p) for p in args.paths]
    for path in paths:
        if path.is_dir() and not any(True for _ in cable_files([path], Problems())):
            problems.error(str(path), None, "no cable files in this folder")
    out = sys.stdout
    count = 0
    for cable in read_cables(paths, problems):
        count += 1
        if args.json:
            write_json_line(cable, out)
        else:
            write_summary(cable, out)
    status = report(problems, args.strict)
    if not args.json:
        print(f"{plural(count, 'cable')} read, {problems.tally()}", file=sys.stderr)
    return status


def cmd_audit(args: argparse.Namespace) -> int:
    from .read.audit import ALLOWLIST, read_all, read_allowlist, run_audit, write_json, write_lines
    from .read.load import cable_files

    problems = Problems()
    paths = [Path(p) for p in args.paths]
    for path in paths:
        if path.is_dir() and not any(True for _ in cable_files([path], Problems())):
            problems.error(str(path), None, "no cable files in this folder")
    allow = None if args.no_allow else Path(args.allow) if args.allow else ALLOWLIST
    if args.allow and kind(allow) != "file":
        raise Mistake(f"{allow}: error: no such allow-list file (--allow names a CSV of id,check,detail,reason)")
    allowed = read_allowlist(allow, problems) if allow and allow.is_file() else set()
    found = run_audit(read_all(paths, problems), allowed)
    (write_json if args.json else write_lines)(found, sys.stdout)
    status = report(problems, args.strict)
    return max(status, 1 if found.open else 0)


def cmd_import(args: argparse.Namespace) -> int:
    from .read.importer import Selection, import_cables, summary
    from .read.load import cable_files

    selection = Selection(origins=args.origin or [], tags=args.tag or [], start=args.start, end=args.end,
                          ids=[i.upper() for i in args.id or []])
    for mistake in selection.mistakes():
        raise Mistake(f"build.py import: error: {mistake}")
    source, into = Path(args.source), Path(args.into)
    if kind(source) is None:
        raise Mistake(f"{source}: error: no such file or folder", 1)
    if kind(source) == "folder" and not any(True for _ in cable_files([source], Problems())):
        raise Mistake(f"{source}: error: no cable files in this folder; nothing was imported", 1)
    writable_folder(into, "--into")
    try:
        out = import_cables(source, into, selection, replace=args.replace, progress=False if args.quiet else None)
    except OSError as e:
        reason = e.strerror or str(e)
        raise Mistake(f"{e.filename or into}: error: could not write ({reason}); the import stopped there, the "
                      "files written before it are complete", 1) from None
    status = report(out.problems, args.strict)
    print(summary(out, into), file=sys.stderr)
    return status


# --- the parser -------------------------------------------------------------------------------------

class Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one line, naming the command and where its options are listed."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def port_number(text: str) -> int:
    """A TCP port given on the command line."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1 to 65535)") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1 to 65535)")
    return port


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="build.py", description="Build a documentary edition of diplomatic cables.",
               usage="%(prog)s [-h] [--version] [COMMAND] [OPTIONS]",
               formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", metavar="{build,check,serve,import,inspect,audit}", prog="build.py")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--content", default=str(ROOT / "content"), metavar="DIR",
                        help="content folder (default: content/)")
        sp.add_argument("--output", "--out", dest="output", default=str(ROOT / "site"), metavar="DIR",
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
    b.add_argument("--formats", metavar="LIST", type=formats_list, default=(),
                   help="editions to make beside the website, comma-separated: tei (each cable's TEI P5 "
                        "document, cables/<ID>/<ID>.xml, and the edition's teiCorpus, edition.xml), epub and pdf "
                        "(the edition as a book, edition.epub and edition.pdf, and each thread's, "
                        "threads/<slug>/<slug>.epub and .pdf; the PDF is printed by chromium)")
    b.set_defaults(func=cmd_build)
    c = sub.add_parser("check", help="check that every link, anchor and key named in content/ exists")
    common(c)
    address(c)
    c.set_defaults(func=cmd_check)
    s = sub.add_parser("serve", help="build, then preview on http://127.0.0.1:8000 with live reload")
    common(s)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=port_number, default=8000)
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
    a = sub.add_parser("audit", help="report signs of a misparse in cable files, per cable and in totals",
                       description="Report every sign of a misparse that needs no ground truth (see generator/"
                       "audit.py for the checks). Exit status: 0 when every finding is in the allow-list, 1 when "
                       "any is not (or a file could not be read), 2 for a mistake in the command.")
    a.add_argument("paths", nargs="+", metavar="PATH", help="cable files or folders")
    a.add_argument("--json", action="store_true", help="one JSON document: each cable's findings, then totals")
    a.add_argument("--allow", metavar="CSV", help="the reviewed allow-list (id,check,detail,reason); default "
                   "tests/data/audit_allowlist.csv")
    a.add_argument("--no-allow", action="store_true", help="report every finding, reading no allow-list")
    a.add_argument("--strict", action="store_true", help="treat warnings as errors")
    a.set_defaults(func=cmd_audit)
    p.epilog = build_options(b)
    p.commands = {"build": b, "check": c, "serve": s, "import": m, "inspect": i, "audit": a}
    return p


def build_options(build: argparse.ArgumentParser) -> str:
    """The top-level help's epilog: build is the default command, so its options are shown there too."""
    text = build.format_help()
    options = text[text.index("\n\n") + 2:] if "\n\n" in text else text
    lines = options.splitlines()
    skip = next((k for k, line in enumerate(lines) if line.lstrip().startswith("-h, --help")), None)
    if skip is not None:  # the top level's own -h is listed above
        end = skip + 1
        while end < len(lines) and lines[end].startswith(" " * 10):
            end += 1
        del lines[skip:end]
    options = "\n".join(lines)
    return ("With no command, build.py builds: `build.py [OPTIONS]` is `build.py build [OPTIONS]`.\n\n"
            f"build {options.rstrip()}\n\n"
            "Each command lists its own options: build.py COMMAND --help.")


def unrecognized(command: argparse.ArgumentParser, words: list[str]) -> None:
    """Stop on words the command does not take, naming the command and the option meant where it is close."""
    options = [o for action in command._actions for o in action.option_strings]
    close = difflib.get_close_matches(words[0].split("=", 1)[0], options, n=1, cutoff=0.7)
    hint = f"; did you mean {close[0]}?" if close and words[0].startswith("-") else ""
    command.error(f"unrecognized arguments: {' '.join(words)}{hint}")


def unknown_command(word: str) -> str:
    """The message for a first word that names no command, with the closest command if one is close."""
    close = difflib.get_close_matches(word.lower(), COMMANDS, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else f"the commands are {', '.join(COMMANDS)}"
    return f"build.py: error: invalid command {word!r}; {hint}"


STARTED = time.perf_counter()
"""When the command began (main resets it): the closing line's time is the whole command's."""


def main(argv: list[str] | None = None) -> int:
    global STARTED
    STARTED = time.perf_counter()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
        print(unknown_command(argv[0]), file=sys.stderr)  # a typo must not build with the word as an argument
        return 2
    if not argv or argv[0] not in (*COMMANDS, "-h", "--help", "--version"):
        argv = ["build", *argv]  # `python build.py [--content DIR --out DIR]` builds
    top = parser()
    args, rest = top.parse_known_args(argv)
    if rest:
        unrecognized(top.commands[args.command], rest)
    try:
        return args.func(args)
    except Mistake as e:
        print(e, file=sys.stderr)
        return e.status
    except OSError as e:  # the file system refused what no check above foresaw: still one line
        print(f"{e.filename or 'build.py'}: error: {e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
