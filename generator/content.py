"""The editorial layer in content/: site settings, annotations per cable, glossary, people, organisations, TAGS.

Every file is read with YAML's safe loader (the C one where present); each mapping remembers the line it
starts on, so that a problem names its file and line. Values are checked for type after loading. A symbolic
link in content/ is refused, wherever it points: the site publishes what the folder holds, nothing else.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problems

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader


class LineDict(dict):
    """A mapping read from YAML that knows the line it starts on."""

    line: int = 0


class _Loader(_Base):  # type: ignore[misc, valid-type]
    """The safe loader, with mappings that keep their line numbers."""


def _mapping(loader, node):
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


TAG_REFUSED = ("the YAML tag {tag} is refused: content files hold plain data only (text, numbers, true/false, "
               "dates, lists and mappings), and no tag may make the build create objects or run code; remove it")


def load_yaml(path: Path, problems: Problems) -> Any:
    """Read one YAML file safely; on failure record `path:line: message` and return None."""
    if refused(path, problems):
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        problems.error(str(path), None, f"cannot read: {e}")
        return None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from the safe loader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(e, "problem", None) or str(e)
        tag = re.fullmatch(r"could not determine a constructor for the tag '(.*)'", problem)
        if tag:
            name = tag.group(1).replace("tag:yaml.org,2002:", "!!")
            problems.error(str(path), line, TAG_REFUSED.format(tag=name))
        else:
            problems.error(str(path), line, f"invalid YAML: {problem}")
        return None


def refused(path: Path, problems: Problems) -> bool:
    """Whether `path`, a file or folder inside content/, is a symbolic link (then an error says it is not read)."""
    # Even a link to another file of content/ is refused: one rule, with no target to resolve and trust.
    if not path.is_symlink():
        return False
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    problems.error(str(path), None, f"a symbolic link (to {target}) is refused: content/ must hold the files "
                                    "themselves, not links to them (copy the file in), so that nothing from outside "
                                    "it is published")
    return True


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
        problems.error(where[0], where[1], f"{what} must be text, not {type(value).__name__}")
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
    for key, value in data.items():
        if key not in SITE_DEFAULTS:
            problems.add(str(path), line_of(data), f"unknown setting {key!r} (known: {', '.join(SITE_DEFAULTS)})")
            continue
        text = _text(value, (str(path), line_of(data)), key, problems)
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
    unknown = set(data) - {"cable", "headnote", "notes", "sic"}
    for key in sorted(unknown):
        problems.add(*where, f"unknown key {key!r} (known: cable, headnote, notes, sic)")
    notes = []
    for item in data.get("notes") or []:
        w = (str(path), line_of(item) or where[1])
        if not isinstance(item, dict):
            problems.error(*w, "each note is a mapping with paragraph and text")
            continue
        para = _text(item.get("paragraph"), w, "paragraph of the note", problems, required=True)
        text = _text(item.get("text"), w, "text of the note", problems, required=True)
        anchor = _text(item.get("anchor"), w, "anchor", problems)
        if para and text:
            notes.append(Note(para.strip().lstrip("¶p"), text, anchor, w[1]))
    sic = []
    for word in data.get("sic") or []:
        t = _text(word, where, "sic entry", problems)
        if t:
            sic.append(t)
    return Annotations(cable, str(path), _text(data.get("headnote"), where, "headnote", problems), tuple(notes),
                       tuple(sic))


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
        w = (str(path), line_of(item) or line_of(data))
        if not isinstance(item, dict):
            problems.error(*w, f"entry {key!r} must be a mapping")
            continue
        name_field = "term" if kind == "term" else "name"
        desc_field = "expansion" if kind == "term" else "description"
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
        out[k] = Entry(k, name, tuple(forms), desc, tuple(sources), kind, str(path), w[1])
    return out


def load_tags(path: Path, problems: Problems) -> dict[str, dict]:
    """Read content/tags.csv: TAGS code, kind, definition, confidence and source."""
    if not path.exists():
        return {}
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[row["tag"]] = row
    return out


def load_content(root: Path, problems: Problems) -> Content:
    """Read the whole editorial layer under `root` (content/)."""
    c = Content()
    c.site = load_site(root / "site.yaml", problems)
    folder = root / "annotations"
    if not refused(folder, problems) and folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            a = load_annotations(path, problems)
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
        c.tags = load_tags(own if own.exists() else Path(__file__).parent / "data" / "tags.csv", problems)
    c.threads = load_threads(root / "threads", problems)
    pages = root / "pages"
    if not refused(pages, problems) and pages.is_dir():
        for path in sorted(pages.glob("*.md")):
            if not refused(path, problems):
                c.pages[path.stem] = path.read_text(encoding="utf-8")
    return c


# --- threads --------------------------------------------------------------------------------------

PARA_REF = re.compile(r"^\s*(?P<cable>\d{2}[A-Z]+\d+)\s*(?P<paras>(?:¶\s*\d+[a-z]?(?:\s*[-–]\s*¶?\s*\d+[a-z]?)?\s*,?\s*)*)$")
RELATIONS = {
    "follow-up": ("followed up in", "follows up"),
    "proposal-outcome": ("outcome in", "outcome of the proposal in"),
    "contrast": ("contrasted in", "contrasts with"),
    "echo": ("echoed in", "echoes"),
    "context": ("context in", "context from"),
}
"""Relations of a thread link, with the wording on the earlier and on the later side."""


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


def load_thread(path: Path, problems: Problems) -> Thread | None:
    data = load_yaml(path, problems)
    if data is None:
        return None
    where = (str(path), line_of(data))
    if not isinstance(data, dict):
        problems.error(*where, "a thread file is a mapping: title, summary, events, links")
        return None
    title = _text(data.get("title"), where, "title", problems, required=True)
    summary = _text(data.get("summary"), where, "summary", problems) or ""
    events, links = [], []
    for item in data.get("events") or []:
        w = (str(path), line_of(item) or where[1])
        if not isinstance(item, dict):
            problems.error(*w, "each event is a mapping: date, label, cable")
            continue
        date = str(item.get("date") or "")
        end = str(item["end"]) if item.get("end") else None
        label = _text(item.get("label"), w, "label of the event", problems, required=True)
        for d in (date, end):
            if d is not None and not ISO_DATE.match(d):
                problems.error(*w, f"event date {d!r} is not YYYY-MM-DD (quote it)")
        ref = None
        if item.get("cable"):
            ref = parse_para_ref(str(item["cable"]))
            if ref is None:
                problems.error(*w, f"cannot read {item['cable']!r}: write it as 07BEIJING3239 ¶1")
        if label and ISO_DATE.match(date):
            events.append(ThreadEvent(date, end, label, ref, w[1]))
    for item in data.get("links") or []:
        w = (str(path), line_of(item) or where[1])
        if not isinstance(item, dict):
            problems.error(*w, "each link is a mapping: from, to, relation, note")
            continue
        src, dst = parse_para_ref(str(item.get("from") or "")), parse_para_ref(str(item.get("to") or ""))
        if src is None or dst is None or not src.paragraphs or not dst.paragraphs:
            problems.error(*w, f"a link needs from and to written as 07BEIJING3239 ¶7 (got {item.get('from')!r} "
                               f"and {item.get('to')!r})")
            continue
        relation = _text(item.get("relation"), w, "relation", problems, required=True) or ""
        if relation and relation not in RELATIONS:
            problems.error(*w, f"unknown relation {relation!r} (known: {', '.join(RELATIONS)})")
            continue
        note = _text(item.get("note"), w, "note", problems) or ""
        links.append(ThreadLink(src, dst, relation, note, w[1]))
    if not title:
        return None
    return Thread(slug(path.stem), title, summary, tuple(events), tuple(links), str(path), where[1])


def load_threads(folder: Path, problems: Problems) -> dict[str, Thread]:
    out: dict[str, Thread] = {}
    if not refused(folder, problems) and folder.is_dir():
        for path in sorted(folder.glob("*.yaml")):
            t = load_thread(path, problems)
            if t:
                out[t.slug] = t
    return out
