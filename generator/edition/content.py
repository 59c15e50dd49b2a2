"""The editorial layer in content/: site settings, annotations per cable, glossary, people, organisations, TAGS.

Every file is read with YAML's safe loader (the C one where present); each mapping remembers the line it
starts on, so that a problem names its file and line. Values are checked for type after loading. A symbolic
link in content/ is refused, wherever it points: the site publishes what the folder holds, nothing else.
"""

from __future__ import annotations

import contextvars
import csv
import hashlib
import io
import os
import re
import stat
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..errors import Problems
from ..paths import refused
from ..read.readers import decode, first_non_utf8_line, utf16_codec, without_waiting

MAX_EDITORIAL_BYTES = 10 * 1024 * 1024
"""Largest editorial file read (the whole glossary of a large edition is a few hundred KB); a larger one is
refused from its size, before it is read."""

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader


class LineDict(dict):
    """A mapping read from YAML that knows the line it starts on, and the line of each of its keys."""

    line: int = 0
    lines: dict

    def line_of(self, key: Any) -> int:
        """The line of a key (of the mapping, where it was not read from YAML)."""
        return getattr(self, "lines", {}).get(key, self.line)


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, with mappings that keep their line numbers."""


def _mapping(loader, node):
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            # A list or mapping as a key ("? [a, b]") cannot even be looked up: say so here, at its line.
            raise yaml.constructor.ConstructorError(
                None, None, f"a key must be a word, not {type(key).__name__}", key_node.start_mark)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


TAG_REFUSED = ("the YAML tag {tag} is refused: content files hold plain data only (text, numbers, true/false, "
               "dates, lists and mappings), and no tag may make the build create objects or run code; remove it")


READ: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("READ", default=None)
"""Where `load_content` collects the hash of every file it reads (see Content.sources)."""


def read_text(path: Path, problems: Problems) -> str | None:
    """The text of one editorial file; None, with the reason recorded, for a link, a folder or anything else
    that is not a file, a file over the size limit (known from its size, before it is read) or one that
    cannot be read. Text that is not UTF-8 is read as what it is (UTF-16, else Windows-1252), with a warning."""
    if refused(path, problems):
        return None
    where = str(path)
    try:
        with open(path, "rb", opener=without_waiting) as f:
            info = os.fstat(f.fileno())
            if stat.S_ISDIR(info.st_mode):
                problems.error(where, None, "a folder where a file is expected; it is not read")
                return None
            if not stat.S_ISREG(info.st_mode):
                # A pipe or a device would block the build, or never end.
                problems.error(where, None, "not a regular file (a pipe or a device); it is not read")
                return None
            if info.st_size > MAX_EDITORIAL_BYTES:
                problems.error(where, None, f"the file is {info.st_size / 1048576:.0f} MB, larger than any "
                                            f"editorial file (limit {MAX_EDITORIAL_BYTES // 1048576} MB); it is "
                                            "not read")
                return None
            data = f.read(MAX_EDITORIAL_BYTES + 1)
        reads = READ.get()
        if reads is not None:
            reads[where] = hashlib.blake2b(data, digest_size=16).hexdigest()
    except IsADirectoryError:
        problems.error(where, None, "a folder where a file is expected; it is not read")
        return None
    except OSError as e:
        problems.error(where, None, f"cannot be read ({e.strerror or e}); it is left out")
        return None
    text, encoding = decode(data)
    if encoding == "utf-16-le" or encoding == "utf-16-be":
        problems.add(where, None, f"saved as UTF-16 without a byte-order mark; read as {encoding.upper()} (save "
                                  "it as UTF-8)")
    elif encoding != "utf-8" and encoding != "utf-16":
        problems.add(where, first_non_utf8_line(data), f"not valid UTF-8; read as {encoding} (save it as UTF-8)")
    return text.removeprefix("\ufeff")


def load_yaml(path: Path, problems: Problems) -> Any:
    """Read one YAML file safely; on failure record `path:line[:column]: message` and return None."""
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from the safe loader
    except yaml.MarkedYAMLError as e:
        problem = e.problem or str(e)
        tag = re.fullmatch(r"could not determine a constructor for the tag '(.*)'", problem)
        if tag:
            name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            problems.error(str(path), _line(e.problem_mark), TAG_REFUSED.format(tag=name))
        elif isinstance(e, yaml.constructor.ConstructorError):
            problems.error(str(path), _line(e.problem_mark), f"invalid YAML: {problem}")
        else:
            mark, message = syntax_fault(e, text)
            problems.error(str(path), _line(mark), f"invalid YAML: {message}", mark.column + 1 if mark else None)
        return None
    except yaml.YAMLError as e:  # no mark: a stream PyYAML cannot read at all
        problems.error(str(path), None, f"invalid YAML: {e}")
        return None


def _line(mark) -> int | None:
    return mark.line + 1 if mark is not None else None


def _at(mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


KEY_LIKE = re.compile(r"^\s*(?:-\s+)?[\w.-]+:(?:\s|$)")
"""A line that starts a mapping entry (`label: ...`, `- date: ...`)."""


def syntax_fault(e: yaml.MarkedYAMLError, text: str):
    """Where a YAML syntax error is, and what it is: (mark, message).

    PyYAML reports where it noticed the fault, which is often later than the fault: the end of the file for a
    quote left open, or the line where a quote left open meets the next quote. A quoted text that runs on over
    lines that look like keys is that fault: it is reported where it opens."""
    problem, pm, cm = e.problem or "", e.problem_mark, e.context_mark
    if isinstance(e, yaml.scanner.ScannerError) and cm is not None and e.context:
        # The scanner names the token it could not finish, and where that token starts.
        if "quoted scalar" in e.context:
            ends = "the file ends" if "end of stream" in problem else f"{problem} at {_at(pm)}"
            return cm, f"a quoted text opens here and is never closed ({ends}): add its closing quote"
        if pm is not None and (pm.line, pm.column) != (cm.line, cm.column):
            return cm, f"{e.context} here: {problem} at {_at(pm)}"
        return cm, f"{e.context}: {problem}"
    quote = runaway_quote(text, pm)
    if quote is not None:
        return quote, (f"the quoted text that opens here runs on to line {pm.line + 1}, over lines that look like "
                       f"keys: is its closing quote missing? ({problem} at {_at(pm)})")
    if e.context and cm is not None and cm.line != getattr(pm, "line", None):
        return pm, f"{problem} ({e.context} that starts at line {cm.line + 1})"
    return pm, problem


def runaway_quote(text: str, at):
    """The start of the quoted text that ends just before `at` (a mark), where it runs on over lines that look
    like keys; None where there is none."""
    if at is None:
        return None
    last = None
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if (token.start_mark.line, token.start_mark.column) >= (at.line, at.column):
                break
            last = token
    except yaml.YAMLError:
        pass  # the scan stops at the fault too: the tokens before it are all that is needed
    if not isinstance(last, yaml.ScalarToken) or last.style not in ('"', "'"):
        return None
    start, end = last.start_mark, last.end_mark
    lines = text.split("\n")
    if any(KEY_LIKE.match(lines[k]) for k in range(start.line + 1, min(end.line, len(lines) - 1) + 1)):
        return start
    return None


def unknown_keys(data: dict, known: Iterable[str], path: Path | str, problems: Problems) -> None:
    """Warn of every key of `data` that is not in `known`, with the known key it nearest resembles: a typo
    ("sumary") must never drop a value without a word."""
    known = list(known)
    for key in data:
        if key in known:
            continue
        word = str(key)
        near = get_close_matches(word, known, n=1, cutoff=0.6) or get_close_matches(word.lower(), known, n=1,
                                                                                     cutoff=0.6)
        hint = f"did you mean {near[0]}?" if near else f"the known keys are {', '.join(known)}"
        line = data.line_of(key) if isinstance(data, LineDict) else None
        problems.add(str(path), line, f"{word}: unknown key; {hint}")


def line_of(value: Any) -> int | None:
    return getattr(value, "line", None)


@dataclass(frozen=True, slots=True)
class Note:
    """An editorial note attached to a paragraph."""

    paragraph: str
    """Label of the paragraph (1, 3a)."""
    text: str
    """The note, in Markdown (raw HTML is not allowed)."""
    anchor: str | None
    """Words of the paragraph after which the note marker stands; the end of the paragraph if None."""
    line: int | None
    """Line of the annotations file where the note is written."""


@dataclass(frozen=True, slots=True)
class Annotations:
    """The editor's layer for one cable."""

    cable: str
    """Id of the cable."""
    path: str
    """File the annotations were read from."""
    headnote: str | None = None
    """The headnote, in Markdown."""
    notes: tuple[Note, ...] = ()
    """Notes on paragraphs, in the order written."""
    sic: tuple[str, ...] = ()
    """Typos that stay as written; each occurrence is followed by [sic]."""
    release: str | None = None
    """Which release of the cable gives the reading text, where the content holds several: its date (2010-12-22),
    its month (2010-12, or dec2010), or "earliest" / "latest" (the default). Checked against the releases when
    the cables are linked (see site.collect)."""
    release_line: int | None = None
    """Line of the release key."""


@dataclass(frozen=True, slots=True)
class Entry:
    """A person, an organisation or a glossary term."""

    key: str
    """Stable key, used in URLs and anchors (herbst-john)."""
    name: str
    """Name as the edition shows it (John Herbst); for a glossary term, the term (S/CRS)."""
    forms: tuple[str, ...]
    """Forms in which the cables write it, matched whole-word and case-sensitive."""
    description: str
    """What the edition says of it, in Markdown; for a glossary term, its expansion."""
    sources: tuple[str, ...]
    """Where each statement of outside fact comes from."""
    kind: str
    """person, organization or term."""
    path: str
    line: int | None


@dataclass
class Content:
    """Everything the editor writes, read and checked."""

    site: dict = field(default_factory=dict)
    annotations: dict[str, Annotations] = field(default_factory=dict)
    people: dict[str, Entry] = field(default_factory=dict)
    organizations: dict[str, Entry] = field(default_factory=dict)
    glossary: dict[str, Entry] = field(default_factory=dict)
    tags: dict[str, dict] = field(default_factory=dict)
    threads: dict = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    """Editorial pages (content/pages/*.md): about, how-to-read, home."""
    parsed: dict[str, tuple] = field(default_factory=dict)
    """Each annotation file as read: path -> (its Annotations or None, the problems it gave, the hash of its
    bytes), for a later build to reuse where the file has not changed (see `load_content`)."""
    sources: dict[str, str] = field(default_factory=dict)
    """The hash of the bytes of every file read, by path: what the build's keys are made from, so that a key
    never stands for bytes other than those the pages were made from (a file saved again meanwhile)."""


SITE_DEFAULTS = {
    "title": "Cables",
    "subtitle": "",
    "description": "",
    "base_url": "",
    "language": "en",
    "editor": "",
    "publisher": "",
    "example_cable": "",
}


def _text(value: Any, where: tuple[str, int | None], what: str, problems: Problems, required=False) -> str | None:
    if value is None:
        if required:
            problems.error(where[0], where[1], f"{what} is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        problems.error(where[0], where[1], f"{what} must be text, not {KINDS.get(type(value), type(value).__name__)}")
        return None
    return str(value)


def load_site(path: Path, problems: Problems) -> dict:
    data = load_yaml(path, problems) if path.exists() or path.is_symlink() else {}
    site = dict(SITE_DEFAULTS)
    if data is None:
        return site
    if not isinstance(data, dict):
        problems.error(str(path), None, "site.yaml must be a mapping of settings")
        return site
    unknown_keys(data, SITE_DEFAULTS, path, problems)
    for key, value in data.items():
        if key not in SITE_DEFAULTS:
            continue
        text = _text(value, (str(path), data.line_of(key)), key, problems)
        if text is not None:
            site[key] = text
    site["base_url"] = checked_base_url(site["base_url"], str(path), line_of(data), problems)
    return site


def checked_base_url(value: str, where: str, line: int | None, problems: Problems) -> str:
    """base_url without its trailing slash; an address that is not http(s)://host[/path] is an error."""
    value = value.strip().rstrip("/")
    if value and not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value):
        problems.error(where, line, f"base_url {value!r} is not an address like https://USER.github.io/REPO; "
                                    "it is left empty")
        return ""
    return value


def load_annotations(path: Path, problems: Problems) -> Annotations | None:
    data = load_yaml(path, problems)
    if data is None:
        return None
    where = (str(path), line_of(data))
    if not isinstance(data, dict):
        problems.error(*where, "an annotations file must be a mapping (cable, headnote, notes, sic)")
        return None
    cable = _text(data.get("cable"), where, "cable (the id this file annotates)", problems, required=True)
    if not cable:
        return None
    unknown_keys(data, ANNOTATION_KEYS, path, problems)
    notes = []
    for item in _list(data, "notes", "notes (each a paragraph and its text)", path, problems):
        w = (str(path), line_of(item) or where[1])
        if not isinstance(item, dict):
            problems.error(*w, "each note is a mapping with paragraph and text")
            continue
        unknown_keys(item, NOTE_KEYS, path, problems)
        para = _text(item.get("paragraph"), w, "paragraph of the note", problems, required=True)
        text = _text(item.get("text"), w, "text of the note", problems, required=True)
        anchor = _text(item.get("anchor"), w, "anchor", problems)
        if para and text:
            notes.append(Note(para.strip().lstrip("¶p"), text, anchor, w[1]))
    sic = []
    for word in _list(data, "sic", "sic (the words that stay as written)", path, problems):
        t = _text(word, where, "sic entry", problems)
        if t:
            sic.append(t)
    release = data.get("release")
    if hasattr(release, "isoformat") and not isinstance(release, bool):
        release = release.isoformat()  # YAML reads 2010-12-22 as a date
    release = _text(release, (str(path), data.line_of("release")), "release", problems)
    return Annotations(cable, str(path), _text(data.get("headnote"), where, "headnote", problems), tuple(notes),
                       tuple(sic), release.strip() if release else None,
                       data.line_of("release") if "release" in data else None)


KINDS = {str: "text", int: "a number", float: "a number", bool: "true or false", LineDict: "a mapping",
         dict: "a mapping"}
"""How a message names the type of a YAML value."""

ANNOTATION_KEYS = ("cable", "headnote", "notes", "sic", "release")
NOTE_KEYS = ("paragraph", "anchor", "text")


def _list(data: LineDict, key: str, what: str, path: Path, problems: Problems) -> list:
    """The list under `key` (empty where absent); anything else is an error, and is not read."""
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        kind = KINDS.get(type(value), type(value).__name__)
        problems.error(str(path), data.line_of(key), f"{what} must be a list (each item on a line starting with "
                                                     f"\"- \"), not {kind}; it is not read")
        return []
    return value


def slug(text: str) -> str:
    """A URL-safe key: lower case, ASCII letters and digits, hyphens."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "x"


def load_entries(path: Path, kind: str, problems: Problems) -> dict[str, Entry]:
    """Read people.yaml, organizations.yaml or glossary.yaml: a mapping of key to entry."""
    if not path.exists() and not path.is_symlink():
        return {}
    data = load_yaml(path, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.error(str(path), None, f"{path.name} must be a mapping of key to entry")
        return {}
    out: dict[str, Entry] = {}
    for key, item in data.items():
        w = (str(path), data.line_of(key))  # the line of the entry's key names it
        if not isinstance(item, dict):
            problems.error(*w, f"entry {key!r} must be a mapping")
            continue
        name_field = "term" if kind == "term" else "name"
        desc_field = "expansion" if kind == "term" else "description"
        unknown_keys(item, (name_field, "forms", desc_field, "sources"), path, problems)
        name = _text(item.get(name_field, key if kind == "term" else None), w, name_field, problems, required=True)
        desc = _text(item.get(desc_field), w, desc_field, problems, required=True)
        forms = item.get("forms") or [name]
        sources = item.get("sources") or []
        if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
            problems.error(*w, f"forms of {key!r} must be a list of text")
            continue
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            problems.error(*w, f"sources of {key!r} must be a list of text")
            continue
        if not name or not desc:
            continue
        k = slug(str(key))
        if k in out:
            problems.error(*w, f"entry {key!r} has the same key as an earlier one ({k}, used in links); it is "
                               "left out: rename one")
            continue
        out[k] = Entry(k, name, tuple(forms), desc, tuple(sources), kind, str(path), w[1])
    return out


TAG_COLUMNS = ("tag", "kind", "definition", "definition_confidence", "definition_source")
"""Columns of tags.csv that the site reads."""
TAG_EXTRA_COLUMNS = ("category", "observed_in_corpus_count", "notes")
"""Columns that tags.csv may hold for its editors."""


def load_tags(path: Path, problems: Problems) -> dict[str, dict]:
    """Read content/tags.csv: TAGS code, kind, definition, confidence and source. A missing column is an error
    (read as empty); a row of the wrong length is read as far as it goes, with a warning."""
    text = read_text(path, problems)
    if text is None:
        return {}
    where = str(path)
    rows = csv.reader(io.StringIO(text, newline=""))
    out: dict[str, dict] = {}
    try:
        header = next(rows, None)
        if not header:
            problems.error(where, 1, f"tags.csv has no header line (it starts: {', '.join(TAG_COLUMNS)})")
            return {}
        header = [h.strip() for h in header]
        columns = LineDict.fromkeys(header)
        columns.line = 1
        unknown_keys(columns, TAG_COLUMNS + TAG_EXTRA_COLUMNS, path, problems)
        missing = [c for c in TAG_COLUMNS if c not in header]
        if "tag" in missing:
            problems.error(where, 1, "tags.csv has no column tag: no row can be read")
            return {}
        if missing:
            problems.error(where, 1, f"tags.csv has no column {', '.join(missing)}; read as empty")
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.add(where, line, f"the row has {len(row)} cells, the header {len(header)}; "
                                          + ("the missing ones are read as empty" if len(row) < len(header)
                                             else "the cells past the header's are not read"))
            entry = {c: "" for c in TAG_COLUMNS} | dict(zip(header, (cell.strip() for cell in row)))
            code = entry["tag"]
            if not code:
                problems.add(where, line, "a row with no tag; it is not read")
                continue
            if code in out:
                problems.add(where, line, f"the tag {code} is defined again; this row is read")
            out[code] = entry
        return out
    except csv.Error as e:
        problems.error(where, rows.line_num, f"unreadable CSV: {e}; the rows after it are not read")
        return out


def load_content(root: Path, problems: Problems, known: dict[str, tuple] | None = None) -> Content:
    """Read the whole editorial layer under `root` (content/). `known`: annotation files as an earlier build
    read them (see Content.parsed), taken as they were, problems included; the caller vouches that those
    files have not changed since (an edition of thousands of notes is not parsed again for one edit)."""
    token = READ.set({})
    try:
        c = _load_content(root, problems, known or {})
        c.sources = READ.get()
    finally:
        READ.reset(token)
    return c


def _load_content(root: Path, problems: Problems, known: dict[str, tuple]) -> Content:
    c = Content()
    c.site = load_site(root / "site.yaml", problems)
    for path in folder_files(root / "annotations", ".yaml", problems):
        a = _annotations(path, problems, known, c.parsed)
        if a is None:
            continue
        if a.cable in c.annotations:
            problems.error(str(path), None, f"{a.cable} is annotated again (also in {c.annotations[a.cable].path})")
            continue
        c.annotations[a.cable] = a
    c.people = load_entries(root / "people.yaml", "person", problems)
    c.organizations = load_entries(root / "organizations.yaml", "organization", problems)
    c.glossary = load_entries(root / "glossary.yaml", "term", problems)
    own = root / "tags.csv"
    if not refused(own, problems):
        c.tags = load_tags(own if own.exists() else Path(__file__).parents[1] / "data" / "tags.csv", problems)
    c.threads = load_threads(root / "threads", problems)
    for path in folder_files(root / "pages", ".md", problems):
        if path.stem not in PAGES:
            near = get_close_matches(path.stem, PAGES, n=1)
            hint = f"did you mean {near[0]}.md?" if near else f"the pages are {', '.join(p + '.md' for p in PAGES)}"
            problems.add(str(path), None, f"not published: no page of the site is made from it ({hint})")
            continue
        text = read_text(path, problems)
        if text is not None:
            c.pages[path.stem] = text
    return c


def _annotations(path: Path, problems: Problems, known: dict[str, tuple], parsed: dict[str, tuple]
                 ) -> Annotations | None:
    """One annotation file, read, or taken from `known` with its problems and the hash of its bytes."""
    where = str(path)
    got = known.get(where)
    if got is None:
        mine = Problems()
        got = (load_annotations(path, mine), tuple(mine.items), (READ.get() or {}).get(where))
    elif got[2] is not None:
        READ.get()[where] = got[2]
    parsed[where] = got
    problems.items.extend(got[1])
    return got[0]


PAGES = ("home", "about", "how-to-read")
"""The editorial pages of content/pages/: the home page's introduction, About, How to read a cable."""


def folder_files(folder: Path, suffix: str, problems: Problems) -> list[Path]:
    """The files of a folder of content/ that end in `suffix`, in order; an absent folder holds none. A folder
    that cannot be listed, or is a file, is an error; a file named nearly so (.yml, .YAML) a warning: neither
    is skipped without a word."""
    if refused(folder, problems):
        return []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        problems.error(str(folder), None, f"a file where a folder of *{suffix} files is expected; it is not read")
        return []
    except OSError as e:
        problems.error(str(folder), None, f"the folder cannot be read ({e.strerror or e}); its files are left out")
        return []
    near = {suffix.upper(), ".yml", ".YML"} if suffix == ".yaml" else {suffix.upper(), ".markdown"}
    out = []
    for e in entries:
        name = Path(e.name)
        if e.name.startswith("."):
            continue
        if name.suffix == suffix:
            out.append(Path(e.path))  # links, folders and unreadable files are refused as each is read
        elif name.suffix in near:
            problems.add(e.path, None, f"not read: only files ending in {suffix} are; rename it "
                                       f"{name.stem}{suffix}")
    return out


# --- threads --------------------------------------------------------------------------------------

PARA_REF = re.compile(r"^\s*(?P<cable>\d{2}[A-Z]+\d+)\s*(?P<paras>(?:¶\s*+\d+[a-z]?(?:\s*[-–]\s*¶?\s*\d+[a-z]?)?\s*+(?:,\s*+)?)*)$")
RELATIONS = {
    "follow-up": ("followed up in", "follows up"),
    "proposal-outcome": ("outcome in", "outcome of the proposal in"),
    "contrast": ("contrasted in", "contrasts with"),
    "echo": ("echoed in", "echoes"),
    "context": ("context in", "context from"),
}
"""Relations of a thread link, with the wording on the earlier and on the later side."""

RELATION_TITLES = {
    "follow-up": "The matter and its follow-up",
    "proposal-outcome": "The proposal and its outcome",
    "contrast": "Two passages in contrast",
    "echo": "The words and their echo",
    "context": "The background and what it explains",
}
"""The title of a thread link on the thread page, naming its relation in plain words."""


@dataclass(frozen=True, slots=True)
class ParaRef:
    """A cable and some of its paragraphs, as an editor writes them: 07BEIJING3239 ¶12-13."""

    cable: str
    paragraphs: tuple[str, ...]
    text: str


@dataclass(frozen=True, slots=True)
class ThreadEvent:
    date: str
    end: str | None
    label: str
    ref: ParaRef | None
    line: int | None


@dataclass(frozen=True, slots=True)
class ThreadLink:
    source: ParaRef
    target: ParaRef
    relation: str
    note: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Thread:
    """A thread the editor draws between cables, paragraph to paragraph."""

    slug: str
    title: str
    summary: str
    events: tuple[ThreadEvent, ...]
    links: tuple[ThreadLink, ...]
    path: str
    line: int | None


def parse_para_ref(text: str) -> ParaRef | None:
    """Read "07BEIJING3239 ¶1, ¶7, ¶12-13" (ranges of plain numbers expand)."""
    m = PARA_REF.match(text or "")
    if not m:
        return None
    paras: list[str] = []
    for part in re.findall(r"¶\s*(\d+[a-z]?)(?:\s*[-–]\s*¶?\s*(\d+[a-z]?))?", m.group("paras")):
        a, b = part
        if b and a.isdigit() and b.isdigit() and int(a) < int(b) <= int(a) + 100:
            paras.extend(str(n) for n in range(int(a), int(b) + 1))
        else:
            paras.extend(p for p in (a, b) if p)
    return ParaRef(m.group("cable"), tuple(paras), text.strip())


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
THREAD_KEYS = ("title", "summary", "events", "links")
EVENT_KEYS = ("date", "end", "label", "cable")
LINK_KEYS = ("from", "to", "relation", "note")


def load_thread(path: Path, problems: Problems) -> Thread | None:
    data = load_yaml(path, problems)
    if data is None:
        return None
    where = (str(path), line_of(data))
    if not isinstance(data, dict):
        problems.error(*where, "a thread file is a mapping: title, summary, events, links")
        return None
    unknown_keys(data, THREAD_KEYS, path, problems)
    title = _text(data.get("title"), where, "title", problems)
    summary = _text(data.get("summary"), (str(path), data.line_of("summary")), "summary", problems) or ""
    events, links = [], []
    for item in _list(data, "events", "events (each a date, label and cable)", path, problems):
        w = (str(path), line_of(item) or where[1])
        if not isinstance(item, dict):
            problems.error(*w, "each event is a mapping: date, label, cable")
            continue
        unknown_keys(item, EVENT_KEYS, path, problems)
        date = str(item.get("date") or "")
        end = str(item["end"]) if item.get("end") else None
        label = _text(item.get("label"), w, "label of the event", problems)
        if item.get("label") is None:
            problems.error(*w, "the event has no label; it is left out")
        if not date:
            problems.error(*w, "the event has no date (date: \"YYYY-MM-DD\"); it is left out")
        for d in (date, end):
            if d and not ISO_DATE.match(d):
                problems.error(*w, f"event date {d!r} is not YYYY-MM-DD (quote it); the event is left out")
        ref = None
        if item.get("cable"):
            ref = parse_para_ref(str(item["cable"]))
            if ref is None:
                problems.error(*w, f"cannot read {item['cable']!r}: write it as 07BEIJING3239 ¶1")
        if label and ISO_DATE.match(date):
            events.append(ThreadEvent(date, end, label, ref, w[1]))
    for item in _list(data, "links", "links (each from, to, relation and note)", path, problems):
        w = (str(path), line_of(item) or where[1])
        if not isinstance(item, dict):
            problems.error(*w, "each link is a mapping: from, to, relation, note")
            continue
        unknown_keys(item, LINK_KEYS, path, problems)
        src, dst = parse_para_ref(str(item.get("from") or "")), parse_para_ref(str(item.get("to") or ""))
        if src is None or dst is None or not src.paragraphs or not dst.paragraphs:
            problems.error(*w, f"a link needs from and to written as 07BEIJING3239 ¶7 (got {item.get('from')!r} "
                               f"and {item.get('to')!r})")
            continue
        relation = _text(item.get("relation"), w, "relation", problems, required=True)
        if relation is None:
            continue  # missing, or not text: said above
        if relation not in RELATIONS:
            near = get_close_matches(relation, RELATIONS, n=1)
            hint = f"did you mean {near[0]}?" if near else f"known: {', '.join(RELATIONS)}"
            problems.error(*w, f"unknown relation {relation!r} ({hint}); the link is left out")
            continue
        note = _text(item.get("note"), w, "note", problems) or ""
        links.append(ThreadLink(src, dst, relation, note, w[1]))
    if not title:
        if data.get("title") is None:
            problems.error(*where, "title is missing: a thread needs one; the thread is left out")
        return None
    return Thread(slug(path.stem), title, summary, tuple(events), tuple(links), str(path), where[1])


def load_threads(folder: Path, problems: Problems) -> dict[str, Thread]:
    out: dict[str, Thread] = {}
    for path in folder_files(folder, ".yaml", problems):
        t = load_thread(path, problems)
        if t and t.slug in out:
            problems.error(str(path), None, f"the thread would be published at threads/{t.slug}/, as "
                                            f"{out[t.slug].path} is; it is left out: rename one")
        elif t:
            out[t.slug] = t
    return out
